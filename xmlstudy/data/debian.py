"""Two text data sets from the Debian 12 (bookworm, 12.15) package indexes, main, amd64.

Every binary package of the archive has a name, a one-line synopsis and an English long
description, written by its maintainers for people, not for a benchmark: a real text collection
that no paper tuned for, with two label sets of very different shape.

* ``debian-deps``: description -> the packages it ``Depends`` on (the first alternative of each
  comma-separated entry, without version constraint, ``:any`` qualifier or ``[arch]``
  restriction: :func:`~xmlstudy.data.debian_index.first_alternatives`). 55,795 of the 63,440
  packages depend on something, 34,764 distinct packages in all: an extreme, heavy-tailed label
  set (libc6 on 39% of them), the size of the seeds' Wiki10-31K. ``Pre-Depends`` and
  ``Recommends`` are not labels.
* ``debtags``: description -> Debtags facets (``implemented-in::python``,
  ``interface::commandline``, ``use::editing``, ...; Zini 2005): 30,303 tagged packages, 598
  tags. The 27 ``facet::TODO`` tags (1,048 packages) are placeholders that say a facet still
  needs tagging, not what the package is; they are dropped, which leaves 8 packages with no tag.

What the reader does, and why:

* Text (``Dataset.texts``): package name, synopsis and long description, one per line block.
  The long description comes from ``Translation-en``, joined on (Package, Description-md5).
  One row per index entry (four documentation packages of the kernel appear in two versions,
  with the same text and labels; both rows stay, on the same side of every split).
* Split by source package. The binary packages built from one source (``libfoo1``,
  ``libfoo-dev``, ``libfoo-doc``) share most of their description and dependencies; a random
  package split would put near-copies on both sides and reward memorising them. Every source
  package of the index (34,169) goes to one side: a seeded 20% of them to test, then a seeded 10%
  of the rest to validation (:func:`~xmlstudy.data.splits.group_holdout`). The assignment is
  drawn over the whole index, so a source is on the same side in both data sets. The registry
  uses this validation split as it is (``split_seed`` does not redraw it; ``valid_fraction=0``
  folds it back into train).
* Labels: those carried by at least :data:`MIN_TRAIN_ROWS` (2) training rows. A label seen once
  in train has a single positive to learn from and none left to validate on, and a label never
  seen in train cannot be predicted by any method here; keeping them would only add columns that
  every method scores zero on. Rows left with no label after this cut are dropped from every
  split (a row without a positive label has no precision to score); each split's
  ``meta["rows_without_kept_label"]`` says how many, ``meta["labels_before_cut"]`` and
  ``meta["positives_before_cut"]`` how many distinct labels and (row, label) pairs its rows
  carried before the cut.
* Features: tf-idf over a vocabulary fit on the training rows only (:data:`TFIDF`): lower-cased
  word tokens of two or more letters or digits (``python3``, ``x11`` and ``64`` carry meaning
  here), in at least 2 training descriptions, the 100,000 most frequent at most; log-scaled tf
  (1 + log tf), smoothed idf from train, rows L2-normalised. No stop words are removed: idf
  weighs them down, and the word-vector methods see the words as written. The document-frequency
  floor alone leaves 32,849 words for debian-deps and 24,527 for debtags, so the cap is a guard
  for larger releases, not a cut here. Feature names are the words, so the word-vector methods
  can look them up; ``texts`` holds the raw documents for the text models.
* ``meta["package"]`` and ``meta["source"]`` name each row's binary and source package.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from . import debian_index as index
from .dataset import DataFile, Dataset, DatasetSpec
from .errors import DataError, ParseError
from .recipes import label_matrix
from .splits import TEST_SPLIT_SEED, group_holdout

READER_VERSION = 1

RELEASE = "Debian 12.15 (bookworm), released 11 July 2026"
INRELEASE = DataFile(path="debian/InRelease", url="",
                     sha256="77737fa4b34f2693e982cc9ee35736816c35a7778fc2d326cc1bbf5b301fe1aa")
PACKAGES = DataFile(path="debian/Packages.xz", url="",
                    sha256="0f10730ad44a713382f502a793a4cfbd4265a8975acabe90a66f7f16bd317d86")
TRANSLATION = DataFile(path="debian/Translation-en.xz", url="",
                       sha256="82b5b559f6b5dcbdfc90276331fde957d67affdb9fc722b9ff527b67942ef3a1")
FILES = (INRELEASE, PACKAGES, TRANSLATION)
# Where InRelease lists the uncompressed indexes (the mirror holds xz -9 copies of these).
RELEASE_PATHS = {PACKAGES.path: "main/binary-amd64/Packages",
                 TRANSLATION.path: "main/i18n/Translation-en"}

TEST_FRACTION = 0.2        # of the source packages
VALID_FRACTION = 0.1       # of the training source packages
VALID_SPLIT_SEED = 0
MIN_TRAIN_ROWS = 2         # a label needs this many training rows to be kept

TFIDF = dict(
    lowercase=True,
    token_pattern=r"(?u)\b\w\w+\b",
    min_df=2,
    max_features=100_000,
    sublinear_tf=True,
    smooth_idf=True,
    norm="l2",
    dtype=np.float32,
)


def is_placeholder_tag(tag: str) -> bool:
    """``facet::TODO`` (and ``devel::lang:TODO``): a facet that still needs tagging."""
    return tag.endswith("TODO")


def read_packages(paths: dict[str, Path]) -> list[dict]:
    """Every entry of the Packages index, in index order, as a dict with ``package``,
    ``source``, ``text``, ``depends`` and ``tags`` (lists, as the fields give them)."""
    release = index.release_sha256(paths[INRELEASE.path])
    packages_path, translation_path = paths[PACKAGES.path], paths[TRANSLATION.path]
    entries = index.read_index(packages_path, ("Package", "Description", "Description-md5"),
                               release, RELEASE_PATHS[PACKAGES.path])
    translations = index.read_index(translation_path, ("Package", "Description-md5", "Description-en"),
                                    release, RELEASE_PATHS[TRANSLATION.path])
    english = {(t["Package"], t["Description-md5"]): t["Description-en"] for t in translations}
    records = []
    for entry in entries:
        name = entry["Package"]
        key = (name, entry["Description-md5"])
        if key not in english:
            raise DataError(f"{packages_path}:{entry.line}: package {name!r} has Description-md5 "
                            f"{key[1]}, which {translation_path} does not hold; the two indexes "
                            f"are from different archive states. Fix: copy both from one snapshot")
        short, long = index.long_description(english[key])
        records.append({
            "package": name,
            "source": index.source_name(entry),
            "text": f"{name}\n{short}\n{long}".rstrip(),
            "depends": _field(entry, "Depends", index.first_alternatives, packages_path),
            "tags": _field(entry, "Tag", index.tags, packages_path),
        })
    return records


def _field(entry: index.Paragraph, field: str, parse, path) -> list[str]:
    if field not in entry:
        return []
    try:
        return parse(entry[field])
    except ValueError as err:
        raise ParseError(path, entry.lines[field], f"{field} of {entry['Package']!r}: {err}") from None


def source_sides(sources: list[str]) -> dict[str, str]:
    """Source package -> "train" / "valid" / "test" (see the module docstring)."""
    test = group_holdout(sources, TEST_FRACTION, TEST_SPLIT_SEED)
    valid = group_holdout([s for s in sources if s not in test], VALID_FRACTION, VALID_SPLIT_SEED)
    return {s: "test" if s in test else "valid" if s in valid else "train" for s in set(sources)}


def kept_labels(label_lists: list[list[str]], min_rows: int = MIN_TRAIN_ROWS) -> list[str]:
    """The labels carried by at least ``min_rows`` of the given (training) rows, sorted."""
    counts = Counter(x for labels in label_lists for x in labels)
    return sorted(x for x, c in counts.items() if c >= min_rows)


def build(records: list[dict], labels_of: str, spec: DatasetSpec,
          placeholder=lambda label: False) -> dict[str, Dataset]:
    """The train / valid / test Datasets whose labels are each record's ``labels_of`` list
    (placeholders removed); rows without any label are not part of the data set."""
    sides = source_sides([r["source"] for r in records])
    rows = {"train": [], "valid": [], "test": []}
    for r in records:
        labels = [x for x in r[labels_of] if not placeholder(x)]
        if labels:
            rows[sides[r["source"]]].append((r, labels))
    names = kept_labels([labels for _, labels in rows["train"]])
    keep = set(names)
    vectorizer = None
    parts = {}
    for split in ("train", "valid", "test"):
        chosen = [(r, [x for x in labels if x in keep]) for r, labels in rows[split]]
        nonempty = [(r, labels) for r, labels in chosen if labels]
        texts = [r["text"] for r, _ in nonempty]
        if vectorizer is None:  # train comes first: vocabulary and idf from train only
            vectorizer = TfidfVectorizer(**TFIDF).fit(texts)
        Y, _ = label_matrix([labels for _, labels in nonempty], names)
        parts[split] = Dataset(
            name=spec.name, split=split, X=vectorizer.transform(texts), Y=Y,
            feature_names=list(vectorizer.get_feature_names_out()), label_names=names, texts=texts,
            meta={"package": [r["package"] for r, _ in nonempty],
                  "source": [r["source"] for r, _ in nonempty],
                  "rows_without_kept_label": len(chosen) - len(nonempty),
                  "labels_before_cut": len({x for _, labels in rows[split] for x in labels}),
                  "positives_before_cut": sum(len(labels) for _, labels in rows[split])})
    return parts


def read_debian_deps(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for the registry: descriptions -> first-alternative Depends."""
    return build(read_packages(paths), "depends", spec)


def read_debtags(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for the registry: descriptions -> Debtags (placeholder ``::TODO`` tags dropped)."""
    return build(read_packages(paths), "tags", spec, placeholder=is_placeholder_tag)


_SOURCE = (f"Debian archive, {RELEASE}: dists/bookworm/main/binary-amd64/Packages and "
           f"dists/bookworm/main/i18n/Translation-en (mirrored as xz -9 copies; their "
           f"uncompressed sha256 is checked against the InRelease file of the release)")
_LICENCE = ("The indexes are the Debian archive's public metadata; each description belongs to "
            "its package's authors under that package's free licence")
_SPLIT = ("by source package: a seeded 20% of the 34,169 source packages of the index to test, "
          "a seeded 10% of the rest to validation; labels carried by at least 2 training rows; "
          "rows left without a label dropped")
# What the two data sets share: the files, their format, source, licence and split.
_SHARED = dict(files=FILES, source=_SOURCE, licence=_LICENCE, split=_SPLIT,
               format="Debian control indexes (deb822), xz-compressed: Packages + Translation-en")

SPECS = [
    DatasetSpec(
        name="debian-deps",
        title="Debian 12 packages: description -> dependencies",
        reader=read_debian_deps,
        citation="debian2026bookworm",
        **_SHARED,
        # train counts train + valid (as the registry's statistics do); "raw": the whole index
        # before any split or cut, as the data mirror's README gives it.
        expected={"train": 43523, "valid": 4134, "test": 9749, "features": 32849, "labels": 14099,
                  "cardinality": 4.62, "empty_rows": 0,
                  "raw": {"rows": 55795, "labels": 34764, "packages": 63440, "sources": 34169}},
        notes="Text: package name, synopsis and English long description. Labels: the first "
              "alternative of each Depends entry (versions, :any and [arch] dropped). Features: "
              "tf-idf fit on train (word tokens of 2+ characters, min_df 2, at most 100,000 terms, "
              "sublinear tf, L2 rows); raw texts in Dataset.texts.",
    ),
    DatasetSpec(
        name="debtags",
        title="Debian 12 packages: description -> Debtags facets",
        reader=read_debtags,
        citation="debian2026bookworm,zini2005debtags",
        **_SHARED,
        # "raw" counts the 27 facet::TODO placeholders among the 598 tags.
        expected={"train": 24336, "valid": 2431, "test": 5959, "features": 24527, "labels": 540,
                  "cardinality": 3.66, "empty_rows": 0,
                  "raw": {"rows": 30303, "labels": 598, "placeholders": 27}},
        notes="Text as debian-deps. Labels: the Debtags of the Tag field (facet::value), without "
              "the 27 facet::TODO placeholders. Features: as debian-deps, fit on this data set's "
              "train rows.",
    ),
]
