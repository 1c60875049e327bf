"""The cross-paper chapter: every method of the study on every feature data set under one
protocol, and what none of the four papers measured.

The papers compared themselves with different rivals, on different data, splits, metrics and
threshold rules. Here every method runs on the data sets' own splits (validation carved from
train), with its settings chosen as its chapter chose them and thresholds chosen on validation,
3 seeds. A cell some chapter already ran is read from that chapter's records; the rest run in
experiment "benchmark" of ``python -m xmlstudy run --paper synthesis``, with the chapter's
default settings (no per-data-set search, so a method's own chapter may do better on a data set
it searched). On top: ranks across data sets with Friedman's test and Nemenyi's critical
difference (:mod:`xmlstudy.stats`), a paired bootstrap of the best method's lead per data set,
label noise, fewer training rows, cost and tail labels, for every method.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from xmlstudy import claims as claims_
from xmlstudy import experiments, methods, stats
from xmlstudy.records import unpack_bits
from xmlstudy.experiments import RunConfig
from xmlstudy.tables import mean_std, record_field, summarize

PAPER = "synthesis"
METHODS = ("knn", "ovr-linear", "parabel", "mlknn", "c2ae", "dxml", "rankae", "bce-ae", "cgmvae",
           "nnae", "mlp-bce")
DATASETS = ("bibtex", "delicious", "corel5k", "imdb", "reuters", "yeast", "scene", "sider")
# Names, colours and markers are the methods registry's (xmlstudy.methods).
SEEDS = (0, 1, 2)
RANK_METRICS = ("P@1", "P@3", "P@5", "nDCG@5", "PSP@5", "validation/ex-F1", "validation/mi-F1",
                "validation/ma-F1")

# The chapters' record files a benchmark cell can come from, in order of preference (one-vs-rest
# on yeast is in the baselines' and C-GMVAE's main runs; the baselines' come first), and the
# chapter cells outside a "main" experiment that ran 3 seeds with the settings the benchmark
# would use: C-GMVAE on corel5k (for its label embeddings) and the two-step model on the
# non-negative autoencoder chapter's many-label data sets.
SOURCES = ("baselines/main", "dxml/main", "rankae/main", "cgmvae/main", "cgmvae/embeddings",
           "nnae/many_labels", "synthesis/benchmark")
EXTRA_REUSE = {("cgmvae", "corel5k"): "embeddings", ("nnae", "bibtex"): "many_labels",
               ("nnae", "delicious"): "many_labels", ("nnae", "corel5k"): "many_labels"}

# Cells left out, with the reason: IMDB-F's 120,919 training rows put the latent-space models at
# hours per seed on two CPU cores (C-GMVAE: about 230 s per seed on reuters' 7,000 rows, 300 s on
# delicious' 13,000; the Rank-AE chapter runs its models on a 27,417-row IMDB-F subset instead).
BUDGET = {(m, "imdb"): "not run: 120,919 training rows put this model at hours per seed on the "
                       "study's two CPU cores; see the Rank-AE chapter's IMDB-F subset"
          for m in ("c2ae", "cgmvae", "rankae", "bce-ae")}

# Experiment "noise": every method on the Rank-AE chapter's IMDB-F subset (its 20% clean
# validation split) and on delicious, labels of the training part made noisy, seed 0. The clean
# point of each curve is a run of the same configuration without noise, and Rank-AE and BCE-AE
# are not refit on train + validation: the refit would show a noisy model the clean validation
# labels (as in the Rank-AE chapter's noise runs).
NOISE_DATASETS = ("imdb-rankae", "delicious")
NOISE_KINDS = ("missing", "missing-invalid")
NOISE_RATES = (0.2, 0.4, 0.6)
NOISE_VALID_FRACTION = {"imdb-rankae": 0.2}
CHAPTER_NOISE_METHODS = ("rankae", "bce-ae", "parabel", "ovr-linear")   # in results/rankae/noise
NO_REFIT = {"rankae": {"refit": False}, "bce-ae": {"refit": False}}
# Experiment "fewer_data": the same nested subsets of train for every method (C-GMVAE's Figure 2).
FEWER_DATASETS = ("scene", "yeast", "delicious", "bibtex")
FRACTIONS = (0.1, 0.5)
STALL_EPOCHS = 3    # a best epoch this early: early stopping ended the run in its first plateau
# Experiment "patience": is a stall the stopping rule or the rows? The models that choose their
# epoch on validation macro-F1 stall at 10% of bibtex and delicious; they run again there without
# early stopping (all their epochs, the best one on validation kept), 3 seeds.
PATIENCE_CHECK = {"methods": ("c2ae", "cgmvae", "mlp-bce"), "datasets": ("bibtex", "delicious"),
                  "fraction": 0.1}


def run_params(method: str, dataset: str, profile: str = "full") -> dict:
    """Settings of ``method`` on ``dataset``: the methods registry's (for a data set its chapter
    did not search, DXML's chosen settings, Rank-AE's own search, C-GMVAE's and C2AE's of the
    data set of the same kind), with two smoke-profile exceptions that the smoke records were
    made with: Rank-AE and its BCE variant start from the search's start point instead of
    searching, and the two-step model runs at its constructor's defaults."""
    if profile == "smoke" and method == "nnae":
        return {}
    params = methods.settings(method, dataset, profile)
    if profile == "smoke" and method in ("rankae", "bce-ae"):
        params.update(methods.RANKAE_SEARCH_START)
    return params


def reused(profile: str = "full") -> dict:
    """``{(method, dataset): [configs]}``: the benchmark cells a chapter's grid already runs (its
    "main" experiment on the given split, no noise or subset; or the experiment named in
    :data:`EXTRA_REUSE`), from the first chapter that has the cell."""
    from xmlstudy import chapters

    cells: dict = {}
    for name in ("baselines", "dxml", "rankae", "cgmvae", "nnae"):
        found: dict = {}
        for c in chapters.grid(name, profile):
            key = (c.method, c.dataset)
            if (c.experiment == EXTRA_REUSE.get(key, "main") and not c.setting
                    and c.split == "given" and c.method in METHODS and c.dataset in DATASETS):
                found.setdefault(key, []).append(c)
        for key, configs in found.items():
            cells.setdefault(key, configs)
    return cells


# Experiment "rows": the chapters' records predate per-row outcomes, so the best two methods on
# P@1 of each data set (by the benchmark's means; tests/test_synthesis.py checks this against the
# records) are run again, same configurations, to compare them row by row.
LEADERS = {"bibtex": ("ovr-linear", "parabel"), "delicious": ("mlp-bce", "parabel"),
           "corel5k": ("ovr-linear", "knn"), "imdb": ("ovr-linear", "parabel"),
           "reuters": ("parabel", "ovr-linear"), "yeast": ("bce-ae", "rankae"),
           "scene": ("mlp-bce", "cgmvae"), "sider": ("mlp-bce", "knn")}


def grid(profile: str = "full") -> list:
    """Experiments "benchmark" (every cell of METHODS x DATASETS no chapter runs, 3 seeds),
    "rows" (the leaders run again with per-row outcomes), "noise" (every method clean and with
    both noise kinds at 20/40/60%, seed 0) and "fewer_data" (10% and 50% of
    train, 3 seeds; 100% is the benchmark). The smoke profile runs one seed of each on shrunk
    data."""
    import dataclasses

    smoke = profile == "smoke"
    seeds = (0,) if smoke else SEEDS
    datasets = ("yeast", "bibtex") if smoke else DATASETS
    methods = METHODS

    def config(experiment, method, dataset, seed, setting=None, valid_fraction=None):
        extra = {} if valid_fraction is None else {"valid_fraction": valid_fraction}
        return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=dataset,
                         seed=seed, profile=profile, setting=setting or {},
                         params=run_params(method, dataset, profile), **extra)

    done = reused(profile)
    configs = [config("benchmark", m, d, s) for d in datasets for m in methods for s in seeds
               if (m, d) not in done and (m, d) not in BUDGET]
    leaders_ = {d: LEADERS[d] for d in datasets} if not smoke else {"yeast": ("knn", "ovr-linear")}
    configs += [dataclasses.replace(c, paper=PAPER, experiment="rows")
                for d, pair in leaders_.items() for m in pair for c in done.get((m, d), [])]
    noise_sets = NOISE_DATASETS[:1] if smoke else NOISE_DATASETS
    rates = NOISE_RATES[-1:] if smoke else NOISE_RATES
    kinds = NOISE_KINDS[-1:] if smoke else NOISE_KINDS
    settings = [{}] + [{"noise": k, "rate": r} for k in kinds for r in rates]
    for d in noise_sets:
        # The Rank-AE chapter's noise runs already hold its own four methods on the IMDB-F subset.
        skip = () if smoke or d != "imdb-rankae" else CHAPTER_NOISE_METHODS
        configs += [dataclasses.replace(config("noise", m, d, 0, st, NOISE_VALID_FRACTION.get(d)),
                                        params={**run_params(m, d, profile), **NO_REFIT.get(m, {})})
                    for st in settings for m in methods if m not in skip and (m, d) not in BUDGET]
    fewer = FEWER_DATASETS[:1] if smoke else FEWER_DATASETS
    fractions = FRACTIONS[:1] if smoke else FRACTIONS
    configs += [config("fewer_data", m, d, s, {"train_fraction": f})
                for f in fractions for d in fewer for m in methods for s in seeds
                if not (m in ("cgmvae", "c2ae") and d in ("scene", "yeast"))]  # the C-GMVAE chapter's
    if not smoke:
        check = PATIENCE_CHECK
        configs += [dataclasses.replace(config("patience", m, d, s, {"train_fraction": check["fraction"]}),
                                        params={**run_params(m, d, profile), "patience": None})
                    for d in check["datasets"] for m in check["methods"] for s in seeds]
    return configs


# --- the chapter's parameters and records -----------------------------------------------------------
EXPERIMENTS = ("benchmark", "rows", "noise", "fewer_data", "patience")
# Record files read besides this chapter's own.
CHAPTER_FILES = ("baselines/main", "dxml/main", "rankae/main", "rankae/noise", "cgmvae/main",
                 "cgmvae/embeddings", "cgmvae/fewer_data", "nnae/many_labels")


def validate(namespace: dict):
    """The chapter's parameters (the notebook's first cell), checked."""
    from xmlstudy.parameters import DEVICE, PROFILE, in_range, validate as check

    return check(namespace, {"profile": PROFILE, "resamples": in_range(100, 1_000_000, int),
                             "device": DEVICE, "run_missing": bool})


def collect(params) -> tuple[dict, int, int]:
    """``({"paper/experiment": records}, missing, total)``: this chapter's records (run first
    when ``params.run_missing``) and the chapter record files it reuses."""
    wanted = experiments.select(grid(params.profile), device=params.device)
    found, missing = experiments.collect(wanted, params.run_missing)
    frames = {f"{PAPER}/{e}": found.get(e, experiments.records_frame([])) for e in EXPERIMENTS}
    for name in CHAPTER_FILES:
        paper, experiment = name.split("/")
        frames[name] = experiments.load_records(paper, experiment, params.profile)
    return frames, missing, len(wanted)


def _clean(records: pd.DataFrame) -> pd.DataFrame:
    """Runs on the given split without noise or a training subset."""
    if not len(records):
        return records
    plain = records["setting"].map(lambda st: not st) & (records["split"] == "given")
    return records[plain]


def benchmark_records(frames: dict) -> pd.DataFrame:
    """One record set per (method, dataset) of the benchmark: from the first of
    :data:`SOURCES` that has the cell (3 seeds), so no cell mixes two chapters' settings."""
    parts, seen = [], set()
    for name in SOURCES:
        frame = _clean(frames.get(name, experiments.records_frame([])))
        if not len(frame):
            continue
        frame = frame[frame["method"].isin(METHODS) & frame["dataset"].isin(DATASETS)]
        if not name.endswith("/main") and name != f"{PAPER}/benchmark":
            extra = [EXTRA_REUSE.get(k) == name.split("/")[1] for k in zip(frame["method"], frame["dataset"])]
            frame = frame[extra]
        keys = list(zip(frame["method"], frame["dataset"]))
        keep = [k not in seen for k in keys]
        frame = frame[keep].assign(source=name)
        seen |= set(zip(frame["method"], frame["dataset"]))
        parts.append(frame)
    if not parts:
        return experiments.records_frame([]).assign(source=[])
    return pd.concat(parts, ignore_index=True)


def _name(method: str) -> str:
    return methods.name(method)


def benchmark_table(records: pd.DataFrame, metric: str = "P@1", scale: float = 100.0,
                    digits: int = 2) -> pd.DataFrame:
    """Data sets x methods: mean ± std over seeds of ``metric``; a cell left out says why."""
    stats = summarize(records, [metric]) if len(records) else pd.DataFrame(
        columns=["dataset", "method", "mean", "std", "n"])
    cells = {(r.dataset, r.method): mean_std(r.mean, r.std, r.n, scale, digits)
             for r in stats.itertuples(index=False)}
    present = [d for d in DATASETS if any(k[0] == d for k in cells)]
    rows = {}
    for d in present:
        rows[d] = {_name(m): cells.get((d, m), "budget" if (m, d) in BUDGET else "to run")
                   for m in METHODS}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(index="dataset")


def score_matrix(records: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Data sets x methods: the mean over seeds of ``metric`` (NaN where not run)."""
    if not len(records):
        return pd.DataFrame(columns=list(METHODS))
    stats = summarize(records, [metric])
    matrix = stats.pivot_table(index="dataset", columns="method", values="mean")
    return matrix.reindex(index=[d for d in DATASETS if d in matrix.index],
                          columns=[m for m in METHODS if m in matrix.columns])


def complete(matrix: pd.DataFrame) -> pd.DataFrame:
    """The data sets on which every method of ``matrix`` has a score (ranks need every method
    on every data set); methods with no score at all are dropped first."""
    matrix = matrix.dropna(axis=1, how="all")
    return matrix.dropna(axis=0, how="any")


def coverage(records: pd.DataFrame, metric: str = "P@1") -> str:
    """Which data sets the ranks of ``metric`` stand on, and the cells that keep the others
    out: the ranks and diagrams need every method on a data set."""
    matrix = score_matrix(records, metric).dropna(axis=1, how="all")
    full = complete(matrix)
    gaps = [f"{d} {_name(m)}" for d in matrix.index for m in matrix.columns
            if pd.isna(matrix.loc[d, m]) and (m, d) not in BUDGET]
    budget = [d for d in matrix.index if any((m, d) in BUDGET for m in matrix.columns)]
    text = (f"{metric.split('/')[-1]}: every method has records on {len(full)} of {len(matrix)} "
            f"data sets ({', '.join(full.index) or 'none'}).")
    if budget:
        text += f" Out for cells over the machine's budget: {', '.join(budget)}."
    if gaps:
        text += f" Still to run: {', '.join(gaps)}."
    return text


def rank_table(records: pd.DataFrame, metrics=RANK_METRICS) -> pd.DataFrame:
    """Average rank of every method per metric (1 = best) over the data sets where all methods
    ran, with Friedman's p-value and the number of data sets per metric."""
    columns, notes = {}, {}
    for metric in metrics:
        matrix = complete(score_matrix(records, metric))
        if matrix.shape[0] < 2 or matrix.shape[1] < 3:
            continue
        label = metric.split("/")[-1]
        columns[label] = stats.average_ranks(matrix)
        notes[label] = (matrix.shape[0], stats.friedman(matrix)["p"])
    if not columns:
        return pd.DataFrame()
    table = pd.DataFrame(columns).rename(index=_name)
    table = table.sort_values(table.columns[0])
    footer = pd.DataFrame({c: {"data sets": n, "Friedman p": p} for c, (n, p) in notes.items()})
    return pd.concat([table.round(2), footer.round(4)])


def cliques(ranks: pd.Series, cd: float) -> list[tuple[int, int]]:
    """Maximal runs ``(first, last)`` of the rank-sorted methods whose average ranks differ by
    less than ``cd``: the groups a critical-difference diagram joins with a bar."""
    values = ranks.to_numpy()
    runs = []
    for i in range(len(values)):
        j = i
        while j + 1 < len(values) and values[j + 1] - values[i] < cd:
            j += 1
        if j > i and not any(a <= i and j <= b for a, b in runs):
            runs.append((i, j))
    return runs


def critical_difference_figure(records: pd.DataFrame, metric: str = "P@1"):
    """Demšar's critical-difference diagram for ``metric``: methods on the axis of average ranks
    (1 = best, on the left), bars joining methods whose ranks differ by less than Nemenyi's
    critical difference (not told apart at alpha = 0.05). Returns the figure, or None without
    enough data (3 methods on 2 data sets)."""
    import matplotlib.pyplot as plt

    matrix = complete(score_matrix(records, metric))
    if matrix.shape[0] < 2 or matrix.shape[1] < 3:
        return None
    ranks = stats.average_ranks(matrix)
    k, cd = len(ranks), stats.critical_difference(len(ranks), matrix.shape[0])
    half = (k + 1) // 2
    fig, ax = plt.subplots(figsize=(8, 1.6 + 0.28 * half))
    ax.hlines(0, 1, k, color="black")
    for r in range(1, k + 1):
        ax.vlines(r, 0, 0.08, color="black")
        ax.text(r, 0.12, str(r), ha="center", va="bottom", fontsize=9)
    for i, (method, rank) in enumerate(ranks.items()):
        left = i < half
        y = -0.35 - 0.28 * (i if left else k - 1 - i)
        x_end = 0.6 if left else k + 0.4
        ax.plot([rank, rank, x_end], [0, y, y], color="grey", lw=0.8)
        ax.text(x_end + (-0.05 if left else 0.05), y, f"{_name(method)} ({rank:.2f})",
                ha="right" if left else "left", va="center", fontsize=9)
    for n, (a, b) in enumerate(cliques(ranks, cd)):
        y = -0.12 - 0.07 * n
        ax.hlines(y, ranks.iloc[a] - 0.03, ranks.iloc[b] + 0.03, color="tab:red", lw=3)
    ax.hlines(0.45, 1, 1 + cd, color="black", lw=2)
    ax.text(1 + cd / 2, 0.5, f"critical difference {cd:.2f}", ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-1.8, k + 2.8)
    ax.set_ylim(-0.45 - 0.28 * half, 0.8)
    ax.axis("off")
    fig.tight_layout()
    return fig


# --- is the best method's lead real? ------------------------------------------------------------------
def leaders(records: pd.DataFrame, metric: str = "P@1") -> dict:
    """``{dataset: (best, runner-up)}`` by the mean of ``metric`` over seeds."""
    matrix = score_matrix(records, metric)
    out = {}
    for dataset, row in matrix.iterrows():
        row = row.dropna().sort_values(ascending=False)
        if len(row) >= 2:
            out[dataset] = (row.index[0], row.index[1])
    return out


def _hits(records: pd.DataFrame, method: str, dataset: str) -> dict:
    """``{seed: per-row top-1 hits}`` of the records of ``method`` on ``dataset`` that keep
    their per-row outcomes."""
    mine = records[(records["method"] == method) & (records["dataset"] == dataset)]
    out = {}
    for seed, rows in zip(mine["seed"], mine["rows"]):
        if isinstance(rows, dict) and "hits@1" in rows:
            out.setdefault(int(seed), unpack_bits(rows["hits@1"]))
    return out


def bootstrap_table(records: pd.DataFrame, rows_records: pd.DataFrame | None = None,
                    resamples: int = 10_000, level: float = 0.95) -> pd.DataFrame:
    """Per data set: the best method on P@1 against the runner-up, the difference of their P@1
    (points) with a paired bootstrap interval over the test rows (each row scored by its hit
    rate over the seeds both methods ran), and whether the interval excludes 0. The per-row
    outcomes come from the benchmark's records or from experiment "rows" (``rows_records``)."""
    both = records if rows_records is None or not len(rows_records) else pd.concat(
        [rows_records, records], ignore_index=True)
    rows = []
    for dataset, (best, second) in leaders(records).items():
        a, b = _hits(both, best, dataset), _hits(both, second, dataset)
        seeds = sorted(set(a) & set(b))
        row = {"dataset": dataset, "best": _name(best), "runner-up": _name(second)}
        if not seeds:
            rows.append({**row, "seeds": 0, "lead (points)": np.nan, "interval": "—",
                         "lead holds": "no per-row outcomes recorded"})
            continue
        # A row's score is its hit rate over the seeds: the rows, not the seeds' copies of
        # them, are what the bootstrap resamples.
        result = stats.paired_bootstrap(np.mean([a[s] for s in seeds], axis=0),
                                        np.mean([b[s] for s in seeds], axis=0),
                                        resamples=resamples, level=level)
        rows.append({**row, "seeds": len(seeds), "lead (points)": round(100 * result["difference"], 2),
                     "interval": f"[{100 * result['low']:.2f}, {100 * result['high']:.2f}]",
                     "lead holds": "yes" if result["low"] > 0 else "no"})
    return pd.DataFrame(rows)


def rerun_shift(records: pd.DataFrame, rows_records: pd.DataFrame) -> pd.DataFrame:
    """Per (method, data set) of experiment "rows": the mean P@1 of the reruns minus that of the
    records they repeat, and the standard deviation over seeds of those records. Methods with a
    stochastic fit (Parabel's trees, the networks) do not repeat bit for bit on another CPU and
    commit; their means should stay within the seeds' spread."""
    if not len(rows_records):
        return pd.DataFrame(columns=["method", "dataset", "shift", "spread"])
    rows = []
    for (method, dataset), group in rows_records.groupby(["method", "dataset"], sort=False):
        original = records[(records["method"] == method) & (records["dataset"] == dataset)]
        p1 = pd.to_numeric(original["P@1"])
        rows.append({"method": method, "dataset": dataset,
                     "shift": float(pd.to_numeric(group["P@1"]).mean() - p1.mean()),
                     "spread": float(p1.std(ddof=1)) if len(p1) > 1 else 0.0})
    return pd.DataFrame(rows)


# --- label noise -----------------------------------------------------------------------------------------
def noise_records(frames: dict) -> pd.DataFrame:
    """Every method under noise, clean runs included: this chapter's noise runs and the Rank-AE
    chapter's (its four methods on the IMDB-F subset, at this chapter's rates)."""
    chapter = frames.get("rankae/noise", experiments.records_frame([]))
    if len(chapter):
        rate = chapter["setting"].map(lambda st: (st or {}).get("rate", 0.0))
        chapter = chapter[rate.isin((0.0, *NOISE_RATES))]
    parts = [f for f in (frames.get(f"{PAPER}/noise"), chapter) if f is not None and len(f)]
    if not parts:
        return experiments.records_frame([])
    out = pd.concat(parts, ignore_index=True)
    out["kind"] = out["setting"].map(lambda st: (st or {}).get("noise", "clean"))
    out["rate"] = out["setting"].map(lambda st: (st or {}).get("rate", 0.0))
    return out


def noise_table(records: pd.DataFrame, metric: str = "P@1") -> pd.DataFrame:
    """Per data set, noise kind and method: ``metric`` (percent) at every rate, clean first, and
    the relative drop at the highest rate (% of the clean score)."""
    if not len(records):
        return pd.DataFrame()
    values = pd.to_numeric(record_field(records, metric), errors="coerce")
    frame = records.assign(value=values.to_numpy())
    rows = []
    for (dataset, method), group in frame.groupby(["dataset", "method"], sort=False):
        clean = group.loc[group["kind"] == "clean", "value"]
        for kind in NOISE_KINDS:
            part = group[group["kind"] == kind]
            if not len(part) or not len(clean):
                continue
            row = {"dataset": dataset, "noise": kind, "method": _name(method),
                   "0%": round(100 * clean.mean(), 2)}
            for rate in NOISE_RATES:
                v = part.loc[np.isclose(part["rate"], rate), "value"]
                row[f"{rate:.0%}"] = round(100 * v.mean(), 2) if len(v) else np.nan
            top = row[f"{NOISE_RATES[-1]:.0%}"]
            row[f"drop at {NOISE_RATES[-1]:.0%} (%)"] = round(100 * (1 - top / row["0%"]), 1) if row["0%"] else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


def noise_drops(records: pd.DataFrame, metrics=("P@1", "validation/ma-F1")) -> pd.DataFrame:
    """Methods x (data set, noise kind, metric): the relative drop at the highest noise rate (%
    of the clean score; lower is better), the one column of :func:`noise_table` per setting."""
    drop = f"drop at {NOISE_RATES[-1]:.0%} (%)"
    parts = []
    for metric in metrics:
        table = noise_table(records, metric)
        if len(table):
            parts.append(table.assign(metric=metric.split("/")[-1]))
    if not parts:
        return pd.DataFrame()
    long = pd.concat(parts, ignore_index=True)
    wide = long.pivot_table(index="method", columns=["dataset", "noise", "metric"], values=drop, sort=False)
    names = [m.split("/")[-1] for m in metrics]
    wide = wide[sorted(wide.columns, key=lambda c: (NOISE_DATASETS.index(c[0]) if c[0] in NOISE_DATASETS else 99,
                                                    NOISE_KINDS.index(c[1]), names.index(c[2])))]
    wide.columns.names = [None, None, None]
    wide.index.name = None
    order = [_name(m) for m in METHODS]
    return wide.reindex([m for m in order if m in wide.index])


def noise_figure(records: pd.DataFrame, metrics=("P@1", "validation/ma-F1")):
    """Curves of each metric against the noise rate: one panel per (data set, kind, metric)."""
    import matplotlib.pyplot as plt

    tables = {m: noise_table(records, m) for m in metrics}
    base = tables[metrics[0]]
    if not len(base):
        return None
    panels = list(dict.fromkeys(zip(base["dataset"], base["noise"])))
    fig, axes = plt.subplots(len(metrics), len(panels), figsize=(3.6 * len(panels), 3.2 * len(metrics)),
                             squeeze=False)
    rates = [0.0, *NOISE_RATES]
    columns = ["0%", *[f"{r:.0%}" for r in NOISE_RATES]]
    for i, metric in enumerate(metrics):
        for j, (dataset, kind) in enumerate(panels):
            ax = axes[i][j]
            part = tables[metric]
            part = part[(part["dataset"] == dataset) & (part["noise"] == kind)]
            for row in _in_method_order(part).to_dict("records"):
                key = methods.key_of(row["method"])
                ax.plot([100 * r for r in rates], [row[c] for c in columns], ms=3, label=row["method"],
                        color=methods.colour(key), marker=methods.marker(key))
            ax.set_title(f"{dataset}, {kind}", fontsize=9)
            ax.set_xlabel("noisy training labels (%)")
            ax.set_ylabel(f"{metric.split('/')[-1]} (%)")
    _method_legend(fig, set(base["method"]))
    return fig


def _method_legend(fig, names) -> None:
    """One legend under all panels for every method drawn in any of them, in METHODS' order (a
    panel's own legend would list only the methods of that panel)."""
    from matplotlib.lines import Line2D

    shown = [m for m in METHODS if _name(m) in set(names)]
    handles = [Line2D([], [], color=methods.colour(m), marker=methods.marker(m), ms=3, label=_name(m))
               for m in shown]
    rows = -(-len(handles) // 6)
    fig.tight_layout(rect=(0, (0.1 + 0.2 * rows) / fig.get_figheight(), 1, 1))   # inches kept for it
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 6), fontsize=8, frameon=False)


def _in_method_order(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a table with a ``method`` column (display names) in the order of METHODS, so
    that every legend of the page lists the methods alike."""
    order = {_name(m): i for i, m in enumerate(METHODS)}
    return table.sort_values("method", key=lambda c: c.map(order), kind="stable")


def _in_dataset_order(table: pd.DataFrame, then: tuple = ()) -> pd.DataFrame:
    """The rows of a table with a ``dataset`` column in FEWER_DATASETS' order (then by the
    columns ``then``), keeping the order of equal rows, so the fewer-rows tables read alike."""
    order = {d: i for i, d in enumerate(FEWER_DATASETS)}
    return table.sort_values(["dataset", *then], key=lambda c: c.map(order) if c.name == "dataset" else c,
                             kind="stable").reset_index(drop=True)


# --- fewer training rows ---------------------------------------------------------------------------------
def fewer_records(frames: dict) -> pd.DataFrame:
    """Every method at 10%, 50% and 100% of the training rows: this chapter's subsets, the
    C-GMVAE chapter's (C-GMVAE and C2AE on scene and yeast) and the benchmark (100%)."""
    parts = []
    for name in (f"{PAPER}/fewer_data", "cgmvae/fewer_data"):
        frame = frames.get(name, experiments.records_frame([]))
        if len(frame):
            frame = frame[frame["dataset"].isin(FEWER_DATASETS) & frame["method"].isin(METHODS)]
            parts.append(frame.assign(fraction=frame["setting"].map(lambda st: st["train_fraction"])))
    full = benchmark_records(frames)
    if len(full):
        parts.append(full[full["dataset"].isin(FEWER_DATASETS)].assign(fraction=1.0))
    return pd.concat(parts, ignore_index=True) if parts else experiments.records_frame([])


def fewer_table(records: pd.DataFrame, metric: str = "validation/ma-F1", relative: bool = False) -> pd.DataFrame:
    """(data set, method) x fraction of train: mean of ``metric`` over seeds in percent, or with
    ``relative`` its relative difference to C2AE at the same fraction (%, C-GMVAE's Figure 2)."""
    if not len(records):
        return pd.DataFrame()
    stats_ = summarize(records, [metric], by=("dataset", "method", "fraction"))
    means = stats_.pivot_table(index=["dataset", "method"], columns="fraction", values="mean")
    if relative:
        c2ae = means.xs("c2ae", level="method") if "c2ae" in means.index.get_level_values("method") else None
        if c2ae is None:
            return pd.DataFrame()
        means = means.sub(c2ae, level="dataset").div(c2ae, level="dataset")
    table = (100 * means).round(2)
    table.columns = [f"{c:.0%}" for c in table.columns]
    table = table.reset_index()
    table["method"] = table["method"].map(_name)
    return _in_dataset_order(table)


def stalled(records: pd.DataFrame, metric: str = "validation/ma-F1") -> pd.DataFrame:
    """The fewer-rows runs whose best validation epoch is among the first STALL_EPOCHS, so that
    early stopping (a patience of 8 to 10 epochs) ended them within about one patience window,
    often in the plateau a deep model starts in: per (data set, method, share), how many seeds
    stalled, their ``metric`` (percent, mean over those seeds: "stalled score") and the method's
    at 100% of train.
    Where a stalled run is far below the 100% score, it measures the stopping rule as much as
    the method."""
    if not len(records):
        return pd.DataFrame()
    frame = records.assign(best_epoch=pd.to_numeric(record_field(records, "fit_info/best_epoch", root=""),
                                                    errors="coerce").to_numpy(),
                           value=pd.to_numeric(record_field(records, metric), errors="coerce").to_numpy())
    full = frame[frame["fraction"] == 1.0].groupby(["dataset", "method"])["value"].mean()
    rows = []
    for (dataset, method, fraction), group in frame[frame["fraction"] < 1.0].groupby(
            ["dataset", "method", "fraction"], sort=False):
        stuck = group[group["best_epoch"] <= STALL_EPOCHS]
        if not len(stuck):
            continue
        score, at_full = round(100 * stuck["value"].mean(), 2), round(100 * full.get((dataset, method), np.nan), 2)
        # An early best epoch alone also marks good runs (a model that learns fast); the findings
        # and the verdict count only the far ones, and the page marks them.
        rows.append({"dataset": dataset, "method": _name(method), "share": f"{fraction:.0%}",
                     "stalled seeds": f"{len(stuck)} of {len(group)}", "stalled score (%)": score,
                     "at 100% (%)": at_full, "under half of 100%": "yes" if score < at_full / 2 else ""})
    if not rows:
        return pd.DataFrame()
    return _in_dataset_order(_in_method_order(pd.DataFrame(rows)), then=("share",))


def fewer_wide(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`fewer_table` as the page shows it: methods (in METHODS' order) x (data set,
    share of train), so eleven methods on four data sets fit one screen."""
    if not len(table):
        return table
    shares = [c for c in table.columns if c.endswith("%")]
    wide = table.set_index(["method", "dataset"])[shares].unstack("dataset")
    wide = wide.swaplevel(axis=1)
    datasets = [d for d in FEWER_DATASETS if d in set(table["dataset"])]
    wide = wide[[(d, c) for d in datasets for c in shares if (d, c) in wide.columns]]
    wide.columns.names = [None, None]
    wide.index.name = None
    return wide.reindex([_name(m) for m in METHODS if _name(m) in wide.index])


def patience_table(frames: dict, metric: str = "validation/ma-F1") -> pd.DataFrame:
    """Experiment "patience" beside the same cells with the chapters' early stopping: rows (data
    set, method) at PATIENCE_CHECK's share; columns ("early stopping" or "all epochs", ``metric``
    in percent or "best epoch"), means over seeds."""
    few = fewer_records(frames)
    runs = frames.get(f"{PAPER}/patience", experiments.records_frame([]))
    if not len(runs) or not len(few):
        return pd.DataFrame()
    share = PATIENCE_CHECK["fraction"]
    rows = []
    for (dataset, method), group in runs.groupby(["dataset", "method"], sort=False):
        stopped = few[(few["dataset"] == dataset) & (few["method"] == method) & np.isclose(few["fraction"], share)]
        row = {"dataset": dataset, "method": _name(method)}
        for label, part in (("early stopping", stopped), ("all epochs", group)):
            value = pd.to_numeric(record_field(part, metric), errors="coerce")
            epoch = pd.to_numeric(record_field(part, "fit_info/best_epoch", root=""), errors="coerce")
            row[(label, f"{metric.split('/')[-1]} (%)")] = round(100 * value.mean(), 2) if len(part) else np.nan
            row[(label, "best epoch")] = round(epoch.mean(), 1) if len(part) else np.nan
        rows.append(row)
    table = _in_dataset_order(_in_method_order(pd.DataFrame(rows))).set_index(["dataset", "method"])
    table.columns = pd.MultiIndex.from_tuples(table.columns)
    table.index.names = [None, None]
    return table


def patience_summary(table: pd.DataFrame, metric: str = "validation/ma-F1") -> str:
    """One sentence on :func:`patience_table` (made with the same ``metric``): which cells recover
    without early stopping (their score at least 1.5 times and 1 point above the stopped runs')
    and which stay where they were."""
    if not len(table):
        return ""
    column = f"{metric.split('/')[-1]} (%)"
    label = {"ma-F1": "macro-F1", "mi-F1": "micro-F1", "ex-F1": "example-F1"}.get(metric.split("/")[-1], metric)
    stopped, free = table[("early stopping", column)], table[("all epochs", column)]
    up = (free >= 1.5 * stopped) & (free >= stopped + 1)
    name = lambda part: ", ".join(f"{method} on {dataset}" for dataset, method in part.index)
    said = []
    if up.any():
        said.append(f"{name(table[up])} recover ({label} at least 1.5 times the stopped runs')")
    if (~up).any():
        said.append(f"{name(table[~up])} stay on their plateau for all epochs, so there it is not the "
                    f"stopping rule that holds them back")
    return f"Without early stopping, {'; '.join(said)}."


def far_stalled(records: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`stalled` far below the method's score on all of train (under half)."""
    stuck = stalled(records)
    return stuck[stuck["under half of 100%"] == "yes"] if len(stuck) else stuck


def fewer_figure(records: pd.DataFrame, metric: str = "validation/ma-F1"):
    """Per data set, ``metric`` (percent, mean over seeds) against the share of the training rows,
    one line per method. None without records. (The relative-to-C2AE form stays a table: a C2AE
    run that stalls near zero makes every ratio of its data set explode.)"""
    import matplotlib.pyplot as plt

    table = fewer_table(records, metric)
    if not len(table):
        return None
    datasets = list(dict.fromkeys(table["dataset"]))
    columns = [c for c in table.columns if c.endswith("%")]
    shares = [float(c.rstrip("%")) for c in columns]
    fig, axes = plt.subplots(1, len(datasets), figsize=(3.3 * len(datasets), 3.2), squeeze=False)
    for ax, dataset in zip(axes[0], datasets):
        for row in _in_method_order(table[table["dataset"] == dataset]).to_dict("records"):
            key = methods.key_of(row["method"])
            ax.plot(shares, [row.get(c, np.nan) for c in columns], ms=3, label=row["method"],
                    color=methods.colour(key), marker=methods.marker(key))
        ax.set_xticks(shares, columns)
        ax.set_title(dataset, fontsize=9)
        ax.set_xlabel("share of the training rows")
        ax.set_ylabel(f"{metric.split('/')[-1]} (%)")
    _method_legend(fig, set(table["method"]))
    return fig


# --- cost -------------------------------------------------------------------------------------------------
def cost_table(records: pd.DataFrame, field: str = "fit_s", digits: int = 1) -> pd.DataFrame:
    """Data sets x methods: the median over seeds of a cost field of the records (``fit_s``,
    ``predict_s``, ``n_parameters`` or ``peak_memory_mb``)."""
    if not len(records):
        return pd.DataFrame()
    values = pd.to_numeric(records[field], errors="coerce")
    table = records.assign(value=values).pivot_table(index="dataset", columns="method",
                                                     values="value", aggfunc="median")
    table = table.reindex(index=[d for d in DATASETS if d in table.index],
                          columns=[m for m in METHODS if m in table.columns])
    return table.round(digits).rename(columns=_name).rename_axis(index="dataset", columns=None)


def frontier(records: pd.DataFrame, metric: str = "P@1") -> dict:
    """``{dataset: (scores, fit times, on-frontier mask)}``: per data set the methods' mean
    ``metric`` and median fit time, and which methods no other beats on both
    (:func:`xmlstudy.stats.pareto_front`)."""
    score = score_matrix(records, metric)
    cost = records.assign(value=pd.to_numeric(records["fit_s"], errors="coerce")).pivot_table(
        index="dataset", columns="method", values="value", aggfunc="median")
    out = {}
    for dataset in score.index:
        s = score.loc[dataset].dropna()
        c = cost.loc[dataset].reindex(s.index) if dataset in cost.index else pd.Series(np.nan, s.index)
        s, c = s[c.notna()], c[c.notna()]
        out[dataset] = (s, c, stats.pareto_front(c.to_numpy(), s.to_numpy()))
    return out


def pareto_figure(records: pd.DataFrame, metric: str = "P@1"):
    """Per data set, ``metric`` against the median fit time (log scale), the methods on the
    accuracy-for-time frontier (:func:`frontier`) ringed and named."""
    import matplotlib.pyplot as plt

    if not len(records):
        return None
    fronts = frontier(records, metric)
    datasets = list(fronts)
    cols = 4
    fig, axes = plt.subplots((len(datasets) + cols - 1) // cols, cols,
                             figsize=(3.4 * cols, 3.0 * ((len(datasets) + cols - 1) // cols)), squeeze=False)
    for ax in axes.ravel()[len(datasets):]:
        ax.axis("off")
    for ax, dataset in zip(axes.ravel(), datasets):
        s, c, front = fronts[dataset]
        c = c.clip(lower=1e-2)   # a log axis: kNN's fit can round to 0 s
        ax.scatter(c, 100 * s, s=14, color="grey")
        ax.scatter(c[front], 100 * s[front], s=60, facecolors="none", edgecolors="tab:red")
        for method in s.index[front]:
            ax.annotate(_name(method), (c[method], 100 * s[method]), fontsize=7,
                        xytext=(3, 3), textcoords="offset points")
        ax.set_xscale("log")
        ax.set_title(dataset, fontsize=9)
        ax.set_xlabel("fit time (s, median)")
        ax.set_ylabel(f"{metric} (%)")
    fig.tight_layout()
    return fig


# --- tail labels ------------------------------------------------------------------------------------------
def tail_table(records: pd.DataFrame) -> pd.DataFrame:
    """Data sets x methods: recall@5 on the rarest quarter of the labels (by training
    frequency), mean over seeds in percent, where the records keep it."""
    if not len(records) or "bucket-recall@5" not in records.columns:
        return pd.DataFrame()
    rare = records["bucket-recall@5"].map(lambda b: b[0] if isinstance(b, list) and b and b[0] is not None else np.nan)
    frame = records.assign(value=pd.to_numeric(rare, errors="coerce")).dropna(subset=["value"])
    if not len(frame):
        return pd.DataFrame()
    table = frame.pivot_table(index="dataset", columns="method", values="value", aggfunc="mean")
    table = table.reindex(index=[d for d in DATASETS if d in table.index],
                          columns=[m for m in METHODS if m in table.columns])
    return (100 * table).round(2).rename(columns=_name).rename_axis(index="dataset", columns=None)


# --- what no paper showed ------------------------------------------------------------------------------------
def _counted(names: list[str]) -> str:
    """``["kNN", "Parabel", "kNN"]`` -> "kNN 2, Parabel 1" (most often first)."""
    return ", ".join(f"{n} {c}" for n, c in pd.Series(names).value_counts().items())


def _change(drop: float) -> str:
    """A relative drop (%, positive = worse) as the signed change a reader expects: −4.7%, +0.5%."""
    return f"{-drop:+.1f}%".replace("-", "−")


def _winners(table: pd.DataFrame, by, column: str, lowest: bool = False) -> list:
    """``[(key, group, best row)]`` per group of ``table`` (rows are methods) that has at least
    three methods with a ``column`` value: the method with the highest (``lowest``: the lowest)."""
    out = []
    for key, group in table.dropna(subset=[column]).groupby(by, sort=False):
        if len(group) >= 3:
            out.append((key, group, group.sort_values(column, ascending=lowest).iloc[0]))
    return out


def findings(frames: dict, lead: pd.DataFrame | None = None) -> list[str]:
    """The results none of the papers reported, one sentence each, computed from the records:
    whether the P@1 leads hold (``lead``, a :func:`bootstrap_table`), who degrades least under
    noise, who is best on a tenth of the rows, who is on the accuracy-for-time frontier, and who
    recalls the rare labels best. A part without records says so."""
    bench = benchmark_records(frames)
    out = []
    if lead is not None and len(lead):
        tested = lead[lead["seeds"] > 0]
        held = tested[tested["lead holds"] == "yes"]
        pending = lead.loc[lead["seeds"] == 0, "dataset"]
        out.append(f"**Leads.** The best method's P@1 lead over the runner-up survives a paired "
                   f"bootstrap on {len(held)} of {len(tested)} data sets"
                   + (f" ({', '.join(f'{r.dataset}: {r.best}' for r in held.itertuples())})" if len(held) else "")
                   + "; on the others the top two are not told apart."
                   + (f" Not yet tested, for want of per-row outcomes: {', '.join(pending)}." if len(pending) else ""))
    table = noise_table(noise_records(frames), "P@1")
    drop = f"drop at {NOISE_RATES[-1]:.0%} (%)"
    if len(table) and drop in table.columns:
        least = _winners(table, ["dataset", "noise"], drop, lowest=True)
        if not least:
            out.append("**Noise.** Fewer than three methods have noise records on any data set yet.")
        else:
            top = f"{NOISE_RATES[-1]:.0%}"
            highest = {key: r for key, _, r in _winners(table, ["dataset", "noise"], top)}
            out.append(f"**Noise.** Least P@1 lost at {top} noisy labels (change from clean labels): "
                       + "; ".join(f"{d} {kind}: {r['method']} ({_change(r[drop])}, of {len(g)} methods"
                                   + (f"; highest P@1 there: {highest[(d, kind)]['method']}, "
                                      f"{highest[(d, kind)][top]:.1f}" if (d, kind) in highest else "") + ")"
                                   for (d, kind), g, r in least) + ".")
    else:
        out.append("**Noise.** No noise records yet.")
    few = fewer_records(frames)
    fewer = fewer_table(few, "validation/ma-F1")
    if len(fewer) and "10%" in fewer.columns:
        best = _winners(fewer, "dataset", "10%")
        if not best:
            out.append("**Fewer rows.** Fewer than three methods have 10% records on any data set yet.")
        else:
            far = far_stalled(few)
            out.append("**Fewer rows.** Best macro-F1 on 10% of train: "
                       + "; ".join(f"{d}: {r['method']} ({r['10%']:.2f}, of {len(g)} methods)"
                                   for d, g, r in best) + "."
                       + (f" Early stopping ended {len(far)} {'cell' if len(far) == 1 else 'cells'} (method and "
                          f"share) in their first plateau, under half their score on all of train: "
                          + ", ".join(f"{r.dataset} {r.method} {r.share}" for r in far.itertuples()) + "."
                          if len(far) else "")
                       + (" " + patience_summary(patience_table(frames))).rstrip())
    else:
        out.append("**Fewer rows.** No fewer-data records yet.")
    if len(bench):
        fronts = frontier(bench, "P@1")
        on_front = [_name(m) for s, _, front in fronts.values() for m in s.index[front]]
        out.append(f"**Cost.** On the P@1-for-fit-time frontier, times over {len(fronts)} data sets: "
                   f"{_counted(on_front)}.")
        tail = tail_table(bench)
        if len(tail):
            out.append(f"**Tail labels.** Best recall@5 on the rarest quarter of the labels, data sets won "
                       f"(of {len(tail)}): {_counted(list(tail.idxmax(axis=1).dropna()))}.")
    return out


# --- the claims ---------------------------------------------------------------------------------------------
def _judge_best(method: str, metric: str, what: str):
    """The paper's method has the best average rank on ``metric`` over the data sets where every
    method ran: reproduced when first, partly when within Nemenyi's critical difference of the
    first (not told apart), not reproduced otherwise."""
    def judge(frames: dict) -> claims_.Verdict:
        matrix = complete(score_matrix(benchmark_records(frames), metric))
        if method not in matrix.columns or matrix.shape[0] < 2 or matrix.shape[1] < 3:
            return claims_.Verdict("not testable here", f"{_name(method)} lacks records on enough "
                                   "data sets beside the other methods")
        ranks = stats.average_ranks(matrix)
        cd = stats.critical_difference(len(ranks), matrix.shape[0])
        first, mine = ranks.index[0], ranks[method]
        place = list(ranks.index).index(method) + 1
        evidence = (f"{what}: {_name(method)} is {place} of {len(ranks)} methods (average rank "
                    f"{mine:.2f} over {matrix.shape[0]} data sets; best {_name(first)} "
                    f"{ranks.iloc[0]:.2f}; critical difference {cd:.2f})")
        if first == method:
            return claims_.Verdict("reproduced", evidence)
        return claims_.Verdict("partly" if mine - ranks.iloc[0] < cd else "not reproduced", evidence)
    return judge


def _judge_noise(frames: dict) -> claims_.Verdict:
    """Rank-AE keeps the most of its clean P@1 at the highest noise rate, in each (data set,
    noise kind), against every method."""
    table = noise_table(noise_records(frames), "P@1")
    drop = f"drop at {NOISE_RATES[-1]:.0%} (%)"
    if not len(table) or drop not in table.columns:
        return claims_.Verdict("not testable here", "no noise records")
    wins, total, parts = 0, 0, []
    for (dataset, kind), group, best in _winners(table, ["dataset", "noise"], drop, lowest=True):
        if _name("rankae") not in set(group["method"]):
            continue
        total += 1
        wins += best["method"] == _name("rankae")
        mine = group.loc[group["method"] == _name("rankae"), drop].iloc[0]
        parts.append(f"{dataset} {kind}: Rank-AE {_change(mine)}, least lost {best['method']} {_change(best[drop])}")
    if not total:
        return claims_.Verdict("not testable here", "Rank-AE has no noise records beside 2 other methods")
    return claims_.Verdict(claims_.share_verdict(wins, total),
                           f"Rank-AE loses the least P@1 in {wins} of {total} settings (data set and noise kind): "
                           + "; ".join(parts))


def _judge_fewer(frames: dict) -> claims_.Verdict:
    """C-GMVAE's lead at 10% of train (its Figure 2): ahead of every method on validation-
    threshold macro-F1 at 10% of the rows, per data set."""
    few = fewer_records(frames)
    table = fewer_table(few, "validation/ma-F1")
    if not len(table) or "10%" not in table.columns:
        return claims_.Verdict("not testable here", "no fewer-data records")
    far = far_stalled(few)
    stuck = set(far.loc[(far["method"] == _name("cgmvae")) & (far["share"] == "10%"), "dataset"]) if len(far) else set()
    wins, total, parts = 0, 0, []
    for dataset, group, best in _winners(table, "dataset", "10%"):
        if _name("cgmvae") not in set(group["method"]):
            continue
        total += 1
        wins += best["method"] == _name("cgmvae")
        mine = group.loc[group["method"] == _name("cgmvae"), "10%"].iloc[0]
        rank = int((group["10%"] > mine).sum()) + 1
        parts.append(f"{dataset}: C-GMVAE {mine:.2f}, {rank} of {len(group)}, best {best['method']} {best['10%']:.2f}"
                     + (" (C-GMVAE stalled in its first plateau)" if dataset in stuck else ""))
    if not total:
        return claims_.Verdict("not testable here", "C-GMVAE has no 10% records beside 2 other methods")
    return claims_.Verdict(claims_.share_verdict(wins, total),
                           f"C-GMVAE is first at 10% of train in {wins} of {total} data sets ("
                           + "; ".join(parts) + ")")


# Judged on this chapter's records; the chapters' record files are read when they hold records
# (the smoke profile has no C-GMVAE embeddings runs, for one).
BENCHMARK_FILES = (f"{PAPER}/benchmark",)
REUSED_FILES = tuple(n for n in SOURCES if n not in BENCHMARK_FILES)
CLAIMS = (
    claims_.Claim("synthesis-dxml", PAPER, "DXML outperforms the other methods (DXML, Tables 2-5: "
                  "P@k)", "DXML, section 4", BENCHMARK_FILES, _judge_best("dxml", "P@1", "P@1"),
                  section="synthesis-ranks", optional=REUSED_FILES),
    claims_.Claim("synthesis-rankae", PAPER, "Rank-AE has the best average rank (Rank-AE, Table 2: "
                  "P@k)", "Rank-AE, Table 2", BENCHMARK_FILES, _judge_best("rankae", "P@1", "P@1"),
                  section="synthesis-ranks", optional=REUSED_FILES),
    claims_.Claim("synthesis-cgmvae", PAPER, "C-GMVAE beats the other methods on the set metrics "
                  "(C-GMVAE, Tables 1-3: macro-F1)", "C-GMVAE, Tables 1-3", BENCHMARK_FILES,
                  _judge_best("cgmvae", "validation/ma-F1", "macro-F1, validation thresholds"),
                  section="synthesis-ranks", optional=REUSED_FILES),
    claims_.Claim("synthesis-nnae", PAPER, "The non-negative autoencoder's two-step classifier "
                  "predicts as well as the other methods (its paper's many-label claim)",
                  "the non-negative autoencoder paper, section 5", BENCHMARK_FILES,
                  _judge_best("nnae", "P@1", "P@1"), section="synthesis-ranks",
                  optional=REUSED_FILES),
    claims_.Claim("synthesis-noise", PAPER, "Rank-AE is the most robust to noisy labels, now against "
                  "every method (Rank-AE, Figure 3)", "Rank-AE, Figure 3",
                  (f"{PAPER}/noise",), _judge_noise, section="synthesis-noise",
                  optional=(*REUSED_FILES, *BENCHMARK_FILES, "rankae/noise")),
    claims_.Claim("synthesis-fewer-data", PAPER, "C-GMVAE learns best from few training rows, now "
                  "against every method (C-GMVAE, Figure 2)", "C-GMVAE, Figure 2",
                  (f"{PAPER}/fewer_data",), _judge_fewer, section="synthesis-fewer-data",
                  optional=(*REUSED_FILES, *BENCHMARK_FILES, "cgmvae/fewer_data")),
)


# --- glued numbers ------------------------------------------------------------------------------------------
def numbers(frames: dict) -> dict:
    """The numbers the chapter's prose quotes, as text."""
    bench = benchmark_records(frames)
    cells = set(zip(bench["method"], bench["dataset"])) if len(bench) else set()
    shift = rerun_shift(bench, frames.get(f"{PAPER}/rows", experiments.records_frame([]))) if len(bench) else pd.DataFrame()
    out = {"rows_max_shift": f"{100 * shift['shift'].abs().max():.2f}" if len(shift) else "—",
           "n_cells": str(len(cells)), "n_possible": str(len(METHODS) * len(DATASETS)),
           "n_budget": str(len(BUDGET)), "stall_epochs": str(STALL_EPOCHS),
           "n_reused": str(sum(s != f"{PAPER}/benchmark" for s in
                               bench.drop_duplicates(["method", "dataset"])["source"])) if len(bench) else "0"}
    for metric, key in (("P@1", "p1"), ("validation/ma-F1", "maf1")):
        matrix = complete(score_matrix(bench, metric))
        out[f"{key}_datasets"] = str(matrix.shape[0])
        out[f"{key}_methods"] = str(matrix.shape[1])
        if matrix.shape[0] >= 2 and matrix.shape[1] >= 3:
            ranks = stats.average_ranks(matrix)
            out[f"{key}_first"] = _name(ranks.index[0])
            out[f"{key}_first_rank"] = f"{ranks.iloc[0]:.2f}"
            out[f"{key}_friedman_p"] = f"{stats.friedman(matrix)['p']:.2g}"
            out[f"{key}_cd"] = f"{stats.critical_difference(len(ranks), matrix.shape[0]):.2f}"
        else:
            for name in ("first", "first_rank", "friedman_p", "cd"):
                out[f"{key}_{name}"] = "—"
    return out
