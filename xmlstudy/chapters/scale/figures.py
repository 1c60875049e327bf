"""The Scale chapter's figure: cost against the number of labels, from the scale benchmark."""
from __future__ import annotations

from xmlstudy import methods
from xmlstudy.figures import for_page, legend_below, page_figure

from .claims import SCALE

PANELS = (("fit_s", "fit seconds"), ("predict_s", "predict seconds"),
          ("peak_memory_mb", "peak memory (MB)"))


@for_page
def cost_figure(frames: dict):
    """Fit seconds, predict seconds and peak memory against L on log-log axes, one line per
    method of the scale benchmark (registry colours and markers); a cross marks the first label
    count at which a method failed, at the top of the panel. None without records."""
    scale = frames[SCALE]
    if not len(scale):
        return None
    fig, axes = page_figure(1, len(PANELS), panel_height=2.4)
    axes = axes[0]
    for method, recs in scale.groupby("method", sort=False):
        ok = recs[recs["status"] == "ok"].sort_values(
            "setting", key=lambda s: s.map(lambda st: st["n_labels"]))
        L = [st["n_labels"] for st in ok["setting"]]
        failed = recs[~recs["status"].isin(("ok", "skipped"))]
        for ax, (field, label) in zip(axes, PANELS):
            values = (ok[field] if field == "peak_memory_mb"
                      else ok["timings"].map(lambda t, f=field: t.get(f)))
            ax.loglog(L, list(values), marker=methods.marker(method), color=methods.colour(method),
                      label=methods.name(method) if ax is axes[0] else None, lw=1.2, ms=4)
            for L_fail in (st["n_labels"] for st in failed["setting"]):
                ax.plot([L_fail], [1], marker="x", color=methods.colour(method), ms=7,
                        transform=ax.get_xaxis_transform(), clip_on=False)
            ax.set_xlabel("labels L")
            ax.set_ylabel(label)
    legend_below(fig, columns=4)
    return fig
