"""The header of an ARFF file: ``@relation``, the ``@attribute`` declarations and their nominal
values, and the quoting rules that names and values share; also what a parsed file is
(:class:`Attribute`, :class:`ArffFile`). Read through :mod:`xmlstudy.data.arff`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.errors import ParseError

NUMERIC_TYPES = ("numeric", "real", "integer")


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

