"""Table helpers that know no paper: mean ± std over seeds, paper-vs-reproduced tables with
verdicts, provenance, data-set statistics. Each takes result records (and published numbers)
and returns a pandas DataFrame; the chapter modules (``xmlstudy.chapters``) build their tables
from these."""
from __future__ import annotations

import html
import re

import pandas as pd

from xmlstudy import failed_runs, formatting, methods
from xmlstudy.formatting import DETERMINISTIC_MARK, DETERMINISTIC_NOTE, FAILED_MARK


# --- shared helpers -----------------------------------------------------------------------------
# Records arrive as the DataFrame of ``xmlstudy.experiments.load_records``: one row per record,
# with the nested dicts ("metrics", "provenance", ...) either kept as dict columns or flattened
# into dotted columns ("metrics.P@1"). A metric is named by its path inside ``metrics``:
# "P@1" for a ranking metric, "validation/mi-F1" for a set metric under a threshold protocol.


def record_field(records: pd.DataFrame, path: str, root: str = "metrics") -> pd.Series:
    """The values of one (possibly nested) record field as a Series.

    ``path`` is "/"-separated inside ``root`` ("validation/ex-F1" -> metrics["validation"]["ex-F1"]);
    pass ``root=""`` for a top-level field. Works on frames of raw records (nested dict columns),
    on ``pandas.json_normalize`` frames ("metrics.validation.ex-F1") and on the frames of
    ``experiments.load_records`` (metrics flattened without their root: "validation/ex-F1").
    Missing values become NaN."""
    keys = [k for k in path.split("/") if k]
    spellings = [[root, *keys], keys] if root else [keys]
    for candidate in spellings:
        for depth in range(len(candidate), 0, -1):
            # The longest flattened prefix that is a column holds the rest as nested dicts.
            for sep in (".", "/"):
                column = sep.join(candidate[:depth])
                if column in records.columns:
                    rest = candidate[depth:]
                    return records[column].map(lambda value: _dig(value, rest))
    return pd.Series(float("nan"), index=records.index, dtype=float)


def _dig(value, keys):
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return float("nan")
        value = value[key]
    return float("nan") if value is None else value


def summarize(records: pd.DataFrame, metrics: list[str], by=("dataset", "method")) -> pd.DataFrame:
    """Mean, standard deviation (ddof=1, over seeds) and number of seeds of each metric per group.

    Long format: columns ``*by, metric, mean, std, n``. With one seed ``std`` is NaN, not 0: one
    run says nothing about spread, and ``n`` shows why. Groups keep their order of appearance."""
    by = list(by)
    missing = [column for column in by if column not in records.columns]
    if missing:
        raise ValueError(f"summarize: records have no column(s) {missing}; columns: {list(records.columns)}")
    frames = []
    for metric in metrics:
        values = pd.to_numeric(record_field(records, metric), errors="coerce")
        frame = records[by].copy()
        frame["value"] = values.to_numpy()
        frame = frame.dropna(subset=["value"])
        if frame.empty:
            continue
        stats = (frame.groupby(by, sort=False, dropna=False)["value"]
                 .agg(mean="mean", std=lambda v: v.std(ddof=1), n="count").reset_index())
        stats.insert(len(by), "metric", metric)
        frames.append(stats)
    if not frames:
        return pd.DataFrame(columns=[*by, "metric", "mean", "std", "n"])
    out = pd.concat(frames, ignore_index=True)
    out["n"] = out["n"].astype(int)
    return out


def mean_table(records: pd.DataFrame, metrics) -> pd.DataFrame:
    """Mean over seeds per (dataset, method) and metric: a frame indexed by (dataset, method),
    one column per metric (empty when there are no records)."""
    stats = summarize(records, list(metrics)) if len(records) else pd.DataFrame(
        columns=["dataset", "method", "metric", "mean"])
    return stats.pivot_table(index=["dataset", "method"], columns="metric", values="mean")


def mean_std(mean: float, std: float, n: int, scale: float = 1.0, digits: int = 2,
             deterministic: bool = False) -> str:
    """'12.34 ± 0.56' on the given scale; one seed shows as '12.34 (n=1)', no run as '—'. A
    ``deterministic`` method's runs are one result: its value alone (the table marks its name
    with :data:`~xmlstudy.formatting.DETERMINISTIC_MARK`). A spread too small for ``digits``
    shows one significant digit ('± 0.004'), identical runs '± 0', never '± 0.00'."""
    if n == 0 or pd.isna(mean):
        return "—"
    if deterministic and (n == 1 or pd.isna(std) or std * scale < 0.5 * 10 ** -digits):
        return f"{mean * scale:.{digits}f}"
    if n == 1 or pd.isna(std):
        return f"{mean * scale:.{digits}f} (n={n})"
    return f"{mean * scale:.{digits}f} {formatting.spread(std * scale, digits)}"


def is_deterministic(label) -> bool:
    """Whether a row or column label names a deterministic method (:data:`xmlstudy.methods.DETERMINISTIC`),
    by its record key or its display name, "(ours)" or "(paper)" after it allowed."""
    text = str(label).removesuffix(" (ours)")
    return any(text in (key, methods.name(key)) for key in methods.DETERMINISTIC)


def failures(records: pd.DataFrame, metrics, by=("dataset", "method")) -> list:
    """The failed seeds (:func:`xmlstudy.failed_runs.seed_failures`) of ``records`` on each of
    ``metrics``, a configuration being one group of ``by``."""
    by = list(by)
    if not len(records) or "seed" not in records.columns or any(c not in records.columns for c in by):
        return []
    found = []
    for metric in metrics:
        scores = records[by + ["seed"]].assign(
            value=pd.to_numeric(record_field(records, metric), errors="coerce").to_numpy())
        found += failed_runs.seed_failures(scores, metric, by)
    return found


def annotate(table: pd.DataFrame, *, marks: dict | None = None, notes=(), digits: dict | None = None) -> pd.DataFrame:
    """``table`` with display marks and notes for :func:`styled` (kept in ``table.attrs``, so the
    values stay plain for the code that reads them): ``marks`` maps a row or column label to the
    sign shown after it, ``notes`` are lines under the table, ``digits`` the decimals of a column
    where they differ from the rest of the table's. Adds to what is there."""
    table.attrs["marks"] = {**table.attrs.get("marks", {}), **(marks or {})}
    table.attrs["digits"] = {**table.attrs.get("digits", {}), **(digits or {})}
    table.attrs["notes"] = list(dict.fromkeys([*table.attrs.get("notes", []), *notes]))
    return table


def mark_failures(table: pd.DataFrame, found, rows=("dataset", "method"), scale: float = 100.0,
                  digits: int = 2) -> pd.DataFrame:
    """Append :data:`~xmlstudy.formatting.FAILED_MARK` to the cells of ``table`` (index: the
    groups ``rows``, columns: metrics) that a failure of ``found`` enters, and name each failure
    in a note under the table."""
    notes = []
    for failure in found:
        key = failure.key(rows)
        key = key[0] if len(key) == 1 else key
        if failure.metric in table.columns and key in table.index:
            cell = table.at[key, failure.metric]
            if isinstance(cell, str) and not cell.endswith(FAILED_MARK):
                table.at[key, failure.metric] = f"{cell} {FAILED_MARK}"
            notes.append(failure.note(scale, digits))
    return annotate(table, notes=notes)


def summary_table(records: pd.DataFrame, metrics: list[str], rows=("dataset", "method"),
                  scale: float = 100.0, digits: int = 2) -> pd.DataFrame:
    """Wide table for display: one row per group, one "mean ± std" column per metric. A
    deterministic method (:func:`is_deterministic`) shows its one value and its name is marked;
    a cell that a failed seed enters (:mod:`xmlstudy.failed_runs`) is marked and named in a note."""
    stats = summarize(records, metrics, by=rows)
    determined = [any(is_deterministic(v) for v in row) for row in stats[list(rows)].itertuples(index=False)]
    stats["cell"] = [mean_std(m, s, n, scale, digits, deterministic=d)
                     for m, s, n, d in zip(stats["mean"], stats["std"], stats["n"], determined)]
    table = stats.pivot_table(index=list(rows), columns="metric", values="cell", aggfunc="first", sort=False)
    table = table.reindex(columns=[m for m in metrics if m in table.columns]).rename_axis(columns=None)
    marks = {v: DETERMINISTIC_MARK for row in stats[list(rows)].itertuples(index=False)
             for v in row if is_deterministic(v)}
    annotate(table, marks=marks, notes=[DETERMINISTIC_NOTE] if marks else [])
    return mark_failures(table, failures(records, metrics, rows), rows, scale, digits)


def verdict(difference: float, tolerance: float, higher_is_better: bool = True) -> str:
    """'matches' within ``tolerance`` (on the paper's scale), else 'beats' or 'falls short'."""
    if pd.isna(difference):
        return "not run"
    if abs(difference) <= tolerance:
        return "matches"
    better = difference > 0 if higher_is_better else difference < 0
    return "beats" if better else "falls short"


def paper_vs_reproduced(records: pd.DataFrame, published: dict, method: str, metrics: list[str],
                        tolerance: float | dict, *, published_method: str | None = None,
                        lower_is_better: tuple = (), digits: int = 2) -> pd.DataFrame:
    """Published numbers beside the reproduced mean ± std over seeds.

    ``published`` is a table of published numbers (:func:`xmlstudy.published.table`): ``{"source": ..., "scale": 100 or 1,
    "values": {(dataset, method, metric): value}}``. Record metrics are fractions and are shown on
    the paper's scale. ``published_method`` is the method's name in the published table when it
    differs from the record name ``method``. ``tolerance`` (paper scale; one number or a dict per
    metric) decides the verdict: within it "matches", else "beats" or "falls short"; a published
    number with no record gets "not run". Rows follow the published table's order."""
    scale = float(published.get("scale", 1))
    wanted = published_method or method
    mine = records[records["method"] == method] if "method" in records.columns else records.iloc[0:0]
    stats = summarize(mine, metrics, by=("dataset",)) if len(mine) else summarize(records.iloc[0:0], metrics, by=("dataset",))
    lookup = {(row.dataset, row.metric): row for row in stats.itertuples(index=False)}
    rows = []
    for (dataset, pub_method, metric), paper in published["values"].items():
        if pub_method != wanted or metric not in metrics:
            continue
        got = lookup.get((dataset, metric))
        mean = got.mean * scale if got is not None else float("nan")
        tol = tolerance.get(metric, 0.0) if isinstance(tolerance, dict) else tolerance
        difference = mean - paper
        rows.append({
            "dataset": dataset,
            "metric": metric,
            "paper": paper,
            "reproduced": (mean_std(got.mean, got.std, got.n, scale, digits, is_deterministic(method))
                           if got is not None else "—"),
            "n_seeds": int(got.n) if got is not None else 0,
            "difference": round(difference, digits) if not pd.isna(difference) else float("nan"),
            "verdict": verdict(difference, tol, higher_is_better=metric not in lower_is_better),
        })
    columns = ["dataset", "metric", "paper", "reproduced", "n_seeds", "difference", "verdict"]
    return pd.DataFrame(rows, columns=columns)


def provenance(records: pd.DataFrame) -> pd.DataFrame:
    """How the records behind a page were made: per paper, experiment and profile, the number of
    records, git commits, devices, CPUs, torch version and the date range."""
    if records.empty:
        return pd.DataFrame(columns=["paper", "experiment", "profile", "records", "git commits",
                                     "devices", "cpus", "torch", "dates"])
    frame = pd.DataFrame({
        "paper": record_field(records, "paper", root=""),
        "experiment": record_field(records, "experiment", root=""),
        "profile": record_field(records, "profile", root=""),
        "commit": record_field(records, "git_commit", root="provenance"),
        "device": record_field(records, "device", root="provenance"),
        "cpu": record_field(records, "cpu/model", root="provenance"),
        "torch": record_field(records, "versions/torch", root="provenance"),
        "date": record_field(records, "date", root="provenance"),
    }).astype(object).where(lambda f: f.notna(), "?")

    frame["commit"] = frame["commit"].map(lambda c: str(c)[:12])  # short hashes, as git shows them

    def distinct(values) -> str:
        return ", ".join(sorted({str(v) for v in values}))

    def date_range(values) -> str:
        days = sorted({str(v)[:10] for v in values})
        return days[0] if len(days) == 1 else f"{days[0]} … {days[-1]}"

    grouped = frame.groupby(["paper", "experiment", "profile"], sort=False)
    out = grouped.agg(records=("commit", "size"), commits=("commit", distinct), devices=("device", distinct),
                      cpus=("cpu", distinct), torch=("torch", distinct), dates=("date", date_range))
    return out.reset_index().rename(columns={"commits": "git commits"})

# --- data-set statistics and baselines -------------------------------------------------------------
# Counts must agree exactly with a published table; averages are printed rounded, so they agree
# within 1% (or 0.01 absolute).
COUNT_STATISTICS = ("train", "test", "samples", "features", "labels", "median_labels", "max_labels")
STATISTICS = COUNT_STATISTICS + ("cardinality", "samples_per_label", "empty_rows", "labels_unseen_in_train")
# Column headers as the book shows them: words that can wrap, so that the tables fit the page.
STATISTIC_NAMES = {"median_labels": "median labels", "max_labels": "max labels",
                   "cardinality": "labels per sample", "samples_per_label": "samples per label",
                   "empty_rows": "rows without labels", "labels_unseen_in_train": "labels unseen in train"}


def dataset_statistics(splits: dict) -> pd.DataFrame:
    """One row per dataset, computed from the data: ``splits`` maps a registry name to its
    :class:`~xmlstudy.data.Splits` loaded with ``valid_fraction=0`` (the source's own train/test).

    Columns: train, test, samples (both), features, labels, cardinality (mean labels per
    sample), median_labels, max_labels, samples_per_label (mean samples per label), empty_rows
    (samples without a label) and labels_unseen_in_train (labels with no training sample), all
    over train + test as the seeds' tables count them."""
    import numpy as np

    rows = []
    for name, split in splits.items():
        if split.valid is not None:
            raise ValueError(f"dataset_statistics: {name!r} was loaded with a validation split; "
                             "load it with valid_fraction=0 so that train is the source's own train")
        per_row = np.concatenate([np.diff(split.train.Y.indptr), np.diff(split.test.Y.indptr)])
        train_counts = np.asarray((split.train.Y > 0).sum(axis=0)).ravel()
        n_labels = split.train.n_labels
        rows.append({
            "dataset": name,
            "train": len(split.train),
            "test": len(split.test),
            "samples": len(per_row),
            "features": split.train.n_features,
            "labels": n_labels,
            "cardinality": float(per_row.mean()),
            "median_labels": float(np.median(per_row)),
            "max_labels": int(per_row.max()),
            "samples_per_label": float(per_row.sum() / n_labels),
            "empty_rows": int((per_row == 0).sum()),
            "labels_unseen_in_train": int((train_counts == 0).sum()),
        })
    columns = ["train", "test", "samples", "features", "labels", "cardinality", "median_labels",
               "max_labels", "samples_per_label", "empty_rows", "labels_unseen_in_train"]
    return pd.DataFrame(rows, columns=["dataset", *columns]).set_index("dataset")


def _agrees(statistic: str, published: float, ours: float) -> bool:
    if statistic in COUNT_STATISTICS:
        return abs(ours - published) < 1e-9
    return abs(ours - published) <= max(0.01, 0.01 * abs(published))


def compare_statistics(ours: pd.DataFrame, published_tables: list[dict]) -> pd.DataFrame:
    """The published dataset statistics beside ours, one row per (dataset, source, statistic).

    ``ours`` is :func:`dataset_statistics`; ``published_tables`` are the tables of
    :func:`xmlstudy.published.statistics`. Datasets the study does not have (registry None,
    or not in ``ours``) are left out. ``agrees``: counts equal, averages within 1%."""
    rows = []
    for table in published_tables:
        for printed, stats in table["rows"].items():
            name = table["registry"].get(printed)
            if name is None or name not in ours.index:
                continue
            for statistic, value in stats.items():
                mine = float(ours.loc[name, statistic])
                rows.append({"dataset": name, "source": table["source"], "statistic": statistic,
                             "published": value, "this study": round(mine, 2),
                             "difference": round(mine - value, 2),
                             "agrees": _agrees(statistic, value, mine)})
    return pd.DataFrame(rows, columns=["dataset", "source", "statistic", "published", "this study",
                                       "difference", "agrees"])


def statistics_side_by_side(comparison: pd.DataFrame, statistics=STATISTICS, caption: str | None = None):
    """:func:`compare_statistics` as one row per (dataset, source) and one column per statistic
    of ``statistics``, for display: a cell shows our value where it agrees with the paper, and
    "ours ≠ paper", highlighted, where it does not; blank where the paper gives no such
    statistic. Returns a pandas Styler."""
    order = [s for s in statistics if s in set(comparison["statistic"])]
    comparison = comparison[comparison["statistic"].isin(order)]

    def shown(value) -> str:   # a count with thousands separators, an average as printed
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"

    def cell(row) -> str:
        ours = shown(row["this study"])
        return ours if row["agrees"] else f"{ours} ≠ {shown(row['published'])}"

    shown = comparison.assign(cell=comparison.apply(cell, axis=1))
    table = (shown.pivot_table(index=["dataset", "source"], columns="statistic", values="cell",
                               aggfunc="first", sort=False)
             .reindex(columns=order).fillna("").rename_axis(columns=None)
             .rename(columns=STATISTIC_NAMES))

    def colour(frame):
        return frame.map(lambda v: "background-color: #fde2c8; font-weight: bold" if "≠" in v else "")

    return styled(table, caption).apply(colour, axis=None)


BASELINE_METRICS = ["P@1", "P@3", "P@5", "nDCG@3", "nDCG@5", "PSP@1", "PSP@5",
                    "validation/ex-F1", "validation/mi-F1", "validation/ma-F1"]


def baselines_vs_published(records: pd.DataFrame, published_tables: list[dict], names: dict,
                           metrics: list[str], tolerance: float = 1.0) -> pd.DataFrame:
    """Our baselines beside every published number for the same method and dataset.

    ``names`` maps our method name to its name in the published tables (e.g. ``{"knn": "KNN",
    "ovr-linear": "1-vs-All", "parabel": "Parabel"}``). ``tolerance`` is in the tables' points.
    One row per (source, method, dataset, metric) that both sides have or the paper has."""
    frames = []
    for table in published_tables:
        for method, printed in names.items():
            frame = paper_vs_reproduced(records, table, method, metrics, tolerance, published_method=printed)
            if len(frame):
                frame.insert(0, "method", method)
                frame.insert(0, "source", table["source"])
                frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["source", "method", "dataset", "metric", "paper", "reproduced",
                                     "n_seeds", "difference", "verdict"])
    return pd.concat(frames, ignore_index=True)


# Columns and index levels that name papers or the sources of numbers: a paper shares its
# method's name ("DXML"), but a paper is not a method and is not linked to one.
NOT_METHOD_COLUMNS = ("paper", "source")


def method_link(value) -> str | None:
    """``value`` as HTML that links the method it names to its entry in the book's glossary of
    methods (:func:`xmlstudy.methods.glossary_href`), or None when it names none. A method is
    named by its display name, alone or followed by " (ours)" or " (paper)" (the paper-vs-
    reproduced tables); the suffix stays outside the link."""
    if not isinstance(value, str):
        return None
    # a mark (deterministic, failed run) may follow the name: it stays outside the link too
    match = re.fullmatch(r"(.+?)( \((?:ours|paper)\))?( [†‡]+)?", value)
    if match is None:        # an empty cell, or text over several lines
        return None
    name, suffix = match.group(1), (match.group(2) or "") + (match.group(3) or "")
    key = _KEYS_BY_NAME.get(name)
    if key is None:
        return None
    return f'<a href="{methods.glossary_href(key)}">{html.escape(name)}</a>{html.escape(suffix)}'


_KEYS_BY_NAME = {entry.name: key for key, entry in methods.METHODS.items()}


def _link_methods(styler, frame: pd.DataFrame, digits: int):
    """``styler`` with every method name of ``frame`` (cells, index and column labels) shown as a
    link to its glossary entry (:func:`method_link`); other values keep their format."""
    def cell(value):
        linked = method_link(value)
        if linked is not None:
            return linked
        return formatting.number(value, digits) if not isinstance(value, str) else str(value)

    def names_methods(values) -> bool:
        return any(method_link(v) is not None for v in values)

    for position, column in enumerate(frame.columns):
        if str(column) not in NOT_METHOD_COLUMNS and names_methods(frame.iloc[:, position].dropna()):
            styler = styler.format(cell, subset=[column], na_rep="—")
    for axis, labels in ((0, frame.index), (1, frame.columns)):
        for level in range(labels.nlevels):
            values = labels.get_level_values(level)
            if str(values.name) not in NOT_METHOD_COLUMNS and names_methods(values):
                styler = styler.format_index(cell, axis=axis, level=level)
    return styler


def _shown_label(label, marks: dict):
    """A row or column label as the page shows it: a method's record key as its display name,
    a record key in words (:data:`xmlstudy.formatting.HEADER_WORDS`), the mark of ``marks``
    after it."""
    if isinstance(label, str) and label in methods.METHODS:
        shown = methods.name(label)
    else:
        shown = formatting.header(label)
    mark = marks.get(label)
    return f"{shown} {mark}" if mark and isinstance(shown, str) else shown


def styled(frame: pd.DataFrame, caption: str | None = None, digits: int | None = None, index: bool = True,
           link_methods: bool = True):
    """A table as the book shows it: every number through :func:`xmlstudy.formatting.number`
    (thousands separators, ``digits`` decimals (3 unless given), scientific notation where the
    decimals would print a non-zero value as 0, "—" for an absent value, never NaN or None),
    record keys in headers as words and methods by their registry names, the marks and notes of
    :func:`annotate` (deterministic methods, failed runs) after the labels and under the caption,
    cells padded so that they never run together, an optional caption above, and every method
    name a link to the method's entry in the glossary of methods (:func:`method_link`).
    ``link_methods=False`` for a table whose names are papers, not methods, in an unnamed column
    or index (a paper can share its method's name: "DXML")."""
    digits = 3 if digits is None else digits
    marks, notes = frame.attrs.get("marks", {}), frame.attrs.get("notes", [])
    attrs = dict(frame.attrs)
    frame = frame.rename(index=lambda v: _shown_label(v, marks), columns=lambda v: _shown_label(v, marks))
    frame = frame.rename_axis(index=[formatting.header(n) for n in frame.index.names],
                              columns=[formatting.header(n) for n in frame.columns.names])
    # A cell that names a marked method (a flat table's method column) carries its mark too, and
    # a cell that is a record key (a setting's name, "walks_per_node") reads in words.
    styler = frame.style.format(lambda v: _shown_label(v, marks) if isinstance(v, str) and (v in marks or "_" in v)
                                else formatting.number(v, digits))
    for column, decimals in attrs.get("digits", {}).items():
        shown = _shown_label(column, marks)
        if shown in frame.columns:
            styler = styler.format(lambda v, d=decimals: formatting.number(v, d), subset=[shown])
    styler = styler.format_index(lambda v: formatting.number(v, digits), axis=0, level=None)
    styler = styler.format_index(lambda v: formatting.number(v, digits), axis=1, level=None)
    if link_methods:
        styler = _link_methods(styler, frame, digits)
    # A smaller type than the prose lets a table of eight or nine short columns fit the text
    # column (770 px at a 1400 px window) without scrolling.
    styler = styler.set_table_styles([{"selector": "", "props": "font-size: 0.82em;"},
                                      {"selector": "th, td", "props": "padding: 0.12em 0.45em;"},
                                      {"selector": "caption",
                                       "props": "caption-side: top; text-align: left; font-weight: bold;"}],
                                     overwrite=False)
    if not index:
        styler = styler.hide(axis="index")
    # The notes go with the caption: a Styler has no footer, and the caption stays with the table.
    lines = [html.escape(caption)] if caption else []
    lines += [f'<span style="font-weight: normal; font-size: 0.92em">{html.escape(n)}</span>' for n in notes]
    return styler.set_caption("<br>".join(lines)) if lines else styler
