"""The numbers and short phrases that the Rank-AE chapter's prose cites, keyed by glue name.

The sentences around them are written in the notebook (``notebooks/rankae.py``); each value here
is one number, a method's name or a setting, as text. A value that the records cannot give yet
(an experiment that has not run) is "not run", so that the page still builds and says so.
"""
from __future__ import annotations

import pandas as pd

from xmlstudy import methods, models
from xmlstudy.chapters.rankae.experiment_grid import (METHODS, NOISE_KINDS, WORD_DATASETS,
                                                      gap_search, grid)
from xmlstudy.chapters.rankae.gap import (AUTOENCODERS, VARIANT_NAMES, WITHIN_TEXT,
                                          chosen_on_validation, gap_frame)
from xmlstudy.chapters.rankae.noise import noise_frame, noise_losses
from xmlstudy.chapters.rankae.paper import average_rank, imdb_row, table_2
from xmlstudy.chapters.rankae.records import main_and_baselines, means
from xmlstudy.chapters.rankae.tables import design_table, verdict_table

ABSENT = "not run"


def numbers(frames: dict, params) -> dict:
    """Every number and short phrase the chapter's prose cites, as text, keyed by its glue name
    (``{glue:text}`name``` in the notebook)."""
    return {**published_numbers(), **delicious_numbers(frames, params.tolerance),
            **design_numbers(frames), **glove_numbers(frames), **noise_numbers(frames),
            **settings_numbers(params.profile), **gap_numbers(frames, params.profile)}


def settings_numbers(profile: str) -> dict:
    """The settings the prose states, as the grid of ``profile`` runs them: Rank-AE's epoch budget
    and patience on Delicious (``rankae_epochs``, ``rankae_patience``), the BiLSTM's on Reuters
    (``rankae_bilstm_*``) and the noise rates of the noise and margin experiments
    (``rankae_noise_rates``, ``rankae_margin_rates``)."""
    out = {}
    for key, method, dataset in (("rankae", "rankae", "delicious"), ("rankae_bilstm", "rankae-bilstm", "reuters")):
        run = models.settings_as_run(method, methods.settings(method, dataset, profile))
        out[f"{key}_epochs"] = str(run["epochs"])
        out[f"{key}_patience"] = "none" if run["patience"] is None else str(run["patience"])
    rates = [c.setting.get("rate", 0.0) for c in grid(profile) if c.experiment == "noise"]
    out["rankae_noise_rates"] = f"{100 * min(rates):.0f} to {100 * max(rates):.0f}%"
    margin = sorted({c.setting.get("rate", 0.0) for c in grid(profile) if c.experiment == "margin"})
    words = [f"{100 * r:.0f}" for r in margin]
    out["rankae_margin_rates"] = (", ".join(words[:-1]) + " and " + words[-1] + "%" if len(words) > 1
                                  else "".join(words) + "%" if words else ABSENT)
    return out


def published_numbers() -> dict:
    """The paper's numbers the prose quotes (percent and ranks, as printed): Rank-AE's P@k on
    Delicious and on its own IMDb crawl, and its average ranks over the six data sets."""
    paper = table_2()["values"]
    out = {f"rankae_paper_{m}": f"{paper[('delicious', 'Rank-AE', m)]:.2f}" for m in ("P@1", "P@3", "P@5")}
    imdb = imdb_row()
    out.update({f"rankae_paper_imdb_{m}": f"{imdb[m]:.2f}" for m in ("P@1", "P@3", "P@5")})
    out.update({f"rankae_paper_rank_{family}": f"{rank:.2f}" for family, rank in average_rank().items()})
    return out


def delicious_numbers(frames: dict, tolerance: float) -> dict:
    """Our Rank-AE's P@1 on Delicious and its gap to the paper's, the best baseline there and
    its P@1 (percent), and how many of the paper's Delicious numbers are matched within
    ``tolerance`` points."""
    paper_p1 = table_2()["values"][("delicious", "Rank-AE", "P@1")]
    table = means(main_and_baselines(frames))
    have = ("delicious", "rankae") in table.index
    ours = 100 * table.loc[("delicious", "rankae"), "P@1"] if have else None
    out = {"rankae_ours_P@1": f"{ours:.2f}" if have else ABSENT,
           "rankae_gap_P@1": f"{ours - paper_p1:+.2f}" if have else ABSENT}
    base = table.xs("delicious", level="dataset").drop(list(METHODS), errors="ignore") \
        if "delicious" in table.index.get_level_values(0) else pd.DataFrame()
    out["rankae_best_baseline"] = methods.name(base["P@1"].idxmax()) if len(base) else ABSENT
    out["rankae_best_baseline_P@1"] = f"{100 * base['P@1'].max():.2f}" if len(base) else ABSENT
    verdicts = verdict_table(frames, tolerance)
    out["rankae_n_compared"] = str(len(verdicts))
    out["rankae_n_matched"] = str(int((verdicts["verdict"] == "matches").sum()))
    out["rankae_tolerance"] = f"{tolerance:g}"
    return out


def design_numbers(frames: dict) -> dict:
    """How far the open design choices move the validation score from the main design's
    (points): their range, and the best choice with its gain."""
    design = design_table(frames)
    others = design["vs main design"].drop(design.index[0]) if len(design) > 1 else pd.Series(dtype=float)
    if not len(others):
        return dict.fromkeys(("rankae_design_best", "rankae_design_best_gain", "rankae_design_range"),
                             ABSENT)
    return {"rankae_design_best": others.idxmax(), "rankae_design_best_gain": f"{others.max():+.2f}",
            "rankae_design_range": f"{others.min():+.2f} to {others.max():+.2f}"}


def glove_numbers(frames: dict) -> dict:
    """Per data set whose features are words: how many of its words GloVe has a vector for
    (``rankae_glove_words_<data set>``) and how many words it has
    (``rankae_glove_vocabulary_<data set>``), "-" in the data set's name written "_"."""
    emb = frames["rankae/embeddings"]
    found = {}
    for rec in emb.to_dict("records") if len(emb) else []:
        if rec["fit_info"].get("words_with_vectors"):
            found[rec["dataset"]] = (rec["fit_info"]["words_with_vectors"], rec["data"]["features"])
    out = {}
    for dataset in WORD_DATASETS:
        key = dataset.replace("-", "_")
        words, vocabulary = found.get(dataset, (None, None))
        out[f"rankae_glove_words_{key}"] = f"{words:,}" if words is not None else ABSENT
        out[f"rankae_glove_vocabulary_{key}"] = f"{vocabulary:,}" if vocabulary is not None else ABSENT
    return out


def noise_numbers(frames: dict) -> dict:
    """The highest noise rate, and per kind of noise (``missing``, ``missing_invalid``) the share
    of its clean P@1 that Rank-AE loses there (percent) and the method that loses least."""
    tidy = noise_frame(frames["rankae/noise"])
    top = tidy["rate"].max() if len(tidy) else 0.0
    out = {"rankae_noise_top_rate": f"{100 * top:.0f}%" if top > 0 else ABSENT}
    for kind in NOISE_KINDS:
        key = kind.replace("-", "_")
        lost = noise_losses(tidy, kind) if len(tidy) else {}
        out[f"rankae_noise_rankae_{key}"] = f"{lost['rankae']:.1f}" if "rankae" in lost else ABSENT
        out[f"rankae_noise_least_{key}"] = methods.name(min(lost, key=lost.get)) if lost else ABSENT
    return out


def gap_numbers(frames: dict, profile: str) -> dict:
    """Experiment "gap" on Delicious: the autoencoder variant chosen on validation
    (``rankae_variant_best``), its P@1 and its difference from the paper's (percent); the same
    for the best variant inside the paper's text (``rankae_variant_text_*``); the P@1 of Rank-AE
    as printed and of the plain MLP under the same protocol; and the search's size."""
    paper_p1 = table_2()["values"][("delicious", "Rank-AE", "P@1")]
    gap = gap_frame(frames["rankae/gap"])
    gap = gap[gap["dataset"] == "delicious"] if len(gap) else gap

    def p1(variant):
        runs = gap[gap["variant"] == variant] if variant and len(gap) else gap.iloc[0:0]
        return 100 * pd.to_numeric(runs["P@1"]).mean() if len(runs) else None

    out = {"rankae_variant_search_size": str(1 + sum(len(v) for _, v in gap_search("rankae", profile)))}
    for key, among in (("best", AUTOENCODERS), ("text_best", WITHIN_TEXT)):
        chosen = chosen_on_validation(gap, "delicious", among)
        value = p1(chosen)
        out[f"rankae_variant_{key}"] = VARIANT_NAMES[chosen] if chosen else ABSENT
        out[f"rankae_variant_{key}_P@1"] = f"{value:.2f}" if value is not None else ABSENT
        out[f"rankae_variant_{key}_vs_paper"] = f"{value - paper_p1:+.2f}" if value is not None else ABSENT
    for key, variant in (("as_printed", "as-printed"), ("plain_mlp", "plain-mlp")):
        value = p1(variant)
        out[f"rankae_variant_{key}_P@1"] = f"{value:.2f}" if value is not None else ABSENT
    return out
