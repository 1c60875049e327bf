"""SIDER: 1,427 marketed drugs, 27 side-effect classes (MedDRA system organ classes).

The file is MoleculeNet's curation of the SIDER database as shipped with chemprop: a CSV whose
first column is a SMILES string and whose other 27 columns are 0/1 side-effect labels. It has
no train/test split; the registry draws a seeded random 80/20 test split.

Features (the source has none): an ECFP4-style Morgan fingerprint, radius 2, folded to 1,024
bits, 0/1, computed with RDKit's Morgan fingerprint generator with its default atom invariants
(no chirality). Fixed-length bit vectors are the standard baseline representation for molecular
property prediction, need no fitted statistics (so no test information can leak into them) and
are deterministic. Feature names are ``morgan2_bit_0000`` ... ``morgan2_bit_1023``.
MPVAE and C-GMVAE used a 38-dimensional feature vector for SIDER whose origin is not documented
in either paper or code; it could not be reproduced, so results on SIDER are not expected to
match theirs feature for feature.

Molecules RDKit cannot sanitise (for example a hypervalent atom) are parsed again without
sanitisation and fingerprinted from that graph; a SMILES that does not parse at all gets an
all-zero fingerprint. Either case is counted and warned about, and ``meta["smiles_status"]``
records ``"ok"``, ``"unsanitized"`` or ``"unparsed"`` per row, so no drug is silently lost and
the published row count is kept. With RDKit 2026.09 every SIDER molecule parses.
"""
from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .dataset import DataFile, Dataset, DatasetSpec
from .errors import ParseError

FILE = DataFile(
    path="sider/sider.csv",
    sha256="71efc6ac4ca82d6545bc512509863281be0f17234afd7adaf71a71899988302e",
    url="https://raw.githubusercontent.com/chemprop/chemprop/"
        "f814b63ee66d574d9357366bf6c08c11a1b24478/data/sider.csv",
)

RADIUS = 2
N_BITS = 1024


def read_csv_labels(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    """SMILES strings, label names and the 0/1 label matrix of a SIDER-style CSV.

    Raises :class:`ParseError` naming file and line for a header without a ``smiles`` first column,
    a row with the wrong number of fields or a label value other than 0/1.
    """
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header or header[0].strip().lower() != "smiles" or len(header) < 2:
            raise ParseError(path, 1, f"expected a header 'smiles,<label 1>,<label 2>,...', "
                                      f"got {header!r}")
        smiles, rows = [], []
        for record in reader:
            line = reader.line_num
            if not record:
                continue
            if len(record) != len(header):
                raise ParseError(
                    path, line,
                    f"{len(record)} fields, the header has {len(header)} "
                    f"(a SMILES and {len(header) - 1} labels)"
                )
            values = record[1:]
            bad = [(name, v) for name, v in zip(header[1:], values) if v not in ("0", "1")]
            if bad:
                raise ParseError(
                    path, line,
                    f"label {bad[0][0]!r} is {bad[0][1]!r}; labels must be 0 or 1"
                )
            smiles.append(record[0])
            rows.append([v == "1" for v in values])
    return smiles, header[1:], np.array(rows, dtype=np.float32).reshape(len(rows), len(header) - 1)


def morgan_fingerprints(smiles: list[str], radius: int = RADIUS, n_bits: int = N_BITS
                        ) -> tuple[sp.csr_matrix, list[str]]:
    """0/1 Morgan fingerprints (CSR, ``len(smiles) x n_bits``) and a per-molecule status."""
    from rdkit import Chem, RDLogger
    from rdkit.Chem import rdFingerprintGenerator

    generator = rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=n_bits)
    bits = np.zeros((len(smiles), n_bits), dtype=np.float32)
    status = []
    RDLogger.DisableLog("rdApp.*")  # failures are counted and reported below instead
    try:
        for i, s in enumerate(smiles):
            mol = Chem.MolFromSmiles(s)
            state = "ok"
            if mol is None:
                mol = Chem.MolFromSmiles(s, sanitize=False)
                state = "unparsed" if mol is None else "unsanitized"
                if mol is not None:
                    # Enough perception (valences, rings) for the fingerprint, without the
                    # chemistry checks that rejected the molecule.
                    mol.UpdatePropertyCache(strict=False)
                    Chem.FastFindRings(mol)
            if mol is not None:
                bits[i] = generator.GetFingerprintAsNumPy(mol)
            status.append(state)
    finally:
        RDLogger.EnableLog("rdApp.*")
    return sp.csr_matrix(bits), status


def read_sider(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for the registry: all 1,427 drugs (no split), Morgan fingerprint features."""
    path = Path(paths[FILE.path])
    smiles, labels, Y = read_csv_labels(path)
    X, status = morgan_fingerprints(smiles)
    failed = {s: status.count(s) for s in ("unsanitized", "unparsed") if s in status}
    if failed:
        warnings.warn(
            f"{path}: RDKit could not sanitise {failed.get('unsanitized', 0)} and could not parse "
            f"{failed.get('unparsed', 0)} of {len(smiles)} SMILES; the former are fingerprinted "
            f"unsanitised, the latter get all-zero features (see meta['smiles_status'])",
            stacklevel=2,
        )
    names = [f"morgan{RADIUS}_bit_{b:04d}" for b in range(N_BITS)]
    data = Dataset(name=spec.name, split="all", X=X, Y=Y, feature_names=names,
                   label_names=labels, meta={"smiles": smiles, "smiles_status": status})
    return {"all": data}


SPECS = [
    DatasetSpec(
        name="sider",
        title="SIDER side effects (MoleculeNet curation, 27 system organ classes)",
        files=(FILE,),
        reader=read_sider,
        format="CSV: smiles + 27 0/1 label columns",
        source="SIDER 4.1 as curated by MoleculeNet, file data/sider.csv of the GitHub "
               "repository chemprop/chemprop at commit f814b63ee66d574d9357366bf6c08c11a1b24478",
        citation="kuhn2016sider,wu2018moleculenet",
        licence="SIDER is released under CC BY-NC-SA 4.0 (non-commercial use); MoleculeNet's "
                "curated files follow the original data's terms",
        split="no split in the source: a seeded random 80/20 train/test split drawn by the "
              "registry",
        expected={"rows": 1427, "train": 1142, "test": 285, "features": N_BITS, "labels": 27,
                  "cardinality": 15.32, "empty_rows": 0,
                  "published": {"rows": 1427, "features": 38, "labels": 27, "cardinality": 15.3}},
        notes="Features: Morgan fingerprint radius 2, 1,024 bits (RDKit), not the 38 features of "
              "unknown origin used by MPVAE/C-GMVAE. C-GMVAE lists 1,427 samples, 27 labels, "
              "cardinality 15.3.",
    )
]
