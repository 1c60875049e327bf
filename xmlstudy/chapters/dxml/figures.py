"""The DXML chapter's figures: Figure 2 and the ablations, the validation sweep, and DeepWalk's
label vectors in two dimensions."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from xmlstudy.formatting import header
from xmlstudy.figures import difference_figure, for_page, page_figure, panel_grid

from .experiment_grid import run_params


def ablation_figure(records, shown=("dxml", "dxml-linear"), metrics=("P@1", "P@3", "P@5"),
                    datasets=None):
    """DXML's Figure 2 (and its ablations) on the study's data sets, as differences: each
    variant of ``shown[1:]`` minus DXML (``shown[0]``) in P@k points, seed by seed, one panel per
    metric, with 95% Student-t intervals over the seeds
    (:func:`xmlstudy.figures.difference_figure`). The paper draws both models' P@k as bars; the
    claims are about the gap, one to three points, which bars from zero hide."""
    return difference_figure(records, shown[0], shown[1:], metrics, datasets)


@for_page
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
    fig, axes = page_figure(height=5.6)
    ax = axes[0][0]
    sizes = 8 + 120 * frequency / max(frequency.max(), 1)
    points = ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=frequency, cmap="viridis", alpha=0.7,
                        norm=plt.matplotlib.colors.LogNorm(vmin=max(frequency.min(), 1),
                                                           vmax=max(frequency.max(), 2)))
    fig.colorbar(points, ax=ax, label="training samples of the label")
    for j in np.argsort(-frequency)[:n_named]:
        ax.annotate(label_names[j], xy[j], xytext=(3, 3), textcoords="offset points")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("t-SNE dimension 1")
    ax.set_ylabel("t-SNE dimension 2")
    ax.set_title(title or "DeepWalk label vectors (t-SNE); size and colour: training frequency")
    fig.tight_layout()
    return fig


def _setting(value) -> str:
    """A setting's value as short as it reads: 80, 0.001, 0.05, 1e-05."""
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


@for_page
def sweep_figure(sweep_table, dataset: str = "bibtex"):
    """Each open setting tried on ``dataset``: its validation mean of P@1/3/5 minus the chosen
    configuration's (points), one panel per setting (the table of :func:`sweep_table`). Bars
    start at zero, so a bar above it is a setting that would have scored better."""
    rows = sweep_table[sweep_table["dataset"] == dataset]
    settings = list(dict.fromkeys(rows["setting"]))
    n_rows, columns = panel_grid(len(settings), 4)
    fig, axes = page_figure(n_rows, columns, panel_height=2.3, sharey=True)
    for ax in axes.flat[len(settings):]:
        ax.set_visible(False)
    for ax, setting in zip(axes.flat, settings):
        part = rows[rows["setting"] == setting]
        ax.bar(range(len(part)), part["difference"],
               color=["C2" if d > 0 else "C0" for d in part["difference"]])
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xticks(range(len(part)), [_setting(v) for v in part["tried"]], rotation=45)
        ax.set_title(f"{header(setting)}\n(chosen: {_setting(part['chosen'].iloc[0])})")
    for ax in axes[:, 0]:
        ax.set_ylabel("minus chosen (points)")
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
