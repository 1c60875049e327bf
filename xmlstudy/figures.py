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
def dxml_ablation(records, methods=("dxml", "dxml-linear"), metrics=("P@1", "P@3", "P@5"),
                  datasets=None, labels=None):
    """Figure 2 of seed 002, on the study's datasets: P@k (percent, mean over seeds with a
    ±1 std bar) of DXML beside its ablations, one panel per dataset."""
    import numpy as np

    import pandas as pd

    from xmlstudy.tables import record_field

    datasets = list(datasets or records["dataset"].unique())
    labels = labels or {}
    fig, axes = plt.subplots(1, len(datasets), figsize=(3.2 * len(datasets), 3.2), squeeze=False)
    width = 0.8 / len(methods)
    for ax, dataset in zip(axes[0], datasets):
        for i, method in enumerate(methods):
            rows = records[(records["dataset"] == dataset) & (records["method"] == method)]
            values = [pd.to_numeric(record_field(rows, m), errors="coerce") for m in metrics]
            means = [100 * v.mean() for v in values]
            stds = [100 * v.std(ddof=1) if len(rows) > 1 else 0.0 for v in values]
            ax.bar(np.arange(len(metrics)) + (i - (len(methods) - 1) / 2) * width, means, width,
                   yerr=stds, capsize=2, label=labels.get(method, method))
        ax.set_xticks(np.arange(len(metrics)), metrics)
        ax.set_title(dataset)
        ax.set_ylabel("percent")
    axes[0][0].legend(fontsize="small")
    fig.tight_layout()
    return fig


def dxml_label_embedding(vectors, label_names, frequency, n_named: int = 15, seed: int = 0,
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
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=np.log1p(frequency), cmap="viridis", alpha=0.7)
    for j in np.argsort(-frequency)[:n_named]:
        ax.annotate(label_names[j], xy[j], fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title or "DeepWalk label vectors (t-SNE); size and colour: training frequency")
    fig.tight_layout()
    return fig


def dxml_sweep(sweep_table, dataset: str = "bibtex"):
    """Validation mean of P@1/3/5 (percent) for each open setting tried, one panel per setting,
    with the chosen value's score as a dashed line (the table of ``tables.dxml_sweep``)."""
    rows = sweep_table[sweep_table["dataset"] == dataset]
    settings = list(dict.fromkeys(rows["setting"]))
    fig, axes = plt.subplots(1, max(len(settings), 1), figsize=(2.3 * max(len(settings), 1), 2.8),
                             squeeze=False, sharey=True)
    for ax, setting in zip(axes[0], settings):
        part = rows[rows["setting"] == setting]
        values = [str(part["chosen"].iloc[0])] + [str(v) for v in part["tried"]]
        scores = [part["valid, chosen"].iloc[0]] + list(part["valid, tried"])
        ax.bar(range(len(values)), scores, color=["C2"] + ["C0"] * len(part))
        ax.axhline(scores[0], ls="--", c="C2", lw=1)
        ax.set_xticks(range(len(values)), values, rotation=45)
        ax.set_title(setting, fontsize=9)
        low = min(scores)
        ax.set_ylim(max(0, low - 5), max(scores) + 1)
    axes[0][0].set_ylabel("validation mean P@1,3,5 (%)")
    fig.tight_layout()
    return fig


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
    same order in every panel, and the ``n_blocks`` clusters it finds are outlined. At most
    ``max_labels`` labels are drawn (the first in cluster order; pass a subset of the matrices to
    choose which). Returns (figure, {label: block})."""
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
