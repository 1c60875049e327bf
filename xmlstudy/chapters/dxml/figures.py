"""The DXML chapter's figures: Figure 2 and the ablations, the validation sweep, and DeepWalk's
label vectors in two dimensions."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from xmlstudy.figures import method_bars
from xmlstudy.tables import record_field

from .experiment_grid import run_params


def ablation_figure(records, shown=("dxml", "dxml-linear"), metrics=("P@1", "P@3", "P@5"),
                    datasets=None):
    """Figure 2 of DXML, on the study's datasets: P@k (percent, mean over seeds with a
    ±1 std bar) of DXML beside its ablations ``shown``, one panel per dataset, in the methods'
    registry colours."""
    datasets = list(datasets or records["dataset"].unique())
    fig, axes = plt.subplots(1, len(datasets), figsize=(3.2 * len(datasets), 3.2), squeeze=False)
    for ax, dataset in zip(axes[0], datasets):
        of = {method: records[(records["dataset"] == dataset) & (records["method"] == method)]
              for method in shown}
        method_bars(ax, {method: [record_field(rows, m) for m in metrics]
                         for method, rows in of.items()}, metrics)
        ax.set_title(dataset)
    # One legend below the panels, where it covers no bar.
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=min(len(shown), 6), frameon=False,
               fontsize="small")
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def label_embedding_figure(vectors, label_names, frequency, n_named: int = 15, seed: int = 0,
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
    points = ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=frequency, cmap="viridis", alpha=0.7,
                        norm=plt.matplotlib.colors.LogNorm(vmin=max(frequency.min(), 1),
                                                           vmax=max(frequency.max(), 2)))
    fig.colorbar(points, ax=ax, label="training samples of the label")
    for j in np.argsort(-frequency)[:n_named]:
        ax.annotate(label_names[j], xy[j], fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("t-SNE dimension 1")
    ax.set_ylabel("t-SNE dimension 2")
    ax.set_title(title or "DeepWalk label vectors (t-SNE); size and colour: training frequency")
    fig.tight_layout()
    return fig


def sweep_figure(sweep_table, dataset: str = "bibtex"):
    """Each open setting tried on ``dataset``: its validation mean of P@1/3/5 minus the chosen
    configuration's (points), one panel per setting (the table of :func:`sweep_table`). Bars
    start at zero, so a bar above it is a setting that would have scored better."""
    rows = sweep_table[sweep_table["dataset"] == dataset]
    settings = list(dict.fromkeys(rows["setting"]))
    fig, axes = plt.subplots(1, max(len(settings), 1), figsize=(1.9 * max(len(settings), 1), 2.9),
                             squeeze=False, sharey=True)
    for ax, setting in zip(axes[0], settings):
        part = rows[rows["setting"] == setting]
        ax.bar(range(len(part)), part["difference"],
               color=["C2" if d > 0 else "C0" for d in part["difference"]])
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xticks(range(len(part)), [str(v) for v in part["tried"]], rotation=45)
        ax.set_title(f"{setting}\n(chosen: {part['chosen'].iloc[0]})", fontsize=8)
    axes[0][0].set_ylabel("validation score minus chosen (points)")
    fig.tight_layout()
    return fig



def label_embedding(dataset: str, profile: str, changes: dict):
    """DeepWalk's label vectors of ``dataset`` (the chosen settings on its training split) in
    2-D, as a figure."""
    from xmlstudy import data
    from xmlstudy.models.label_vectors import deepwalk_vectors, label_graph

    split = data.load(dataset)
    settings = {**run_params(dataset, profile), **changes}
    vectors = deepwalk_vectors(label_graph(split.train.Y), 100,
                               walks_per_node=settings["walks_per_node"],
                               walk_length=settings["walk_length"], window=settings["window"],
                               epochs=settings.get("w2v_epochs", 5), seed=0)
    frequency = np.asarray(split.train.Y.sum(0)).ravel()
    names = [n.removeprefix("TAG_") for n in split.train.label_names]
    return label_embedding_figure(vectors, names, frequency,
                                  title=f"DeepWalk label vectors of {dataset} (t-SNE)")
