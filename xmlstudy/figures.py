"""One function per figure of the book. Each takes records or datasets and returns a matplotlib
Figure; notebooks call them and show the result."""
from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: F401

# --- data and baselines chapter ---------------------------------------------------------------
def label_frequency(train_sets: dict, columns: int = 4):
    """The long tail: for each dataset (``{name: training Dataset}``) the number of training
    samples of every label, labels sorted from most to least frequent, on log-log axes. The
    title gives the share of labels with at most 5 training samples, where a label is too rare
    for most methods to learn."""
    import numpy as np

    if not train_sets:
        raise ValueError("label_frequency: no datasets given")
    n = len(train_sets)
    columns = min(columns, n)
    rows = -(-n // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.6 * rows), squeeze=False)
    for ax, (name, train) in zip(axes.flat, train_sets.items()):
        counts = np.sort(np.asarray((train.Y > 0).sum(axis=0)).ravel())[::-1]
        rank = np.arange(1, len(counts) + 1)
        shown = counts > 0  # log axes cannot show labels without a training sample
        ax.loglog(rank[shown], counts[shown], color="C0", lw=1.5)
        ax.fill_between(rank[shown], counts[shown], 0.8, color="C0", alpha=0.15)
        rare = float(np.mean(counts <= 5))
        ax.set_title(f"{name}: {len(counts)} labels\n{rare:.0%} with ≤ 5 samples", fontsize=9)
        ax.set_ylim(bottom=0.8)
        ax.tick_params(labelsize=7)
        # Few labels span less than a decade: minor-tick labels would pile up on each other.
        ax.xaxis.set_minor_formatter(plt.NullFormatter())
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("label rank", fontsize=8)
    for ax in axes[:, 0]:
        ax.set_ylabel("training samples", fontsize=8)
    fig.tight_layout()
    return fig

# --- DXML chapter (seed 002) --------------------------------------------------------------------

# --- C-GMVAE chapter (seed 004) -----------------------------------------------------------------
def cgmvae_fewer_data(stats, metric: str = "ma-F1", method: str = "cgmvae"):
    """Fig. 2 on our data: C-GMVAE's relative difference to C2AE (%) on ``metric`` against the
    fraction of training data, one line per dataset. ``stats`` is
    ``xmlstudy.tables.cgmvae_fewer_data(...)``."""
    rows = stats[(stats["method"] == method) & (stats["metric"] == metric)]
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for dataset, group in rows.groupby("dataset", sort=False):
        group = group.sort_values("fraction")
        ax.plot(100 * group["fraction"], group["vs C2AE %"], marker="o", label=dataset)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("training data used (%)")
    ax.set_ylabel(f"{metric}: C-GMVAE vs C2AE (%)")
    ax.set_xticks([10, 50, 100])
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def label_gram_heatmaps(grams: dict, label_names: list[str], n_blocks: int = 3, max_labels: int = 30):
    """Fig. 3 on our data: the label-label inner products of learned label embeddings, one panel
    per model in ``grams`` ({title: L x L array}), the diagonal removed as in the paper. Labels
    are ordered by average-linkage clustering of the first panel's rows (cosine distance), the
    same order in every panel, and the ``n_blocks`` clusters it finds are outlined. With more than
    ``max_labels`` labels, the most frequent-looking are not known here, so the first
    ``max_labels`` in cluster order are shown. Returns (figure, {label: block})."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, leaves_list, linkage

    first = np.asarray(next(iter(grams.values())), dtype=float)
    L = first.shape[0]
    tree = linkage(first, method="average", metric="cosine")
    order = leaves_list(tree)
    blocks = fcluster(tree, t=min(n_blocks, L), criterion="maxclust")
    order = order[:max_labels]
    names = [label_names[i] for i in order]
    fig, axes = plt.subplots(1, len(grams), figsize=(4.2 * len(grams) + 0.8, 4.2), squeeze=False)
    for ax, (title, gram) in zip(axes[0], grams.items()):
        g = np.asarray(gram, dtype=float)[np.ix_(order, order)].copy()
        np.fill_diagonal(g, np.nan)
        image = ax.imshow(g, cmap="viridis")
        ax.set_title(title, fontsize=10)
        ax.set_xticks(range(len(order)), names, rotation=90, fontsize=7)
        ax.set_yticks(range(len(order)), names, fontsize=7)
        # Outline the clusters: runs of equal block id along the order.
        ids = blocks[order]
        start = 0
        for i in range(1, len(ids) + 1):
            if i == len(ids) or ids[i] != ids[start]:
                ax.add_patch(plt.Rectangle((start - 0.5, start - 0.5), i - start, i - start,
                                           fill=False, edgecolor="red", lw=1.2))
                start = i
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return fig, {label_names[i]: int(blocks[i]) for i in range(L)}
