"""A reader for multi-label ARFF files: the Mulan and MEKA repositories' and a user's own.

ARFF (Weka's Attribute-Relation File Format) is a header of ``@relation`` and ``@attribute``
lines followed by ``@data`` rows, either dense (``v1,v2,...``) or sparse (``{index value, ...}``,
0-based). An entry a sparse row leaves out is Weka's internal 0: 0 for a numeric attribute and
the *first declared value* of a nominal one, so a label declared ``{1,0}`` that a sparse row
leaves out is 1 (Weka, Mulan and MEKA read it so; every registered file declares ``{0,1}``).

What each attribute type becomes:

* numeric (``numeric``, ``real``, ``integer``): one feature column;
* ``{0,1}`` or ``{1,0}``: one 0/1 column holding the value (every label is such an attribute);
* any other nominal ``{a,b,c}``: one-hot, one feature column per declared value, named
  ``attr=value``;
* ``string``, ``date`` and ``relational``: rejected, naming the attribute and its line (they need
  a conversion the study cannot guess).

A missing value ``?`` of a nominal attribute leaves all its columns 0 in that row (counted per
attribute in ``meta["missing_values"]``); of a numeric attribute it stops with the file and line,
unless ``missing="zero"`` asks for 0 (counted the same way); a label is never missing. Values must
be finite and within float32, the type the study stores features in: ``nan``, ``inf`` and
``1e999`` stop with the line.

Multi-label repositories store labels as ordinary ``{0,1}`` attributes and say elsewhere which
ones they are (:func:`label_columns`):

* Mulan: an XML file lists the label names (:func:`read_mulan_labels`); Mulan matches them by
  name, and they must be the last (or first) attributes of the file, all of them. For a Mulan
  file the .xml is authoritative: a ``-C N`` left in its relation name that says otherwise is
  ignored with a warning naming both;
* MEKA: the relation name carries ``-C N``: the first ``N`` attributes are labels, or the last
  ``|N|`` when ``N`` is negative;
* or the caller says ``n_labels`` and ``labels_first``.

Files ending in ``.bz2`` or ``.gz`` are decompressed on the fly. Rows are parsed in bulk with
numpy (a per-token Python loop would take tens of seconds on IMDB); when that fast path meets
anything unusual, a line-by-line parser re-reads the rows and either accepts them (e.g. quoted
or nominal values) or reports the exact line that is wrong.

The reader is in four modules, one per part of the file, all read through this one: the header
(:mod:`xmlstudy.data.arff_header`), the data rows (:mod:`xmlstudy.data.arff_rows`), which
attributes are labels (:mod:`xmlstudy.data.arff_labels`) and, here, from a file to a
:class:`~xmlstudy.data.dataset.Dataset`.
"""
from __future__ import annotations

import bz2
import gzip
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.arff_header import ArffFile, _parse_header
from xmlstudy.data.arff_labels import LabelSourceWarning, label_columns, meka_label_count
from xmlstudy.data.arff_rows import MISSING_OPTIONS, _parse_rows_fast, _parse_rows_slowly, _Unusual
from xmlstudy.data.dataset import Dataset
from xmlstudy.data.errors import MissingDataFile, ParseError

# Names that live in the parts and are read from here, so that a caller needs this module only
# (FLOAT32_MAX and _NUMBER: xmlstudy.data.xc reads a number as an ARFF file writes it).
from xmlstudy.data.arff_header import NUMERIC_TYPES, Attribute  # noqa: F401
from xmlstudy.data.arff_labels import (meka_option, read_mulan_label_names,  # noqa: F401
                                       read_mulan_labels)
from xmlstudy.data.arff_rows import _NUMBER, FLOAT32_MAX  # noqa: F401

# 2: an omitted sparse value of a {1,0} attribute is 1, its first declared value (was 0)
READER_VERSION = "2"
# The reader's other modules: their source counts in the cache key of a user's converted files.
READER_PARTS = ("xmlstudy.data.arff_header", "xmlstudy.data.arff_rows", "xmlstudy.data.arff_labels")


def _open_text(path: Path) -> str:
    if not path.is_file():
        raise MissingDataFile(f"ARFF file {path} does not exist; give the path of the .arff file "
                              f"(plain, .gz or .bz2)")
    opener = {".bz2": bz2.open, ".gz": gzip.open}.get(path.suffix, open)
    try:
        # utf-8-sig drops a byte-order mark, which some editors put at the start of a file
        with opener(path, "rt", encoding="utf-8-sig", newline=None) as handle:
            return handle.read()
    except UnicodeDecodeError as err:
        raise ParseError(path, None, f"not UTF-8 text ({err}); ARFF files are text") from err
    except (OSError, EOFError) as err:
        raise ParseError(path, None, f"cannot be read ({err}); is it truncated or not really "
                                     f"{path.suffix or 'plain text'}?") from err



def read_arff(path: str | Path, *, missing: str = "error") -> ArffFile:
    """Parse an ARFF file (plain, .bz2 or .gz). Errors name the file and line.

    ``missing``: what a numeric ``?`` is: ``"error"`` (stop) or ``"zero"`` (kept as nan here; a
    feature reads it as 0).
    """
    if missing not in MISSING_OPTIONS:
        raise ValueError(f"missing={missing!r}; valid: {', '.join(map(repr, MISSING_OPTIONS))}")
    path = Path(path)
    # "\n" only: str.splitlines would also split at form feeds and other rare separators
    lines = _open_text(path).split("\n")
    relation, relation_line, attrs, start = _parse_header(lines, path)
    rows, row_lines = [], []
    for i in range(start, len(lines)):
        text = lines[i].strip()
        if text and not text.startswith("%"):
            rows.append(text)
            row_lines.append(i + 1)
    if not rows:
        raise ParseError(path, start, "no data rows after @data; a data set needs at least one row")
    row_lines = np.asarray(row_lines, dtype=np.int64)
    try:
        values = _parse_rows_fast(rows, attrs)
    except _Unusual:
        values = _parse_rows_slowly(rows, row_lines, attrs, path, missing)
        values.eliminate_zeros()
    return ArffFile(str(path), relation, attrs, values, row_lines, relation_line)



# --- from attributes to features and labels -------------------------------------------------

def attribute_values(arff: ArffFile) -> sp.csr_matrix:
    """``arff.values`` with the index of each ``{1,0}`` attribute turned into its value (``1 -
    index``; a missing value stays nan), so that every binary column holds 0 or 1 as written.
    Such a column left out of sparse rows is mostly 1s, and stored so."""
    flipped = [j for j, a in enumerate(arff.attributes) if a.one_first]
    if not flipped:
        return arff.values
    n = arff.values.shape[0]
    coo = arff.values.tocoo()
    keep = ~np.isin(coo.col, flipped)
    rows, cols, data = [coo.row[keep]], [coo.col[keep]], [coo.data[keep]]
    by_column = arff.values.tocsc()
    for j in flipped:
        start, end = by_column.indptr[j], by_column.indptr[j + 1]
        index = np.zeros(n)
        index[by_column.indices[start:end]] = by_column.data[start:end]
        value = 1.0 - index  # nan stays nan
        present = np.flatnonzero(value)
        rows.append(present)
        cols.append(np.full(present.size, j))
        data.append(value[present])
    return sp.csr_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                         shape=arff.values.shape)

def split_labels(arff: ArffFile, label_columns: list[int]):
    """Cut an ARFF matrix into (X, Y, feature_names, label_names, missing_values).

    Nominal features become one column per declared value; a missing value leaves a feature's
    columns 0 and is counted in ``missing_values`` (attribute name -> rows).
    """
    attrs, values = arff.attributes, attribute_values(arff)
    n = values.shape[0]
    Y = values[:, label_columns].tocsr()
    bad = np.flatnonzero(np.isnan(Y.data) | ~np.isin(Y.data, (0.0, 1.0)))
    if bad.size:
        row = int(np.searchsorted(Y.indptr, bad[0], side="right") - 1)
        attr = attrs[label_columns[Y.indices[bad[0]]]]
        value = Y.data[bad[0]]
        problem = "is missing ('?')" if np.isnan(value) else f"has value {value:g}"
        raise ParseError(arff.path, int(arff.row_lines[row]),
                         f"label attribute {attr.name!r} {problem}; labels must be 0 or 1")
    label_set = set(label_columns)
    feature_columns = [i for i in range(len(attrs)) if i not in label_set]
    counts = np.bincount(values.indices[np.isnan(values.data)], minlength=len(attrs))
    missing_values = {attrs[j].name: int(counts[j]) for j in feature_columns if counts[j]}

    blocks, names, run = [], [], []
    for j in feature_columns + [None]:
        if j is not None and attrs[j].kind != "nominal":
            run.append(j)  # neighbouring plain columns are sliced out together
            continue
        if run:
            blocks.append(values[:, run].tocsr())
            names += [attrs[i].name for i in run]
            run = []
        if j is not None:
            codes = values[:, [j]].toarray().ravel()  # absent: the first declared value
            rows = np.flatnonzero(~np.isnan(codes))
            blocks.append(sp.csr_matrix((np.ones(rows.size), (rows, codes[rows].astype(np.int64))),
                                        shape=(n, len(attrs[j].values))))
            names += [f"{attrs[j].name}={v}" for v in attrs[j].values]
    X = blocks[0] if len(blocks) == 1 else sp.hstack(blocks, format="csr")
    if missing_values:
        X = X.copy()
        X.data[np.isnan(X.data)] = 0.0
        X.eliminate_zeros()
    return X, Y, names, [attrs[i].name for i in label_columns], missing_values


def read_multilabel(path: str | Path, *, xml: str | Path | None = None, n_labels: int | None = None,
                    labels_first: bool | None = None, missing: str = "error", name: str = "",
                    split: str = "all") -> Dataset:
    """One multi-label ARFF file as a :class:`Dataset`; labels found by :func:`label_columns`.

    ``meta`` records the file, where the labels came from, the missing values per attribute and
    the text of any :class:`LabelSourceWarning` (also issued here), so that a cached copy can
    repeat it.
    """
    parsed = read_arff(path, missing=missing)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        columns, source = label_columns(parsed, xml=xml, n_labels=n_labels, labels_first=labels_first)
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=2)
    X, Y, feature_names, label_names, missing_values = split_labels(parsed, columns)
    meta = {"source_file": str(path), "labels_from": source}
    if missing_values:
        meta["missing_values"] = missing_values
    notes = [str(w.message) for w in caught if issubclass(w.category, LabelSourceWarning)]
    if notes:
        meta["warnings"] = notes
    return Dataset(name=name or Path(path).stem, split=split, X=X, Y=Y, feature_names=feature_names,
                   label_names=label_names, meta=meta)


def read_mulan(arff_path: str | Path, xml_path: str | Path):
    """A Mulan data set: (X, Y, feature_names, label_names); labels are found by their names."""
    parsed = read_arff(arff_path)
    columns, _ = label_columns(parsed, xml=xml_path)
    return split_labels(parsed, columns)[:4]


def read_meka(path: str | Path):
    """A MEKA data set: (X, Y, feature_names, label_names); labels are given by ``-C N``."""
    parsed = read_arff(path)
    meka_label_count(parsed.relation, path)
    columns, _ = label_columns(parsed)
    return split_labels(parsed, columns)[:4]
