"""The errors the data layer raises.

Each one says what was wrong and how to fix it. They subclass the built-in error a caller would
naturally catch (``FileNotFoundError``, ``ValueError``), so generic handlers keep working.
"""
from __future__ import annotations

from pathlib import Path


class DataError(Exception):
    """Base class of every data-layer error."""


class MissingDataFile(DataError, FileNotFoundError):
    """A raw file the registry needs is not where it should be."""


class ChecksumError(DataError, ValueError):
    """A raw file's sha256 differs from the one the registry records."""


class ParseError(DataError, ValueError):
    """A raw file does not follow its format; the message names the file and line."""

    def __init__(self, path: str | Path, line: int | None, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}")


class LabelColumnsError(DataError, ValueError):
    """Which attributes of a multi-label file are the labels is unknown or contradictory; the
    message says which argument settles it."""
