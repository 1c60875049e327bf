"""The DXML chapter's tables: the paper's Tables 2 and 4 beside this study's runs (on the data
sets' own split and on ten random splits of the published sizes), propensity-scored precision,
the data sets the paper did not use, the ablations, the refit, and the verdict of every
published number."""
from __future__ import annotations

import pandas as pd

from xmlstudy import methods, published, rules
from xmlstudy.formatting import DETERMINISTIC_MARK, DETERMINISTIC_NOTE
from xmlstudy.tables import annotate, mean_std, paper_vs_reproduced, summarize, summary_table

from .experiment_grid import PAPER, SMALL_DATASETS, VARIANTS
from .paper_numbers import small_tables
from .parameters import with_baselines

# The paper's columns (printed names in Tables 2 and 4) set beside our runs.
PUBLISHED_COLUMNS = ("DXML", "SLEEC", "FastXML", "KNN", "1-vs-All")
OUR_METHODS = {m: f"{methods.name(m)} (ours)" for m in ("dxml", "knn", "ovr-linear", "parabel")}


def paper_column(printed: str) -> str:
    """The header of the paper's column ``printed``: the method's registry name where the study
    runs it, else the name as printed; "(paper)" after either."""
    key = {name: method for method, name in published.printed_names(PAPER, "Table 2").items()}.get(printed)
    return f"{methods.name(key) if key else printed} (paper)"


def vs_published_table(records: pd.DataFrame, published: dict, metrics: list[str],
                      datasets=("bibtex", "delicious"), columns=PUBLISHED_COLUMNS,
                      ours=OUR_METHODS) -> pd.DataFrame:
    """The paper's Tables 2/4 layout: one row per (dataset, metric); the paper's columns
    ``columns`` (percent, as printed) beside our methods' mean ± std over seeds (percent).
    ``records`` holds our DXML and baseline records together."""
    stats = summarize(records, metrics, by=("dataset", "method")) if len(records) else None
    rows = []
    for dataset in datasets:
        for metric in metrics:
            row = {"dataset": dataset, "metric": metric}
            for column in columns:
                row[paper_column(column)] = published["values"].get((dataset, column, metric), float("nan"))
            for method, name in ours.items():
                cell = "—"
                if stats is not None:
                    hit = stats[(stats["dataset"] == dataset) & (stats["method"] == method)
                                & (stats["metric"] == metric)]
                    if len(hit):
                        h = hit.iloc[0]
                        cell = mean_std(h["mean"], h["std"], h["n"], 100.0,
                                        deterministic=method in methods.DETERMINISTIC)
                row[name] = cell
            rows.append(row)
    return _marked(pd.DataFrame(rows).set_index(["dataset", "metric"]), ours)


def _marked(table: pd.DataFrame, ours=OUR_METHODS) -> pd.DataFrame:
    """``table`` with our deterministic methods' headers marked and the mark explained."""
    marks = {name: DETERMINISTIC_MARK for method, name in ours.items() if method in methods.DETERMINISTIC}
    return annotate(table, marks=marks, notes=[DETERMINISTIC_NOTE] if marks else [])


def chosen_table() -> pd.DataFrame:
    """The settings chosen on Bibtex's validation split for what the paper leaves open, named as
    the book names them (:func:`xmlstudy.methods.setting_name`)."""
    return pd.DataFrame([methods.DXML_CHOSEN], index=["chosen"]).rename(columns=methods.setting_name)


def small_table(frames: dict, metrics, datasets=SMALL_DATASETS) -> pd.DataFrame:
    """Tables 2 / 4 layout: the paper's columns beside our methods, on the small data sets."""
    records = with_baselines(frames)
    present = [d for d in datasets if len(records) and d in set(records["dataset"])]
    # Methods as rows and (data set, metric) as columns: six columns fit the page.
    return _marked(vs_published_table(records, small_tables(), list(metrics), datasets=present).T)


def protocols_table(frames: dict, metrics=("P@1", "P@3", "P@5", "nDCG@1", "nDCG@3", "nDCG@5")
                    ) -> pd.DataFrame:
    """DXML under both split protocols beside the paper (percent): mean ± std over the own
    split's seeds and over the ten random splits of the published sizes, one row per (data set,
    protocol)."""
    rows = []
    for name, records in (("own split, 3 seeds", frames["dxml/main"]),
                          ("10 random splits", frames["dxml/paper_split"])):
        mine = records[records["method"] == "dxml"] if len(records) else records
        for r in summarize(mine, list(metrics), by=("dataset",)).itertuples(index=False):
            rows.append({"dataset": r.dataset, "split": name, "metric": r.metric,
                         "cell": mean_std(r.mean, r.std, r.n, 100.0)})
    published_dxml = small_tables()["values"]
    for dataset in SMALL_DATASETS:
        for metric in metrics:
            paper = published_dxml.get((dataset, "DXML", metric))
            rows.append({"dataset": dataset, "split": "paper (10 splits)", "metric": metric,
                         "cell": "—" if paper is None else f"{paper:.2f}"})
    table = pd.DataFrame(rows, columns=["dataset", "split", "metric", "cell"])
    table = table[table["dataset"].isin(SMALL_DATASETS)]
    order = {"paper (10 splits)": 0, "own split, 3 seeds": 1, "10 random splits": 2}
    table = table.sort_values(["dataset", "split"], key=lambda c: c.map(order) if c.name == "split"
                              else c.map(SMALL_DATASETS.index), kind="stable")
    return table.pivot_table(index=["dataset", "split"], columns="metric", values="cell",
                             aggfunc="first", sort=False).reindex(columns=list(metrics)
                                                                  ).rename_axis(columns=None)


def paper_split_table(frames: dict, metrics=("P@1", "P@3", "P@5")) -> pd.DataFrame:
    """Table 2's layout on the ten random splits: the paper's columns beside our DXML and
    baselines, mean ± std over splits (percent)."""
    records = frames["dxml/paper_split"]
    present = [d for d in SMALL_DATASETS if len(records) and d in set(records["dataset"])]
    if not present:
        return pd.DataFrame()
    return _marked(vs_published_table(records, small_tables(), list(metrics), datasets=present).T)


def psp_table(frames: dict) -> pd.DataFrame:
    """Propensity-scored precision of DXML and the baselines (percent, mean ± std)."""
    return summary_table(methods.named(with_baselines(frames)), ["PSP@1", "PSP@3", "PSP@5", "PSnDCG@5"])


def extra_table(frames: dict) -> pd.DataFrame:
    """The data sets the paper did not use: DXML and the baselines."""
    records = with_baselines(frames)
    records = records[~records["dataset"].isin(SMALL_DATASETS)] if len(records) else records
    return summary_table(methods.named(records), ["P@1", "P@3", "P@5", "nDCG@5", "PSP@5"])


def ablation_records(frames: dict) -> pd.DataFrame:
    """The main runs and the ablation variants together, in the order DXML, then VARIANTS."""
    both = pd.concat([frames["dxml/main"], frames["dxml/ablation"]], ignore_index=True)
    if len(both):
        both["method"] = pd.Categorical(both["method"], ["dxml", *VARIANTS])
        both = both.sort_values(["dataset", "method"], kind="stable")
        both["method"] = both["method"].astype(str)
    return both


def ablation_table(frames: dict) -> pd.DataFrame:
    """DXML and its ablations (:data:`VARIANTS`): P@k and PSP@5, percent, mean ± std over seeds."""
    return summary_table(methods.named(ablation_records(frames)), ["P@1", "P@3", "P@5", "PSP@5"])


def refit_table(frames: dict) -> pd.DataFrame:
    """The main runs beside the same runs refitted on train + validation."""
    refit = frames["dxml/refit"].assign(method=f"{methods.name('dxml')}, refit")
    main = frames["dxml/main"]
    main = main[main["dataset"].isin(set(refit["dataset"]))] if len(refit) else main.iloc[:0]
    return summary_table(pd.concat([methods.named(main), refit], ignore_index=True), ["P@1", "P@3", "P@5"])


def verdict_table(frames: dict, tolerance: float | None = None,
                  experiment: str = "dxml/main") -> pd.DataFrame:
    """Every P@k and nDCG@k the paper gives for the small data sets run here, against ours
    (the records of ``experiment``: "dxml/main" or "dxml/paper_split"); "matches" within
    ``tolerance`` percentage points (None: the rulebook's, :func:`xmlstudy.rules.current`)."""
    if tolerance is None:
        tolerance = rules.current().tolerance
    main = frames[experiment]
    present = set(main["dataset"]) if len(main) else set()
    paper = small_tables()
    paper["values"] = {k: v for k, v in paper["values"].items() if k[0] in present}
    table = paper_vs_reproduced(main, paper, "dxml",
                                ["P@1", "P@3", "P@5", "nDCG@1", "nDCG@3", "nDCG@5"], tolerance,
                                published_method="DXML")
    return table.rename(columns={"n_seeds": "runs", "difference": "diff"})
