"""The numbers the C-GMVAE chapter's prose cites, as text keyed by glue name
(:func:`numbers`)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from xmlstudy import methods
from xmlstudy.chapters.cgmvae.grid import OFFICIAL_SPLIT_SEEDS, scaled
from xmlstudy.chapters.cgmvae.measures import (fewer_data_stats, half_vs_full, protocol_gap,
                                               variant_means)
from xmlstudy.chapters.cgmvae.paper import published_main
from xmlstudy.chapters.cgmvae.tables import budget_comparison, search_table, sizes_table, verdict_table

_CGMVAE = methods.name("cgmvae")


def paper_numbers() -> dict:
    values = published_main()["values"]
    return {"paper_exf1_yeast": f"{values[('yeast', 'C-GMVAE', 'ex-F1')]:.3f}",
            "paper_exf1_reuters": f"{values[('reuters', 'C-GMVAE', 'ex-F1')]:.3f}",
            "paper_maf1_scene": f"{values[('scene', 'C-GMVAE', 'ma-F1')]:.3f}"}


def official_split_cost(records: pd.DataFrame) -> str:
    """The fit time of the official settings on the data sets where they run on split 0 only
    (:data:`OFFICIAL_SPLIT_SEEDS`), against C-GMVAE's mean over its splits there."""
    parts = []
    for dataset in OFFICIAL_SPLIT_SEEDS:
        mine = scaled(records[records["dataset"] == dataset]) if len(records) else records
        fit = {m: pd.to_numeric(mine.loc[mine["method"] == m, "fit_s"], errors="coerce").mean()
               for m in ("cgmvae-official", "cgmvae")} if len(mine) else {}
        if fit and not np.isnan(fit["cgmvae-official"]) and not np.isnan(fit["cgmvae"]):
            parts.append(f"{dataset} {fit['cgmvae-official'] / 60:.0f} CPU minutes, "
                         f"{fit['cgmvae-official'] / fit['cgmvae']:.1f} times C-GMVAE's")
    return _joined(parts)


def _joined(items) -> str:
    return "; ".join(items) or "not run"


def numbers(frames: dict, params, rank: pd.DataFrame | None = None) -> dict:
    """Every number the chapter's prose cites, as text, keyed by its glue name."""
    out = paper_numbers()
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
    t4 = variant_means(frames, "ma-F1", protocol)
    per = t4.groupby("dataset", sort=False).agg(spread=("mean", lambda v: v.max() - v.min()),
                                                seed_std=("std", "mean")) if len(t4) else pd.DataFrame()
    out["ablation_spread"] = _joined(f"{d} {r.spread:.3f} (mean seed std {r.seed_std:.3f})"
                                     for d, r in per.iterrows())
    best = t4.loc[t4.groupby("dataset", sort=False)["mean"].idxmax()] if len(t4) else t4
    out["ablation_best"] = _joined(f"{r.dataset}: {r.variant}" for r in best.itertuples())
    stats = fewer_data_stats(frames, protocol)
    gains = stats[(stats["method"] == "cgmvae") & (stats["metric"] == "ma-F1")]
    gains = gains[gains["dataset"].isin(gains.loc[gains["fraction"] < 1, "dataset"])]
    out["fewer_gains"] = _joined(f"{d} " + " / ".join(f"{g:+.1f}%" for g in grp.sort_values("fraction")["vs C2AE %"])
                                 for d, grp in gains.groupby("dataset", sort=False))
    half = half_vs_full(frames, protocol)
    half = half[half["metric"] == "ma-F1"]
    out["half_vs_uni"] = _joined(f"{r.dataset} {r.diff:+.3f}" for r in half.itertuples())
    if rank is not None and len(rank):
        cg = rank[rank["variant"] == _CGMVAE]
        out["rho_min"], out["rho_max"] = f"{cg['spearman vs Jaccard'].min():.2f}", f"{cg['spearman vs Jaccard'].max():.2f}"
        by_variant = rank.groupby(["dataset", "variant"], sort=False)["spearman vs Jaccard"].mean().unstack()
        uni = methods.name("cgmvae-uni-gaussian")
        versus = (by_variant[_CGMVAE] - by_variant[uni]).dropna() \
            if {_CGMVAE, uni} <= set(by_variant.columns) else pd.Series(dtype=float)
        out["rho_vs_uni"] = _joined(f"{d} {v:+.2f}" for d, v in versus.items())
        out["rho_by_dataset"] = _joined(f"{d} {v:.2f}" for d, v in
                                        by_variant[_CGMVAE].dropna().sort_values(ascending=False).items())
    else:
        out.update({name: "n/a (smoke)" for name in ("rho_min", "rho_max", "rho_vs_uni", "rho_by_dataset")})
    out["official_split_cost"] = official_split_cost(frames["cgmvae/paper_split"])
    _, budget, budget_main = budget_comparison(frames, protocol, params.tolerance)
    if len(budget):
        change = budget.set_index(["dataset", "metric"])["difference"] \
            - budget_main.set_index(["dataset", "metric"])["difference"]
        for metric in ("ma-F1", "P@1"):
            out[f"budget_change_{metric}"] = _joined(f"{d} {v:+.3f}" for (d, m), v in change.items()
                                                     if m == metric and pd.notna(v))
        out["budget_n"] = str(len(budget))
        out["budget_matched"] = str(int((budget["verdict"] == "matches").sum()))
        out["budget_main_matched"] = str(int((budget_main["verdict"] == "matches").sum()))
    else:
        out.update({name: "not run" for name in ("budget_n", "budget_matched", "budget_main_matched",
                                                 "budget_change_ma-F1", "budget_change_P@1")})
    search = search_table(frames["cgmvae/search"], main, protocol) if len(frames["cgmvae/search"]) else pd.DataFrame()
    if len(search):
        picked = search.groupby("dataset", sort=False).head(1).set_index("dataset")
        table7 = search[search["change"] == "Table 7 (main run)"].set_index("dataset")
        out["search_picked"] = _joined(
            f"{d}: {row.change} (validation {row['vs Table 7']:+.3f}; test ma-F1 "
            f"{row['ma-F1'] - table7.loc[d, 'ma-F1']:+.3f}, ex-F1 {row['ex-F1'] - table7.loc[d, 'ex-F1']:+.3f})"
            for d, row in picked.iterrows())
        moved = (picked[["ex-F1", "ma-F1", "P@1"]] - table7.loc[picked.index, ["ex-F1", "ma-F1", "P@1"]]).abs()
        out["search_max_valid"] = f"{picked['vs Table 7'].max():.3f}"
        out["search_max_test"] = f"{moved.to_numpy().max():.3f}"
    else:
        out.update({name: "not run" for name in ("search_picked", "search_max_valid", "search_max_test")})
    verdicts = verdict_table(frames, protocol, params.tolerance, params.datasets)
    out["n_checked"] = str(len(verdicts))
    out["n_matched"] = str(int((verdicts["verdict"] == "matches").sum()))
    out["n_short"] = str(int((verdicts["verdict"] == "falls short").sum()))
    return out
