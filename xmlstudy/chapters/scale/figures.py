"""The Scale chapter's figure: cost against the number of labels, from the scale benchmark."""
from __future__ import annotations

from xmlstudy import methods

from .claims import SCALE

PANELS = (("fit_s", "fit seconds"), ("predict_s", "predict seconds"),
          ("peak_memory_mb", "peak memory (MB)"))


def cost_figure(frames: dict):
    """Fit seconds, predict seconds and peak memory against L on log-log axes, one line per
    method of the scale benchmark (registry colours and markers); a cross marks the first label
    count at which a method failed, at the top of the panel. None without records."""
    import matplotlib.pyplot as plt

    scale = frames[SCALE]
    if not len(scale):
        return None
    fig, axes = plt.subplots(1, len(PANELS), figsize=(10, 3.3))
    for method, recs in scale.groupby("method", sort=False):
        ok = recs[recs["status"] == "ok"].sort_values(
            "setting", key=lambda s: s.map(lambda st: st["n_labels"]))
        L = [st["n_labels"] for st in ok["setting"]]
        failed = recs[~recs["status"].isin(("ok", "skipped"))]
        for ax, (field, label) in zip(axes, PANELS):
            values = (ok[field] if field == "peak_memory_mb"
                      else ok["timings"].map(lambda t, f=field: t.get(f)))
            ax.loglog(L, list(values), marker=methods.marker(method), color=methods.colour(method),
                      label=methods.name(method) if ax is axes[0] else None, lw=1.2, ms=5)
            for L_fail in (st["n_labels"] for st in failed["setting"]):
                ax.plot([L_fail], [1], marker="x", color=methods.colour(method), ms=7,
                        transform=ax.get_xaxis_transform(), clip_on=False)
            ax.set_xlabel("labels L")
            ax.set_ylabel(label)
    fig.legend(loc="lower center", ncol=6, fontsize=8, frameon=False, bbox_to_anchor=(0.5, -0.12))
    fig.tight_layout()
    return fig
