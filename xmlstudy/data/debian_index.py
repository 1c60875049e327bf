"""Reading Debian archive indexes: control paragraphs, relationship fields, Debtags, InRelease.

The package indexes (``Packages``, ``Translation-en``) are in the deb822 control format of Debian
Policy section 5.1: paragraphs of ``Field: value`` lines separated by empty lines; a line that
starts with a space or a tab continues the field above it. The parser here is strict, because a
line that fits none of these shapes means a truncated or altered file, and a silent skip would
change the data set: it stops with the file and the (uncompressed) line number.

``InRelease`` is the signed release file: its ``SHA256:`` section lists the sha256 of every
uncompressed index, which ties the mirror's ``.xz`` copies to the archive (the registry checks
the ``.xz`` bytes; :func:`read_index` checks the text inside against ``InRelease``). The PGP
signature itself is not checked (that needs the archive's keyring, which the study does not ship).
"""
from __future__ import annotations

import hashlib
import lzma
import re
from pathlib import Path

from .errors import ChecksumError, ParseError

_FIELD = re.compile(r"([^\s:#-][^\s:]*):(.*)\Z")

# One alternative of a relationship field (Policy 7.1): a package name, an optional
# architecture qualifier (":any"), an optional version constraint "(>= 1.2)", an optional
# architecture restriction "[amd64 !i386]" and optional build-profile restrictions "<!nocheck>".
_NAME = r"[a-z0-9][a-z0-9+.-]+"
_ALTERNATIVE = re.compile(
    rf"(?P<name>{_NAME})(?::[a-z0-9-]+)?"
    r"(?:\s*\(\s*(?:<<|<=|=|>=|>>)\s*[^()\s]+\s*\))?"
    r"(?:\s*\[[^\[\]]*\])?"
    r"(?:\s*<[^<>]*>)*\Z"
)
_TAG = re.compile(r"[a-z0-9+.-]+::[A-Za-z0-9+.:-]+\Z")


class Paragraph(dict):
    """One control paragraph: field -> value (continuation lines joined with newlines, the
    leading space of each kept). ``line`` is where the paragraph starts, ``lines`` where each
    field starts, so that a later check can name the line it rejects."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}


def read_text(path: str | Path) -> str:
    """The text of an index file, decompressed when it ends in ``.xz``, as UTF-8."""
    path = Path(path)
    raw = lzma.decompress(path.read_bytes()) if path.suffix == ".xz" else path.read_bytes()
    return decode(raw, path)


def decode(raw: bytes, path: str | Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise ParseError(path, line, f"not UTF-8 ({err.reason} at byte {err.start}); Debian "
                         f"indexes are UTF-8, restore the original file") from None


def paragraphs(text: str, path: str | Path, required: tuple[str, ...] = ()) -> list[Paragraph]:
    """The paragraphs of a deb822 text; each must hold the ``required`` fields.

    Raises :class:`ParseError` (file and line) on a line that is neither ``Field: value``, a
    continuation nor empty, on a continuation line with no field above it, on a field that
    appears twice in one paragraph and on a paragraph without a required field."""
    found: list[Paragraph] = []
    current: Paragraph | None = None
    field = None

    def close():
        if current is not None:
            missing = [f for f in required if f not in current]
            if missing:
                raise ParseError(path, current.line, f"the paragraph starting here has no "
                                 f"{', '.join(missing)} field; every entry of this index needs it")
            found.append(current)

    for number, line in enumerate(text.split("\n"), start=1):
        if not line or line.isspace():  # an empty (or blank) line ends the paragraph
            close()
            current, field = None, None
        elif line[0] in " \t":
            if current is None:
                raise ParseError(path, number, f"continuation line {line[:60]!r} with no field "
                                 f"above it (a paragraph cannot start with an indented line)")
            current[field] += "\n" + line
        else:
            m = _FIELD.match(line)
            if m is None:
                raise ParseError(path, number, f"expected 'Field: value', an indented "
                                 f"continuation line or an empty line, got {line[:60]!r}")
            if current is None:
                current = Paragraph(number)
            field = m.group(1)
            if field in current:
                raise ParseError(path, number, f"field {field!r} appears twice in the paragraph "
                                 f"starting at line {current.line}")
            current[field] = m.group(2).strip()
            current.lines[field] = number
    close()
    return found


def read_index(path: str | Path, required: tuple[str, ...], release: dict[str, str] | None = None,
               release_path: str = "") -> list[Paragraph]:
    """The paragraphs of one index file; with ``release`` (from :func:`release_sha256`), the
    uncompressed text's sha256 must be the one that ``InRelease`` lists for ``release_path``."""
    path = Path(path)
    raw = lzma.decompress(path.read_bytes()) if path.suffix == ".xz" else path.read_bytes()
    if release is not None:
        if release_path not in release:
            raise ParseError(path, None, f"InRelease lists no sha256 for {release_path!r}")
        actual = hashlib.sha256(raw).hexdigest()
        if actual != release[release_path]:
            raise ChecksumError(f"{path} decompresses to text with sha256 {actual}, but InRelease "
                                f"lists {release[release_path]} for {release_path}; the index and "
                                f"the release file are from different archive states. Fix: copy "
                                f"both from the same mirror snapshot")
    return paragraphs(decode(raw, path), path, required)


def release_sha256(path: str | Path) -> dict[str, str]:
    """The ``SHA256:`` section of a Release / InRelease file: index path -> sha256."""
    text = read_text(path)
    sums: dict[str, str] = {}
    inside = False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("SHA256:"):
            inside = True
        elif inside and line.startswith(" "):
            parts = line.split()
            if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{64}", parts[0]):
                raise ParseError(path, number, f"expected ' <sha256> <size> <path>' in the SHA256 "
                                 f"section, got {line[:80]!r}")
            sums[parts[2]] = parts[0]
        elif inside:
            break
    if not sums:
        raise ParseError(path, None, "no SHA256 section; this is not a Debian Release file")
    return sums


def first_alternatives(value: str) -> list[str]:
    """The packages a relationship field (``Depends``) names: the first alternative of each
    comma-separated entry, without architecture qualifier, version or restrictions, each once,
    in order of first appearance.

    >>> first_alternatives("libc6 (>= 2.34), python3:any, foo [amd64] | bar")
    ['libc6', 'python3', 'foo']

    Raises ValueError on an entry that is not a relationship (the caller adds file and line)."""
    names: list[str] = []
    for entry in value.split(","):
        entry = " ".join(entry.split())
        if not entry:
            continue  # an empty field, or a trailing comma
        matches = [_ALTERNATIVE.match(alternative.strip()) for alternative in entry.split("|")]
        for alternative, m in zip(entry.split("|"), matches):
            if m is None:
                raise ValueError(f"{alternative.strip()!r} (in {entry!r}) is not a package "
                                 f"relationship like 'name:any (>= 1.0) [amd64]'")
        name = matches[0].group("name")
        if name not in names:
            names.append(name)
    return names


def tags(value: str) -> list[str]:
    """The Debtags of a ``Tag`` field: comma-separated ``facet::value`` strings, each once.

    Raises ValueError on an item that is not ``facet::value``."""
    found: list[str] = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        if _TAG.match(item) is None:
            raise ValueError(f"{item!r} is not a Debtags tag of the form 'facet::value'")
        if item not in found:
            found.append(item)
    return found


def source_name(paragraph: dict) -> str:
    """The source package a binary package is built from: its ``Source`` field without the
    ``" (version)"`` that follows when the versions differ; the package itself when absent."""
    value = paragraph.get("Source", "").strip()
    return value.split()[0] if value else paragraph["Package"]


def long_description(description_en: str) -> tuple[str, str]:
    """(short, long) of a ``Description-en`` value: the first line is the synopsis; each
    continuation line loses its leading space, and a line ``.`` is an empty line (Policy 5.6.13)."""
    first, _, rest = description_en.partition("\n")
    lines = []
    for line in rest.split("\n") if rest else []:
        line = line[1:] if line[:1] in (" ", "\t") else line
        lines.append("" if line.strip() == "." else line.rstrip())
    return first.strip(), "\n".join(lines)
