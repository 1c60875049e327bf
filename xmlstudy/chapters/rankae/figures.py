"""What the Rank-AE chapter draws: Figure 4 (the ablations) and Figure 3 (label noise) on this
study's records, in the methods registry's names and colours, and the attention study's example
documents with every word shaded by its attention."""
from __future__ import annotations

import html

import matplotlib.pyplot as plt

from xmlstudy import methods
from xmlstudy.figures import method_bars
from xmlstudy.chapters.rankae.experiment_grid import METHODS, NOISE_KINDS, NOISE_METHODS
from xmlstudy.chapters.rankae.noise import noise_frame


def ablation_figure(frames: dict, metrics=("P@1", "P@3", "P@5")):
    """Figure 4 on our data: P@k (percent, mean ± std over seeds) of Rank-AE and its two
    ablations, one panel per data set, bars from zero, in the methods' registry colours."""
    main = frames["rankae/main"]
    datasets = list(dict.fromkeys(main["dataset"])) if len(main) else []
    fig, axes = plt.subplots(1, max(len(datasets), 1), figsize=(3.4 * max(len(datasets), 1), 3.2),
                             squeeze=False)
    for ax, dataset in zip(axes[0], datasets):
        of = {method: main[(main["dataset"] == dataset) & (main["method"] == method)]
              for method in METHODS}
        method_bars(ax, {method: [rows[m] for m in metrics] for method, rows in of.items()},
                    metrics)
        ax.set_title(dataset)
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(METHODS), frameon=False, fontsize="small")
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def noise_figure(frames: dict, metrics=("P@1", "P@3", "P@5")):
    """Figure 3 on IMDB-F at the paper's sizes: P@k (mean over seeds) against the noise rate,
    one panel per (kind, metric), one line per method."""
    tidy = noise_frame(frames["rankae/noise"])
    fig, axes = plt.subplots(len(NOISE_KINDS), len(metrics), figsize=(3.3 * len(metrics), 5.6),
                             squeeze=False, sharex=True)
    for row, kind in enumerate(NOISE_KINDS):
        for col, metric in enumerate(metrics):
            ax = axes[row][col]
            part = tidy[tidy["kind"] == kind] if len(tidy) else tidy
            for method in NOISE_METHODS:
                runs = part[part["method"] == method] if len(part) else part
                line = runs.groupby("rate")[metric].mean() if len(runs) else runs   # over seeds
                if len(line):
                    ax.plot(100 * line.index, line.to_numpy(), label=methods.name(method),
                            color=methods.colour(method), marker=methods.marker(method))
            ax.set_title(f"{kind.replace('-', ' + ')} labels: {metric}", fontsize="medium")
            ax.set_ylabel(f"{metric} (%)")
            if row == len(NOISE_KINDS) - 1:
                ax.set_xlabel("noise rate on the training labels (%)")
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=max(len(names), 1), frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
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
