"""The DXML chapter (Zhang et al., *Deep Extreme Multi-label Learning*, ICMR 2018).

Everything the chapter ``notebooks/dxml.py`` shows comes from here: the grid of runs behind
``python -m xmlstudy run --paper dxml`` (records in ``results/dxml/<experiment>.jsonl``), the
paper's published numbers (read from ``xmlstudy/published/dxml.csv``), the claims with their
verdicts, and the chapter's tables, figures and glued numbers. The model itself is
:mod:`xmlstudy.models.dxml`.
"""
from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from xmlstudy import claims as claims_
from xmlstudy import experiments, methods, published
from xmlstudy.tables import (mean_std, mean_table, paper_vs_reproduced, record_field, summarize,
                              summary_table)

PAPER = "dxml"
TOLERANCE = 1.5   # percentage points within which a published number counts as reproduced
SMALL_DATASETS = ("bibtex", "delicious")   # the paper's small data sets that are public

# --- the grid ------------------------------------------------------------------------------------
DATASETS = ("bibtex", "delicious", "corel5k", "imdb", "reuters")
VARIANTS = ("dxml-linear", "dxml-random-emb", "dxml-svd-emb", "dxml-nocluster", "dxml-l2")
# The settings DXML runs with (the paper's, and those it leaves open as chosen on bibtex's
# validation split) are the methods registry's (xmlstudy.methods.DXML_CHOSEN).
# One setting changed at a time around the chosen ones, scored on validation (fit_info).
SWEEP = {
    "walks_per_node": (10, 160, 320),
    "w2v_epochs": (20,),
    "window": (5,),
    "walk_length": (10,),
    "w2v_sample": (0.0,),
    "batch_size": (8, 64),
    "dropout": (0.0, 0.5),
    "lr": (0.05,),
}


PAPER_SPLIT_METHODS = ("dxml", "knn", "ovr-linear", "parabel")
SPLIT_SEEDS = tuple(range(10))


def run_params(dataset: str, profile: str = "full", **changes) -> dict:
    """The DXML parameters of one run: the registry's settings on ``dataset``, then an
    experiment's ``changes``; in smoke the registry's tiny walk and epoch counts win over the
    changes (a smoke sweep only exercises the code path)."""
    params = {**methods.settings("dxml", dataset, profile), **changes}
    return {**params, **methods.DXML_SMOKE} if profile == "smoke" else params


def grid(profile: str = "full") -> list:
    """The DXML grid: "main" (dxml, 3 seeds, the paper's bibtex and delicious and three datasets
    it did not use), "ablation" (the five variants on the same runs), "sweep" (one open setting
    changed at a time on bibtex, seed 0, and the isolated-label choice on reuters, the one dataset
    with labels that never co-occur), "refit" (the main runs trained again on train + validation
    with the choices made on validation, on the paper's two datasets)."""
    from xmlstudy.experiments import RunConfig

    seeds = (0,) if profile == "smoke" else (0, 1, 2)
    datasets = ("bibtex", "delicious") if profile == "smoke" else DATASETS
    configs = [RunConfig(paper="dxml", experiment="main", method="dxml", dataset=d, seed=s,
                         profile=profile, params=run_params(d, profile))
               for d in datasets for s in seeds]
    # Seed by seed, so that an interrupted grid already holds every variant once.
    configs += [RunConfig(paper="dxml", experiment="ablation", method=m, dataset=d, seed=s,
                          profile=profile, params=run_params(d, profile))
                for s in seeds for d in datasets for m in VARIANTS]
    sweep = [("bibtex", {key: v}) for key, values in SWEEP.items() for v in values]
    sweep += [("reuters", {"isolated": "random"})]
    if profile == "smoke":
        sweep = sweep[:2]
    configs += [RunConfig(paper="dxml", experiment="sweep", method="dxml", dataset=d, seed=0,
                          profile=profile, params=run_params(d, profile, **change))
                for d, change in sweep]
    configs += [RunConfig(paper="dxml", experiment="refit", method="dxml", dataset=d, seed=s,
                          profile=profile, params=run_params(d, profile, refit=True))
                for d in ("bibtex", "delicious") for s in seeds]
    # The paper's protocol (section 4.2, "averaged over ten train-test splits"): train and test
    # pooled, then seeded random splits of the published sizes, one model seed per split, so
    # the spread is the split-to-split one. Split by split, so an interrupted grid holds whole
    # splits; the baselines with their own settings (the registry's).
    split_seeds = SPLIT_SEEDS[:1] if profile == "smoke" else SPLIT_SEEDS
    configs += [RunConfig(paper="dxml", experiment="paper_split", method=m, dataset=d, seed=0,
                          profile=profile, split="random-same-sizes", split_seed=ss,
                          params=methods.settings(m, d, profile))
                for ss in split_seeds for d in SMALL_DATASETS for m in PAPER_SPLIT_METHODS]
    return configs




# --- the paper's numbers ---------------------------------------------------------------------------
# Transcribed once, in xmlstudy/published/dxml.csv (read by xmlstudy.published): Table 1's
# data-set statistics, Tables 2-5 in percent (Table 2/4 rows are averages over 10 train-test
# splits, section 4.2) and Table 6's seconds. Tables 3 and 5 cover only data sets the study does
# not have. The chapter's tables name every data set in lower case ("mediamill").
def _lower(table: dict) -> dict:
    table["values"] = {(d.lower(), m, metric): v for (d, m, metric), v in table["values"].items()}
    return table


def table_2() -> dict:
    """Table 2 (P@k on the small data sets, percent) keyed (dataset, printed method, metric)."""
    return _lower(published.table(PAPER, "Table 2"))


def small_tables() -> dict:
    """Tables 2 and 4 together: every P@k and nDCG@k the paper gives for the small data sets."""
    return _lower(published.table(PAPER, "Table 2", "Table 4", label="Tables 2 and 4"))


def table_6_seconds() -> dict:
    """Table 6: ``{dataset: (DXML train, DXML test, SLEEC train, SLEEC test)}`` in seconds.
    DXML trains on a GeForce GTX 1080 Ti and tests on the CPU; SLEEC trains and tests on the CPU
    (Intel Xeon E5-2680 v2 @ 2.80GHz x 6, 128 GB RAM; section 4.1)."""
    seconds = published.values(PAPER, "Table 6", by=("dataset", "printed_method", "metric"))
    order = [("DXML", "train time"), ("DXML", "test time"), ("SLEEC", "train time"),
             ("SLEEC", "test time")]
    datasets = dict.fromkeys(d for d, _, _ in seconds)
    return {d.lower(): tuple(seconds[(d, *column)] for column in order) for d in datasets}



# --- tables --------------------------------------------------------------------------------------
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
                        cell = mean_std(h["mean"], h["std"], h["n"], 100.0)
                row[name] = cell
            rows.append(row)
    return pd.DataFrame(rows).set_index(["dataset", "metric"])


def fit_details(records: pd.DataFrame) -> pd.DataFrame:
    """What each DXML-family run chose and measured inside ``fit`` (its record's fit_info): one
    row per record with method, dataset, seed, params, ``valid_score`` (the validation mean of
    P@1/3/5 of the chosen settings), the chosen k / clusters / weighting, epochs, and the
    seconds of each stage. ``records`` is a frame of :func:`xmlstudy.experiments.records_frame`."""
    rows = []
    for rec in records.to_dict("records") if len(records) else []:
        info = rec.get("fit_info") or {}
        selection = info.get("selection") or []
        best = max((r["valid_mean_P@1,3,5"] for r in selection), default=float("nan"))
        rows.append({"method": rec["method"], "dataset": rec["dataset"], "seed": rec["seed"],
                     "params": rec.get("params") or {}, "valid_score": best,
                     "k": info.get("k"), "n_clusters": info.get("n_clusters"),
                     "weighting": info.get("weighting"), "epochs": info.get("epochs"),
                     "best_epoch": info.get("best_epoch"),
                     "deepwalk_s": info.get("label_embedding_s"),
                     "training_s": info.get("network_s"), "selection_s": info.get("index_s"),
                     "fit_s": rec.get("fit_s"), "predict_s": rec.get("predict_s"),
                     "device": rec.get("device"), "cpu": rec.get("cpu")})
    return pd.DataFrame(rows)


def sweep_table(sweep: pd.DataFrame, main: pd.DataFrame) -> pd.DataFrame:
    """The validation evidence for the open settings: for every sweep run, the setting it changed,
    the value tried and its validation mean of P@1/3/5 (with its own validated k and clusters),
    beside the chosen configuration: the main run (seed 0) of the same dataset, whose params are
    the reference. Frames come from :func:`fit_details`. No test number is used."""
    import inspect

    from xmlstudy.models.dxml import DXML

    defaults = {name: p.default for name, p in inspect.signature(DXML.__init__).parameters.items()}
    rows = []
    for r in sweep.itertuples(index=False) if len(sweep) else []:
        base = main[(main["dataset"] == r.dataset) & (main["seed"] == 0) & (main["method"] == "dxml")]
        if not len(base):
            continue
        reference = base.iloc[0]
        score, chosen_score = r.valid_score, reference["valid_score"]
        for key, value in r.params.items():
            chosen = reference["params"].get(key, defaults.get(key))
            if chosen == value:
                continue
            rows.append({"dataset": r.dataset, "setting": key, "chosen": str(chosen), "tried": str(value),
                         "valid, tried": 100 * score,
                         "valid, chosen": 100 * chosen_score,
                         "difference": 100 * (score - chosen_score),
                         "k": r.k, "clusters": r.n_clusters, "epochs": r.epochs})
        for key in set(reference["params"]) - set(r.params):
            rows.append({"dataset": r.dataset, "setting": key, "chosen": str(reference["params"][key]),
                         "tried": str(defaults.get(key)), "valid, tried": 100 * score,
                         "valid, chosen": 100 * chosen_score,
                         "difference": 100 * (score - chosen_score),
                         "k": r.k, "clusters": r.n_clusters, "epochs": r.epochs})
    out = pd.DataFrame(rows, columns=["dataset", "setting", "chosen", "tried", "valid, tried",
                                      "valid, chosen", "difference", "k", "clusters", "epochs"])
    # Settings are kept as written (0.015, not a rounded 0.02); only the scores are rounded.
    return out.round({"valid, tried": 2, "valid, chosen": 2, "difference": 2})


def timing_table(details: pd.DataFrame, seconds: dict, bench: list | None = None,
                datasets=("bibtex", "delicious", "mediamill", "wiki10-31k", "delicious-200k",
                          "amazon-670k")) -> pd.DataFrame:
    """The paper's Table 6 beside ours: the paper's DXML train (GPU) / test (CPU) and SLEEC train /
    test seconds (``seconds``, :func:`table_6_seconds`), our mean fit and predict seconds over
    seeds with the hardware they ran on
    (from the records' provenance), and, when ``bench`` (the records of
    ``python -m xmlstudy bench dxml``) is given, the latest benchmark's fit and test seconds."""
    latest = {}
    for rec in bench or []:
        latest[rec["dataset"]] = rec  # records are appended in time order: keep the last
    rows = []
    for dataset in datasets:
        paper = seconds.get(dataset, (float("nan"),) * 4)
        mine = details[(details["dataset"] == dataset) & (details["method"] == "dxml")] \
            if len(details) else details
        rows.append({
            "dataset": dataset,
            "DXML train s (paper, GTX 1080 Ti)": paper[0], "DXML test s (paper, CPU)": paper[1],
            "SLEEC train s (paper, CPU)": paper[2], "SLEEC test s (paper, CPU)": paper[3],
            "DXML fit s (ours)": round(mine["fit_s"].mean(), 1) if len(mine) else float("nan"),
            "of which DeepWalk s": round(mine["deepwalk_s"].mean(), 1) if len(mine) else float("nan"),
            "DXML test s (ours)": round(mine["predict_s"].mean(), 2) if len(mine) else float("nan"),
            "runs": len(mine),
            "our hardware": ", ".join(sorted({f"{d} ({c})" for d, c in zip(mine["device"], mine["cpu"])}))
            if len(mine) else "not run (data not available)",
        })
        if dataset in latest:
            b = latest[dataset]["benchmark"]
            rows[-1]["benchmark fit s"] = round(b["total_s"] - b["predict_s"], 1)
            rows[-1]["benchmark test s"] = round(b["predict_s"], 2)
    for name in details["dataset"].unique() if len(details) else []:
        if name not in datasets:
            mine = details[(details["dataset"] == name) & (details["method"] == "dxml")]
            if len(mine):
                rows.append({"dataset": name, "DXML fit s (ours)": round(mine["fit_s"].mean(), 1),
                             "of which DeepWalk s": round(mine["deepwalk_s"].mean(), 1),
                             "DXML test s (ours)": round(mine["predict_s"].mean(), 2), "runs": len(mine),
                             "our hardware": ", ".join(sorted({f"{d} ({c})" for d, c in
                                                               zip(mine["device"], mine["cpu"])}))})
    return pd.DataFrame(rows).set_index("dataset")



# --- figures -------------------------------------------------------------------------------------
def ablation_figure(records, shown=("dxml", "dxml-linear"), metrics=("P@1", "P@3", "P@5"),
                    datasets=None):
    """Figure 2 of DXML, on the study's datasets: P@k (percent, mean over seeds with a
    ±1 std bar) of DXML beside its ablations ``shown``, one panel per dataset, in the methods'
    registry colours."""
    datasets = list(datasets or records["dataset"].unique())
    fig, axes = plt.subplots(1, len(datasets), figsize=(3.2 * len(datasets), 3.2), squeeze=False)
    width = 0.8 / len(shown)
    for ax, dataset in zip(axes[0], datasets):
        for i, method in enumerate(shown):
            rows = records[(records["dataset"] == dataset) & (records["method"] == method)]
            values = [pd.to_numeric(record_field(rows, m), errors="coerce") for m in metrics]
            means = [100 * v.mean() for v in values]
            stds = [100 * v.std(ddof=1) if len(rows) > 1 else 0.0 for v in values]
            ax.bar(np.arange(len(metrics)) + (i - (len(shown) - 1) / 2) * width, means, width,
                   yerr=stds, capsize=2, label=methods.name(method), color=methods.colour(method))
        ax.set_xticks(np.arange(len(metrics)), metrics)
        ax.set_title(dataset)
        ax.set_ylabel("percent (mean ± std over seeds)")
        ax.set_ylim(bottom=0)
    # One legend below the panels, where it covers no bar.
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=min(len(shown), 6), frameon=False,
               fontsize="small")
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def label_embedding_figure(vectors, label_names, frequency, n_named: int = 15, seed: int = 0,
                         title: str = ""):
    """The DeepWalk label vectors in 2-D (t-SNE on cosine distances, seeded), point size by
    training frequency, the ``n_named`` most frequent labels named."""
    import numpy as np
    from sklearn.manifold import TSNE

    vectors = np.asarray(vectors, dtype=np.float64)
    frequency = np.asarray(frequency, dtype=float)
    perplexity = float(min(30, max(2, (len(vectors) - 1) / 3)))
    xy = TSNE(n_components=2, metric="cosine", init="pca", perplexity=perplexity,
              random_state=seed).fit_transform(vectors)
    fig, ax = plt.subplots(figsize=(7, 6))
    sizes = 8 + 120 * frequency / max(frequency.max(), 1)
    points = ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=frequency, cmap="viridis", alpha=0.7,
                        norm=plt.matplotlib.colors.LogNorm(vmin=max(frequency.min(), 1),
                                                           vmax=max(frequency.max(), 2)))
    fig.colorbar(points, ax=ax, label="training samples of the label")
    for j in np.argsort(-frequency)[:n_named]:
        ax.annotate(label_names[j], xy[j], fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("t-SNE dimension 1")
    ax.set_ylabel("t-SNE dimension 2")
    ax.set_title(title or "DeepWalk label vectors (t-SNE); size and colour: training frequency")
    fig.tight_layout()
    return fig


def sweep_figure(sweep_table, dataset: str = "bibtex"):
    """Each open setting tried on ``dataset``: its validation mean of P@1/3/5 minus the chosen
    configuration's (points), one panel per setting (the table of :func:`sweep_table`). Bars
    start at zero, so a bar above it is a setting that would have scored better."""
    rows = sweep_table[sweep_table["dataset"] == dataset]
    settings = list(dict.fromkeys(rows["setting"]))
    fig, axes = plt.subplots(1, max(len(settings), 1), figsize=(1.9 * max(len(settings), 1), 2.9),
                             squeeze=False, sharey=True)
    for ax, setting in zip(axes[0], settings):
        part = rows[rows["setting"] == setting]
        ax.bar(range(len(part)), part["difference"],
               color=["C2" if d > 0 else "C0" for d in part["difference"]])
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xticks(range(len(part)), [str(v) for v in part["tried"]], rotation=45)
        ax.set_title(f"{setting}\n(chosen: {part['chosen'].iloc[0]})", fontsize=8)
    axes[0][0].set_ylabel("validation score minus chosen (points)")
    fig.tight_layout()
    return fig


# --- the chapter's parameters and records ---------------------------------------------------------
KNOBS = ("walks_per_node", "walk_length", "window", "batch_size", "dropout")


def validate(namespace: dict):
    """The chapter's parameters (the notebook's first cell), checked; a wrong name or value
    raises ValueError listing the valid ones."""
    from xmlstudy.parameters import (DEVICE, PROFILE, existing_file, in_range, list_of, one_of,
                                     one_or_more_of, optional)
    from xmlstudy.parameters import validate as check

    return check(namespace, {
        "profile": PROFILE,
        "datasets": optional(one_or_more_of(DATASETS)),
        "seeds": optional(list_of(int)),
        "device": DEVICE,
        "walks_per_node": optional(in_range(1, 10_000, int)),
        "walk_length": optional(in_range(2, 10_000, int)),
        "window": optional(in_range(1, 100, int)),
        "batch_size": optional(in_range(1, 100_000, int)),
        "dropout": optional(in_range(0.0, 0.99)),
        "tolerance": in_range(0.0, 100.0),
        "embedding_dataset": one_of(DATASETS),
        "xc_train": optional(existing_file),
        "xc_test": optional(existing_file),
        "run_missing": bool,
    })


def knobs(params) -> dict:
    """The DXML settings the parameters override (any override makes new runs)."""
    return {name: getattr(params, name) for name in KNOBS if getattr(params, name) is not None}


def configs(params) -> list:
    """The DXML grid and the baselines' grid as the chapter's parameters select them."""
    from xmlstudy import chapters

    changes = knobs(params)
    chosen = [dataclasses.replace(c, params={**c.params, **changes})
              if changes and c.experiment != "sweep" and c.method.startswith("dxml") else c
              for c in grid(params.profile)]
    names = params.datasets or DATASETS
    out = experiments.select(chosen, names, params.seeds, params.device, keep_seeds=("sweep",))
    return out + experiments.select(chapters.grid("baselines", params.profile), names, params.seeds,
                                    params.device)


def collect(params) -> tuple[dict, int, int]:
    """``({"dxml/main": ..., "baselines/main": ...}, missing, total)``: the chapter's records
    as frames keyed "paper/experiment", how many configurations lack a record and how many
    there are (missing ones are run unless ``run_missing`` is False)."""
    wanted = configs(params)
    frames = {}
    missing = 0
    for paper in ("dxml", "baselines"):
        part = [c for c in wanted if c.paper == paper]
        found, lacking = experiments.collect(part, params.run_missing)
        missing += lacking
        frames.update({f"{paper}/{e}": f for e, f in found.items()})
    for name in ("dxml/main", "dxml/ablation", "dxml/sweep", "dxml/refit", "dxml/paper_split",
                 "baselines/main"):
        frames.setdefault(name, experiments.records_frame([]))
    return frames, missing, len(wanted)


def _with_baselines(frames: dict) -> pd.DataFrame:
    return pd.concat([frames["dxml/main"], frames["baselines/main"]], ignore_index=True)


def _p1(value: float) -> str:
    return f"{100 * value:.2f}"


# --- the claims -------------------------------------------------------------------------------------
def _p_means(records: pd.DataFrame, metrics=("P@1", "P@3", "P@5")) -> pd.DataFrame:
    return mean_table(records, metrics)


def _judge_published(experiment: str):
    """A judge: DXML's P@k and nDCG@k of Tables 2 and 4 against the records of ``experiment``."""
    def judge(frames: dict) -> claims_.Verdict:
        table = paper_vs_reproduced(frames[experiment], small_tables(), "dxml",
                                    ["P@1", "P@3", "P@5", "nDCG@1", "nDCG@3", "nDCG@5"],
                                    TOLERANCE, published_method="DXML")
        return claims_.against_published(table, TOLERANCE)
    return judge


def _judge_beats(rivals: dict, what: str):
    """A judge: DXML's mean P@1/3/5 above each rival's on the paper's small data sets; rivals
    maps a record method (ours) or a published column ("paper:SLEEC") to its name."""
    def judge(frames: dict) -> claims_.Verdict:
        means = _p_means(_with_baselines(frames))
        paper = small_tables()["values"]
        checks, lines = [], []
        for dataset in SMALL_DATASETS:
            if (dataset, "dxml") not in means.index:
                continue
            for rival, name in rivals.items():
                for metric in ("P@1", "P@3", "P@5"):
                    ours = 100 * means.loc[(dataset, "dxml"), metric]
                    if rival.startswith("paper:"):
                        other = paper.get((dataset, rival[6:], metric))
                    else:
                        other = 100 * means[metric].get((dataset, rival), float("nan"))
                    if other is None or pd.isna(other):
                        continue
                    checks.append(ours >= other - (TOLERANCE if rival.startswith("paper:") else 0))
                    if metric == "P@1":
                        lines.append(f"{dataset} P@1 {ours:.2f} vs {name} {other:.2f}")
        hits = sum(checks)
        return claims_.Verdict(claims_.share_verdict(hits, len(checks)),
                               f"{hits} of {len(checks)} P@1/3/5 comparisons {what}; "
                               + "; ".join(lines))
    return judge


def _judge_nonlinear(frames: dict) -> claims_.Verdict:
    both = pd.concat([frames["dxml/main"], frames["dxml/ablation"]], ignore_index=True)
    means = _p_means(both[both["method"].isin(["dxml", "dxml-linear"])])
    return claims_.beats(means, "dxml", "dxml-linear", "ReLU above linear in P@1/3/5")


CLAIMS = (
    claims_.Claim("dxml-numbers-paper-split", PAPER, "DXML reaches the P@k and nDCG@k of Tables "
                  "2 and 4 on Bibtex and Delicious (on ten random splits of the published "
                  "sizes, the paper's protocol)", "Tables 2 and 4, section 4.2",
                  ("dxml/paper_split",), _judge_published("dxml/paper_split"),
                  section="dxml-paper-split", protocol=claims_.PAPER_SPLIT),
    claims_.Claim("dxml-numbers", PAPER, "DXML reaches the P@k and nDCG@k of Tables 2 and 4 on "
                  "Bibtex and Delicious (on the data sets' own split)", "Tables 2 and 4",
                  ("dxml/main",), _judge_published("dxml/main"), section="dxml-table-2",
                  protocol=claims_.OWN_SPLIT),
    claims_.Claim("dxml-sleec", PAPER, "Without an ensemble, DXML is competitive with or better "
                  "than SLEEC", "Section 4.2, Table 2", ("dxml/main", "baselines/main"),
                  _judge_beats({"paper:SLEEC": "SLEEC (paper)"},
                               f"at or above the paper's SLEEC (within {TOLERANCE:g} points)"),
                  section="dxml-table-2"),
    claims_.Claim("dxml-baselines", PAPER, "DXML outperforms kNN and one-vs-all",
                  "Section 4.2, Table 2", ("dxml/main", "baselines/main"),
                  _judge_beats({m: methods.name(m) for m in ("knn", "ovr-linear")}, "above our baseline"),
                  section="dxml-table-2"),
    claims_.Claim("dxml-nonlinear", PAPER, "The non-linear embedding outperforms the same "
                  "network without its ReLU", "Figure 2", ("dxml/main", "dxml/ablation"),
                  _judge_nonlinear, section="dxml-figure-2"),
    claims_.Claim("dxml-time", PAPER, "DXML's test time is comparable to SLEEC's", "Table 6",
                  section="dxml-table-6",
                  reason="SLEEC has no maintained implementation in this study, and the paper's "
                         "seconds are from other hardware; our seconds are shown for reference"),
    claims_.Claim("dxml-large", PAPER, "DXML is the most accurate on the large data sets "
                  "(except Delicious-200K)", "Tables 3 and 5", section="dxml-large",
                  reason="MediaMill, Wiki10-31K, Delicious-200K and Amazon-670K are not in the "
                         "data mirror"),
)


# --- what the page shows ----------------------------------------------------------------------------
def chosen_table() -> pd.DataFrame:
    """The settings chosen on Bibtex's validation split for what the paper leaves open."""
    return pd.DataFrame([methods.DXML_CHOSEN], index=["chosen"])


def small_table(frames: dict, metrics, datasets=SMALL_DATASETS) -> pd.DataFrame:
    """Tables 2 / 4 layout: the paper's columns beside our methods, on the small data sets."""
    records = _with_baselines(frames)
    present = [d for d in datasets if len(records) and d in set(records["dataset"])]
    # Methods as rows and (data set, metric) as columns: six columns fit the page.
    return vs_published_table(records, small_tables(), list(metrics), datasets=present).T


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
    return vs_published_table(records, small_tables(), list(metrics), datasets=present).T


def psp_table(frames: dict) -> pd.DataFrame:
    """Propensity-scored precision of DXML and the baselines (percent, mean ± std)."""
    return summary_table(methods.named(_with_baselines(frames)), ["PSP@1", "PSP@3", "PSP@5", "PSnDCG@5"])


def extra_table(frames: dict) -> pd.DataFrame:
    """The data sets the paper did not use: DXML and the baselines."""
    records = _with_baselines(frames)
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
    return summary_table(methods.named(ablation_records(frames)), ["P@1", "P@3", "P@5", "PSP@5"])


def sweep_evidence(frames: dict) -> pd.DataFrame:
    """The validation sweep (:func:`sweep_table`) from the chapter's records."""
    return sweep_table(fit_details(frames["dxml/sweep"]), fit_details(frames["dxml/main"]))


def refit_table(frames: dict) -> pd.DataFrame:
    """The main runs beside the same runs refitted on train + validation."""
    refit = frames["dxml/refit"].assign(method=f"{methods.name('dxml')}, refit")
    main = frames["dxml/main"]
    main = main[main["dataset"].isin(set(refit["dataset"]))] if len(refit) else main.iloc[:0]
    return summary_table(pd.concat([methods.named(main), refit], ignore_index=True), ["P@1", "P@3", "P@5"])


def bench_records(profile: str) -> list:
    """The records of ``python -m xmlstudy bench dxml`` of ``profile``."""
    from xmlstudy.records import read_jsonl

    return [r for r in read_jsonl(experiments.RESULTS_DIR / "benchmark" / "dxml.jsonl")
            if r.get("profile") == profile]


def timing(frames: dict, profile: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table 6 beside our seconds and the benchmark's, as two tables that fit the page: the
    paper's seconds, and ours (mean over seeds, with the hardware the records name)."""
    table = timing_table(fit_details(frames["dxml/main"]), table_6_seconds(),
                         bench_records(profile))
    paper = [c for c in table.columns if "(paper" in c]
    ours = table.drop(columns=paper).rename(columns=lambda c: c.replace(" (ours)", ""))
    return table[paper].dropna(how="all"), ours.dropna(how="all", subset=["runs"])


def verdict_table(frames: dict, tolerance: float = TOLERANCE,
                  experiment: str = "dxml/main") -> pd.DataFrame:
    """Every P@k and nDCG@k the paper gives for the small data sets run here, against ours
    (the records of ``experiment``: "dxml/main" or "dxml/paper_split")."""
    main = frames[experiment]
    present = set(main["dataset"]) if len(main) else set()
    paper = small_tables()
    paper["values"] = {k: v for k, v in paper["values"].items() if k[0] in present}
    table = paper_vs_reproduced(main, paper, "dxml",
                                ["P@1", "P@3", "P@5", "nDCG@1", "nDCG@3", "nDCG@5"], tolerance,
                                published_method="DXML")
    return table.rename(columns={"n_seeds": "runs", "difference": "diff"})


def label_embedding(dataset: str, profile: str, changes: dict):
    """DeepWalk's label vectors of ``dataset`` (the chosen settings on its training split) in
    2-D, as a figure."""
    from xmlstudy import data
    from xmlstudy.models import dxml

    split = data.load(dataset)
    settings = {**run_params(dataset, profile), **changes}
    vectors = dxml.deepwalk_vectors(dxml.label_graph(split.train.Y), 100,
                                    walks_per_node=settings["walks_per_node"],
                                    walk_length=settings["walk_length"], window=settings["window"],
                                    epochs=settings.get("w2v_epochs", 5), seed=0)
    frequency = np.asarray(split.train.Y.sum(0)).ravel()
    names = [n.removeprefix("TAG_") for n in split.train.label_names]
    return label_embedding_figure(vectors, names, frequency,
                                  title=f"DeepWalk label vectors of {dataset} (t-SNE)")


def user_data(params) -> pd.Series:
    """DXML (the paper's large-data settings) on a user's data set (Extreme Classification
    Repository text, or Mulan/MEKA ARFF: see xmlstudy.data.load_user): P@k, nDCG@k and PSP@k on
    its test split, in percent."""
    from xmlstudy import data
    from xmlstudy.metrics import propensities, ranking_metrics
    from xmlstudy.models import create

    xc = data.load_user(params.xc_train, params.xc_test)
    model = create("dxml", size="large", device=params.device,
                   **{**methods.DXML_CHOSEN, "batch_size": 256, **knobs(params)}).fit(xc.train, xc.valid)
    top, _ = model.topk(xc.test.X, 5)
    return pd.Series(ranking_metrics(xc.test.Y, top, propensity=propensities(xc.train.Y))).mul(100).round(2)


def numbers(frames: dict, params) -> dict:
    """Every number the chapter's prose cites, as text, keyed by its glue name."""
    out = {"dxml_tolerance": f"{params.tolerance:g}"}
    paper = table_2()["values"]
    for dataset in SMALL_DATASETS:
        for metric in ("P@1", "P@3", "P@5"):
            out[f"dxml_paper_{dataset}_{metric}"] = f"{paper[(dataset, 'DXML', metric)]:.2f}"
    means = _p_means(_with_baselines(frames))
    for dataset in SMALL_DATASETS:
        row = means.xs(dataset, level="dataset") if dataset in means.index.get_level_values(0) else None
        have = row is not None and "dxml" in row.index
        out[f"dxml_ours_{dataset}"] = _p1(row.loc["dxml", "P@1"]) if have else "not run"
        out[f"dxml_gap_paper_{dataset}"] = (f"{100 * row.loc['dxml', 'P@1'] - paper[(dataset, 'DXML', 'P@1')]:+.2f}"
                                            if have else "not run")
        others = row.drop("dxml", errors="ignore")["P@1"].dropna() if row is not None else pd.Series(dtype=float)
        out[f"dxml_best_baseline_{dataset}"] = (f"{methods.name(others.idxmax())} ({_p1(others.max())})"
                                                if len(others) else "not run")
        knn = have and "knn" in row.index
        out[f"dxml_over_knn_{dataset}"] = (
            f"{100 * (row.loc['dxml', 'P@1'] - row.loc['knn', 'P@1']):+.2f} points here, "
            f"{paper[(dataset, 'DXML', 'P@1')] - paper[(dataset, 'KNN', 'P@1')]:+.2f} in the paper"
            if knn else "not run")
        out[f"dxml_knn_vs_paper_{dataset}"] = (f"{100 * row.loc['knn', 'P@1'] - paper[(dataset, 'KNN', 'P@1')]:+.2f}"
                                               if knn else "not run")
    extra = [f"{d}: DXML {_p1(means.loc[(d, 'dxml'), 'P@1'])}, best baseline "
             f"{methods.name(means.xs(d, level='dataset').drop('dxml')['P@1'].idxmax())} "
             f"{_p1(means.xs(d, level='dataset').drop('dxml')['P@1'].max())}"
             for d in dict.fromkeys(means.index.get_level_values(0))
             if d not in SMALL_DATASETS and (d, "dxml") in means.index
             and len(means.xs(d, level="dataset")) > 1]
    out["dxml_extra_vs_best"] = "; ".join(extra) or "not run"
    ablation = _p_means(ablation_records(frames))
    for variant in VARIANTS:
        diffs = [100 * (ablation.loc[(d, variant)] - ablation.loc[(d, "dxml")])
                 for d in dict.fromkeys(ablation.index.get_level_values(0))
                 if (d, variant) in ablation.index and (d, "dxml") in ablation.index]
        values = pd.concat(diffs) if diffs else pd.Series(dtype=float)
        out[f"dxml_vs_{variant}"] = (f"{values.min():+.2f} to {values.max():+.2f}"
                                     if len(values) else "not run")
    svd = [f"{d} {_p1(ablation.loc[(d, 'dxml-svd-emb'), 'P@1'])} (the paper's DXML "
           f"{paper[(d, 'DXML', 'P@1')]:.2f})" for d in SMALL_DATASETS if (d, "dxml-svd-emb") in ablation.index]
    out["dxml_svd_p1"] = "; ".join(svd) or "not run"
    sweep = sweep_evidence(frames)
    best = sweep.loc[sweep["difference"].idxmax()] if len(sweep) else None
    out["dxml_sweep_best"] = (f"{best['setting']} = {best['tried']} ({best['difference']:+.2f} points)"
                              if best is not None else "not run")
    refit = _p_means(pd.concat([frames["dxml/main"], frames["dxml/refit"].assign(method="refit")],
                               ignore_index=True), ("P@1",))
    gains = [f"{d} {100 * (refit.loc[(d, 'refit'), 'P@1'] - refit.loc[(d, 'dxml'), 'P@1']):+.2f}"
             for d in dict.fromkeys(refit.index.get_level_values(0))
             if (d, "refit") in refit.index and (d, "dxml") in refit.index]
    out["dxml_refit_gain"] = ", ".join(gains) or "not run"
    main = frames["dxml/main"]
    latest = {r["dataset"]: r for r in bench_records(params.profile)}
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
    out.update(_split_numbers(frames))
    return out


def _split_numbers(frames: dict) -> dict:
    """The paper-split numbers the prose cites: DXML's P@1 per data set, its change from the own
    split and its gap to the paper, and kNN's gap to the paper's KNN column."""
    out = {}
    split = _p_means(frames["dxml/paper_split"], ("P@1",))
    std = frames["dxml/paper_split"]
    own = _p_means(frames["dxml/main"], ("P@1",))
    paper = table_2()["values"]
    for dataset in SMALL_DATASETS:
        have = (dataset, "dxml") in split.index
        rows = std[(std["dataset"] == dataset) & (std["method"] == "dxml")] if have else std
        out[f"dxml_split_{dataset}"] = (mean_std(rows["P@1"].mean(), rows["P@1"].std(), len(rows), 100.0)
                                       if have else "not run")
        out[f"dxml_split_gap_paper_{dataset}"] = (
            f"{100 * split.loc[(dataset, 'dxml'), 'P@1'] - paper[(dataset, 'DXML', 'P@1')]:+.2f}"
            if have else "not run")
        out[f"dxml_split_vs_own_{dataset}"] = (
            f"{100 * (split.loc[(dataset, 'dxml'), 'P@1'] - own.loc[(dataset, 'dxml'), 'P@1']):+.2f}"
            if have and (dataset, "dxml") in own.index else "not run")
        knn = (dataset, "knn") in split.index
        out[f"dxml_split_knn_vs_paper_{dataset}"] = (
            f"{100 * split.loc[(dataset, 'knn'), 'P@1'] - paper[(dataset, 'KNN', 'P@1')]:+.2f}"
            if knn else "not run")
    return out
