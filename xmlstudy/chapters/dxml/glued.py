"""The numbers the DXML chapter's prose cites, as text keyed by their glue names.

The sentences are written in ``notebooks/dxml.py``; each piece glued into them here is one number
(formatted as the page prints it: P@1 in percent with two decimals, a difference with its sign)
or a short phrase (a method's name, a list of data sets). A number that the records cannot give
(its runs were left out by the notebook's parameters) reads "not run", so every glue name the
page cites always exists.
"""
from __future__ import annotations

import pandas as pd

from xmlstudy import methods, models
from xmlstudy.tables import mean_std

from .claims import p_at_k_means
from .experiment_grid import DATASETS, SMALL_DATASETS, VARIANTS
from .fitting import bench_records, sweep_evidence
from .paper_numbers import table_2
from .parameters import with_baselines
from .tables import ablation_records, verdict_table

NOT_RUN = "not run"
# The data sets the paper did not use, each with a sentence of its own on the page.
EXTRA_DATASETS = tuple(d for d in DATASETS if d not in SMALL_DATASETS)
REFIT_DATASETS = ("bibtex", "delicious")   # the data sets of the grid's "refit" experiment


def _p1(value: float) -> str:
    """A P@k fraction as the page prints it: percent, two decimals."""
    return f"{100 * value:.2f}"


def _points(value: float) -> str:
    """A difference in percentage points, with its sign."""
    return f"{value:+.2f}"


def numbers(frames: dict, params) -> dict:
    """Every number the chapter's prose cites, as text, keyed by its glue name (see the module's
    docstring); ``frames`` are :func:`~xmlstudy.chapters.dxml.parameters.collect`'s."""
    out = {"dxml_tolerance": f"{params.tolerance:g}",
           # early stopping as DXML runs (the model's default: the registry's settings leave it)
           "dxml_patience": str(models.settings_as_run("dxml", methods.settings("dxml", "bibtex",
                                                                               params.profile))["patience"])}
    paper = table_2()["values"]
    for dataset in SMALL_DATASETS:
        for metric in ("P@1", "P@3", "P@5"):
            out[f"dxml_paper_{dataset}_{metric}"] = f"{paper[(dataset, 'DXML', metric)]:.2f}"
    means = p_at_k_means(with_baselines(frames))
    for dataset in SMALL_DATASETS:
        out.update(_small_dataset_numbers(means, paper, dataset))
    for dataset in EXTRA_DATASETS:
        out.update(_extra_dataset_numbers(means, dataset))
    out.update(_ablation_numbers(frames, paper))
    out.update(_sweep_and_refit_numbers(frames))
    main = frames["dxml/main"]
    latest = {r["dataset"]: r for r in bench_records(params.profile)}
    # Which data sets the benchmark's rerun of seed 0 reproduces to the last digit: a list that
    # depends on the records, so it is glued as one phrase.
    same = [d for d, r in latest.items() if len(main)
            and ((main["dataset"] == d) & (main["seed"] == 0)).any()
            and r["metrics"]["P@1"] == main[(main["dataset"] == d) & (main["seed"] == 0)]["P@1"].iloc[0]]
    out["dxml_bench_same"] = ", ".join(same) or "none"
    for key, experiment in (("", "dxml/main"), ("split_", "dxml/paper_split")):
        verdicts = verdict_table(frames, params.tolerance, experiment)
        counts = verdicts["verdict"].value_counts() if len(verdicts) else pd.Series(dtype=int)
        out[f"dxml_{key}n_compared"] = str(len(verdicts))
        for verdict in ("matches", "beats", "falls short"):
            out[f"dxml_{key}n_{verdict.replace(' ', '_')}"] = str(int(counts.get(verdict, 0)))
    out.update(split_numbers(frames))
    return out


def _best_other(means: pd.DataFrame, dataset: str) -> tuple[str, str]:
    """The best baseline by mean P@1 on ``dataset`` (anything but DXML): its registry name and
    its P@1, or "not run" twice."""
    if dataset not in means.index.get_level_values(0):
        return NOT_RUN, NOT_RUN
    others = means.xs(dataset, level="dataset").drop("dxml", errors="ignore")["P@1"].dropna()
    if not len(others):
        return NOT_RUN, NOT_RUN
    return methods.name(others.idxmax()), _p1(others.max())


def _small_dataset_numbers(means: pd.DataFrame, paper: dict, dataset: str) -> dict:
    """On one of the paper's small data sets: our DXML's P@1 and its gap to the paper, the best
    baseline, and DXML's lead over kNN here and in the paper."""
    have = (dataset, "dxml") in means.index
    knn = have and (dataset, "knn") in means.index
    ours = means.loc[(dataset, "dxml"), "P@1"] if have else float("nan")
    knn_ours = means.loc[(dataset, "knn"), "P@1"] if knn else float("nan")
    best, best_p1 = _best_other(means, dataset)
    return {
        f"dxml_ours_{dataset}": _p1(ours) if have else NOT_RUN,
        f"dxml_gap_paper_{dataset}": (_points(100 * ours - paper[(dataset, "DXML", "P@1")])
                                      if have else NOT_RUN),
        f"dxml_best_baseline_{dataset}": best,
        f"dxml_best_baseline_p1_{dataset}": best_p1,
        f"dxml_over_knn_{dataset}": _points(100 * (ours - knn_ours)) if knn else NOT_RUN,
        f"dxml_over_knn_paper_{dataset}": _points(paper[(dataset, "DXML", "P@1")]
                                                  - paper[(dataset, "KNN", "P@1")]),
        f"dxml_knn_vs_paper_{dataset}": (_points(100 * knn_ours - paper[(dataset, "KNN", "P@1")])
                                         if knn else NOT_RUN),
    }


def _extra_dataset_numbers(means: pd.DataFrame, dataset: str) -> dict:
    """On a data set the paper did not use: DXML's P@1 and the best baseline's."""
    have = (dataset, "dxml") in means.index
    best, best_p1 = _best_other(means, dataset) if have else (NOT_RUN, NOT_RUN)
    return {f"dxml_extra_ours_{dataset}": _p1(means.loc[(dataset, "dxml"), "P@1"]) if have else NOT_RUN,
            f"dxml_extra_best_baseline_{dataset}": best,
            f"dxml_extra_best_baseline_p1_{dataset}": best_p1}


def _ablation_numbers(frames: dict, paper: dict) -> dict:
    """Each variant minus DXML in mean P@1/3/5, the smallest and the largest difference over
    the data sets and the three metrics; and P@1 with SVD label vectors."""
    out = {}
    ablation = p_at_k_means(ablation_records(frames))
    for variant in VARIANTS:
        diffs = [100 * (ablation.loc[(d, variant)] - ablation.loc[(d, "dxml")])
                 for d in dict.fromkeys(ablation.index.get_level_values(0))
                 if (d, variant) in ablation.index and (d, "dxml") in ablation.index]
        values = pd.concat(diffs) if diffs else pd.Series(dtype=float)
        out[f"dxml_vs_{variant}_min"] = _points(values.min()) if len(values) else NOT_RUN
        out[f"dxml_vs_{variant}_max"] = _points(values.max()) if len(values) else NOT_RUN
    for dataset in SMALL_DATASETS:
        out[f"dxml_svd_p1_{dataset}"] = (_p1(ablation.loc[(dataset, "dxml-svd-emb"), "P@1"])
                                         if (dataset, "dxml-svd-emb") in ablation.index else NOT_RUN)
    return out


def _sweep_and_refit_numbers(frames: dict) -> dict:
    """The sweep's largest validation gain over the chosen configuration (which setting, which
    value, how many points), and the change in P@1 from refitting on train + validation."""
    sweep = sweep_evidence(frames)
    best = sweep.loc[sweep["difference"].idxmax()] if len(sweep) else None
    out = {"dxml_sweep_best_setting": best["setting"] if best is not None else NOT_RUN,
           "dxml_sweep_best_value": best["tried"] if best is not None else NOT_RUN,
           "dxml_sweep_best_gain": _points(best["difference"]) if best is not None else NOT_RUN}
    refit = p_at_k_means(pd.concat([frames["dxml/main"], frames["dxml/refit"].assign(method="refit")],
                                   ignore_index=True), ("P@1",))
    for dataset in REFIT_DATASETS:
        have = (dataset, "refit") in refit.index and (dataset, "dxml") in refit.index
        out[f"dxml_refit_gain_{dataset}"] = (
            _points(100 * (refit.loc[(dataset, "refit"), "P@1"] - refit.loc[(dataset, "dxml"), "P@1"]))
            if have else NOT_RUN)
    return out


def split_numbers(frames: dict) -> dict:
    """The paper-split numbers the prose cites: DXML's P@1 per data set (mean ± std over the
    splits), its change from the own split and its gap to the paper, and kNN's gap to the
    paper's KNN column."""
    out = {}
    split = p_at_k_means(frames["dxml/paper_split"], ("P@1",))
    std = frames["dxml/paper_split"]
    own = p_at_k_means(frames["dxml/main"], ("P@1",))
    paper = table_2()["values"]
    for dataset in SMALL_DATASETS:
        have = (dataset, "dxml") in split.index
        rows = std[(std["dataset"] == dataset) & (std["method"] == "dxml")] if have else std
        out[f"dxml_split_{dataset}"] = (mean_std(rows["P@1"].mean(), rows["P@1"].std(), len(rows), 100.0)
                                       if have else NOT_RUN)
        out[f"dxml_split_gap_paper_{dataset}"] = (
            _points(100 * split.loc[(dataset, "dxml"), "P@1"] - paper[(dataset, "DXML", "P@1")])
            if have else NOT_RUN)
        out[f"dxml_split_vs_own_{dataset}"] = (
            _points(100 * (split.loc[(dataset, "dxml"), "P@1"] - own.loc[(dataset, "dxml"), "P@1"]))
            if have and (dataset, "dxml") in own.index else NOT_RUN)
        knn = (dataset, "knn") in split.index
        out[f"dxml_split_knn_vs_paper_{dataset}"] = (
            _points(100 * split.loc[(dataset, "knn"), "P@1"] - paper[(dataset, "KNN", "P@1")])
            if knn else NOT_RUN)
    return out
