"""The DXML chapter's glued numbers: every one the page cites exists, and each is the number
the records give (planted records with hand-computed means)."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from xmlstudy import methods
from xmlstudy.chapters import dxml
from xmlstudy.experiments import records_frame

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "dxml.py"
FRAMES = ("dxml/main", "dxml/ablation", "dxml/sweep", "dxml/refit", "dxml/paper_split",
          "baselines/main")


def cited_names() -> set[str]:
    """The glue names the notebook's prose cites with ``{glue:text}``."""
    return set(re.findall(r"\{glue:text\}`([^`]+)`", NOTEBOOK.read_text()))


def frames_of(records: list[dict]) -> dict:
    """The chapter's frames (as :func:`xmlstudy.chapters.dxml.collect` keys them) of ``records``."""
    return {name: records_frame([r for r in records
                                 if f"{r['paper']}/{r['experiment']}" == name]) for name in FRAMES}


def record(experiment: str, method: str, dataset: str, seed: int, p1: float, p3: float = 0.3,
           p5: float = 0.2, paper: str = "dxml") -> dict:
    return {"paper": paper, "experiment": experiment, "method": method, "dataset": dataset,
            "seed": seed, "profile": "full", "metrics": {"P@1": p1, "P@3": p3, "P@5": p5}}


PARAMS = SimpleNamespace(tolerance=1.5, profile="smoke")


def test_the_prose_cites_only_numbers_the_chapter_glues():
    assert len(cited_names()) > 40   # the regex found the roles
    out = dxml.numbers(frames_of([]), PARAMS)
    assert cited_names() <= set(out), sorted(cited_names() - set(out))
    # Nothing run: every number from the records says so; the paper's own numbers remain.
    assert out["dxml_ours_bibtex"] == out["dxml_extra_ours_reuters"] == "not run"
    assert out["dxml_vs_dxml-l2_min"] == out["dxml_sweep_best_gain"] == "not run"
    assert out["dxml_refit_gain_delicious"] == out["dxml_split_bibtex"] == "not run"
    assert out["dxml_n_compared"] == "0" and out["dxml_bench_same"] == "none"
    paper = dxml.table_2()["values"]
    assert out["dxml_paper_bibtex_P@1"] == f"{paper[('bibtex', 'DXML', 'P@1')]:.2f}"
    assert out["dxml_over_knn_paper_bibtex"] == \
        f"{paper[('bibtex', 'DXML', 'P@1')] - paper[('bibtex', 'KNN', 'P@1')]:+.2f}"


def test_numbers_are_the_planted_means():
    records = [record("main", "dxml", "bibtex", s, p1) for s, p1 in enumerate((0.50, 0.52, 0.54))]
    records += [record("main", m, "bibtex", 0, p1, paper="baselines")
                for m, p1 in (("knn", 0.47), ("ovr-linear", 0.55), ("parabel", 0.51))]
    records += [record("main", "dxml", "corel5k", 0, 0.30),
                record("main", "parabel", "corel5k", 0, 0.33, paper="baselines"),
                record("main", "knn", "corel5k", 0, 0.31, paper="baselines")]
    # Ablation on bibtex, seed 0 beside main seed 0 only would differ from the three-seed mean
    # of DXML (0.52): the variants are compared with that mean.
    records += [record("ablation", "dxml-l2", "bibtex", 0, 0.53, p3=0.28, p5=0.25)]
    records += [record("refit", "dxml", "bibtex", s, p1) for s, p1 in enumerate((0.51, 0.53, 0.56))]
    out = dxml.numbers(frames_of(records), PARAMS)
    paper_p1 = dxml.table_2()["values"][("bibtex", "DXML", "P@1")]
    assert out["dxml_ours_bibtex"] == "52.00"
    assert out["dxml_gap_paper_bibtex"] == f"{52.0 - paper_p1:+.2f}"
    assert out["dxml_best_baseline_bibtex"] == methods.name("ovr-linear")
    assert out["dxml_best_baseline_p1_bibtex"] == "55.00"
    assert out["dxml_over_knn_bibtex"] == "+5.00"
    assert (out["dxml_extra_ours_corel5k"], out["dxml_extra_best_baseline_corel5k"],
            out["dxml_extra_best_baseline_p1_corel5k"]) == ("30.00", methods.name("parabel"), "33.00")
    assert out["dxml_extra_ours_imdb"] == out["dxml_extra_best_baseline_imdb"] == "not run"
    # dxml-l2 minus DXML: P@1 53 - 52, P@3 28 - 30, P@5 25 - 20 points.
    assert (out["dxml_vs_dxml-l2_min"], out["dxml_vs_dxml-l2_max"]) == ("-2.00", "+5.00")
    assert out["dxml_vs_dxml-linear_min"] == "not run"
    # Refit mean 0.5333 against 0.52.
    assert out["dxml_refit_gain_bibtex"] == "+1.33"
    assert out["dxml_refit_gain_delicious"] == "not run"
    assert out["dxml_ours_delicious"] == out["dxml_best_baseline_delicious"] == "not run"


def test_the_package_has_every_name_the_notebook_calls():
    called = set(re.findall(r"\bdxml\.(\w+)", NOTEBOOK.read_text())) - {"py", "ipynb", "jsonl"}
    assert {"validate", "collect", "numbers", "CLAIMS", "timing"} <= called
    assert sorted(name for name in called if not hasattr(dxml, name)) == []


# --- the claims' judges, on planted records -------------------------------------------------------
TABLES = ("P@1", "P@3", "P@5", "nDCG@1", "nDCG@3", "nDCG@5")


def _claim(claim_id):
    return next(c for c in dxml.CLAIMS if c.id == claim_id)


def _rec(experiment, method, dataset, seed, metrics, paper="dxml", split_seed=None):
    rec = {"paper": paper, "experiment": experiment, "method": method, "dataset": dataset,
           "seed": seed, "profile": "full", "metrics": metrics}
    if split_seed is not None:
        rec["split"] = {"protocol": "random-same-sizes", "seed": split_seed}
    return rec


def _at_paper(printed, dataset="bibtex", shift=0.0, **overrides):
    """Every Table 2/4 metric of ``printed`` on ``dataset`` as a fraction, ``shift`` points off
    (``overrides``: metric -> points off instead)."""
    paper = dxml.small_tables()["values"]
    return {m: (paper[(dataset, printed, m)] + overrides.get(m.replace("@", "_"), shift)) / 100
            for m in TABLES}


def test_published_numbers_are_judged_by_the_tolerance_in_points():
    from xmlstudy import rules

    near = [_rec("main", "dxml", "bibtex", s, _at_paper("DXML", shift=-1.0)) for s in (0, 1, 2)]
    v = _claim("dxml-numbers").evaluate(frames_of(near))
    assert (v.verdict, v.rule, v.hits, v.checks) == ("reproduced", "matches-paper", 6, 6), v
    short = [_rec("main", "dxml", "bibtex", s, _at_paper("DXML", shift=-0.2, P_1=-2.0)) for s in (0, 1, 2)]
    v = _claim("dxml-numbers").evaluate(frames_of(short))
    assert (v.verdict, v.hits) == ("partly", 5) and "closest to the 1.5-point line: bibtex P@1 -2.00" in v.margin
    with rules.judged_under(rules.with_tolerance(0.5)):
        assert _claim("dxml-numbers").evaluate(frames_of(near)).verdict == "not reproduced"
    # Two seeds are too few; the ten random splits are ten runs of seed 0.
    assert _claim("dxml-numbers").evaluate(frames_of(near[:2])).verdict == "not testable here"
    splits = [_rec("paper_split", "dxml", "bibtex", 0, _at_paper("DXML"), split_seed=k) for k in range(10)]
    v = _claim("dxml-numbers-paper-split").evaluate(frames_of(splits))
    assert (v.verdict, v.checks) == ("reproduced", 6), v


def test_the_sleec_claim_sets_dxml_beside_the_published_sleec_numbers():
    at_sleec = [_rec("main", "dxml", "bibtex", s, _at_paper("SLEEC", shift=-1.4)) for s in (0, 1, 2)]
    v = _claim("dxml-sleec").evaluate(frames_of(at_sleec))
    assert (v.verdict, v.rule, v.checks) == ("reproduced", "matches-paper", 6), v
    assert "6 of 6 SLEEC numbers within 1.5 points" in v.evidence
    sleec = dxml.small_tables()["values"][("bibtex", "SLEEC", "P@1")]
    assert f"bibtex P@1 {sleec - 1.4:.2f} vs {sleec:g}" in v.evidence


def test_outperforming_the_baselines_is_a_paired_test_per_data_set_and_rival():
    def p_at_k(p1, p3, p5):
        return {"P@1": p1, "P@3": p3, "P@5": p5}
    mine = [_rec("main", "dxml", "bibtex", s, p_at_k(0.70 + s / 1000, 0.42, 0.30)) for s in (0, 1, 2)]
    # kNN and one-vs-rest run once (deterministic): their one value pairs with every DXML seed.
    knn = _rec("main", "knn", "bibtex", 0, p_at_k(0.60, 0.35, 0.25), paper="baselines")
    ovr = _rec("main", "ovr-linear", "bibtex", 0, p_at_k(0.65, 0.40, 0.29), paper="baselines")
    v = _claim("dxml-baselines").evaluate(frames_of(mine + [knn, ovr]))
    assert (v.verdict, v.rule, v.hits, v.checks) == ("reproduced", "beats", 2, 2), v
    # Per seed the mean of P@1/3/5: DXML 47.33 + 0.03 * seed, kNN 40.00, one-vs-rest 44.67.
    assert "bibtex vs kNN +7.37" in v.evidence and "bibtex vs one-vs-rest +2.70" in v.evidence
    ahead = _rec("main", "ovr-linear", "bibtex", 0, p_at_k(0.72, 0.45, 0.33), paper="baselines")
    v = _claim("dxml-baselines").evaluate(frames_of(mine + [knn, ahead]))
    assert (v.verdict, v.hits, v.checks) == ("partly", 1, 2), v


def test_the_nonlinear_claim_pairs_dxml_with_its_linear_variant_per_seed():
    def p_at_k(p1):
        return {"P@1": p1, "P@3": 0.4, "P@5": 0.3}
    relu = [_rec("main", "dxml", d, s, p_at_k(0.70 + s / 100)) for d in ("bibtex", "corel5k") for s in (0, 1, 2)]
    # Ahead on bibtex on every seed; on corel5k behind on seed 2 by more than it leads elsewhere.
    linear = [_rec("ablation", "dxml-linear", "bibtex", s, p_at_k(0.65 + s / 100)) for s in (0, 1, 2)]
    linear += [_rec("ablation", "dxml-linear", "corel5k", s, p_at_k(p1)) for s, p1 in enumerate((0.69, 0.70, 0.80))]
    v = _claim("dxml-nonlinear").evaluate(frames_of(relu + linear))
    assert (v.verdict, v.rule, v.hits, v.checks) == ("partly", "beats", 1, 2), v
    assert v.evidence.startswith("ReLU − linear in mean of P@1, P@3, P@5")
    assert "bibtex +1.67 ± 0.00" in v.evidence and "corel5k -0.67 ± 4.30 (p = 0.713)" in v.evidence


def test_timing_table_shows_only_times_taken_alone():
    from xmlstudy.chapters.dxml.fitting import timing_table

    def cost(dataset, fit, alone, status="ok"):
        return {"method": "dxml", "dataset": dataset, "status": status, "others_running": not alone,
                "timings": {"fit_s": fit, "predict_s": 2.0}, "fit_parts": {"label_embedding_s": 4.0},
                "peak_memory_mb": 300.0, "provenance": {"device": "cpu", "cpu": {"model": "X"}}}

    costs = [cost("bibtex", 50.0, True), cost("bibtex", 90.0, False), cost("yeast", 5.0, True),
             cost("delicious", 70.0, False), {**cost("scene", 1.0, True), "method": "knn"}]
    bench = [{"dataset": "bibtex", "others_running": False,
              "benchmark": {"total_s": 30.0, "predict_s": 1.0}},
             {"dataset": "delicious", "benchmark": {"total_s": 30.0, "predict_s": 1.0}}]  # no note
    seconds = {"bibtex": (10.0, 1.0, 20.0, 2.0)}
    table = timing_table(costs, seconds, bench, datasets=("bibtex", "delicious"))
    assert table.loc["bibtex", "DXML fit s (ours)"] == 50.0   # the one timed alone, not the later busy one
    assert table.loc["bibtex", "of which DeepWalk s"] == 4.0 and table.loc["bibtex", "benchmark fit s"] == 29.0
    assert pd.isna(table.loc["delicious", "DXML fit s (ours)"])      # timed only beside other work
    assert pd.isna(table.loc["delicious", "benchmark fit s"])        # a record that cannot vouch
    assert table.loc["yeast", "DXML fit s (ours)"] == 5.0 and "scene" not in table.index
    assert table.loc["bibtex", "DXML train s (paper, GTX 1080 Ti)"] == 10.0
