"""The data rows of an ARFF file, dense (``v1,v2,...``) and sparse (``{index value, ...}``): a
bulk numpy parser for the usual numeric files and a line-by-line one that accepts the rest
(quoted or nominal values) or names the file and line that is wrong. Read through
:mod:`xmlstudy.data.arff`.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.arff_header import Attribute, _fields, _plain
from xmlstudy.data.errors import ParseError

MISSING_OPTIONS = ("error", "zero")
FLOAT32_MAX = float(np.finfo(np.float32).max)
# A number as ARFF writes it; Python's float() also takes "1_0", "nan", "infinity" and non-ASCII
# digits, none of which a well-formed ARFF file contains.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


# --- rows: the line-by-line reference parser ------------------------------------------------

def _value(token: str, quoted: bool, attr: Attribute, path: Path, line: int, missing: str) -> float:
    if token == "?" and not quoted:
        if attr.kind == "numeric" and missing == "error":
            raise ParseError(path, line, f"missing value '?' for the numeric attribute {attr.name!r}; "
                                         f"fill it in, or load with missing='zero' to read it as 0")
        return np.nan
    if attr.kind != "numeric":
        if token not in attr.codes:
            raise ParseError(path, line, f"attribute {attr.name!r} is {attr.declared()} but the value "
                                         f"is {token!r}")
        return float(attr.codes[token])  # the index; for {0,1} it is the value
    if not _NUMBER.fullmatch(token):
        try:
            finite = np.isfinite(float(token))
        except ValueError:
            finite = True
        problem = "is not a finite number" if not finite else "is not a number"
        raise ParseError(path, line, f"attribute {attr.name!r} is numeric but the value {token!r} "
                                     f"{problem}; write a missing value as '?'")
    value = float(token)
    if not abs(value) <= FLOAT32_MAX:
        raise ParseError(path, line, f"attribute {attr.name!r} is numeric but the value {token!r} is "
                                     f"not a finite float32 number (|x| <= {FLOAT32_MAX:.3g}), the type "
                                     f"features are stored in")
    return value


def _parse_row_slowly(text: str, line: int, attrs: list[Attribute], path: Path, missing: str):
    """Parse one data row; return (column indices, values). Raises ParseError on any defect."""
    n = len(attrs)
    if text.startswith("{"):
        if not text.endswith("}"):
            raise ParseError(path, line, "sparse row must end with '}' (expected '{index value, ...}')")
        items = _fields(text[1:-1], path, line)
        if items == [("", None)]:
            return [], []
        cols, vals, previous = [], [], -1
        for bare, quoted in items:
            parts = bare.split() + ([] if quoted is None else [quoted])
            if len(parts) != 2:
                raise ParseError(path, line, f"expected 'index value' in a sparse row, found "
                                             f"{bare if quoted is None else bare + ' ' + repr(quoted)!r}")
            if not parts[0].isascii() or not parts[0].isdigit():
                raise ParseError(path, line, f"sparse index {parts[0]!r} is not an integer")
            value = (parts[1], False) if quoted is None else (quoted, True)
            if quoted is None:
                _plain((parts[1], None), path, line)
            col = int(parts[0])
            if not 0 <= col < n:
                raise ParseError(path, line, f"sparse index {col} is outside 0..{n - 1} "
                                             f"(the file declares {n} attributes)")
            if col <= previous:
                raise ParseError(path, line, f"sparse indices must increase; {col} follows {previous}")
            previous = col
            cols.append(col)
            vals.append(_value(*value, attrs[col], path, line, missing))
        return cols, vals
    fields = _fields(text, path, line)
    if len(fields) != n:
        raise ParseError(path, line, f"expected {n} comma-separated values (one per attribute), "
                                     f"found {len(fields)}")
    vals = [_value(*_plain(f, path, line), attr, path, line, missing) for f, attr in zip(fields, attrs)]
    return list(range(n)), vals


def _parse_rows_slowly(rows: list[str], row_lines: np.ndarray, attrs, path, missing="error"):
    indptr, cols, vals = [0], [], []
    for text, line in zip(rows, row_lines):
        c, v = _parse_row_slowly(text, int(line), attrs, path, missing)
        cols += c
        vals += v
        indptr.append(len(cols))
    return sp.csr_matrix((np.asarray(vals, dtype=np.float64), np.asarray(cols, dtype=np.int64),
                          np.asarray(indptr, dtype=np.int64)), shape=(len(rows), len(attrs)))


# --- rows: the bulk parser ------------------------------------------------------------------

class _Unusual(Exception):
    """The bulk parser met something only the line-by-line parser can judge."""


def _parse_rows_fast(rows: list[str], attrs: list[Attribute]) -> sp.csr_matrix:
    """Numeric and {0,1} attributes, unquoted plain numbers only; anything else is _Unusual."""
    n_attr = len(attrs)
    if any(a.kind == "nominal" for a in attrs):
        raise _Unusual  # nominal values are names, not numbers
    binary = np.array([a.binary for a in attrs])
    sparse_rows = [r.startswith("{") for r in rows]
    if any(sparse_rows) and not all(sparse_rows):
        raise _Unusual  # mixed sparse and dense rows: legal but rare, leave it to the slow path
    if not all(r.isascii() and "_" not in r and "\0" not in r for r in rows):
        # float() would take "1_0" or non-ASCII digits, numpy strings drop a trailing NUL
        raise _Unusual
    if all(sparse_rows) and rows:
        if not all(r.endswith("}") for r in rows):
            raise _Unusual
        bodies = [r[1:-1] for r in rows]
        counts = np.array([b.count(",") + 1 if b.strip() else 0 for b in bodies], dtype=np.int64)
        tokens = " ".join(bodies).replace(",", " ").split()
        if len(tokens) != 2 * counts.sum():
            raise _Unusual
        texts, index_texts = np.array(tokens[1::2], dtype=str), np.array(tokens[0::2], dtype=str)
        if not np.char.isdigit(index_texts).all():
            raise _Unusual  # numpy would also take "+1" or "-0" as an index
        try:
            cols = index_texts.astype(np.int64)
            vals = texts.astype(np.float64)
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
        texts = np.array(",".join(rows).split(","), dtype=str) if rows else np.zeros(0, dtype=str)
        try:
            vals = texts.astype(np.float64)
        except ValueError:
            raise _Unusual from None
        cols = np.tile(np.arange(n_attr, dtype=np.int64), len(rows))
        indptr = np.arange(len(rows) + 1, dtype=np.int64) * n_attr
    if not (np.abs(vals) <= FLOAT32_MAX).all():
        raise _Unusual  # nan, inf or beyond float32
    if cols.size and not np.isin(texts[binary[cols]], ("0", "1")).all():
        raise _Unusual  # a {0,1} value must be written 0 or 1, not 1.0 or +1
    one_first = np.array([a.one_first for a in attrs])
    if cols.size and one_first.any():
        vals = np.where(one_first[cols], 1.0 - vals, vals)  # the index of the value in {1,0}
    matrix = sp.csr_matrix((vals, cols, indptr), shape=(len(rows), n_attr))
    matrix.eliminate_zeros()
    return matrix

