"""The numbers the papers print, read from their data files.

Every number the book sets beside a reproduction is transcribed once, into one CSV file per
source under ``xmlstudy/published/`` (``dxml.csv``, ``rankae.csv``, ``cgmvae.csv``,
``nnae.csv``, and ``xc-repository.csv`` and ``aitlas.csv`` for the two benchmarks the book
quotes). All files have the columns of :data:`COLUMNS`, one printed number per row:

paper, source
    the file's name (the paper's short name) and where in it the number is printed
    ("Table 2", "Section 4").
dataset, printed_dataset
    the study's data registry name where the study has the data set (``xmlstudy.data.names()``),
    else the paper's name for it; and the name exactly as the table prints it.
method, printed_method
    the study's method name where the study runs that method (a key of
    ``xmlstudy.models.METHODS``), else the paper's name; and the name as printed. Both are empty
    for data-set statistics.
metric
    the study's metric name where there is one ("P@1", "ex-F1"), else a plain one ("train rows",
    "labels per row", "test time").
value, unit
    the number as printed, on the paper's scale (:data:`UNITS`), or one of two tokens:
    ``not-reported`` (the paper prints no number there, e.g. "-") and ``not-legible`` (a number is
    printed but the text we have cannot be read there).
note
    anything a reader of the number should know.

:func:`load` reads and checks the files (a malformed one stops with its file, line and what is
wrong); the helpers below give the shapes the chapters use.
"""
from __future__ import annotations

import csv
import functools
import math
from importlib import resources
from pathlib import Path

import pandas as pd

COLUMNS = ("paper", "source", "dataset", "printed_dataset", "method", "printed_method", "metric",
           "value", "unit", "note")
KEY = ("paper", "source", "dataset", "method", "metric")
NOT_REPORTED = "not-reported"   # the paper has no number in that cell (it prints "-" or nothing)
NOT_LEGIBLE = "not-legible"     # the paper prints a number that the text we have cannot show
TOKENS = (NOT_REPORTED, NOT_LEGIBLE)
# unit -> the factor that turns a record's fraction into the paper's scale (None: no such factor)
UNITS = {"percent": 100, "fraction": 1, "seconds": None, "count": None, "rank": None,
         "setting": None}
# The name the book cites each source by (the "source" of a table is "<name>, <where>").
CITED_AS = {"dxml": "DXML", "rankae": "Rank-AE", "cgmvae": "C-GMVAE",
            "nnae": "the non-negative autoencoder paper",
            "xc-repository": "Extreme Classification Repository", "aitlas": "AiTLAS"}
# Data-set statistics: the metric names of the files -> the statistics of
# xmlstudy.tables.dataset_statistics they are compared with.
STATISTICS = {"train rows": "train", "test rows": "test", "rows": "samples",
              "features": "features", "labels": "labels", "labels per row": "cardinality",
              "median labels per row": "median_labels", "max labels per row": "max_labels",
              "rows per label": "samples_per_label"}


class PublishedDataError(ValueError):
    """A published-numbers file that does not follow the schema (its message names the file,
    the line and what to fix)."""


def data_dir() -> Path:
    """The folder of the CSV files (package data, so an installed package has them too)."""
    return Path(str(resources.files("xmlstudy") / "published"))


def papers() -> list[str]:
    """The sources that have a file, by file name."""
    return sorted(p.stem for p in data_dir().glob("*.csv"))


def load(paper: str | None = None) -> pd.DataFrame:
    """Every published number of ``paper`` (a file name, see :func:`papers`), or of all files:
    the columns of :data:`COLUMNS` (``value`` as printed, text) plus ``number`` (the value as a
    float, NaN for a token) and ``status`` ("number", "not-reported" or "not-legible"), in
    the files' order. Each file is read and checked once per process."""
    names = papers()
    if paper is not None and paper not in names:
        raise ValueError(f"no published numbers for {paper!r}; files: {', '.join(names)} "
                         f"(in {data_dir()})")
    frames = [_cached(data_dir() / f"{name}.csv") for name in ([paper] if paper else names)]
    return pd.concat(frames, ignore_index=True)


@functools.cache
def _cached(path: Path) -> pd.DataFrame:
    return read_file(path)


def read_file(path: str | Path) -> pd.DataFrame:
    """One file of published numbers, checked: the header is :data:`COLUMNS`; every row has all
    fields, its file's paper, a source, data set, metric and known unit, a value that is a number
    or a token of :data:`TOKENS`, a data set and method that are the study's or printed in the
    file, and a key (:data:`KEY`) of its own. The first problem stops the reading with
    :class:`PublishedDataError` naming the file and line. Columns as :func:`load`'s."""
    from xmlstudy import data
    from xmlstudy.models import METHODS

    path = Path(path)
    registry = set(data.names())
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or tuple(header) != COLUMNS:
            raise PublishedDataError(f"{path}, line 1: the header must be {','.join(COLUMNS)}; "
                                     f"found {','.join(header or [])!r}")
        rows, seen = [], {}
        for fields in reader:
            line = reader.line_num

            def fail(what: str):
                raise PublishedDataError(f"{path}, line {line}: {what}")

            if not any(fields):
                continue
            if len(fields) != len(COLUMNS):
                fail(f"{len(fields)} fields, expected {len(COLUMNS)} ({', '.join(COLUMNS)}); "
                     "quote a field that holds a comma")
            row = dict(zip(COLUMNS, (f.strip() for f in fields)))
            if row["paper"] != path.stem:
                fail(f"paper {row['paper']!r} in the file of {path.stem!r}: each file holds one "
                     "paper, named like the file")
            for column in ("source", "dataset", "metric", "value", "unit"):
                if not row[column]:
                    fail(f"empty {column}")
            if row["unit"] not in UNITS:
                fail(f"unknown unit {row['unit']!r}; valid: {', '.join(UNITS)}")
            row["number"], row["status"] = _parse(row["value"], fail)
            key = tuple(row[c] for c in KEY)
            if key in seen:
                fail(f"the same (paper, source, dataset, method, metric) {key} as line "
                     f"{seen[key]}; each printed number has one row")
            seen[key] = line
            rows.append((line, row))
    # A name that is not the study's must be the paper's own: printed in some row of the file
    # (a table may abbreviate it, as C-GMVAE's "bkms" for "bookmarks").
    printed = {c: {r[f"printed_{c}"] for _, r in rows} for c in ("dataset", "method")}
    ours = {"dataset": registry, "method": set(METHODS)}
    where = {"dataset": "data registry name", "method": "key of xmlstudy.models.METHODS"}
    for line, row in rows:
        for column in ("dataset", "method"):
            name = row[column]
            if name not in ours[column] and name not in printed[column]:
                raise PublishedDataError(
                    f"{path}, line {line}: {column} {name!r} is neither a {where[column]} nor "
                    f"printed_{column} of any row of the file; use the study's name or the "
                    f"paper's (as printed)")
    frame = pd.DataFrame([row for _, row in rows], columns=[*COLUMNS, "number", "status"])
    frame["number"] = frame["number"].astype(float)
    return frame


def write_file(path: str | Path, rows) -> None:
    """Write ``rows`` (dicts or a DataFrame with the columns of :data:`COLUMNS`) as a file that
    :func:`read_file` reads back."""
    frame = pd.DataFrame(rows)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"rows lack the column(s) {missing}; a published-numbers file has "
                         f"{', '.join(COLUMNS)}")
    frame[list(COLUMNS)].to_csv(path, index=False, lineterminator="\n")


def _parse(value: str, fail) -> tuple[float, str]:
    if value in TOKENS:
        return math.nan, value
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or "," in value or "_" in value:
        fail(f"value {value!r} is neither a number (as printed, without thousands separators) "
             f"nor one of {', '.join(TOKENS)}")
    return number, "number"


def _as_printed(text: str, number: float):
    """An integer where the paper prints one (a count, a size), else the float."""
    return int(number) if text.lstrip("-").isdigit() else number


def _select(paper: str, sources=(), **where) -> pd.DataFrame:
    frame = load(paper)
    if sources:
        missing = [s for s in sources if s not in set(frame["source"])]
        if missing:
            raise ValueError(f"{paper}: no source {missing}; sources: "
                             f"{', '.join(dict.fromkeys(frame['source']))}")
        frame = frame[frame["source"].isin(sources)]
    for column, wanted in where.items():
        if wanted is None:
            continue
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        frame = frame[frame[column].isin(wanted)]
    return frame


def values(paper: str, source: str | tuple = (), *, by=("dataset", "printed_method", "metric"),
           dataset=None, method=None, printed_method=None, metric=None) -> dict:
    """The printed numbers of ``paper`` (in ``source``, one or a tuple; all when empty) as
    ``{key: number}``, the key made of the columns ``by`` (a tuple of names, or one name for a
    plain key), in the file's order. ``dataset``, ``method``, ``printed_method`` and ``metric``
    (a value or a list) narrow the rows. Cells without a number (:data:`TOKENS`) are left out;
    counts come back as ints."""
    sources = (source,) if isinstance(source, str) else tuple(source)
    frame = _select(paper, sources, dataset=dataset, method=method,
                    printed_method=printed_method, metric=metric)
    frame = frame[frame["status"] == "number"]
    columns = [by] if isinstance(by, str) else list(by)
    keys = zip(*(frame[c] for c in columns))
    out = {}
    for key, text, number in zip(keys, frame["value"], frame["number"]):
        key = key[0] if isinstance(by, str) else key
        if key in out:
            raise ValueError(f"{paper}: the key {by} does not tell the rows of "
                             f"{sources or 'all sources'} apart ({key!r} twice); key by more "
                             "columns or narrow the rows")
        out[key] = _as_printed(text, number)
    return out


def table(paper: str, *sources: str, label: str | None = None, dataset=None, metric=None) -> dict:
    """The published numbers of ``sources`` in the form that
    :func:`xmlstudy.tables.paper_vs_reproduced` reads: ``{"source": "<paper>, <label>", "paper",
    "scale": 100 for percent and 1 for fractions, "values": {(dataset, printed method, metric):
    number}}``. ``label`` defaults to the sources joined."""
    frame = _select(paper, sources, dataset=dataset, metric=metric)
    units = set(frame["unit"])
    if len(units) != 1 or UNITS[next(iter(units))] is None:
        raise ValueError(f"{paper} {sources}: a table needs one unit of percent or fraction; "
                         f"found {sorted(units)} (narrow it with metric=...)")
    if label is None:
        label = " and ".join(sources) if sources else "all sources"
    return {"source": f"{CITED_AS.get(paper, paper)}, {label}", "paper": paper,
            "scale": UNITS[units.pop()],
            "values": values(paper, sources, dataset=dataset, metric=metric)}


def statistics(paper: str, source: str | None = None) -> dict:
    """The data-set statistics ``paper`` prints (its rows with a metric of :data:`STATISTICS`),
    in the form :func:`xmlstudy.tables.compare_statistics` reads: ``{"source", "paper", "scale":
    1, "rows": {printed data set: {statistic: number}}, "registry": {printed data set: registry
    name or None}}``."""
    frame = _select(paper, (source,) if source else (), metric=list(STATISTICS))
    frame = frame[frame["status"] == "number"]
    if not len(frame):
        raise ValueError(f"{paper}: no data-set statistics (metrics {', '.join(STATISTICS)})")
    where = dict.fromkeys(frame["source"])
    rows, registry = {}, {}
    for r in frame.itertuples(index=False):
        rows.setdefault(r.printed_dataset, {})[STATISTICS[r.metric]] = _as_printed(r.value, r.number)
        registry[r.printed_dataset] = r.dataset if in_study(r.dataset) else None
    return {"source": f"{CITED_AS.get(paper, paper)}, {' and '.join(where)}", "paper": paper,
            "scale": 1, "rows": rows, "registry": registry}


def printed_names(paper: str, source: str | tuple = ()) -> dict:
    """``{study method: name printed in the paper}`` for the methods of ``paper`` (in ``source``)
    that the study runs, in the file's order."""
    sources = (source,) if isinstance(source, str) else tuple(source)
    frame = _select(paper, sources)
    frame = frame[(frame["method"] != frame["printed_method"]) & (frame["printed_method"] != "")]
    names = {}
    for method, printed in zip(frame["method"], frame["printed_method"]):
        if names.setdefault(method, printed) != printed:
            raise ValueError(f"{paper} {sources or ''}: {method!r} is printed both as "
                             f"{names[method]!r} and {printed!r}; ask for one source")
    return names


def in_study(dataset: str) -> bool:
    """Whether the study has the data set (``dataset`` is a data registry name)."""
    from xmlstudy import data

    return dataset in data.names()
