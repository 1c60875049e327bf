"""The C-GMVAE chapter's figures: Fig. 2 (fewer training data) and Fig. 3 (label embeddings) on
this study's data."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from xmlstudy import methods
from xmlstudy.chapters.cgmvae.embeddings import SOURCES, label_grams
from xmlstudy.figures import for_page, legend_below, page_figure

_CGMVAE = methods.name("cgmvae")


@for_page
def fewer_data_figure(stats, metric: str = "ma-F1", method: str = "cgmvae"):
    """Fig. 2 on our data: C-GMVAE's relative difference to C2AE (%) on ``metric`` against the
    fraction of training data, one line per dataset. ``stats`` is
    :func:`~xmlstudy.chapters.cgmvae.measures.fewer_data_stats`."""
    rows = stats[(stats["method"] == method) & (stats["metric"] == metric)]
    # Only the data sets that ran on fewer data: a lone 100% point is no curve.
    rows = rows[rows.groupby("dataset")["fraction"].transform("nunique") > 1]
    fig, axes = page_figure(height=3.0)
    ax = axes[0][0]
    # One colour and marker per data set (the lines are data sets, not methods).
    styles = dict(zip(dict.fromkeys(rows["dataset"]), zip([f"C{i}" for i in range(10)], "osD^v<>ph*")))
    for dataset, group in rows.groupby("dataset", sort=False):
        group = group.sort_values("fraction")
        colour, marker = styles[dataset]
        ax.plot(100 * group["fraction"], group["vs C2AE %"], marker=marker, color=colour, label=dataset)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("training data used (%)")
    ax.set_ylabel(f"{metric}: C-GMVAE vs C2AE (%)")
    ax.set_xticks([10, 50, 100])
    legend_below(fig, columns=4)
    return fig


@for_page
def label_gram_heatmaps(grams: dict, label_names: list[str], n_blocks: int = 3, max_labels: int = 30):
    """Fig. 3 on our data: the label-label inner products of learned label embeddings, one panel
    per model in ``grams`` ({title: L x L array}), the diagonal removed as in the paper. Labels
    are ordered by average-linkage clustering of the first panel's rows (cosine distance), the
    same order in every panel, and the ``n_blocks`` clusters it finds are outlined. At most
    ``max_labels`` labels are drawn (the first in cluster order; pass a subset of the matrices to
    choose which). Returns (figure, {label: block})."""
    from scipy.cluster.hierarchy import fcluster, leaves_list, linkage

    first = np.asarray(next(iter(grams.values())), dtype=float)
    L = first.shape[0]
    tree = linkage(first, method="average", metric="cosine")
    order = leaves_list(tree)
    blocks = fcluster(tree, t=min(n_blocks, L), criterion="maxclust")
    order = order[:max_labels]
    names = [label_names[i] for i in order]
    # Side by side at the column's width, a panel's axes are about 1.6 inches: room for some 24
    # label names at the page's type in all panels together; more stack the panels, each as wide
    # as the column (its cells then wider than tall).
    stacked = len(order) * len(grams) > 24
    fig, axes = (page_figure(len(grams), 1, panel_height=0.16 * len(order) + 1.3) if stacked
                 else page_figure(1, len(grams), height=0.2 * len(order) + 2.2))
    for ax, (title, gram) in zip(axes.flat, grams.items()):
        g = np.asarray(gram, dtype=float)[np.ix_(order, order)].copy()
        np.fill_diagonal(g, np.nan)
        image = ax.imshow(g, cmap="viridis", aspect="auto" if stacked else "equal")
        ax.set_title(title)
        ax.set_xticks(range(len(order)), names, rotation=90)
        ax.set_yticks(range(len(order)), names)
        # Outline the clusters: runs of equal block id along the order.
        ids = blocks[order]
        start = 0
        for i in range(1, len(ids) + 1):
            if i == len(ids) or ids[i] != ids[start]:
                ax.add_patch(plt.Rectangle((start - 0.5, start - 0.5), i - start, i - start,
                                           fill=False, edgecolor="red", lw=1.2))
                start = i
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="$w_i \\cdot w_j$")
    fig.tight_layout()
    return fig, {label_names[i]: int(blocks[i]) for i in range(L)}


def heatmaps(frames: dict, dataset: str, max_labels: int):
    """Fig. 3 on ``dataset``: seed 0 of C-GMVAE and, where they ran, of C-GMVAE without
    contrastive loss and the uni-Gaussian VAE, the most frequent labels. Returns (figure, the
    clusters of the C-GMVAE embeddings as a short list, "{a, b}; {c}; ..."), or (None, "none
    recorded") where no run stored the embeddings."""
    from xmlstudy import data

    grams = [g for name in SOURCES for g in label_grams(frames.get(name, pd.DataFrame()))]
    chosen = {methods.name(g["method"]): g["gram"] for g in grams
              if g["dataset"] == dataset and g["seed"] == 0 and g["params"].get("decoder_input") != "z"
              and g["method"] in ("cgmvae", "cgmvae-gm-only", "cgmvae-uni-gaussian")}
    if _CGMVAE not in chosen:
        return None, "none recorded"
    chosen = {_CGMVAE: chosen.pop(_CGMVAE), **chosen}
    train = data.load(dataset).train
    # With many labels, show the most frequent ones (rare topics have noisy embeddings).
    shown = np.sort(np.argsort(-np.asarray(train.Y.sum(0)).ravel(), kind="stable")[:max_labels])
    chosen = {title: gram[np.ix_(shown, shown)] for title, gram in chosen.items()}
    names = [train.label_names[i] for i in shown]
    fig, blocks = label_gram_heatmaps(chosen, names, n_blocks=3 if len(shown) <= 10 else 5,
                                      max_labels=max_labels)
    groups = {}
    for label, block in blocks.items():
        groups.setdefault(block, []).append(label)
    return fig, "; ".join("{" + ", ".join(v[:12]) + (" …" if len(v) > 12 else "") + "}"
                          for v in groups.values())
