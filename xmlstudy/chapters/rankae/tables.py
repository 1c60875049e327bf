"""The Rank-AE chapter's tables: Table 2 beside this study's runs, every data set, the validation
search's choices, the open design choices, the word vectors, the average ranks, the attention
study and what the loss and an epoch cost. (The noise study's tables are in
:mod:`xmlstudy.chapters.rankae.noise`.)"""
from __future__ import annotations

import pandas as pd

from xmlstudy import experiments, methods, rules
from xmlstudy.chapters.rankae.experiment_grid import DATASETS
from xmlstudy.chapters.rankae.paper import METRICS, STAND_INS, table_2
from xmlstudy.chapters.rankae.records import main_and_baselines, means
from xmlstudy.formatting import DETERMINISTIC_MARK, DETERMINISTIC_NOTE, FAILED_MARK, setting
from xmlstudy.tables import annotate, failures, paper_vs_reproduced, summary_table


def average_ranks(records: pd.DataFrame, metrics=METRICS, among=None) -> pd.DataFrame:
    """The paper's summary row on our records: per (data set, metric) the methods ranked by their
    mean (1 = best, ties share the mean rank), then each method's rank averaged over P@k rows and
    over nDCG@k rows. Only data sets where every method ran count."""
    if among is not None and len(records):
        records = records[records["method"].isin(among)]
    table = means(records, metrics)
    if not len(table):
        return pd.DataFrame(columns=["P@k", "nDCG@k"])
    wide = table.unstack("method")
    wide = wide.dropna(axis=0, how="any")
    out = {}
    for family, prefix in (("P@k", "P@"), ("nDCG@k", "nDCG@")):
        cols = [m for m in metrics if m.startswith(prefix)]
        ranks = [wide[m].rank(axis=1, ascending=False) for m in cols if m in wide.columns.get_level_values(0)]
        out[family] = pd.concat(ranks).mean() if ranks else pd.Series(dtype=float)
    table = pd.DataFrame(out).sort_values("P@k").rename(index=methods.name).round(2)
    # A failed seed on a data set that counts enters the ranks: the method is marked, the run named.
    found = failures(records[records["dataset"].isin(wide.index)], metrics)
    return annotate(table, marks={methods.name(f.get("method")): FAILED_MARK for f in found},
                    notes=[f.note() for f in found])


def table2(frames: dict, metrics) -> pd.DataFrame:
    """Table 2's Delicious columns (percent) beside ours and the baselines' mean ± std, one row
    per method, one column per metric."""
    rows = []
    paper = table_2()["values"]
    for method in ("SLEEC", "FastXML", "PD-Sparse", "Rank-AE"):
        rows.append({"method": f"{method} (paper)",
                     **{m: paper.get(("delicious", method, m)) for m in metrics}})
    records = main_and_baselines(frames)
    records = records[records["dataset"] == "delicious"] if len(records) else records
    ours = summary_table(records, list(metrics)) if len(records) else pd.DataFrame()
    for (dataset, method), row in ours.iterrows():
        rows.append({"method": f"{methods.name(method)} (ours)", **row.to_dict()})
    table = pd.DataFrame(rows).set_index("method")
    marks = {f"{methods.name(m)} (ours)": DETERMINISTIC_MARK for m in methods.DETERMINISTIC
             if f"{methods.name(m)} (ours)" in table.index}
    return annotate(table, marks=marks, notes=[*([DETERMINISTIC_NOTE] if marks else []),
                                               *ours.attrs.get("notes", [])])


def all_datasets(frames: dict) -> pd.DataFrame:
    """Every method on every data set of the chapter (percent, mean ± std over seeds)."""
    return summary_table(methods.named(main_and_baselines(frames)), ["P@1", "P@3", "P@5", "nDCG@5", "PSP@5"])


def choices(frames: dict) -> pd.DataFrame:
    """What the validation search chose per data set and method (seed 0; the main runs of every
    seed use these): lambda, m, lr, weight decay, the best epoch and the validation score."""
    search = frames.get("rankae/search")
    if search is None or not len(search):
        return pd.DataFrame()
    # The settings as short as they read (a weight decay of 1e-5 as 1 × 10⁻⁵, never 0.000).
    rows = [{"dataset": r["dataset"], "method": methods.name(r["method"]),
             **{k: setting(v) for k, v in r["fit_info"]["chosen"].items()},
             "epochs": r["fit_info"]["best_epoch"], "trials": len(r["fit_info"]["search"]),
             "valid P@1,3,5 (%)": 100 * r["fit_info"]["best_valid_mean_P@1,3,5"]}
            for r in search.to_dict("records")]
    table = pd.DataFrame(rows).rename(columns={"lam": "λ", "margin": "m", "weight_decay": "weight decay"})
    return annotate(table, digits={"valid P@1,3,5 (%)": 2})


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
    return average_ranks(main_and_baselines(frames), among=("rankae", *STAND_INS))


def verdict_table(frames: dict, tolerance: float | None = None) -> pd.DataFrame:
    """Every Delicious number of Rank-AE in Table 2 beside the main runs' mean ± std, the
    difference and a verdict (within ``tolerance`` points, above or short; None: the rulebook's
    tolerance, :func:`xmlstudy.rules.current`)."""
    if tolerance is None:
        tolerance = rules.current().tolerance
    table = paper_vs_reproduced(frames["rankae/main"], table_2(), "rankae", list(METRICS), tolerance,
                                published_method="Rank-AE")
    return table.rename(columns={"n_seeds": "seeds", "difference": "diff"})


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


def timed_benchmark(frames: dict) -> pd.Series | None:
    """The latest ``python -m xmlstudy bench rankae`` record timed alone on the machine (None
    when there is none: a record made beside other work, or without a note of what else ran,
    cannot vouch for its times)."""
    bench = frames.get("benchmark/rankae")
    if bench is None or not len(bench):
        return None
    alone = [i for i, r in enumerate(bench.to_dict("records")) if experiments.timed_alone(r)]
    return bench.iloc[alone[-1]] if alone else None


def loss_timing(frames: dict) -> pd.DataFrame:
    """The latest ``python -m xmlstudy bench rankae`` record timed alone, as a table: seconds of
    forward + backward per loss and L, and the ranking loss's time over BCE's."""
    last = timed_benchmark(frames)
    if last is None:
        return pd.DataFrame()
    table = {}
    for column, value in last.items():
        parts = str(column).split("/")
        if len(parts) == 3 and parts[0] == "seconds":
            table.setdefault(parts[1], {})[int(parts[2])] = value
    table = pd.DataFrame(table).sort_index()
    table["ranking / BCE"] = table["ranking (Rank-AE)"] / table["BCE"]
    return table.rename_axis("L")


def epoch_cost(frames: dict) -> pd.DataFrame:
    """From the latest ``bench rankae`` record timed alone: Rank-AE's seconds per training epoch
    and peak memory growth per data set of the chapter (its chosen settings, one thread)."""
    last = timed_benchmark(frames)
    if last is None:
        return pd.DataFrame()
    memory = last.get("peak_memory_mb") if isinstance(last.get("peak_memory_mb"), dict) else {}
    rows = [{"dataset": d, "training rows": int(last[f"train_rows/{d}"]),
             "seconds per epoch": float(last[f"epoch_seconds/{d}"]), "peak memory (MB)": memory.get(d)}
            for d in DATASETS if f"epoch_seconds/{d}" in last.index and pd.notna(last[f"epoch_seconds/{d}"])]
    return pd.DataFrame(rows)
