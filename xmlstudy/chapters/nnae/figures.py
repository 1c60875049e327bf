"""The figures of the non-negative autoencoder chapter: recipe completion and coherence per
factorization, and the paper's Figures 5 and 6 redrawn on UC Merced (LIME explanations beside the
hierarchy)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from xmlstudy import experiments, image_explanations, methods
from xmlstudy.chapters.nnae.experiment_grid import FACTORIZATIONS, NAMES
from xmlstudy.chapters.nnae.measures import image_records
from xmlstudy.chapters.nnae.tables import completion_table, faithfulness_table
from xmlstudy.figures import dots, for_page, legend_below, page_figure
from xmlstudy.tables import record_field


@for_page
def completion_figure(frames: dict):
    """Recipe completion hits@10 (top) and level-2 NPMI (bottom) per data set, one dot per
    factorization (mean over seeds) in its method's registry colour and marker (lighter for the
    same method at another size), the value axes fitted to the dots rather than started at zero."""
    hits = completion_table(frames)
    npmi = faithfulness_table(frames, "npmi", 16)
    styles, sizes = {}, {}
    for m, u in FACTORIZATIONS:
        sizes[m] = sizes.get(m, -1) + 1
        styles[NAMES[(m, u)]] = (NAMES[(m, u)], methods.lighter(methods.colour(m), 0.3 * sizes[m]),
                                 methods.marker(m))
    for name in list(styles):
        styles[f"{name}, level 2"] = (name, *styles[name][1:])
    fig, axes = page_figure(2, 1, panel_height=2.3)
    for ax, table, title in ((axes[0][0], hits, "recipe completion: hits@10"),
                             (axes[1][0], npmi, "NPMI of the 16 groups' top 10 labels")):
        if len(table):
            dots(ax, {row: [(v, float("nan")) for v in table.loc[row]] for row in table.index},
                 list(table.columns), {row: styles.get(row, (row, "grey", "o")) for row in table.index})
        ax.set_title(title)
    # One legend for both panels: the first panel shows every factorization.
    legend_below(fig, columns=3)
    return fig


def _hierarchy_text(info: dict, unit: int | None, names: list[str], labels: int = 4) -> str:
    h = info.get("hierarchy") or {}
    if unit is None or not h:
        return ""
    words = lambda idx: ", ".join(names[i] for i in idx[:labels])   # noqa: E731
    lines = [f"level-2 unit {unit + 1}: {words(h['level2'][unit])}"]
    for k in h["edges"][unit]:
        lines.append(f"  level-1 unit {k + 1}: {words(h['level1'][k])}")
    return "\n".join(lines)


@for_page
def explanation_figure(frames: dict, experiment: str = "explanations", n: int = 4):
    """The paper's Figures 5 and 6 for UC Merced: test images with the LIME explanation (top 5
    superpixels, from the record's weights over the same SLIC superpixels) of the latent unit
    and of the decoded label, and the hierarchy beside each: the level-2 unit, its three heaviest
    level-1 units, and their top labels."""
    from skimage.segmentation import mark_boundaries

    from xmlstudy import data
    from xmlstudy.data.ucmerced import read_images

    recs = image_records(frames, experiment)
    # the figures show the first seed's explanations (the later seeds repeat the measures only)
    recs = recs[recs["method"] == "nnae-image"].sort_values("seed", kind="stable") if len(recs) else recs
    figs = record_field(recs.iloc[[0]], "explain/figures").iloc[0] if len(recs) else None
    if not isinstance(figs, list) or not figs:
        fig, axes = page_figure(height=1.0, width=0.6)
        ax = axes[0][0]
        ax.axis("off")
        ax.text(0.5, 0.5, "no explanation records", ha="center")
        return fig
    info = recs.iloc[0]["fit_info"]
    splits = data.load(recs.iloc[0]["dataset"], split_seed=experiments.DATA_SEED)
    test = splits.test
    names = test.label_names
    figs = figs[:n]
    fig, axes = page_figure(len(figs), 3, panel_height=2.5, gridspec_kw={"width_ratios": [1, 1, 1.25]})
    for ax_row, f in zip(axes, figs):
        row = test.meta["image_name"].index(f["image_name"]) if f.get("image_name") else f["row"]
        image = read_images(test, f["resolution"], [row])[0]
        segs = image_explanations.superpixels(image, f["n_segments"])
        for ax, (kind, weights) in zip(ax_row[:2], zip(f["outputs"], f["lime"])):
            top = np.isin(segs, image_explanations.ranking(np.array(weights))[:5])
            shown = image.astype(float) / 255
            shown[~top] *= 0.35
            ax.imshow(mark_boundaries(shown, segs, color=(1, 1, 0)))
            what = (f"latent unit {f['unit'] + 1}" if kind == "unit"
                    else f"label '{names[f['label']]}'")
            ax.set_title(f"{f['image_name']}:\n{what}")
            ax.axis("off")
        truth = ", ".join(names[j] for j in test.Y[row].indices)
        ax_row[2].axis("off")
        ax_row[2].text(0, 1, _hierarchy_text(info, f.get("unit"), names) + f"\n\ntrue: {truth}",
                       va="top", wrap=True)
    fig.tight_layout()
    return fig
