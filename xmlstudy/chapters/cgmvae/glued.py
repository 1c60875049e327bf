"""The numbers the C-GMVAE chapter's prose cites, as text keyed by glue name (:func:`numbers`);
the sentences around them are written in the notebook."""
from __future__ import annotations

import numpy as np
import pandas as pd

from xmlstudy import experiments, methods
from xmlstudy.chapters.cgmvae.experiment_grid import (DATASETS, HEATMAP_DATASETS, OFFICIAL_SPLIT_SEEDS, SMALL,
                                                      run_params, scaled)
from xmlstudy.chapters.cgmvae.measures import half_vs_full, official_split_cost, paper_vs_ours, protocol_gap
from xmlstudy.chapters.cgmvae.paper import published_main
from xmlstudy.chapters.cgmvae.tables import (budget_comparison, search_picks_table, sizes_table,
                                             verdict_table)

_CGMVAE, _UNI = methods.name("cgmvae"), methods.name("cgmvae-uni-gaussian")
# The data sets whose label embeddings the page measures (Fig. 3): the chapter's and corel5k.
EMBEDDING_DATASETS = tuple(dict.fromkeys(DATASETS + HEATMAP_DATASETS))


def settings_numbers(profile: str) -> dict:
    """The epoch budget the prose states, as the main grid of ``profile`` runs C-GMVAE: the most
    epochs of any data set (``cgmvae_max_epochs``) and delicious's, trained without early
    stopping (``cgmvae_delicious_epochs``)."""
    return {"cgmvae_max_epochs": str(max(run_params("cgmvae", d, profile)["epochs"] for d in DATASETS)),
            "cgmvae_delicious_epochs": str(run_params("cgmvae", "delicious", profile)["epochs"])}


def paper_numbers() -> dict:
    values = published_main()["values"]
    return {"paper_exf1_yeast": f"{values[('yeast', 'C-GMVAE', 'ex-F1')]:.3f}",
            "paper_exf1_reuters": f"{values[('reuters', 'C-GMVAE', 'ex-F1')]:.3f}",
            "paper_maf1_scene": f"{values[('scene', 'C-GMVAE', 'ma-F1')]:.3f}"}


def _text(value, spec: str, missing: str = "not run") -> str:
    """A number as the prose shows it; ``missing`` ("not run") where the records hold none, so
    that every name the prose cites is glued whatever ran."""
    return missing if value is None or pd.isna(value) else format(value, spec)


def _embedding_numbers(rank: pd.DataFrame | None) -> dict:
    """Fig. 3's numbers: the range of C-GMVAE's correlations over its runs, and per data set
    its mean correlation and how far it lies above the uni-Gaussian VAE's."""
    names = ["rho_min", "rho_max", *(f"rho_{d}" for d in EMBEDDING_DATASETS),
             *(f"rho_vs_uni_{d}" for d in EMBEDDING_DATASETS)]
    if rank is None or not len(rank):
        return dict.fromkeys(names, "n/a (smoke)")
    rho = rank[rank["variant"] == _CGMVAE]["spearman vs Jaccard"]
    out = {"rho_min": _text(rho.min(), ".2f"), "rho_max": _text(rho.max(), ".2f")}
    by_variant = rank.groupby(["dataset", "variant"], sort=False)["spearman vs Jaccard"].mean().unstack()
    none = pd.Series(dtype=float)
    mine = by_variant[_CGMVAE] if _CGMVAE in by_variant.columns else none
    uni = by_variant[_UNI] if _UNI in by_variant.columns else none
    for d in EMBEDDING_DATASETS:
        out[f"rho_{d}"] = _text(mine.get(d), ".2f")
        out[f"rho_vs_uni_{d}"] = _text(mine.get(d, np.nan) - uni.get(d, np.nan), "+.2f")
    return out


def numbers(frames: dict, params, rank: pd.DataFrame | None = None) -> dict:
    """Every number the chapter's prose cites, as text keyed by its glue name (the notebook's
    markdown writes the sentences around them); "not run" where the records hold none, "n/a
    (smoke)" where the smoke profile has none."""
    out = {**paper_numbers(), **settings_numbers(params.profile),
           "tolerance_points": f"{params.tolerance:g}"}
    main, protocol = frames["cgmvae/main"], params.protocol
    if params.profile == "full":
        sizes = sizes_table(params.datasets)
        share = sizes["train"] / sizes["paper's train (80%)"]
        out["train_share_min"], out["train_share_min_dataset"] = f"{100 * share.min():.0f}%", share.idxmin()
    else:
        out["train_share_min"], out["train_share_min_dataset"] = "n/a (smoke)", "n/a"
    gap = protocol_gap(main) if len(main) else pd.DataFrame()
    for key, word in (("valid", "valid"), ("fixed", "0.5")):
        cols = [c for c in gap.columns if ":" in c and word in c]
        out[f"max_gap_{key}"] = f"{gap[cols].to_numpy().max():.3f}" if cols and len(gap) else "not run"
    half = half_vs_full(frames, protocol)
    half = half[half["metric"] == "ma-F1"].set_index("dataset")["diff"]
    out.update({f"half_vs_uni_{d}": _text(half.get(d), "+.3f") for d in SMALL})
    out.update(_embedding_numbers(rank))
    cost = official_split_cost(experiments.benchmark_records("cost", params.profile))
    # One phrase for all the data sets, so that one not timed yet reads as such.
    minutes, ratio = cost["minutes"], cost["times C-GMVAE's"]
    out["official_cost"] = "; ".join(
        f"on {d}, {minutes[d]:.0f} CPU minutes, {ratio[d]:.1f} times C-GMVAE's fit on the same split"
        if d in cost.index else f"on {d}, not timed alone yet" for d in OFFICIAL_SPLIT_SEEDS)
    _, budget, budget_main = budget_comparison(frames, protocol, params.tolerance)
    if len(budget):
        out["budget_n"] = str(len(budget))
        out["budget_matched"] = str(int((budget["verdict"] == "matches").sum()))
        out["budget_main_matched"] = str(int((budget_main["verdict"] == "matches").sum()))
    else:
        out.update(dict.fromkeys(("budget_n", "budget_matched", "budget_main_matched"), "not run"))
    picks = search_picks_table(frames, protocol)
    moved = picks[[c for c in picks.columns if c.startswith("test ")]].abs().to_numpy()
    out["search_max_valid"] = _text(picks["valid ma-F1 vs Table 7"].max(), ".3f")
    out["search_max_test"] = _text(moved.max() if moved.size else None, ".3f")
    verdicts = verdict_table(frames, protocol, params.tolerance, params.datasets)
    out["n_checked"] = str(len(verdicts))
    out["n_matched"] = str(int((verdicts["verdict"] == "matches").sum()))
    out["n_short"] = str(int((verdicts["verdict"] == "falls short").sum()))
    # The same counts on the paper's own random 80/10/10 splits.
    split = frames["cgmvae/paper_split"]
    if len(split):
        on_split = paper_vs_ours(scaled(split), protocol, params.tolerance)
        on_split = on_split[on_split["dataset"].isin(params.datasets)]
        out["split_n_checked"] = str(len(on_split))
        out["split_n_matched"] = str(int((on_split["verdict"] == "matches").sum()))
    else:
        out.update(dict.fromkeys(("split_n_checked", "split_n_matched"), "not run"))
    return out
