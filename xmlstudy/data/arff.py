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
"""
from __future__ import annotations

import bz2
import gzip
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.dataset import Dataset
from xmlstudy.data.errors import LabelColumnsError, MissingDataFile, ParseError

# 2: an omitted sparse value of a {1,0} attribute is 1, its first declared value (was 0)
READER_VERSION = "2"
NUMERIC_TYPES = ("numeric", "real", "integer")
MISSING_OPTIONS = ("error", "zero")
FLOAT32_MAX = float(np.finfo(np.float32).max)
# A number as ARFF writes it; Python's float() also takes "1_0", "nan", "infinity" and non-ASCII
# digits, none of which a well-formed ARFF file contains.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


@dataclass
class Attribute:
    name: str
    kind: str  # "numeric", "binary" (the nominal {0,1} or {1,0}) or "nominal"
    line: int
    values: tuple[str, ...] = ()  # the declared values of a nominal attribute, in order
    codes: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def binary(self) -> bool:
        return self.kind == "binary"

    @property
    def one_first(self) -> bool:
        """A binary attribute declared ``{1,0}``: its index is not its value."""
        return self.binary and self.values[0] == "1"

    def declared(self) -> str:
        return self.kind if self.kind == "numeric" else "{" + ",".join(self.values) + "}"


@dataclass
class ArffFile:
    """The parsed content of one ARFF file: ``values`` is ``rows x attributes`` (CSR, float64).

    A numeric attribute holds its value, a nominal one (``{0,1}`` included) the index of its
    value among the declared ones, so that 0, what a sparse row leaves out, is the first declared
    value, as in Weka. For ``{0,1}`` the index is the value; :func:`split_labels` turns the index
    of a ``{1,0}`` attribute into its value. ``nan`` marks a missing value ``?``.
    """

    path: str
    relation: str
    attributes: list[Attribute]
    values: sp.csr_matrix
    row_lines: np.ndarray  # the file line of each data row, for error messages
    relation_line: int = 1

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.attributes]


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


# --- values: quoting ------------------------------------------------------------------------

# What an unquoted name or value may not hold; a backslash-escaped quote is kept as written
# (Delicious has the label TAG_m\'usica, and its .xml names it so).
_NEEDS_QUOTES = re.compile(r"[\s,{}%]|(?<!\\)['\"]")


def _fields(text: str, path: Path, line: int) -> list[tuple[str, str | None]]:
    """Split ``text`` at the commas outside quotes: each field as (its unquoted text, stripped;
    its quoted value or None). A quoted value ends its field: ``2 'a b'`` is ``("2", "a b")``;
    a backslash in quotes keeps the next character as it is."""
    fields, bare, i, n = [], "", 0, len(text)
    while True:
        ch = text[i] if i < n else ","
        if ch == ",":
            fields.append((bare.strip(), None))
            if i >= n:
                return fields
            bare, i = "", i + 1
        elif ch in "'\"":
            if bare and not bare[-1].isspace():
                raise ParseError(path, line, f"a quote inside the value {bare.strip() + ch!r}; quote "
                                             f"the whole value")
            j, part = i + 1, []
            while j < n and text[j] != ch:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                part.append(text[j])
                j += 1
            if j >= n:
                raise ParseError(path, line, f"unterminated quoted value: expected a closing {ch}")
            k = j + 1
            while k < n and text[k] in " \t":
                k += 1
            if k < n and text[k] != ",":
                raise ParseError(path, line, f"unexpected {text[k]!r} after the quoted value "
                                             f"{''.join(part)!r}; expected ',' or the end")
            fields.append((bare.strip(), "".join(part)))
            if k >= n:
                return fields
            bare, i = "", k + 1
        else:
            bare += ch
            i += 1


def _plain(field: tuple[str, str | None], path: Path, line: int) -> tuple[str, bool]:
    """One value of a field: (text, whether it was quoted). Unquoted text may not hold
    whitespace or , { } ' " % (ARFF asks for quotes then)."""
    bare, quoted = field
    if quoted is not None:
        if bare:
            raise ParseError(path, line, f"unexpected {bare!r} before the quoted value {quoted!r}")
        return quoted, True
    if _NEEDS_QUOTES.search(bare):
        raise ParseError(path, line, f"the value {bare!r} holds whitespace or one of , {{ }} ' \" %; "
                                     f"ARFF needs it quoted")
    return bare, False


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
    match = re.match(r"\S+", text)  # a name ends at whitespace: 'a{0,1}' is a name without a type
    if _NEEDS_QUOTES.search(match.group(0)):
        raise ParseError(path, line, f"the name {match.group(0)!r} holds one of , {{ }} ' \" %, which ARFF "
                                     f"only allows in a quoted name; quote it or fix it")
    return match.group(0), text[match.end():].strip()


def _attribute(rest: str, path: Path, line: int) -> Attribute:
    name, kind = _take_name(rest, path, line)
    if kind.lower() in NUMERIC_TYPES:
        return Attribute(name, "numeric", line)
    if kind.startswith("{") and kind.endswith("}"):
        values = [_plain(f, path, line)[0] for f in _fields(kind[1:-1], path, line)]
        if "" in values:
            raise ParseError(path, line, f"attribute {name!r} declares an empty nominal value in {kind}")
        if len(set(values)) != len(values):
            twice = next(v for v in values if values.count(v) > 1)
            raise ParseError(path, line, f"attribute {name!r} declares the value {twice!r} twice")
        codes = {v: i for i, v in enumerate(values)}
        return Attribute(name, "binary" if set(values) == {"0", "1"} else "nominal", line,
                         tuple(values), codes)
    word = kind.split()[0].lower() if kind.split() else ""
    if not word:
        raise ParseError(path, line, f"attribute {name!r} has no type; expected one of "
                                     f"{', '.join(NUMERIC_TYPES)} or a nominal {{a,b,...}} after the name")
    if word in ("string", "date", "relational"):
        raise ParseError(path, line, f"attribute {name!r} is a {word} attribute, which has no numeric "
                                     f"form; turn it into numeric or nominal attributes (or drop it) "
                                     f"before loading")
    raise ParseError(path, line, f"attribute {name!r} has type {kind!r}; expected one of "
                                 f"{', '.join(NUMERIC_TYPES)} or a nominal {{a,b,...}}")


def _parse_header(lines: list[str], path: Path) -> tuple[str, int, list[Attribute], int]:
    """Return (relation, its line, attributes, index of the first line after @data)."""
    relation, relation_line, attributes, seen = "", 1, [], {}
    for i, raw in enumerate(lines):
        text = raw.strip()
        if not text or text.startswith("%"):
            continue
        keyword, rest = (text.split(None, 1) + [""])[:2]  # any whitespace after the keyword
        keyword = keyword.lower()
        if keyword == "@relation":
            (relation, _), relation_line = _take_name(rest, path, i + 1), i + 1
        elif keyword == "@attribute":
            attr = _attribute(rest, path, i + 1)
            if attr.name in seen:
                raise ParseError(path, i + 1, f"attribute {attr.name!r} is declared twice (first on line "
                                              f"{seen[attr.name]}); every attribute needs its own name")
            seen[attr.name] = i + 1
            attributes.append(attr)
        elif keyword == "@data":
            if not attributes:
                raise ParseError(path, i + 1, "@data before any @attribute line")
            return relation, relation_line, attributes, i + 1
        else:
            raise ParseError(path, i + 1, f"expected @relation, @attribute or @data in the header, "
                                          f"found {text[:60]!r}")
    last = len(lines) - (lines[-1] == "" if lines else 0)  # a final newline ends a line
    raise ParseError(path, last, "no @data line: the file is truncated or not ARFF")


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


# --- which attributes are labels ------------------------------------------------------------

def read_mulan_labels(xml_path: str | Path) -> list[tuple[str, int]]:
    """The (name, line) of each label in a Mulan ``.xml`` file, in file order (nested labels of a
    hierarchy flattened)."""
    xml_path = Path(xml_path)
    if not xml_path.is_file():
        raise MissingDataFile(f"Mulan label file {xml_path} does not exist; give the path of the "
                              f".xml that comes with the .arff")
    labels: list[tuple[str | None, int]] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(tag, attributes):
        if tag.rsplit(" ", 1)[-1] == "label":
            labels.append((attributes.get("name"), parser.CurrentLineNumber))

    parser.StartElementHandler = start
    try:
        with open(xml_path, "rb") as handle:
            parser.ParseFile(handle)
    except expat.ExpatError as err:
        raise ParseError(xml_path, err.lineno, f"malformed Mulan label XML "
                                               f"({expat.errors.messages[err.code]})") from None
    for name, line in labels:
        if name is None:
            raise ParseError(xml_path, line, 'a <label> without a name="..." attribute')
    if not labels:
        raise ParseError(xml_path, None, "expected <label name=\"...\"> elements listing the labels")
    return labels


def read_mulan_label_names(xml_path: str | Path) -> list[str]:
    """The label names listed in a Mulan ``.xml`` file, in file order."""
    return [name for name, _ in read_mulan_labels(xml_path)]


def meka_option(relation: str) -> int | None:
    """The ``N`` of ``-C N`` in a MEKA relation name (negative: the labels are the last ``|N|``)."""
    match = re.search(r"-C\s+(-?\d+)", relation)
    return int(match.group(1)) if match and int(match.group(1)) != 0 else None


def meka_label_count(relation: str, path: str | Path = "") -> int:
    """:func:`meka_option`, or a ParseError when the relation has none."""
    n = meka_option(relation)
    if n is None:
        raise ParseError(path, None, f"relation {relation!r} has no '-C N' option; MEKA files name the "
                                     f"number of labels there (e.g. @relation 'IMDB: -C 28')")
    return n


def _side(first: bool, k: int) -> str:
    return f"the first {k}" if first else f"the last {k}"


def _xml_columns(arff: ArffFile, xml_path: Path) -> tuple[list[int], bool]:
    """The label columns named by a Mulan .xml, in its order, and whether they come first.

    They must be exactly the last (or first) attributes of the file: an attribute that is not
    named but sits among or after them would silently become a feature.
    """
    labels = read_mulan_labels(xml_path)
    seen: dict[str, int] = {}
    for name, line in labels:
        if name in seen:
            raise ParseError(xml_path, line, f"label {name!r} is listed twice (first on line "
                                             f"{seen[name]}); list each label once")
        seen[name] = line
    position = {name: i for i, name in enumerate(arff.names)}
    unknown = [(name, line) for name, line in labels if name not in position]
    if unknown:
        raise ParseError(xml_path, unknown[0][1],
                         f"{len(unknown)} labels of the .xml are not attributes of this file "
                         f"{arff.path} (e.g. {[n for n, _ in unknown[:3]]}); the .xml and .arff "
                         f"do not belong together")
    cols = [position[name] for name, _ in labels]
    k, total, chosen = len(cols), len(arff.attributes), set(cols)
    if k >= total:
        raise ParseError(xml_path, None, f"the .xml names every attribute of {arff.path} as a label; "
                                         f"a data set needs at least one feature")
    if chosen == set(range(total - k, total)):
        return cols, False
    if chosen == set(range(k)):
        return cols, True
    if max(cols) == total - 1:  # meant to be last: something unnamed lies among them
        stray = next(i for i in range(min(cols), total) if i not in chosen)
    elif min(cols) == 0:
        stray = next(i for i in range(max(cols)) if i not in chosen)
    else:
        stray = max(cols) + 1
    attr = arff.attributes[stray]
    raise ParseError(xml_path, None,
                     f"the {k} labels it names are not the last (or first) attributes of "
                     f"{arff.path}: attribute {attr.name!r} (line {attr.line}) lies among or after "
                     f"them but is not named, so it would be read as a feature. Fix: add it to the "
                     f".xml if it is a label; Mulan files keep all labels together at the end")


def label_columns(arff: ArffFile, *, xml: str | Path | None = None, n_labels: int | None = None,
                  labels_first: bool | None = None) -> tuple[list[int], str]:
    """The label columns of ``arff`` (in label order) and where that came from, in words.

    Sources: the Mulan ``xml``, MEKA's ``-C N`` in the relation name, and the caller's
    ``n_labels`` / ``labels_first``. Those given must agree: a ``-C`` that disagrees with the
    .xml is ignored with a :class:`LabelSourceWarning` (the .xml is authoritative for a Mulan
    file); one that disagrees with a partial argument stops and says what to pass. Both
    arguments together override ``-C`` (for a file whose relation name is stale).
    """
    total = len(arff.attributes)
    if n_labels is not None and (isinstance(n_labels, bool) or not isinstance(n_labels, int)
                                 or not 1 <= n_labels < total):
        raise LabelColumnsError(
            f"n_labels={n_labels!r}: {arff.path} has {total} attributes, so n_labels must be an "
            f"integer in 1..{total - 1} (at least one attribute is a feature)")
    if labels_first not in (None, True, False):
        raise LabelColumnsError(f"labels_first={labels_first!r}; expected True, False or None")
    where = f"{arff.path}:{arff.relation_line}"
    c = meka_option(arff.relation)
    c_says = None if c is None else (abs(c), c > 0)
    both = n_labels is not None and labels_first is not None
    if xml is not None:
        cols, first = _xml_columns(arff, Path(xml))
        k = len(cols)
        if n_labels not in (None, k) or labels_first not in (None, first):
            raise LabelColumnsError(
                f"{xml} names {_side(first, k)} attributes of {arff.path} as labels, but "
                f"n_labels={n_labels!r}, labels_first={labels_first!r} were passed; pass "
                f"n_labels={k}, labels_first={first} (or none), or fix the .xml")
        source = f"the Mulan label file {xml}"
        if c_says not in (None, (k, first)) and not both:
            # Mulan reads its labels from the .xml alone; a -C in the relation name is MEKA's
            # convention, often left stale when a MEKA file was converted (or the other way).
            names = [arff.attributes[j].name for j in cols]
            shown = ", ".join(names) if k <= 6 else ", ".join(names[:3] + ["..."] + names[-2:])
            warnings.warn(
                f"{where}: the relation's '-C {c}' says {_side(c > 0, abs(c))} attributes are "
                f"labels, but {xml} names {_side(first, k)} ({shown}); the .xml is authoritative "
                f"for a Mulan file, so its {k} labels are used. To silence this, remove '-C {c}' "
                f"from the @relation line or make it '-C {k if first else -k}'",
                LabelSourceWarning, stacklevel=2)
            source += f" (the relation's stale '-C {c}' ignored)"
        return cols, source
    if both:
        k, first = n_labels, labels_first
        source = f"n_labels={k}, labels_first={first}"
        if c_says not in (None, (k, first)):
            source += f" (overriding the relation's '-C {c}')"
    elif c_says is not None:
        k, first = c_says
        if n_labels not in (None, k) or labels_first not in (None, first):
            raise ParseError(where, None,
                             f"the relation's '-C {c}' says {_side(first, k)} attributes are labels, "
                             f"but n_labels={n_labels!r}, labels_first={labels_first!r} were passed. "
                             f"Pass both n_labels= and labels_first= to override -C, or neither")
        source = f"'-C {c}' in the relation name"
        if k >= total:
            raise ParseError(where, None, f"'-C {c}' asks for {k} labels but the file has only "
                                          f"{total} attributes")
    elif n_labels is not None:
        k = n_labels
        ends = [f for f in (True, False)
                if all(a.binary for a in (arff.attributes[:k] if f else arff.attributes[-k:]))]
        if len(ends) != 1:
            what = "both" if ends else "neither"
            raise LabelColumnsError(
                f"{arff.path}: {what} the first and the last {k} attributes are {{0,1}}; pass "
                f"labels_first=True or False to say where the labels are")
        first = ends[0]
        source = f"n_labels={k} ({_side(first, k)} attributes are the {{0,1}} ones)"
    else:
        raise LabelColumnsError(
            f"cannot tell which attributes of {arff.path} are labels: pass xml= (the Mulan .xml "
            f"naming them), or n_labels= and labels_first=, or use a MEKA file whose @relation "
            f"carries '-C N' (N labels first, -N labels last)")
    cols = list(range(k)) if first else list(range(total - k, total))
    for j in cols:
        attr = arff.attributes[j]
        if not attr.binary:
            hint = (f"If the labels are {_side(not first, k)} attributes, pass n_labels={k}, "
                    f"labels_first={not first}; for a Mulan file, give the .xml that names the "
                    f"labels (xml=, or <name>.xml beside the file), which overrides -C")
            raise ParseError(arff.path, attr.line,
                             f"{source} makes {attr.name!r} a label, but it is declared "
                             f"{attr.declared()}; labels are {{0,1}} attributes. {hint}")
    return cols, source


class LabelSourceWarning(UserWarning):
    """Two sources of the label columns disagreed and the authoritative one was followed."""


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
