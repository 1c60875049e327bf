"""The claims of the non-negative autoencoder paper and the judges that compute their verdicts
from the chapter's records, each by one rule of the rulebook (:mod:`xmlstudy.rules`). The paper
prints no number, so every check is one its referee asked for: faithfulness of the hierarchy to
held-out data, agreement with known groupings, prediction beside the baselines, the spread of the
predictions, and the faithfulness of the image explanations. Every comparison pairs the runs of
one seed; a verdict whose records have fewer than :data:`xmlstudy.rules.MIN_RUNS` seeds is "not
testable here"."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from xmlstudy import methods, rules
from xmlstudy.chapters.nnae.experiment_grid import (AUTOENCODER, GROUPED, NAMES, PAPER,
                                                    PLANTED_EXPLAIN, SHALLOW)
from xmlstudy.chapters.nnae.measures import (aitlas_map, explanation_values, image_means,
                                             image_records, level_values, model_values, named,
                                             numeric_column)
from xmlstudy.claims import Claim, Verdict

# What's Cooking and Recipes5k give the two-step model one input only, the one-hot cuisine or
# food class: every recipe of a class gets the same five predictions, so at most five labels per
# class are ever predicted, and they are the class's most frequent ones. The tail claim would
# hold there whatever the model did, so it is judged on the other data sets.
CLASS_INPUT = GROUPED
PLANTED_LINE = 0.5      # the planted check: more than this share of the images must pass


def _deterministic() -> tuple:
    return getattr(methods, "DETERMINISTIC", ("knn", "ovr-linear"))


def _pairs(check: str, a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """The rulebook's ``pairs`` frame for one check: A's values by seed (a Series indexed by
    seed, points) beside B's of the same seed; a B with a single run (a method deterministic given
    its data) pairs its one value with every seed."""
    a = a.groupby(level=0).mean()
    b = b.groupby(level=0).mean()
    if len(b) == 1:
        b = pd.Series(b.iloc[0], index=a.index)
    return pd.DataFrame({"dataset": check, "seed": a.index, "a": a.to_numpy(),
                         "b": b.reindex(a.index).to_numpy()})


def _by_seed(frame: pd.DataFrame, column: str, scale: float = 100.0) -> pd.Series:
    return scale * frame.set_index("seed")[column]


def _strongest(frame: pd.DataFrame, column: str, by: str) -> str:
    """The ``by`` value (a factorization or method) with the highest mean ``column``."""
    return frame.groupby(by, sort=False)[column].mean().idxmax()


# --- the hierarchy -----------------------------------------------------------------------------------
def _judge_faithful(frames: dict) -> Verdict:
    records = named(frames["nnae/hierarchy"])
    read = records[records["name"].isin((AUTOENCODER, *SHALLOW))]
    short = rules.too_few_runs(read, by=("dataset", "name"))
    if short:
        return rules.not_testable(short, "beats")
    levels, models = level_values(read), model_values(read)
    checks = []
    for dataset in dict.fromkeys(read["dataset"]):
        lv = levels[levels["dataset"] == dataset]
        for units, level in ((64, 1), (16, 2)):
            ours = lv[lv["row"] == f"{AUTOENCODER}, level {level}"]
            rivals = lv[(lv["units"] == units) & lv["name"].isin(SHALLOW)]
            if len(ours) and len(rivals):
                best = _strongest(rivals, "npmi", "row")
                checks.append(_pairs(f"{dataset} level-{level} NPMI vs {best}",
                                     _by_seed(ours, "npmi"),
                                     _by_seed(rivals[rivals["row"] == best], "npmi")))
        md = models[models["dataset"] == dataset]
        ours, rivals = md[md["name"] == AUTOENCODER], md[md["name"].isin(SHALLOW)]
        if len(ours) and len(rivals):
            best = _strongest(rivals, "hits@10", "name")
            checks.append(_pairs(f"{dataset} hits@10 vs {best}", _by_seed(ours, "hits@10"),
                                 _by_seed(rivals[rivals["name"] == best], "hits@10")))
    if not checks:
        return rules.not_testable("no data set has the autoencoder beside a shallow factorization",
                                  "beats")
    return rules.beats(pd.concat(checks, ignore_index=True), AUTOENCODER,
                       "the best shallow factorization of the same size",
                       what="NPMI ×100 of each level and recipe completion hits@10 (%)",
                       unit="(data set, measure) checks")


def _judge_taxonomy(frames: dict) -> Verdict:
    records = named(frames["nnae/hierarchy"])
    chance = {units: NAMES[("random-groups", (units,))] for units in (64, 16)}
    read = records[records["dataset"].isin(GROUPED)
                   & records["name"].isin((AUTOENCODER, *chance.values()))]
    short = rules.too_few_runs(read, by=("dataset", "name"))
    if short:
        return rules.not_testable(short, "beats")
    levels = level_values(read)
    checks = []
    for dataset in dict.fromkeys(levels["dataset"]):
        lv = levels[levels["dataset"] == dataset]
        for units, level in ((64, 1), (16, 2)):
            ours, random = lv[lv["row"] == f"{AUTOENCODER}, level {level}"], lv[lv["row"] == chance[units]]
            if len(ours) and len(random):
                for measure in ("ari", "probe"):
                    checks.append(_pairs(f"{dataset} level-{level} {measure.replace('ari', 'ARI')}",
                                         _by_seed(ours, measure), _by_seed(random, measure)))
    if not checks:
        return rules.not_testable("no data set with a known grouping has the autoencoder beside "
                                  "random groups", "beats")
    return rules.beats(pd.concat(checks, ignore_index=True), AUTOENCODER,
                       "random groups of the same size",
                       what="ARI with the known grouping ×100 and linear-probe accuracy (%)",
                       unit="(data set, measure) checks")


# --- prediction ----------------------------------------------------------------------------------
_PRECISION = ("P@1", "P@3", "P@5")


def _precision(records: pd.DataFrame) -> pd.DataFrame:
    """dataset, method, seed and the mean of P@1, P@3 and P@5 (points) of each record."""
    value = sum(numeric_column(records, m) for m in _PRECISION) / len(_PRECISION)
    return pd.DataFrame({"dataset": records["dataset"], "method": records["method"],
                         "seed": records["seed"], "value": 100 * value})


def _judge_many_labels(frames: dict) -> Verdict:
    ours = frames["nnae/many_labels"]
    ours = ours[ours["method"] == "nnae"]
    base = frames["baselines/main"]
    base = base[base["dataset"].isin(set(ours["dataset"]))]
    short = rules.too_few_runs(pd.concat([ours, base], ignore_index=True),
                               deterministic=_deterministic())
    if short:
        return rules.not_testable(short, "beats")
    ours, base = _precision(ours), _precision(base)
    checks = []
    for dataset in dict.fromkeys(ours["dataset"]):
        b = base[base["dataset"] == dataset]
        if not len(b):
            continue
        weakest = b.groupby("method", sort=False)["value"].mean().idxmin()
        checks.append(_pairs(f"{dataset} vs {methods.name(weakest)}",
                             _by_seed(ours[ours["dataset"] == dataset], "value", 1.0),
                             _by_seed(b[b["method"] == weakest], "value", 1.0)))
    if not checks:
        return rules.not_testable("the two-step model shares no data set with the baselines", "beats")
    return rules.beats(pd.concat(checks, ignore_index=True), "two-step model",
                       "the weakest baseline", what="the mean of P@1, P@3 and P@5 (%)")


def _judge_tail(frames: dict) -> Verdict:
    records = frames["nnae/hierarchy"]
    records = records[(records["method"] == "nnae") & ~records["dataset"].isin(CLASS_INPUT)]
    left_out = ", ".join(CLASS_INPUT)
    if not len(records):
        return rules.not_testable(f"no record of the autoencoder outside {left_out}, whose only "
                                  "input is the class", "checks")
    short = rules.too_few_runs(records)
    if short:
        return rules.not_testable(short, "checks")
    m = model_values(records).groupby("dataset", sort=False).mean(numeric_only=True).reset_index()
    m["holds"] = (m["coverage"] < 0.5) & (m["head share"] > m["head share (true)"])
    hits = int(m["holds"].sum())
    detail = "; ".join(f"{r['dataset']} {100 * r['coverage']:.0f}% of labels ever predicted, the "
                       f"10 most frequent take {100 * r['head share']:.0f}% of the top-5 slots "
                       f"({100 * r['head share (true)']:.0f}% of the true labels), test P@5 "
                       f"{100 * r['P@5']:.1f} vs PSP@5 {100 * r['PSP@5']:.1f}"
                       for r in m.to_dict("records"))
    verdict = rules.counted(hits, len(m),
                            f"head labels over-predicted and fewer than half the labels ever "
                            f"predicted on {hits} of {len(m)} data sets: {detail} ({left_out} left "
                            "out: their only input is the one-hot cuisine or food class, so every "
                            "recipe of a class gets the same five labels and the check could not "
                            "fail)", unit="data sets")
    nearest = m.loc[(m["coverage"] - 0.5).abs().idxmin()]
    return replace(verdict, margin=f"{verdict.margin}; coverage nearest its 50% line: "
                   f"{nearest['dataset']} {100 * nearest['coverage']:.0f}%")


# --- the image track ------------------------------------------------------------------------------
def _judge_image_prediction(frames: dict) -> Verdict:
    recs = image_records(frames, "image")
    short = rules.too_few_runs(recs)
    if short:
        return rules.not_testable(short, "checks")
    means = image_means(frames, "image").set_index("method")
    if "nnae-image" not in means.index:
        return rules.not_testable("no record of the two-step image model", "checks")
    tol = rules.current().tolerance
    ours = means.loc["nnae-image"]
    refs = {"AiTLAS VGG16 (published)": aitlas_map()["VGG16"]}
    if "image-bce" in means.index:
        refs["the same backbone fine-tuned with BCE"] = 100 * means.loc["image-bce", "mAP"]
    gaps = {name: 100 * ours["mAP"] - value for name, value in refs.items()}
    hits = sum(gap >= -tol - 1e-9 for gap in gaps.values())
    text = (f"two-step model at {int(ours['resolution'])} px: test mAP {100 * ours['mAP']:.1f}% "
            f"({int(ours['seeds'])} seeds) vs "
            + " and ".join(f"{name} {value:.1f}%" for name, value in refs.items())
            + f" (within {tol:g} points or above counts)")
    if "image-bce" in means.index:
        bce = means.loc["image-bce"]
        text += (f"; P@1 {100 * ours['P@1']:.1f} vs {100 * bce['P@1']:.1f}, example-F1 "
                 f"{100 * ours['ex-F1']:.1f} vs {100 * bce['ex-F1']:.1f}")
    verdict = rules.counted(hits, len(refs), f"{hits} of {len(refs)} checks hold: {text}")
    return replace(verdict, margin=f"{verdict.margin}; mAP gaps against the {tol:g}-point line: "
                   + ", ".join(f"{name} {gap:+.2f}" for name, gap in gaps.items()))


def _order_pairs(explained: pd.DataFrame) -> pd.DataFrame:
    """The rulebook's ``pairs`` of LIME's superpixel order (a) against the random order (b) for
    the latent unit, per seed: "deletion" is 1 − the relative deletion AUC (the share of the
    unit's output the order removes; higher is better, so that both checks read "LIME above
    random"), "insertion" the relative insertion AUC, both in % of the output on the whole
    image."""
    values = explanation_values(explained)
    scores = {"deletion": lambda r: 100 * (1 - values[f"unit/{r}/deletion"]),
              "insertion": lambda r: 100 * values[f"unit/{r}/insertion"]}
    return pd.concat([pd.DataFrame({"dataset": check, "seed": values["seed"],
                                    "a": score("lime"), "b": score("random")})
                      for check, score in scores.items()], ignore_index=True)


def _planted_check(planted: pd.DataFrame) -> Verdict:
    """The planted check for the latent unit by the property rule: more than half of the
    explained images (over the runs) have LIME's top region at IoU 0.5 or more with the patch."""
    values = explanation_values(planted)
    images = numeric_column(planted, "explain/images").fillna(PLANTED_EXPLAIN["images"]).to_numpy()
    passed = int((values["unit/lime/passed"].to_numpy() * images).round().sum())
    images = int(images.sum())
    share = passed / images
    verdict = rules.holds(share, PLANTED_LINE, f"LIME's top region for the latent unit reaches "
                          f"IoU 0.5 with the planted patch on {passed} of {images} images",
                          above=True)
    line = images * PLANTED_LINE
    return replace(verdict, margin=f"{passed} of {images} planted images; the line needs more "
                   f"than {line:g}: " + ("holds" if share > PLANTED_LINE
                                         else f"{int(line) + 1 - passed} short"))


def _judge_explanations(frames: dict) -> Verdict:
    explained = frames["nnae/explanations"]
    explained = explained[explained["method"] == "nnae-image"]
    planted = frames["nnae/planted"]
    planted = planted[planted["method"] == "nnae-image"]
    pairs = _order_pairs(explained)
    found = _planted_check(planted) if len(planted) else None
    short = rules.too_few_runs(pd.concat([explained, planted], ignore_index=True))
    if short:
        # not judged, but the numbers there are are shown (means over the runs there are)
        gains = (pairs["a"] - pairs["b"]).groupby(pairs["dataset"], sort=False).mean()
        seen = ", ".join(f"{check} {gain:+.2f} points" for check, gain in gains.items())
        return rules.not_testable(f"{short}; the runs there are give LIME − a random order for "
                                  f"the latent unit: {seen}"
                                  + (f"; planted patch: {found.margin}" if found else ""), "checks")
    order = rules.beats(pairs, "LIME", "a random order",
                        what="the latent unit's output removed by deletion (1 − AUC) and "
                        "reached by insertion (AUC), % of its value on the whole image")
    hits = order.hits + int(found is not None and found.verdict == "reproduced")
    total = order.checks + int(found is not None)
    p1 = numeric_column(explained, "P@1").mean()
    verdict = rules.counted(hits, total, f"{hits} of {total} checks hold (two-step model, test P@1 "
                            f"{100 * p1:.1f}%): {order.evidence}"
                            + (f"; {found.evidence}" if found else ""))
    return replace(verdict, margin=f"{verdict.margin}; deletion and insertion: {order.margin}"
                   + (f"; planted patch: {found.margin}" if found else ""))


CLAIMS = (
    Claim("nnae-hierarchy", PAPER, "The autoencoder's weights form a label hierarchy faithful "
          "to the data, more so than shallow factorizations: on held-out rows, the NPMI of each "
          "level and recipe completion are above those of the best of NMF, LDA and PCA of the "
          "same size, on every data set", "Section 3, Figure 2", ("nnae/hierarchy",),
          _judge_faithful, section="nnae-hierarchy", rule="beats"),
    Claim("nnae-taxonomy", PAPER, "Its units capture real groupings of the labels (cuisines, "
          "food classes): at both levels, the dominant unit's agreement with the known group "
          "(ARI) and a linear probe on the codes are above random groups of the same size",
          "Section 4", ("nnae/hierarchy",), _judge_taxonomy, section="nnae-taxonomy",
          rule="beats"),
    Claim("nnae-many-labels", PAPER, "The two-step approach copes with many-label problems: its "
          "precision (mean of P@1, P@3 and P@5) is above the weakest of the study's baselines on "
          "each many-label data set", "Abstract, Section 5", ("nnae/many_labels", "baselines/main"),
          _judge_many_labels, section="nnae-many-labels", rule="beats"),
    Claim("nnae-tail", PAPER, "Dominant labels are always predicted, rare ones hardly ever: the "
          "ten most frequent labels take a larger share of the top-5 predictions than of the true "
          "labels, and fewer than half the labels are ever predicted (on the data sets whose "
          "input is more than a recipe's class)", "Section 4", ("nnae/hierarchy",), _judge_tail,
          section="nnae-tail", rule="checks"),
    Claim("nnae-explanations", PAPER, "LIME on the latent labels shows which part of an image "
          "makes which label set: for the dominant latent unit, LIME's superpixel order removes "
          "(deletion) and restores (insertion) more of the unit's output than a random order, "
          "and its top region covers a planted patch on more than half of the images",
          "Figures 5-6", ("nnae/explanations", "nnae/planted"), _judge_explanations,
          section="nnae-explanations", rule="checks"),
    Claim("nnae-image-prediction", PAPER, "A CNN fine-tuned to the latent labels predicts an "
          "image's labels (BBC Food ingredients in the paper; UC Merced objects here): its test "
          "mAP is within the tolerance of, or above, the AiTLAS benchmark's VGG16 and the same "
          "backbone fine-tuned with BCE", "Figure 4", ("nnae/image",), _judge_image_prediction,
          section="nnae-images", rule="checks"),
    Claim("nnae-usefulness", PAPER, "The explanations help people understand the model",
          "Abstract, Section 5", section="nnae-usefulness", rule="property",
          reason="only a study with people can test this, and none was run; the measurable "
          "stand-ins are the faithfulness measures (hierarchy, deletion / insertion, planted "
          "patch, stability)"),
)
