"""What the Rank-AE chapter draws: Figure 4 (the ablations) and Figure 3 (label noise) on this
study's records, in the methods registry's names and colours, and the attention study's example
documents with every word shaded by its attention."""
from __future__ import annotations

import html

from xmlstudy import methods
from xmlstudy.figures import difference_figure, for_page, legend_below, page_figure
from xmlstudy.chapters.rankae.experiment_grid import METHODS, NOISE_KINDS, NOISE_METHODS
from xmlstudy.chapters.rankae.noise import noise_frame


def ablation_figure(frames: dict, metrics=("P@1", "P@3", "P@5")):
    """Rank-AE's Figure 4 on our data, as differences: each ablation (no attention, BCE in place
    of the ranking loss) minus Rank-AE in P@k points, seed by seed, one panel per metric, with
    95% Student-t intervals over the seeds (:func:`xmlstudy.figures.difference_figure`). The
    paper draws the three models' P@k as bars from zero, which hide the few points between them."""
    main = frames["rankae/main"]
    if not len(main):
        return None
    return difference_figure(main, METHODS[0], METHODS[1:], metrics)


@for_page
def noise_figure(frames: dict, metrics=("P@1", "P@3", "P@5")):
    """Figure 3 on IMDB-F at the paper's sizes: P@k (mean over seeds) against the noise rate,
    one panel per (kind, metric), one line per method."""
    tidy = noise_frame(frames["rankae/noise"])
    fig, axes = page_figure(len(NOISE_KINDS), len(metrics), panel_height=2.3, sharex=True)
    for row, kind in enumerate(NOISE_KINDS):
        for col, metric in enumerate(metrics):
            ax = axes[row][col]
            part = tidy[tidy["kind"] == kind] if len(tidy) else tidy
            for method in NOISE_METHODS:
                runs = part[part["method"] == method] if len(part) else part
                line = runs.groupby("rate")[metric].mean() if len(runs) else runs   # over seeds
                if len(line):
                    ax.plot(100 * line.index, line.to_numpy(), label=methods.name(method),
                            color=methods.colour(method), marker=methods.marker(method), ms=4)
            ax.set_title(f"{kind.replace('-', ' + ')}: {metric}")
            if col == 0:
                ax.set_ylabel("percent")
            if row == len(NOISE_KINDS) - 1:
                ax.set_xlabel("noisy labels (%)")
    legend_below(fig, columns=4)
    return fig


def attention_html(frames: dict, seed: int = 0) -> str:
    """The example documents of one attention run as HTML: every word shaded by its attention
    (darker = more), with the true and the predicted topics."""
    records = frames["rankae/attention"]
    rows = records[records["seed"] == seed] if len(records) else records
    if not len(rows) or "attention/examples" not in rows.columns:
        return "<p>No attention records yet.</p>"
    parts = []
    for doc in rows.iloc[0]["attention/examples"]:
        top = max((w for _, w in doc["tokens"]), default=1.0) or 1.0
        words = " ".join(
            f'<span style="background: rgba(230, 120, 0, {0.85 * w / top:.2f}); padding: 0 1px">'
            f"{html.escape(t)}</span>" for t, w in doc["tokens"])
        parts.append(f'<div style="margin: 0.6em 0 1.2em; line-height: 1.7">'
                     f'<p style="margin: 0 0 0.3em"><b>True topics:</b> {html.escape(", ".join(doc["labels"]))}'
                     f' &nbsp; <b>Predicted (top 3):</b> {html.escape(", ".join(doc["predicted"]))}</p>'
                     f"{words}</div>")
    return "\n".join(parts)
