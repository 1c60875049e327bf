"""The Rank-AE chapter (Wang, Chen, Sun, Qin, Li and Zhou, *Ranking-Based Autoencoder for
Extreme Multi-label Classification*, NAACL 2019).

Everything the chapter ``notebooks/rankae.py`` shows comes from here: the grid behind
``python -m xmlstudy run --paper rankae`` (records in ``results/rankae/<experiment>.jsonl``), the
paper's published numbers (read from ``xmlstudy/published/rankae.csv``), the claims with their
verdicts, and the chapter's tables, figures and glued numbers. The model is
:mod:`xmlstudy.models.rankae`.
"""
from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from xmlstudy import claims as claims_
from xmlstudy import experiments, methods, published
from xmlstudy.experiments import RunConfig
from xmlstudy.tables import mean_table, paper_vs_reproduced, summary_table

PAPER = "rankae"
TOLERANCE = 1.5   # percentage points within which a published number counts as reproduced

# --- the grid ------------------------------------------------------------------------------------
# Delicious is the paper's own data and split (the fidelity target); Bibtex is public with the
# same kind of bag-of-words features; imdb-rankae is IMDB-F at the paper's IMDb sizes; Corel5k
# (visual words) and Reuters (tf-idf of the raw texts, which the attention study reads) complete
# Table 2 on public data.
DATASETS = ("delicious", "bibtex", "imdb-rankae", "corel5k", "reuters")
METHODS = ("rankae", "rankae-no-attn", "bce-ae")
# The paper tunes on 20% of the training split, then trains on all of it (section 3.1).
VALID_FRACTION = 0.2
# The methods' settings (epoch budget, and lambda, m, lr and weight decay as the search chose
# them) are the methods registry's: xmlstudy.methods.RANKAE_CHOSEN lists the (data set, method)
# pairs searched so far; one not listed has no main runs yet.
# What the search chooses: experiment "search" runs without them (the model then searches).
SEARCHED = tuple(methods.RANKAE_SEARCH_START)


# Experiment "design": what the loss is trained on, the latent size (the paper's h = 200 "for
# large" label sets may include Delicious's 983) and the width of encoder and decoder.
DESIGN = ({"decode": "both"}, {"decode": "features"}, {"latent": 200}, {"hidden": 512})


# Experiment "embeddings": the word vectors the paper initialises from 100-d GloVe where the
# features are words. Only 50-d GloVe is installable, so: random rows of 50 (to separate size
# from initialisation), GloVe-50, and GloVe-50 padded with 50 random dimensions to C = 100; the
# main runs are random-100.
EMBEDDINGS = ({"word_vectors": "random", "embedding": 50},
              {"word_vectors": "glove-50", "embedding": 50},
              {"word_vectors": "glove-50-padded", "embedding": 100})
WORD_DATASETS = ("bibtex", "imdb-rankae")   # features that are words GloVe knows

# Experiments "noise" and "margin" (Figure 3): IMDB-F at the paper's IMDb sizes; labels of the
# 80% training part made noisy, the other 20% the clean validation split for model selection
# (no refit, so no noisy model ever sees clean labels), the same clean test split for all. The
# deep methods keep the settings chosen on the clean data; the baselines stand in for FastXML
# (Parabel) and PD-Sparse (one-vs-rest).
NOISE_DATASET = "imdb-rankae"
NOISE_KINDS = ("missing", "missing-invalid")
NOISE_RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
NOISE_METHODS = ("rankae", "bce-ae", "parabel", "ovr-linear")
MARGINS = (0.1, 0.3, 0.5, 0.7, 0.9)
MARGIN_RATES = (0.0, 0.3, 0.6)


def search_params(method: str, dataset: str, profile: str = "full") -> dict:
    """Experiment "search": the registry's settings of ``method`` without the four the search
    chooses, and without the refit (its records keep the validation score of every trial)."""
    params = methods.settings(method, dataset, profile)
    return {**{k: v for k, v in params.items() if k not in SEARCHED}, "refit": False}


def grid(profile: str = "full") -> list:
    """The Rank-AE grid: "search" (seed 0: the coordinate search on validation for Rank-AE and
    its two ablations on every data set of the chapter) and "main" (3 seeds with the chosen
    settings, early stopping on validation, then trained again on the whole training split, as
    the paper does). The smoke profile runs one seed of every path on shrunk data."""
    seeds = (0,) if profile == "smoke" else (0, 1, 2)
    datasets = DATASETS[:1] if profile == "smoke" else DATASETS

    def config(experiment, method, dataset, seed, params):
        return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=dataset,
                         seed=seed, profile=profile, params=params, valid_fraction=VALID_FRACTION)

    configs = [config("search", m, d, 0, search_params(m, d, profile))
               for d in datasets for m in METHODS]
    configs += [config("main", m, d, s, methods.settings(m, d, profile))
                for s in seeds for d in datasets for m in METHODS
                if profile == "smoke" or (d, m) in methods.RANKAE_CHOSEN]
    # The choices the paper leaves open, one at a time around the main design on Delicious
    # (seed 0, the chosen lambda, m, lr and decay, judged on validation, no refit).
    if profile == "full" and ("delicious", "rankae") in methods.RANKAE_CHOSEN:
        base = {**methods.settings("rankae", "delicious"), "refit": False}
        configs += [config("design", "rankae", "delicious", 0, {**base, **change})
                    for change in DESIGN]
    words = datasets if profile == "smoke" else WORD_DATASETS
    configs += [config("embeddings", "rankae", d, s, {**methods.settings("rankae", d, profile), **change})
                for s in seeds for d in words
                for change in (EMBEDDINGS[1:2] if profile == "smoke" else EMBEDDINGS)
                if profile == "smoke" or (d, "rankae") in methods.RANKAE_CHOSEN]
    return configs + noise_grid(profile) + text_grid(profile)


# Raw text (Reuters, the one data set with documents): the deep text baselines of Table 2 (fastText,
# and Kim's CNN for XML-CNN) and Rank-AE with a BiLSTM feeding its attention (Figure 5), which
# takes the settings the search chose for Rank-AE on Reuters' tf-idf features (their lengths and
# budgets are the methods registry's: xmlstudy.methods.TEXT_LENGTH, BILSTM_BUDGET).
TEXT_DATASET = "reuters"   # one of DATASETS
TEXT_BASELINES = ("fasttext", "kim-cnn")


def text_grid(profile: str = "full") -> list:
    """Experiments "main" (fastText and Kim's CNN on Reuters, 3 seeds) and "attention" (Rank-AE
    on raw Reuters text, 3 seeds, with the topic-word and deletion measures of
    :mod:`xmlstudy.attention`). They follow the Reuters search of Rank-AE; until it has run,
    only the smoke profile has them."""
    if profile == "full" and (TEXT_DATASET, "rankae") not in methods.RANKAE_CHOSEN:
        return []
    seeds = (0,) if profile == "smoke" else (0, 1, 2)

    def config(experiment, method, seed, params):
        return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=TEXT_DATASET,
                         seed=seed, profile=profile, params=params, valid_fraction=VALID_FRACTION)

    return ([config("main", m, s, methods.settings(m, TEXT_DATASET, profile))
             for s in seeds for m in TEXT_BASELINES]
            + [config("attention", "rankae-bilstm", s,
                      methods.settings("rankae-bilstm", TEXT_DATASET, profile)) for s in seeds])




def _noise_config(experiment, method, profile, setting, params):
    return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=NOISE_DATASET,
                     seed=0, profile=profile, setting=setting, params=params,
                     valid_fraction=VALID_FRACTION)


def noise_grid(profile: str = "full") -> list:
    """Experiments "noise" (every method at every rate of both kinds, seed 0) and "margin"
    (Rank-AE with each m at three rates of missing + invalid labels). They need the settings
    chosen on the clean IMDB-F data; until the search has run, only the smoke profile has them.
    The baselines keep their own settings; in smoke the deep methods start from the search's
    start point instead of searching."""
    if profile == "full" and not all((NOISE_DATASET, m) in methods.RANKAE_CHOSEN
                                     for m in ("rankae", "bce-ae")):
        return []

    def params(method):
        settings = methods.settings(method, NOISE_DATASET, profile)
        if method not in METHODS:
            return settings
        smoke = methods.RANKAE_SEARCH_START if profile == "smoke" else {}
        return {**settings, **smoke, "refit": False}

    def setting(kind, rate):
        return {} if rate == 0 else {"noise": kind, "rate": rate}

    rates = (0.0, 0.3) if profile == "smoke" else NOISE_RATES
    kinds = NOISE_KINDS[:1] if profile == "smoke" else NOISE_KINDS
    settings = list({json_key(setting(k, r)): setting(k, r) for k in kinds for r in rates}.values())
    configs = [_noise_config("noise", m, profile, st, params(m))
               for st in settings for m in NOISE_METHODS]
    margins = MARGINS[:1] if profile == "smoke" else MARGINS
    configs += [_noise_config("margin", "rankae", profile, setting("missing-invalid", r),
                              {**params("rankae"), "margin": m})
                for r in (MARGIN_RATES[-1:] if profile == "smoke" else MARGIN_RATES) for m in margins]
    return configs


def json_key(d: dict) -> str:
    return ",".join(f"{k}={d[k]}" for k in sorted(d))


# --- the paper's numbers ---------------------------------------------------------------------------
# Transcribed once, in xmlstudy/published/rankae.csv (read by xmlstudy.published): Table 1's
# data-set statistics and Table 2's Delicious rows in percent, as printed (the deep text
# baselines print "-" there: Delicious has no raw text; SLEEC's and FastXML's are the numbers the
# Extreme Classification Repository lists for this split), Rank-AE's IMDb row and average rank.
def table_2() -> dict:
    """Table 2's Delicious numbers keyed (dataset, printed method, metric), percent."""
    return published.table(PAPER, "Table 2", dataset="delicious", metric=METRICS)


def average_rank() -> dict:
    """Rank-AE's average rank in Table 2 (over the six data sets), per metric family."""
    ranks = published.values(PAPER, "Table 2", by="metric", method="rankae", dataset="Rank Score")
    return {family: ranks[f"{family} average rank"] for family in ("P@k", "nDCG@k")}


METRICS = ("P@1", "P@3", "P@5", "nDCG@1", "nDCG@3", "nDCG@5")
# What stands in for the paper's columns in this study (the baselines chapter's methods).
STAND_INS = {"parabel": "FastXML's place (label trees)", "ovr-linear": "PD-Sparse's place (one-vs-rest linear)",
             "knn": "SLEEC's place (neighbours; SLEEC votes among neighbours in its embedding)"}


# --- the chapter's parameters and records -----------------------------------------------------------
def validate(namespace: dict):
    """The chapter's parameters (the notebook's first cell), checked."""
    from xmlstudy.parameters import DEVICE, PROFILE, in_range, list_of, one_or_more_of, optional
    from xmlstudy.parameters import validate as check

    return check(namespace, {"profile": PROFILE, "datasets": optional(one_or_more_of(DATASETS)),
                             "seeds": optional(list_of(int)), "device": DEVICE,
                             "tolerance": in_range(0.0, 100.0), "run_missing": bool})


EXPERIMENTS = ("main", "search", "design", "embeddings", "noise", "margin", "attention")


def collect(params) -> tuple[dict, int, int]:
    """``({"rankae/main": ..., "baselines/main": ...}, missing, total)``."""
    from xmlstudy import chapters

    names = params.datasets or DATASETS
    wanted = experiments.select(grid(params.profile), names, params.seeds, params.device)
    wanted += experiments.select(chapters.grid("baselines", params.profile), names, params.seeds,
                                 params.device)
    frames = {"benchmark/rankae": experiments.load_records("benchmark", "rankae", params.profile)}
    missing = 0
    for paper in (PAPER, "baselines"):
        found, lacking = experiments.collect([c for c in wanted if c.paper == paper], params.run_missing)
        missing += lacking
        for experiment in (EXPERIMENTS if paper == PAPER else ("main",)):
            frames[f"{paper}/{experiment}"] = found.get(experiment, experiments.records_frame([]))
    return frames, missing, len(wanted)


def _all(frames: dict) -> pd.DataFrame:
    return pd.concat([frames["rankae/main"], frames["baselines/main"]], ignore_index=True)


def _means(records: pd.DataFrame, metrics=METRICS) -> pd.DataFrame:
    return mean_table(records, metrics)


def average_ranks(records: pd.DataFrame, metrics=METRICS, among=None) -> pd.DataFrame:
    """The paper's summary row on our records: per (data set, metric) the methods ranked by their
    mean (1 = best, ties share the mean rank), then each method's rank averaged over P@k rows and
    over nDCG@k rows. Only data sets where every method ran count."""
    if among is not None and len(records):
        records = records[records["method"].isin(among)]
    means = _means(records, metrics)
    if not len(means):
        return pd.DataFrame(columns=["P@k", "nDCG@k"])
    wide = means.unstack("method")
    wide = wide.dropna(axis=0, how="any")
    out = {}
    for family, prefix in (("P@k", "P@"), ("nDCG@k", "nDCG@")):
        cols = [m for m in metrics if m.startswith(prefix)]
        ranks = [wide[m].rank(axis=1, ascending=False) for m in cols if m in wide.columns.get_level_values(0)]
        out[family] = pd.concat(ranks).mean() if ranks else pd.Series(dtype=float)
    table = pd.DataFrame(out).sort_values("P@k")
    return table.rename(index=methods.name).round(2)


# --- the claims -------------------------------------------------------------------------------------
def _judge_table2(frames: dict) -> claims_.Verdict:
    table = paper_vs_reproduced(frames["rankae/main"], table_2(), "rankae", list(METRICS), TOLERANCE,
                                published_method="Rank-AE")
    return claims_.against_published(table, TOLERANCE, what="Delicious numbers")


def _judge_rank(frames: dict) -> claims_.Verdict:
    # Rank-AE against the other methods, as the paper's row ranks it (its ablations left out).
    ranks = average_ranks(_all(frames), among=("rankae", *STAND_INS))
    if "Rank-AE" not in ranks.index:
        return claims_.Verdict("not testable here", "Rank-AE and the baselines have no common data set yet")
    best = ranks["P@k"].idxmin()
    verdict = "reproduced" if best == "Rank-AE" else "not reproduced"
    means = _means(_all(frames), ("P@1",))["P@1"]
    p1 = "; ".join(f"{d} P@1 Rank-AE {100 * means[(d, 'rankae')]:.2f}, best other "
                   f"{100 * means.xs(d, level='dataset').drop(list(METHODS), errors='ignore').max():.2f}"
                   for d in dict.fromkeys(means.index.get_level_values(0)) if (d, "rankae") in means.index)
    return claims_.Verdict(verdict, f"average rank over P@1/3/5 on {ranks.shape[0]} methods: Rank-AE "
                                    f"{ranks.loc['Rank-AE', 'P@k']:.2f}, best {best} "
                                    f"{ranks.loc[best, 'P@k']:.2f} (paper: Rank-AE best, "
                                    f"{average_rank()['P@k']:.2f}); {p1}")


def _judge_ablation(variant: str):
    def judge(frames: dict) -> claims_.Verdict:
        return claims_.beats(_means(frames["rankae/main"]), "rankae", variant,
                             f"Rank-AE above {methods.name(variant)} in P@k/nDCG@k")
    return judge


def loss_timing(frames: dict) -> pd.DataFrame:
    """The latest ``python -m xmlstudy bench rankae`` record as a table: seconds of forward +
    backward per loss and L, and the ranking loss's time over BCE's."""
    bench = frames.get("benchmark/rankae")
    if bench is None or not len(bench):
        return pd.DataFrame()
    last = bench.iloc[-1]
    table = {}
    for column, value in last.items():
        parts = str(column).split("/")
        if len(parts) == 3 and parts[0] == "seconds":
            table.setdefault(parts[1], {})[int(parts[2])] = value
    table = pd.DataFrame(table).sort_index()
    table["ranking / BCE"] = table["ranking (Rank-AE)"] / table["BCE"]
    return table.rename_axis("L")


def epoch_cost(frames: dict) -> pd.DataFrame:
    """From the latest ``bench rankae`` record: Rank-AE's seconds per training epoch and peak
    memory growth per data set of the chapter (its chosen settings, one thread)."""
    bench = frames.get("benchmark/rankae")
    if bench is None or not len(bench):
        return pd.DataFrame()
    last = bench.iloc[-1]
    memory = last.get("peak_memory_mb") if isinstance(last.get("peak_memory_mb"), dict) else {}
    rows = [{"dataset": d, "training rows": int(last[f"train_rows/{d}"]),
             "seconds per epoch": float(last[f"epoch_seconds/{d}"]), "peak memory (MB)": memory.get(d)}
            for d in DATASETS if f"epoch_seconds/{d}" in last.index and pd.notna(last[f"epoch_seconds/{d}"])]
    return pd.DataFrame(rows)


def _slope(times: pd.Series) -> float:
    """How time grows with L between the smallest and the largest L: 1 is linear."""
    return float(np.log(times.iloc[-1] / times.iloc[0]) / np.log(times.index[-1] / times.index[0]))


def _judge_linear(frames: dict) -> claims_.Verdict:
    table = loss_timing(frames)
    if len(table) < 2:
        return claims_.Verdict("not testable here", "the benchmark has fewer than two sizes")
    ours, bce, pairs = (_slope(table[c]) for c in ("ranking (Rank-AE)", "BCE", "pairwise (C2AE)"))
    # BCE is O(L) by construction, so its growth on this machine (caches included) is the
    # yardstick: the ranking loss is O(L) if it grows no faster, within timing noise (0.25).
    verdict = "reproduced" if ours <= bce + 0.25 else "not reproduced"
    return claims_.Verdict(verdict, f"from L = {table.index[0]:,} to {table.index[-1]:,} time grows as "
                                    f"L^{ours:.2f} for the ranking loss, L^{bce:.2f} for BCE and "
                                    f"L^{pairs:.2f} for C2AE's pairs (5-20 positives per row); at the "
                                    f"largest L it takes {table['ranking / BCE'].iloc[-1]:.1f}x BCE's "
                                    "time (this study's goal: 2x)")


def noise_frame(records: pd.DataFrame) -> pd.DataFrame:
    """The noise records as one row per (method, kind, rate) with P@k in percent; the clean runs
    (rate 0) appear under both kinds."""
    if not len(records):
        return pd.DataFrame(columns=["method", "kind", "rate", "P@1", "P@3", "P@5"])
    rate = pd.to_numeric(records.get("setting/rate", pd.Series(0.0, index=records.index))).fillna(0.0)
    kind = records.get("setting/noise", pd.Series(None, index=records.index, dtype=object))
    rows = []
    for r, k, rec in zip(rate, kind, records.to_dict("records")):
        for each in (NOISE_KINDS if r == 0 else (k,)):
            rows.append({"method": rec["method"], "kind": each, "rate": float(r),
                         **{m: 100 * float(rec[m]) for m in ("P@1", "P@3", "P@5")}})
    return pd.DataFrame(rows)


def noise_table(frames: dict, metric: str = "P@1") -> pd.DataFrame:
    """Figure 3 as numbers: ``metric`` (percent, seed 0) per noise kind and rate, one column per
    method."""
    tidy = noise_frame(frames["rankae/noise"])
    if not len(tidy):
        return pd.DataFrame()
    table = tidy.pivot_table(index=["kind", "rate"], columns="method", values=metric)
    table = table.reindex(columns=[m for m in NOISE_METHODS if m in table.columns])
    table.index = table.index.set_levels([f"{100 * r:.0f}%" for r in table.index.levels[1]], level=1)
    return table.rename(columns=methods.name).rename_axis(columns=None).round(2)


def noise_figure(frames: dict, metrics=("P@1", "P@3", "P@5")):
    """Figure 3 on IMDB-F at the paper's sizes: P@k against the noise rate, one panel per
    (kind, metric), one line per method."""
    tidy = noise_frame(frames["rankae/noise"])
    fig, axes = plt.subplots(len(NOISE_KINDS), len(metrics), figsize=(3.3 * len(metrics), 5.6),
                             squeeze=False, sharex=True)
    for row, kind in enumerate(NOISE_KINDS):
        for col, metric in enumerate(metrics):
            ax = axes[row][col]
            part = tidy[tidy["kind"] == kind] if len(tidy) else tidy
            for method in NOISE_METHODS:
                line = part[part["method"] == method].sort_values("rate") if len(part) else part
                if len(line):
                    ax.plot(100 * line["rate"], line[metric], label=methods.name(method),
                            color=methods.colour(method), marker=methods.marker(method))
            ax.set_title(f"{kind.replace('-', ' + ')} labels: {metric}", fontsize="medium")
            ax.set_ylabel(f"{metric} (%)")
            if row == len(NOISE_KINDS) - 1:
                ax.set_xlabel("noise rate on the training labels (%)")
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=max(len(names), 1), frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def _drops(tidy: pd.DataFrame, kind: str, metric: str = "P@1") -> dict:
    """Per method, the relative loss (percent of the clean value) from rate 0 to the highest rate."""
    part = tidy[tidy["kind"] == kind]
    top = part["rate"].max()
    out = {}
    for method, rows in part.groupby("method"):
        clean, worst = rows[rows["rate"] == 0][metric], rows[rows["rate"] == top][metric]
        if len(clean) and len(worst) and top > 0:
            out[method] = 100 * (clean.iloc[0] - worst.iloc[0]) / clean.iloc[0]
    return out


def _judge_noise(frames: dict) -> claims_.Verdict:
    tidy = noise_frame(frames["rankae/noise"])
    checks = hits = 0
    lines = []
    for kind in NOISE_KINDS:
        part = tidy[(tidy["kind"] == kind) & (tidy["rate"] > 0)]
        for (rate,), rows in part.groupby(["rate"]):
            ours = rows[rows["method"] == "rankae"]
            others = rows[rows["method"] != "rankae"]
            if not len(ours) or not len(others):
                continue
            for metric in ("P@1", "P@3", "P@5"):
                checks += 1
                hits += int(ours[metric].iloc[0] >= others[metric].max())
        drops = _drops(tidy, kind)
        if "rankae" in drops:
            least = min(drops, key=drops.get)
            top = tidy[(tidy["kind"] == kind)]["rate"].max()
            p1 = tidy[(tidy["kind"] == kind) & (tidy["rate"] == top) & (tidy["method"] == "rankae")]["P@1"].iloc[0]
            lines.append(f"{kind} at {100 * top:.0f}%: Rank-AE's P@1 {p1:.2f}, {drops['rankae']:.1f}% "
                         f"below its clean value ({methods.name('bce-ae')} {drops.get('bce-ae', float('nan')):.1f}%; "
                         f"least: {methods.name(least)} {drops[least]:.1f}%)")
    return claims_.Verdict(claims_.share_verdict(hits, checks),
                           f"Rank-AE has the highest P@1/3/5 in {hits} of {checks} noisy settings; "
                           + "; ".join(lines))


def margin_table(frames: dict, metric: str = "P@1") -> pd.DataFrame:
    """Rank-AE's ``metric`` (percent, seed 0) for each margin m (rows) at each rate of missing +
    invalid labels (columns). The margin chosen on clean data (m = 1 on imdb-rankae) ran in the
    noise experiment with the same settings, so its row comes from those records."""
    records = frames["rankae/margin"]
    noise = frames.get("rankae/noise")
    if noise is not None and len(noise) and len(records):
        rate = pd.to_numeric(noise.get("setting/rate", pd.Series(0.0, index=noise.index))).fillna(0.0)
        kind = noise.get("setting/noise", pd.Series(None, index=noise.index, dtype=object))
        same = ((noise["method"] == "rankae") & rate.isin(MARGIN_RATES)
                & ((rate == 0) | (kind == "missing-invalid")))
        records = pd.concat([records, noise[same]], ignore_index=True)
    if not len(records):
        return pd.DataFrame()
    rate = pd.to_numeric(records.get("setting/rate", pd.Series(0.0, index=records.index))).fillna(0.0)
    # The margin in force, as the run recorded it (given, or chosen by its search).
    table = pd.DataFrame({"m": [info["chosen"]["margin"] for info in records["fit_info"]], "rate": rate,
                          metric: 100 * pd.to_numeric(records[metric])})
    table = table.pivot_table(index="m", columns="rate", values=metric)
    table.columns = [f"{100 * r:.0f}% noise" for r in table.columns]
    table.index = [f"{m:g}" for m in table.index]
    return table.rename_axis("m").round(2)


def _judge_margin(frames: dict) -> claims_.Verdict:
    # Only the noise rates at which every margin ran can say which margin is best.
    table = margin_table(frames).dropna(axis=1)
    if table.shape[1] < 2 or table.shape[0] < 2:
        return claims_.Verdict("not testable here", "the margin runs cover fewer than two noise "
                               "rates with every margin")
    best = table.idxmax().astype(float)
    spread = table.max() - table.min()
    # The argument predicts a smaller best m at higher noise: strictly smaller at the highest
    # rate than on clean labels, and never larger from one rate to the next.
    lower = best.iloc[-1] < best.iloc[0]
    monotone = all(a >= b for a, b in zip(best, best.iloc[1:]))
    verdict = "reproduced" if lower and monotone else "partly" if lower else "not reproduced"
    return claims_.Verdict(verdict, "best m by P@1: " + ", ".join(
        f"{c} m = {best[c]:g} (P@1 range over m {spread[c]:.2f} points)" for c in table.columns)
        + "; the paper's argument predicts a smaller best m as noise grows")


def embeddings_table(frames: dict) -> pd.DataFrame:
    """Rank-AE with random-100 (the main runs), random-50, GloVe-50 and GloVe-50 padded to 100
    word embeddings: P@k (percent, mean ± std over seeds) on the data sets whose features are
    words."""
    main, emb = frames["rankae/main"], frames["rankae/embeddings"]
    if not len(emb):
        return pd.DataFrame()
    main = main[(main["method"] == "rankae") & main["dataset"].isin(set(emb["dataset"]))]
    label = [f"{p.get('word_vectors', 'random')}, C = {p.get('embedding', 100)}" for p in emb["params"]]
    both = pd.concat([main.assign(method="random, C = 100 (main)"), emb.assign(method=label)],
                     ignore_index=True)
    return summary_table(both, ["P@1", "P@3", "P@5", "nDCG@5"])


ATTENTION_MEASURES = {"attention/topic_words/attention_share": "attention on topic words",
                      "attention/topic_words/token_share": "topic words' share of tokens",
                      "attention/topic_words/ratio": "ratio",
                      "attention/deletion/P@1": "P@1",
                      "attention/deletion/P@1 without top-k": "P@1 without the 5 most attended",
                      "attention/deletion/P@1 without random k": "P@1 without 5 random words"}


def attention_table(frames: dict) -> pd.DataFrame:
    """The attention study's measures, mean ± std over seeds (shares and P@1 as fractions)."""
    records = frames["rankae/attention"]
    present = [c for c in ATTENTION_MEASURES if len(records) and c in records.columns]
    if not present:
        return pd.DataFrame()
    table = summary_table(methods.named(records), present, scale=1.0, digits=3)
    return table.rename(columns=ATTENTION_MEASURES)


def _judge_topic_words(frames: dict) -> claims_.Verdict:
    records = frames["rankae/attention"]
    ratio = pd.to_numeric(records["attention/topic_words/ratio"])
    drop_top = pd.to_numeric(records["attention/deletion/P@1"]) - pd.to_numeric(records["attention/deletion/P@1 without top-k"])
    drop_random = pd.to_numeric(records["attention/deletion/P@1"]) - pd.to_numeric(records["attention/deletion/P@1 without random k"])
    checks = [bool((ratio > 1).all()), bool((drop_top > drop_random).all())]
    return claims_.Verdict(claims_.share_verdict(sum(checks), 2),
                           f"topic words carry {ratio.mean():.2f}x their share of the tokens in "
                           f"attention (per seed: {', '.join(f'{r:.2f}' for r in ratio)}); deleting "
                           f"the 5 most-attended words costs {100 * drop_top.mean():.1f} P@1 points, "
                           f"5 random words {100 * drop_random.mean():.1f} ({len(records)} seeds)")


def attention_html(frames: dict, seed: int = 0) -> str:
    """The example documents of one attention run as HTML: every word shaded by its attention
    (darker = more), with the true and the predicted topics."""
    import html

    records = frames["rankae/attention"]
    rows = records[records["seed"] == seed] if len(records) else records
    if not len(rows) or "attention/examples" not in rows.columns:
        return "<p>No attention records yet.</p>"
    parts = []
    for doc in rows.iloc[0]["attention/examples"]:
        top = max((w for _, w in doc["tokens"]), default=1.0) or 1.0
        words = " ".join(
            f'<span style="background: rgba(230, 120, 0, {0.85 * w / top:.2f}); padding: 0 1px">'
            f"{html.escape(t)}</span>" for t, w in doc["tokens"])
        parts.append(f'<div style="margin: 0.6em 0 1.2em; line-height: 1.7">'
                     f'<p style="margin: 0 0 0.3em"><b>True topics:</b> {html.escape(", ".join(doc["labels"]))}'
                     f' &nbsp; <b>Predicted (top 3):</b> {html.escape(", ".join(doc["predicted"]))}</p>'
                     f"{words}</div>")
    return "\n".join(parts)


CLAIMS = (
    claims_.Claim("rankae-table2", PAPER, "Rank-AE reaches its Table 2 numbers on Delicious",
                  "Table 2", ("rankae/main",), _judge_table2, section="rankae-table-2",
                  # Delicious' Mulan split is the one of Rank-AE's Table 1 (same sizes).
                  protocol=claims_.PAPER_SPLIT),
    claims_.Claim("rankae-rank", PAPER, "Rank-AE has the best average rank among the methods "
                  "compared", "Table 2, last row", ("rankae/main", "baselines/main"), _judge_rank,
                  section="rankae-table-2"),
    claims_.Claim("rankae-attention", PAPER, "The dual attention helps: full Rank-AE beats "
                  "\"No attn\" on every data set", "Figure 4", ("rankae/main",),
                  _judge_ablation("rankae-no-attn"), section="rankae-ablation"),
    claims_.Claim("rankae-loss", PAPER, "The ranking loss helps: full Rank-AE beats \"No loss\" "
                  "(BCE) on every data set", "Figure 4", ("rankae/main",),
                  _judge_ablation("bce-ae"), section="rankae-ablation"),
    claims_.Claim("rankae-noise", PAPER, "Rank-AE is the most robust to missing and invalid "
                  f"labels (above {methods.name('bce-ae')} and the other methods at every noise "
                  "rate)", "Figure 3",
                  ("rankae/noise",), _judge_noise, section="rankae-noise"),
    claims_.Claim("rankae-margin", PAPER, "The margin m makes the loss tolerant of noisy labels "
                  "(m < 1 for noisy data)", "Section 2.3", ("rankae/margin", "rankae/noise"),
                  _judge_margin,
                  section="rankae-noise"),
    claims_.Claim("rankae-topic-words", PAPER, "The attention focuses on topic words",
                  "Figure 5", ("rankae/attention",), _judge_topic_words, section="rankae-attention"),
    claims_.Claim("rankae-linear", PAPER, "The ranking loss costs O(L) per sample, unlike "
                  "C2AE's pairwise loss", "Section 2.3", ("benchmark/rankae",), _judge_linear,
                  section="rankae-loss-time"),
)


# --- what the page shows ----------------------------------------------------------------------------
def table2(frames: dict, metrics) -> pd.DataFrame:
    """Table 2's Delicious columns (percent) beside ours and the baselines' mean ± std, one row
    per method, one column per metric."""
    rows = []
    paper = table_2()["values"]
    for method in ("SLEEC", "FastXML", "PD-Sparse", "Rank-AE"):
        rows.append({"method": f"{method} (paper)",
                     **{m: paper.get(("delicious", method, m)) for m in metrics}})
    records = _all(frames)
    records = records[records["dataset"] == "delicious"] if len(records) else records
    ours = summary_table(records, list(metrics)) if len(records) else pd.DataFrame()
    for (dataset, method), row in ours.iterrows():
        rows.append({"method": f"{methods.name(method)} (ours)", **row.to_dict()})
    return pd.DataFrame(rows).set_index("method")


def all_datasets(frames: dict) -> pd.DataFrame:
    """Every method on every data set of the chapter (percent, mean ± std over seeds)."""
    return summary_table(methods.named(_all(frames)), ["P@1", "P@3", "P@5", "nDCG@5", "PSP@5"])


def choices(frames: dict) -> pd.DataFrame:
    """What the validation search chose per data set and method (seed 0; the main runs of every
    seed use these): lambda, m, lr, weight decay, the best epoch and the validation score."""
    search = frames.get("rankae/search")
    if search is None or not len(search):
        return pd.DataFrame()
    rows = [{"dataset": r["dataset"], "method": methods.name(r["method"]),
             **r["fit_info"]["chosen"], "epochs": r["fit_info"]["best_epoch"],
             "trials": len(r["fit_info"]["search"]),
             "valid P@1,3,5 (%)": 100 * r["fit_info"]["best_valid_mean_P@1,3,5"]}
            for r in search.to_dict("records")]
    return pd.DataFrame(rows).rename(columns={"lam": "λ", "margin": "m", "weight_decay": "decay"})


def ablation_figure(frames: dict, metrics=("P@1", "P@3", "P@5")):
    """Figure 4 on our data: P@k (percent, mean ± std over seeds) of Rank-AE and its two
    ablations, one panel per data set, bars from zero, in the methods' registry colours."""
    main = frames["rankae/main"]
    datasets = list(dict.fromkeys(main["dataset"])) if len(main) else []
    fig, axes = plt.subplots(1, max(len(datasets), 1), figsize=(3.4 * max(len(datasets), 1), 3.2),
                             squeeze=False)
    width = 0.8 / len(METHODS)
    for ax, dataset in zip(axes[0], datasets):
        for i, method in enumerate(METHODS):
            rows = main[(main["dataset"] == dataset) & (main["method"] == method)]
            means = [100 * pd.to_numeric(rows[m]).mean() for m in metrics]
            stds = [100 * pd.to_numeric(rows[m]).std(ddof=1) if len(rows) > 1 else 0.0 for m in metrics]
            ax.bar(np.arange(len(metrics)) + (i - (len(METHODS) - 1) / 2) * width, means, width,
                   yerr=stds, capsize=2, label=methods.name(method), color=methods.colour(method))
        ax.set_xticks(np.arange(len(metrics)), metrics)
        ax.set_title(dataset)
        ax.set_ylabel("percent (mean ± std over seeds)")
        ax.set_ylim(bottom=0)
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(METHODS), frameon=False, fontsize="small")
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def design_table(frames: dict) -> pd.DataFrame:
    """Experiment "design": each open choice tried on Delicious (seed 0) against the main
    design's validation score (the seed-0 search record with the chosen settings)."""
    search, design = frames.get("rankae/search"), frames.get("rankae/design")
    if design is None or not len(design) or search is None or not len(search):
        return pd.DataFrame(columns=["choice", "valid P@1,3,5", "vs main design"])
    ref = search[(search["dataset"] == "delicious") & (search["method"] == "rankae")]
    base = ref.iloc[0]["fit_info"]["best_valid_mean_P@1,3,5"] if len(ref) else float("nan")
    rows = [{"choice": "main design (decode labels, h = 100, 256 hidden)", "valid P@1,3,5": base}]
    for r in design.to_dict("records"):
        change = {k: v for k, v in r["params"].items() if k in ("decode", "latent", "hidden")}
        rows.append({"choice": ", ".join(f"{k} = {v}" for k, v in change.items()),
                     "valid P@1,3,5": r["fit_info"]["best_valid_mean_P@1,3,5"]})
    table = pd.DataFrame(rows)
    table["vs main design"] = table["valid P@1,3,5"] - base
    return (table.set_index("choice") * 100).round(2)


def rank_table(frames: dict) -> pd.DataFrame:
    """The paper's average-rank row on our records: Rank-AE and the stand-ins for its rivals."""
    return average_ranks(_all(frames), among=("rankae", *STAND_INS))


def verdict_table(frames: dict, tolerance: float = TOLERANCE) -> pd.DataFrame:
    table = paper_vs_reproduced(frames["rankae/main"], table_2(), "rankae", list(METRICS), tolerance,
                                published_method="Rank-AE")
    return table.rename(columns={"n_seeds": "seeds", "difference": "diff"})


def numbers(frames: dict, params) -> dict:
    """Every number the chapter's prose cites, as text, keyed by its glue name."""
    paper = table_2()["values"]
    out = {f"rankae_paper_{m}": f"{paper[('delicious', 'Rank-AE', m)]:.2f}" for m in ("P@1", "P@3", "P@5")}
    means = _means(_all(frames))
    have = ("delicious", "rankae") in means.index
    out["rankae_ours_P@1"] = f"{100 * means.loc[('delicious', 'rankae'), 'P@1']:.2f}" if have else "not run"
    out["rankae_gap_P@1"] = (f"{100 * means.loc[('delicious', 'rankae'), 'P@1'] - paper[('delicious', 'Rank-AE', 'P@1')]:+.2f}"
                             if have else "not run")
    base = means.xs("delicious", level="dataset").drop(list(METHODS), errors="ignore") \
        if "delicious" in means.index.get_level_values(0) else pd.DataFrame()
    out["rankae_best_baseline"] = (f"{methods.name(base['P@1'].idxmax())} ({100 * base['P@1'].max():.2f})"
                                   if len(base) else "not run")
    verdicts = verdict_table(frames, params.tolerance)
    out["rankae_n_compared"] = str(len(verdicts))
    out["rankae_n_matched"] = str(int((verdicts["verdict"] == "matches").sum()))
    out["rankae_tolerance"] = f"{params.tolerance:g}"
    design = design_table(frames)
    others = design["vs main design"].drop(design.index[0]) if len(design) > 1 else pd.Series(dtype=float)
    out["rankae_design_best"] = (f"{others.idxmax()} ({others.max():+.2f} points on validation)"
                                 if len(others) else "not run")
    out["rankae_design_range"] = (f"{others.min():+.2f} to {others.max():+.2f}" if len(others) else "not run")
    emb = frames["rankae/embeddings"]
    found = {}
    for rec in emb.to_dict("records") if len(emb) else []:
        if rec["fit_info"].get("words_with_vectors"):
            found[rec["dataset"]] = (rec["fit_info"]["words_with_vectors"], rec["data"]["features"])
    out["rankae_glove_coverage"] = ", ".join(f"{n:,} of {d:,} ({name})" for name, (n, d) in found.items()) \
        or "not run"
    tidy = noise_frame(frames["rankae/noise"])
    lines = []
    for kind in NOISE_KINDS if len(tidy) else ():
        drops = _drops(tidy, kind)
        if drops:
            lines.append(f"With {kind.replace('-', ' + ')} labels at the highest rate, P@1 loses "
                         + ", ".join(f"{v:.1f}% ({methods.name(m)})" for m, v in sorted(drops.items(), key=lambda kv: kv[1]))
                         + " of its clean value.")
    out["rankae_noise_summary"] = " ".join(lines) or "The noise runs have no records yet."
    return out
