"""The claims the cross-paper chapter judges: each paper's "better than the rest", now against
every method of the study on one protocol, and the two claims the papers tested for their own
method only (Rank-AE's robustness to noise, C-GMVAE's lead on few rows), now against all; with
the judges that compute their verdicts, each by one rule of the study's rulebook
(:mod:`xmlstudy.rules`).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from xmlstudy import claims as claims_
from xmlstudy import methods, rules

from .benchmark import seed_scores
from .experiment_grid import METHODS, NOISE_RATES, PAPER, SOURCES
from .fewer import far_stalled, fewer_table
from .layout import in_method_order
from .noise import DROP, TOP_RATE, noise_table
from .ranks import F1S, P_AT_K   # a claim about several metrics is judged on their mean per run
from .sources import benchmark_records, fewer_records, noise_records

SHARE = 0.1   # the share of the training rows C-GMVAE's Figure 2 leads on (10%)


def _deterministic() -> tuple:
    return tuple(getattr(methods, "DETERMINISTIC", ("knn", "ovr-linear")))


def judge_best(method: str, metrics, what: str):
    """A judge by ``best-of-set``: ``method`` has the best average rank over the data sets where
    every method ran, on the mean of ``metrics`` per run (:func:`xmlstudy.rules.best_of_set`)."""
    def judge(frames: dict) -> claims_.Verdict:
        scores = seed_scores(benchmark_records(frames), metrics)
        ran = scores.groupby(["dataset", "method"])["value"].mean().unstack().dropna()
        read = scores[scores["dataset"].isin(ran.index)]
        if not len(read):
            return rules.not_testable(f"{methods.name(method)} lacks records on two data sets "
                                      "beside two other methods", "best-of-set")
        short = rules.too_few_runs(_in_order(read, ("dataset", "method", "seed")),
                                   deterministic=_deterministic())
        if short:
            return rules.not_testable(short, "best-of-set")
        return rules.best_of_set(read, method, methods.name, what)
    return judge


def _in_order(records: pd.DataFrame, by) -> pd.DataFrame:
    """``records`` sorted by ``by`` (methods in METHODS' order), so that a verdict's evidence
    names its runs alike whichever way the records were read (the chapter's collected records,
    or the record files the summary reads)."""
    order = {m: i for i, m in enumerate(METHODS)}
    return records.sort_values(list(by), key=lambda c: c.map(order) if c.name == "method" else c,
                               kind="stable")


def _enough_methods(table: pd.DataFrame, by, column: str) -> pd.DataFrame:
    """The rows of ``table`` with a ``column`` value, in the groups (by ``by``) where at least
    three methods have one (the groups :func:`~.benchmark.winners` ranks on the page)."""
    valid = table.dropna(subset=[column])
    return valid[valid.groupby(by)[column].transform("size") >= 3]


def judge_noise(frames: dict) -> claims_.Verdict:
    """Rank-AE loses the least of its clean P@1 at the highest noise rate (or within the tie of
    the least), in each (data set, noise kind) with three methods or more, by
    ``degrades-least``."""
    records = noise_records(frames)
    table = noise_table(records, "P@1")
    if not len(table) or DROP not in table.columns:
        return rules.not_testable("no noise records", "degrades-least")
    table = in_method_order(_enough_methods(table, ["dataset", "noise"], DROP))
    rankae = methods.name("rankae")
    settings = table.groupby(["dataset", "noise"])["method"].agg(set)
    settings = settings[settings.map(lambda names: rankae in names)]
    if not len(settings):
        return rules.not_testable("Rank-AE has no noise records beside 2 other methods",
                                  "degrades-least")
    short = _too_few_noise_runs(records, settings)
    if short:
        return rules.not_testable(short, "degrades-least")
    judged = table.set_index(["dataset", "noise"]).loc[settings.index].reset_index()
    long = pd.DataFrame({"setting": judged["dataset"] + " " + judged["noise"],
                         "method": judged["method"], "value": judged[DROP]})
    return rules.degrades_least(long, rankae, lower_is_better=True,
                                what=f"P@1 lost at {TOP_RATE} noise (% of the clean P@1)")


def _too_few_noise_runs(records: pd.DataFrame, settings: pd.Series) -> str | None:
    """:func:`xmlstudy.rules.too_few_runs` on the runs the noise verdict reads: every method of
    each judged (data set, kind), clean and at the highest rate. Noisy labels are drawn per seed,
    so a method deterministic given its data still needs its seeds there; its clean run does
    not."""
    read = []
    for (dataset, kind), names in settings.items():
        keys = [methods.key_of(n) for n in names]
        part = records[(records["dataset"] == dataset) & records["method"].isin(keys)]
        top = part[(part["kind"] == kind) & np.isclose(part["rate"], NOISE_RATES[-1])]
        read += [part[part["kind"] == "clean"].assign(_clean=True), top.assign(_clean=False)]
    by = ("dataset", "method", "kind", "rate")
    read = _in_order(pd.concat(read, ignore_index=True), by)
    short = [f"{what}: {sentence}" for what, sentence in (
        ("clean labels", rules.too_few_runs(read[read["_clean"]], by, deterministic=_deterministic())),
        (f"{TOP_RATE} noise", rules.too_few_runs(read[~read["_clean"]], by))) if sentence]
    return "; ".join(short) or None


def judge_fewer(frames: dict) -> claims_.Verdict:
    """C-GMVAE's lead at 10% of train (its Figure 2): the best validation-threshold macro-F1 at
    10% of the rows (or within the tie of the best), per data set with three methods or more, by
    ``degrades-least``; the evidence names the data sets where C-GMVAE's runs stalled."""
    few = fewer_records(frames)
    table = fewer_table(few, "validation/ma-F1")
    column = f"{SHARE:.0%}"
    if not len(table) or column not in table.columns:
        return rules.not_testable("no fewer-data records", "degrades-least")
    table = _enough_methods(table, ["dataset"], column)
    cgmvae = methods.name("cgmvae")
    datasets = set(table.loc[table["method"] == cgmvae, "dataset"])
    table = table[table["dataset"].isin(datasets)]
    if not len(table):
        return rules.not_testable("C-GMVAE has no 10% records beside 2 other methods",
                                  "degrades-least")
    # Each run draws its own 10% of the rows, so every method needs its seeds here.
    keys = [methods.key_of(n) for n in set(table["method"])]
    read = few[few["dataset"].isin(datasets) & few["method"].isin(keys) & np.isclose(few["fraction"], SHARE)]
    short = rules.too_few_runs(_in_order(read, ("dataset", "method", "seed")), ("dataset", "method", "fraction"))
    if short:
        return rules.not_testable(short, "degrades-least")
    long = pd.DataFrame({"setting": table["dataset"], "method": table["method"], "value": table[column]})
    verdict = rules.degrades_least(long, cgmvae, lower_is_better=False,
                                   what=f"macro-F1 at {column} of train (validation thresholds, %)")
    far = far_stalled(few)
    stuck = sorted(set(far.loc[(far["method"] == cgmvae) & (far["share"] == column), "dataset"])
                   & datasets) if len(far) else []
    if not stuck:
        return verdict
    return dataclasses.replace(verdict, evidence=verdict.evidence + "; C-GMVAE stalled in its "
                               f"first plateau on {', '.join(stuck)}")


# Judged on this chapter's records; the chapters' record files are read when they hold records
# (the smoke profile has no C-GMVAE embeddings runs, for one).
BENCHMARK_FILES = (f"{PAPER}/benchmark",)
REUSED_FILES = tuple(n for n in SOURCES if n not in BENCHMARK_FILES)
CLAIMS = (
    claims_.Claim("synthesis-dxml", PAPER, "DXML outperforms the other methods in P@k: the best "
                  "average rank over every method of the study (DXML, Tables 2-5)",
                  "DXML, section 4", BENCHMARK_FILES,
                  judge_best("dxml", P_AT_K, "P@k (mean of P@1, P@3, P@5)"),
                  section="synthesis-ranks", optional=REUSED_FILES, rule="best-of-set"),
    claims_.Claim("synthesis-rankae", PAPER, "Rank-AE has the best average rank in P@k, now over "
                  "every method of the study (Rank-AE, Table 2)", "Rank-AE, Table 2",
                  BENCHMARK_FILES, judge_best("rankae", P_AT_K, "P@k (mean of P@1, P@3, P@5)"),
                  section="synthesis-ranks", optional=REUSED_FILES, rule="best-of-set"),
    claims_.Claim("synthesis-cgmvae", PAPER, "C-GMVAE beats the other methods on the F1 scores: "
                  "the best average rank in example-, micro- and macro-F1 over every method of "
                  "the study (C-GMVAE, Tables 1-2)", "C-GMVAE, Tables 1-2", BENCHMARK_FILES,
                  judge_best("cgmvae", F1S, "F1 (mean of example-, micro- and macro-F1, "
                                            "validation thresholds)"),
                  section="synthesis-ranks", optional=REUSED_FILES, rule="best-of-set"),
    claims_.Claim("synthesis-nnae", PAPER, "The non-negative autoencoder's two-step classifier "
                  "predicts as well as the other methods (its paper's many-label claim): the "
                  "best average rank in P@k over every method of the study",
                  "the non-negative autoencoder paper, section 5", BENCHMARK_FILES,
                  judge_best("nnae", P_AT_K, "P@k (mean of P@1, P@3, P@5)"),
                  section="synthesis-ranks", optional=REUSED_FILES, rule="best-of-set"),
    claims_.Claim("synthesis-noise", PAPER, "Rank-AE is the most robust to noisy labels, now against "
                  "every method: it loses the least of its P@1 at the highest noise rate "
                  "(Rank-AE, Figure 3)", "Rank-AE, Figure 3",
                  (f"{PAPER}/noise",), judge_noise, section="synthesis-noise",
                  optional=(*REUSED_FILES, *BENCHMARK_FILES, "rankae/noise"),
                  rule="degrades-least"),
    claims_.Claim("synthesis-fewer-data", PAPER, "C-GMVAE learns best from few training rows, now "
                  "against every method: the best macro-F1 on 10% of train (C-GMVAE, Figure 2)",
                  "C-GMVAE, Figure 2", (f"{PAPER}/fewer_data",), judge_fewer,
                  section="synthesis-fewer-data",
                  optional=(*REUSED_FILES, *BENCHMARK_FILES, "cgmvae/fewer_data"),
                  rule="degrades-least"),
)
