"""A reader for the ARFF files of the Mulan and MEKA multi-label repositories.

ARFF (Weka's Attribute-Relation File Format) is a header of ``@relation`` and ``@attribute``
lines followed by ``@data`` rows, either dense (``v1,v2,...``) or sparse (``{index value, ...}``,
0-based, absent entries are 0). Multi-label repositories store labels as ordinary ``{0,1}``
attributes and say elsewhere which ones they are:

* Mulan: an XML file lists the label names (:func:`read_mulan_label_names`); in practice they are
  the last attributes, but Mulan matches them by name, and so does :func:`read_mulan`.
* MEKA: the relation name carries ``-C N``: the first ``N`` attributes are labels, or the last
  ``|N|`` when ``N`` is negative (:func:`read_meka`).

Only what these repositories use is supported: numeric (``numeric``, ``real``, ``integer``) and
``{0,1}`` attributes; a string, date or other nominal attribute, or a missing value ``?``, stops
with an error naming the file and line. Files ending in ``.bz2`` or ``.gz`` are decompressed on
the fly.

Rows are parsed in bulk with numpy (a per-token Python loop would take tens of seconds on IMDB);
when that fast path meets anything unusual, a line-by-line parser re-reads the rows and either
accepts them (e.g. quoted values) or reports the exact line that is wrong.
"""
from __future__ import annotations

import bz2
import gzip
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.errors import ParseError

NUMERIC_TYPES = ("numeric", "real", "integer")


@dataclass
class Attribute:
    name: str
    binary: bool  # a {0,1} attribute; otherwise numeric
    line: int


@dataclass
class ArffFile:
    """The parsed content of one ARFF file: ``values`` is ``rows x attributes`` (CSR, float64)."""

    path: str
    relation: str
    attributes: list[Attribute]
    values: sp.csr_matrix
    row_lines: np.ndarray  # the file line of each data row, for error messages

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.attributes]


def _open_text(path: Path) -> str:
    opener = {".bz2": bz2.open, ".gz": gzip.open}.get(path.suffix, open)
    try:
        with opener(path, "rt", encoding="utf-8", newline=None) as handle:
            return handle.read()
    except UnicodeDecodeError as err:
        raise ParseError(path, None, f"not UTF-8 text ({err}); ARFF files are text") from err
    except (OSError, EOFError) as err:
        raise ParseError(path, None, f"cannot be read ({err}); is it truncated or not really "
                                     f"{path.suffix or 'plain text'}?") from err


# --- header ---------------------------------------------------------------------------------

def _take_name(text: str, path: Path, line: int) -> tuple[str, str]:
    """Split ``text`` into a (possibly quoted) name and the rest of the line."""
    text = text.lstrip()
    if not text:
        raise ParseError(path, line, "expected a name after the keyword")
    quote = text[0]
    if quote in "'\"":
        out, i = [], 1
        while i < len(text):
            ch = text[i]
            if ch == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 2
                continue
            if ch == quote:
                return "".join(out), text[i + 1:].strip()
            out.append(ch)
            i += 1
        raise ParseError(path, line, f"unterminated quoted name {text!r}: expected a closing {quote}")
    match = re.match(r"[^\s{]+", text)
    return match.group(0), text[match.end():].strip()


def _attribute(rest: str, path: Path, line: int) -> Attribute:
    name, kind = _take_name(rest, path, line)
    if kind.lower() in NUMERIC_TYPES:
        return Attribute(name, binary=False, line=line)
    if kind.startswith("{") and kind.endswith("}"):
        values = {v.strip().strip("'\"") for v in kind[1:-1].split(",")}
        if values == {"0", "1"}:
            return Attribute(name, binary=True, line=line)
        raise ParseError(path, line, f"attribute {name!r} is nominal {kind}; only numeric and {{0,1}} "
                                     f"attributes are supported")
    raise ParseError(path, line, f"attribute {name!r} has type {kind!r}; expected one of "
                                 f"{', '.join(NUMERIC_TYPES)} or {{0,1}}")


def _parse_header(lines: list[str], path: Path) -> tuple[str, list[Attribute], int]:
    """Return (relation, attributes, index of the first line after @data)."""
    relation, attributes = "", []
    for i, raw in enumerate(lines):
        text = raw.strip()
        if not text or text.startswith("%"):
            continue
        keyword, _, rest = text.partition(" ")
        keyword = keyword.lower()
        if keyword == "@relation":
            relation, _ = _take_name(rest, path, i + 1)
        elif keyword == "@attribute":
            attributes.append(_attribute(rest, path, i + 1))
        elif keyword == "@data":
            if not attributes:
                raise ParseError(path, i + 1, "@data before any @attribute line")
            return relation, attributes, i + 1
        else:
            raise ParseError(path, i + 1, f"expected @relation, @attribute or @data in the header, "
                                          f"found {text[:60]!r}")
    raise ParseError(path, len(lines), "no @data line: the file is truncated or not ARFF")


# --- rows: the line-by-line reference parser ------------------------------------------------

def _value(token: str, attr: Attribute, path: Path, line: int) -> float:
    token = token.strip().strip("'\"")
    if token == "?":
        raise ParseError(path, line, f"missing value '?' for attribute {attr.name!r}; missing values "
                                     f"are not supported")
    if attr.binary:
        if token not in ("0", "1"):
            raise ParseError(path, line, f"attribute {attr.name!r} is {{0,1}} but the value is {token!r}")
        return float(token)
    try:
        return float(token)
    except ValueError:
        raise ParseError(path, line, f"attribute {attr.name!r} is numeric but the value is "
                                     f"{token!r}") from None


def _parse_row_slowly(text: str, line: int, attrs: list[Attribute], path: Path):
    """Parse one data row; return (column indices, values). Raises ParseError on any defect."""
    n = len(attrs)
    if text.startswith("{"):
        if not text.endswith("}"):
            raise ParseError(path, line, "sparse row must end with '}' (expected '{index value, ...}')")
        inner = text[1:-1].strip()
        cols, vals, previous = [], [], -1
        for item in inner.split(",") if inner else []:
            parts = item.split()
            if len(parts) != 2:
                raise ParseError(path, line, f"expected 'index value' in a sparse row, "
                                             f"found {item.strip()!r}")
            try:
                col = int(parts[0])
            except ValueError:
                raise ParseError(path, line, f"sparse index {parts[0]!r} is not an integer") from None
            if not 0 <= col < n:
                raise ParseError(path, line, f"sparse index {col} is outside 0..{n - 1} "
                                             f"(the file declares {n} attributes)")
            if col <= previous:
                raise ParseError(path, line, f"sparse indices must increase; {col} follows {previous}")
            previous = col
            cols.append(col)
            vals.append(_value(parts[1], attrs[col], path, line))
        return cols, vals
    tokens = text.split(",")
    if len(tokens) != n:
        raise ParseError(path, line, f"expected {n} comma-separated values (one per attribute), "
                                     f"found {len(tokens)}")
    vals = [_value(tok, attr, path, line) for tok, attr in zip(tokens, attrs)]
    return list(range(n)), vals


def _parse_rows_slowly(rows: list[str], row_lines: np.ndarray, attrs, path) -> sp.csr_matrix:
    indptr, cols, vals = [0], [], []
    for text, line in zip(rows, row_lines):
        c, v = _parse_row_slowly(text, int(line), attrs, path)
        cols += c
        vals += v
        indptr.append(len(cols))
    return sp.csr_matrix((np.asarray(vals, dtype=np.float64), np.asarray(cols, dtype=np.int64),
                          np.asarray(indptr, dtype=np.int64)), shape=(len(rows), len(attrs)))


# --- rows: the bulk parser ------------------------------------------------------------------

class _Unusual(Exception):
    """The bulk parser met something only the line-by-line parser can judge."""


def _parse_rows_fast(rows: list[str], attrs: list[Attribute]) -> sp.csr_matrix:
    n_attr = len(attrs)
    binary = np.array([a.binary for a in attrs])
    sparse_rows = [r.startswith("{") for r in rows]
    if any(sparse_rows) and not all(sparse_rows):
        raise _Unusual  # mixed sparse and dense rows: legal but rare, leave it to the slow path
    if all(sparse_rows) and rows:
        if not all(r.endswith("}") for r in rows):
            raise _Unusual
        bodies = [r[1:-1] for r in rows]
        counts = np.array([b.count(",") + 1 if b.strip() else 0 for b in bodies], dtype=np.int64)
        tokens = " ".join(bodies).replace(",", " ").split()
        if len(tokens) != 2 * counts.sum():
            raise _Unusual
        try:
            cols = np.array(tokens[0::2]).astype(np.int64)
            vals = np.array(tokens[1::2]).astype(np.float64)
        except ValueError:
            raise _Unusual from None
        indptr = np.concatenate([[0], np.cumsum(counts)])
        if cols.size:
            if cols.min() < 0 or cols.max() >= n_attr:
                raise _Unusual
            increasing = np.diff(cols) > 0
            starts = indptr[:-1][counts > 0]
            increasing[starts[starts > 0] - 1] = True  # the first index of a row may go down
            if not increasing.all():
                raise _Unusual
    else:
        counts = np.array([r.count(",") + 1 for r in rows], dtype=np.int64)
        if (counts != n_attr).any():
            raise _Unusual
        try:
            vals = np.array(",".join(rows).split(",")).astype(np.float64) if rows else np.zeros(0)
        except ValueError:
            raise _Unusual from None
        cols = np.tile(np.arange(n_attr, dtype=np.int64), len(rows))
        indptr = np.arange(len(rows) + 1, dtype=np.int64) * n_attr
    if cols.size and not np.isin(vals[binary[cols]], (0.0, 1.0)).all():
        raise _Unusual
    matrix = sp.csr_matrix((vals, cols, indptr), shape=(len(rows), n_attr))
    matrix.eliminate_zeros()
    return matrix


def read_arff(path: str | Path) -> ArffFile:
    """Parse an ARFF file (plain, .bz2 or .gz). Errors name the file and line."""
    path = Path(path)
    lines = _open_text(path).splitlines()
    relation, attrs, start = _parse_header(lines, path)
    rows, row_lines = [], []
    for i in range(start, len(lines)):
        text = lines[i].strip()
        if text and not text.startswith("%"):
            rows.append(text)
            row_lines.append(i + 1)
    row_lines = np.asarray(row_lines, dtype=np.int64)
    try:
        values = _parse_rows_fast(rows, attrs)
    except _Unusual:
        values = _parse_rows_slowly(rows, row_lines, attrs, path)
        values.eliminate_zeros()
    return ArffFile(str(path), relation, attrs, values, row_lines)


# --- multi-label conventions ------------------------------------------------------------------

def read_mulan_label_names(xml_path: str | Path) -> list[str]:
    """The label names listed in a Mulan ``.xml`` file, in file order (nested labels flattened)."""
    xml_path = Path(xml_path)
    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as err:
        line = err.position[0] if err.position else None
        raise ParseError(xml_path, line, f"malformed Mulan label XML ({err})") from None
    names = [el.get("name") for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "label"]
    if not names or any(n is None for n in names):
        raise ParseError(xml_path, None, "expected <label name=\"...\"> elements listing the labels")
    return names


def meka_label_count(relation: str, path: str | Path = "") -> int:
    """The ``N`` of ``-C N`` in a MEKA relation name (negative: the labels are the last ``|N|``)."""
    match = re.search(r"-C\s+(-?\d+)", relation)
    if not match or int(match.group(1)) == 0:
        raise ParseError(path, None, f"relation {relation!r} has no '-C N' option; MEKA files name the "
                                     f"number of labels there (e.g. @relation 'IMDB: -C 28')")
    return int(match.group(1))


def split_labels(arff: ArffFile, label_columns: list[int]):
    """Cut an ARFF matrix into (X, Y, feature_names, label_names); labels must be 0/1."""
    label_set = set(label_columns)
    feature_columns = [i for i in range(len(arff.attributes)) if i not in label_set]
    Y = arff.values[:, label_columns].tocsr()
    bad = np.flatnonzero(~np.isin(Y.data, (0.0, 1.0)))
    if bad.size:
        row = int(np.searchsorted(Y.indptr, bad[0], side="right") - 1)
        attr = arff.attributes[label_columns[Y.indices[bad[0]]]]
        raise ParseError(arff.path, int(arff.row_lines[row]),
                         f"label attribute {attr.name!r} has value {Y.data[bad[0]]:g}; labels must be 0 or 1")
    X = arff.values[:, feature_columns].tocsr()
    names = arff.names
    return X, Y, [names[i] for i in feature_columns], [names[i] for i in label_columns]


def read_mulan(arff_path: str | Path, xml_path: str | Path):
    """A Mulan data set: (X, Y, feature_names, label_names); labels are found by their names."""
    arff = read_arff(arff_path)
    label_names = read_mulan_label_names(xml_path)
    position = {name: i for i, name in enumerate(arff.names)}
    missing = [n for n in label_names if n not in position]
    if missing:
        raise ParseError(arff_path, None, f"{len(missing)} labels of {xml_path} are not attributes of "
                                          f"this file (e.g. {missing[:3]}); the .xml and .arff "
                                          f"do not belong together")
    return split_labels(arff, [position[n] for n in label_names])


def read_meka(path: str | Path):
    """A MEKA data set: (X, Y, feature_names, label_names); labels are given by ``-C N``."""
    arff = read_arff(path)
    n = meka_label_count(arff.relation, path)
    total = len(arff.attributes)
    if abs(n) >= total:
        raise ParseError(path, None, f"'-C {n}' asks for {abs(n)} labels but the file has only "
                                     f"{total} attributes")
    columns = list(range(n)) if n > 0 else list(range(total + n, total))
    return split_labels(arff, columns)
