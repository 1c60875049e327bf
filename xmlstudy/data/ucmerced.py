"""UC Merced multi-label: 2,100 aerial images, 17 object labels, 21 land-use classes.

* Labels: ``LandUse_Multilabeled.txt`` inside ``multilabels.zip`` (Chaudhuri et al. 2017): one
  tab-separated row of 17 0/1 values per image (airplane, bare-soil, buildings, ...). Groups are
  the 21 land-use classes of the original UC Merced dataset (Yang and Newsam 2010), i.e. the
  image folders.
* Images: the data mirror holds JPEG re-encodings (quality 95, no chroma subsampling) of the
  original TIFFs, listed with their sha256 in ``images_manifest.tsv`` next to the images folder.
  They have no public URL of their own, so they are found next to the manifest; every image is
  checked against its manifest sha256 when the features are computed. Most are 256 x 256 RGB, 44
  are a few pixels smaller. Rows are in the order of the label file; ``meta["image_paths"]``
  gives each row's image, and :func:`load_image` reads one lazily (for CNNs and LIME).
* Features ``X`` (312 columns), a cheap description good enough for kNN sanity checks, computed
  once per image and cached by the registry:
  a 16-bin histogram per RGB channel (48 fractions), an 8-bin histogram of the grey-level gradient
  magnitude (edges separate built-up scenes from fields and water; fixed bin edges 0, 2, 4, 8,
  16, 32, 64, 128, inf), and a 16 x 16 grey thumbnail (256 values, box-filtered). Each of the
  three blocks is scaled to unit L2 norm so that they weigh equally in distances. No statistic is
  fitted on the data, so the features cannot leak test information.
* No train/test split in the source: the registry draws a seeded random 80/20 split.
"""
from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from PIL import Image

from .dataset import DataFile, Dataset, DatasetSpec
from .errors import ChecksumError, MissingDataFile, ParseError

LABELS_FILE = DataFile(
    path="ucmerced_multilabel/multilabels.zip",
    sha256="65dcd64d619975ff28bbd15447c70df23a5ee9ebe40335b364af6b3e211943e6",
    url="https://raw.githubusercontent.com/rsim-tu-berlin/bigearth.eu/"
        "a6617baba506644837865109ea3b80a3ab40fb31/assets/docs/multilabels.zip",
)
# Written by the data mirror (the JPEG copies have no public source of their own), so it has no
# download URL: it and the images must come from a local mirror.
MANIFEST_FILE = DataFile(
    path="ucmerced_multilabel/images_manifest.tsv",
    sha256="960c5baece30cca0ae20fd641f1d6d8e247eff3c4fa9fa8e4ce0bcee26ac5e5b",
    url="",
)
LABELS_MEMBER = "multilabels/LandUse_Multilabeled.txt"

COLOUR_BINS = 16
GRADIENT_EDGES = np.array([0, 2, 4, 8, 16, 32, 64, 128, np.inf], dtype=np.float32)
THUMBNAIL = 16


def load_image(path: str | Path, size: int | tuple[int, int] | None = None) -> np.ndarray:
    """One image as a ``height x width x 3`` uint8 RGB array; ``size`` (an int for a square, or
    ``(height, width)``) resizes it bilinearly."""
    with Image.open(path) as img:
        img = img.convert("RGB")
        if size is not None:
            height, width = (size, size) if isinstance(size, int) else size
            img = img.resize((width, height), Image.BILINEAR)
        return np.asarray(img, dtype=np.uint8)


def read_labels(zip_path: Path) -> tuple[list[str], list[str], np.ndarray]:
    """Image names, the 17 label names and the 0/1 label matrix from ``multilabels.zip``.
    Raises :class:`ParseError` naming the member and line of a malformed row."""
    where = f"{zip_path}!{LABELS_MEMBER}"
    with zipfile.ZipFile(zip_path) as zf:
        if LABELS_MEMBER not in zf.namelist():
            raise ParseError(zip_path, None, f"the archive has no {LABELS_MEMBER!r}; restore the "
                             f"original multilabels.zip")
        lines = zf.read(LABELS_MEMBER).decode("utf-8").splitlines()
    header = lines[0].split("\t")
    labels = [h.strip() for h in header[1:]]
    names, rows = [], []
    for line_no, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.strip().split("\t")
        if len(fields) != len(header):
            raise ParseError(where, line_no, f"{len(fields)} tab-separated fields, expected "
                             f"{len(header)} (an image name and {len(labels)} labels)")
        if any(v not in ("0", "1") for v in fields[1:]):
            raise ParseError(where, line_no, f"label values must be 0 or 1, got {fields[1:]}")
        names.append(fields[0])
        rows.append([v == "1" for v in fields[1:]])
    return names, labels, np.array(rows, dtype=np.float32)


def read_manifest(path: Path) -> dict[str, dict]:
    """The image manifest, keyed by image name (file stem): ``jpg_path`` and ``jpg_sha256``."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        missing = {"jpg_path", "jpg_sha256"} - set(reader.fieldnames or ())
        if missing:
            raise ParseError(path, 1, f"header lacks the columns {sorted(missing)}")
        entries = {}
        for row in reader:
            if row["jpg_sha256"] is None or len(row["jpg_sha256"]) != 64:
                raise ParseError(path, reader.line_num, f"expected a 64-hex-digit jpg_sha256, "
                                 f"got {row['jpg_sha256']!r}")
            entries[Path(row["jpg_path"]).stem] = row
    return entries


def image_features(data: bytes) -> np.ndarray:
    """The 312 features of one encoded image (see the module docstring)."""
    with Image.open(io.BytesIO(data)) as img:
        img = img.convert("RGB")
        # PIL's histogram is 256 counts per channel, computed in C; 16 adjacent counts form a bin.
        counts = np.asarray(img.histogram(), np.float64).reshape(3, COLOUR_BINS, -1).sum(axis=2)
        grey_img = img.convert("L")
        thumb = np.asarray(grey_img.resize((THUMBNAIL, THUMBNAIL), Image.BOX), np.float64) / 255
        grey = np.asarray(grey_img, np.float32)
    colour = counts.ravel() / grey.size
    gy, gx = np.gradient(grey)
    magnitude = np.hypot(gx, gy).ravel()
    bins = np.searchsorted(GRADIENT_EDGES[1:-1], magnitude, side="right")
    gradient = np.bincount(bins, minlength=len(GRADIENT_EDGES) - 1) / grey.size
    blocks = [colour, gradient, thumb.ravel()]
    return np.concatenate([b / max(np.linalg.norm(b), 1e-12) for b in blocks])


def feature_names() -> list[str]:
    colour = [f"{c}_hist_{b:02d}" for c in "rgb" for b in range(COLOUR_BINS)]
    gradient = [f"gradient_hist_{lo:g}-{hi:g}" for lo, hi in zip(GRADIENT_EDGES[:-1], GRADIENT_EDGES[1:])]
    thumb = [f"thumb_{r:02d}_{c:02d}" for r in range(THUMBNAIL) for c in range(THUMBNAIL)]
    return colour + gradient + thumb


def read_ucmerced(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for the registry: all 2,100 images (no split), verified against the manifest."""
    names, labels, Y = read_labels(Path(paths[LABELS_FILE.path]))
    manifest_path = Path(paths[MANIFEST_FILE.path])
    manifest = read_manifest(manifest_path)
    unknown = [n for n in names if n not in manifest]
    if unknown or len(manifest) != len(names):
        raise ParseError(
            manifest_path, None,
            f"the manifest lists {len(manifest)} images and the label file "
            f"{len(names)}; images without a manifest entry: {unknown[:5]}"
        )
    root = manifest_path.parent
    image_paths, features = [], []
    for name in names:
        entry = manifest[name]
        path = root / entry["jpg_path"]
        if not path.is_file():
            raise MissingDataFile(
                f"UC Merced image {path} is missing. The JPEG images exist only in the data "
                f"mirror (next to images_manifest.tsv); point the data directory at the mirror"
            )
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["jpg_sha256"]:
            raise ChecksumError(f"UC Merced image {path}: sha256 {digest} differs from the manifest's "
                             f"{entry['jpg_sha256']}; the copy is corrupt, restore it from the mirror")
        image_paths.append(str(path))
        features.append(image_features(data))
    groups_text = [Path(p).parent.name for p in image_paths]
    classes = sorted(set(groups_text))
    data = Dataset(name=spec.name, split="all", X=sp.csr_matrix(np.array(features, np.float32)),
                   Y=Y, feature_names=feature_names(), label_names=labels,
                   groups=np.searchsorted(classes, groups_text), group_names=classes,
                   meta={"image_paths": image_paths, "image_name": names})
    return {"all": data}


SPECS = [
    DatasetSpec(
        name="ucmerced",
        title="UC Merced multi-label: aerial images x 17 object labels, 21 land-use classes",
        files=(LABELS_FILE, MANIFEST_FILE),
        reader=read_ucmerced,
        format="zip with a tab-separated 0/1 label table; JPEG images listed in a TSV manifest",
        source="Labels: Chaudhuri et al. 2017 (multilabels.zip from the GitHub repository "
               "rsim-tu-berlin/bigearth.eu); images: UC Merced Land Use (Yang and Newsam 2010), "
               "JPEG re-encodings of the original TIFFs in the data mirror",
        citation="chaudhuri2017multilabel,yang2010bag",
        licence="Research use; cite Chaudhuri et al. 2017 for the labels and Yang and Newsam 2010 "
                "for the images",
        split="no split in the source: a seeded random 80/20 train/test split drawn by the "
              "registry",
        expected={"rows": 2100, "train": 1680, "test": 420, "features": 312, "labels": 17,
                  "cardinality": 3.33, "empty_rows": 0},
        notes="Features: 16-bin RGB histograms, 8-bin gradient-magnitude histogram, 16x16 grey "
              "thumbnail, each block L2-normalised. Images verified against the manifest sha256.",
    )
]
