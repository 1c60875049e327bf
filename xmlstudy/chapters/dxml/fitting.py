"""What each DXML run chose and measured inside ``fit`` (its record's ``fit_info``): the
validation sweep that is the evidence for the settings the paper leaves open, and the seconds
set beside the paper's Table 6."""
from __future__ import annotations

import pandas as pd

from xmlstudy import experiments, methods

from .paper_numbers import table_6_seconds


def fit_details(records: pd.DataFrame) -> pd.DataFrame:
    """What each DXML-family run chose and measured inside ``fit`` (its record's fit_info): one
    row per record with method, dataset, seed, params, ``valid_score`` (the validation mean of
    P@1/3/5 of the chosen settings), the chosen k / clusters / weighting, epochs, and the
    seconds of each stage. ``records`` is a frame of :func:`xmlstudy.experiments.records_frame`."""
    rows = []
    for rec in records.to_dict("records") if len(records) else []:
        info = rec.get("fit_info") or {}
        selection = info.get("selection") or []
        best = max((r["valid_mean_P@1,3,5"] for r in selection), default=float("nan"))
        rows.append({"method": rec["method"], "dataset": rec["dataset"], "seed": rec["seed"],
                     "params": rec.get("params") or {}, "valid_score": best,
                     "k": info.get("k"), "n_clusters": info.get("n_clusters"),
                     "weighting": info.get("weighting"), "epochs": info.get("epochs"),
                     "best_epoch": info.get("best_epoch"),
                     "deepwalk_s": info.get("label_embedding_s"),
                     "training_s": info.get("network_s"), "selection_s": info.get("index_s"),
                     "fit_s": rec.get("fit_s"), "predict_s": rec.get("predict_s"),
                     "device": rec.get("device"), "cpu": rec.get("cpu")})
    return pd.DataFrame(rows)


def sweep_table(sweep: pd.DataFrame, main: pd.DataFrame) -> pd.DataFrame:
    """The validation evidence for the open settings: for every sweep run, the setting it changed,
    the value tried and its validation mean of P@1/3/5 (with its own validated k and clusters),
    beside the chosen configuration: the main run (seed 0) of the same dataset, whose params are
    the reference. Frames come from :func:`fit_details`. No test number is used."""
    import inspect

    from xmlstudy.models.dxml import DXML

    defaults = {name: p.default for name, p in inspect.signature(DXML.__init__).parameters.items()}
    rows = []
    for r in sweep.itertuples(index=False) if len(sweep) else []:
        base = main[(main["dataset"] == r.dataset) & (main["seed"] == 0) & (main["method"] == "dxml")]
        if not len(base):
            continue
        reference = base.iloc[0]
        score, chosen_score = r.valid_score, reference["valid_score"]
        for key, value in r.params.items():
            chosen = reference["params"].get(key, defaults.get(key))
            if chosen == value:
                continue
            rows.append({"dataset": r.dataset, "setting": key, "chosen": str(chosen), "tried": str(value),
                         "valid, tried": 100 * score,
                         "valid, chosen": 100 * chosen_score,
                         "difference": 100 * (score - chosen_score),
                         "k": r.k, "clusters": r.n_clusters, "epochs": r.epochs})
        for key in set(reference["params"]) - set(r.params):
            rows.append({"dataset": r.dataset, "setting": key, "chosen": str(reference["params"][key]),
                         "tried": str(defaults.get(key)), "valid, tried": 100 * score,
                         "valid, chosen": 100 * chosen_score,
                         "difference": 100 * (score - chosen_score),
                         "k": r.k, "clusters": r.n_clusters, "epochs": r.epochs})
    out = pd.DataFrame(rows, columns=["dataset", "setting", "chosen", "tried", "valid, tried",
                                      "valid, chosen", "difference", "k", "clusters", "epochs"])
    # Settings are kept as written (0.015, not a rounded 0.02); only the scores are rounded.
    return out.round({"valid, tried": 2, "valid, chosen": 2, "difference": 2})


def timing_table(details: pd.DataFrame, seconds: dict, bench: list | None = None,
                datasets=("bibtex", "delicious", "mediamill", "wiki10-31k", "delicious-200k",
                          "amazon-670k")) -> pd.DataFrame:
    """The paper's Table 6 beside ours: the paper's DXML train (GPU) / test (CPU) and SLEEC train /
    test seconds (``seconds``, :func:`table_6_seconds`), our mean fit and predict seconds over
    seeds with the hardware they ran on
    (from the records' provenance), and, when ``bench`` (the records of
    ``python -m xmlstudy bench dxml``) is given, the latest benchmark's fit and test seconds."""
    latest = {}
    for rec in bench or []:
        latest[rec["dataset"]] = rec  # records are appended in time order: keep the last
    rows = []
    for dataset in datasets:
        paper = seconds.get(dataset, (float("nan"),) * 4)
        mine = details[(details["dataset"] == dataset) & (details["method"] == "dxml")] \
            if len(details) else details
        rows.append({
            "dataset": dataset,
            "DXML train s (paper, GTX 1080 Ti)": paper[0], "DXML test s (paper, CPU)": paper[1],
            "SLEEC train s (paper, CPU)": paper[2], "SLEEC test s (paper, CPU)": paper[3],
            "DXML fit s (ours)": round(mine["fit_s"].mean(), 1) if len(mine) else float("nan"),
            "of which DeepWalk s": round(mine["deepwalk_s"].mean(), 1) if len(mine) else float("nan"),
            "DXML test s (ours)": round(mine["predict_s"].mean(), 2) if len(mine) else float("nan"),
            "runs": len(mine),
            "our hardware": ", ".join(sorted({f"{d} ({c})" for d, c in zip(mine["device"], mine["cpu"])}))
            if len(mine) else "not run (data not available)",
        })
        if dataset in latest:
            b = latest[dataset]["benchmark"]
            rows[-1]["benchmark fit s"] = round(b["total_s"] - b["predict_s"], 1)
            rows[-1]["benchmark test s"] = round(b["predict_s"], 2)
    for name in details["dataset"].unique() if len(details) else []:
        if name not in datasets:
            mine = details[(details["dataset"] == name) & (details["method"] == "dxml")]
            if len(mine):
                rows.append({"dataset": name, "DXML fit s (ours)": round(mine["fit_s"].mean(), 1),
                             "of which DeepWalk s": round(mine["deepwalk_s"].mean(), 1),
                             "DXML test s (ours)": round(mine["predict_s"].mean(), 2), "runs": len(mine),
                             "our hardware": ", ".join(sorted({f"{d} ({c})" for d, c in
                                                               zip(mine["device"], mine["cpu"])}))})
    return pd.DataFrame(rows).set_index("dataset")


def sweep_evidence(frames: dict) -> pd.DataFrame:
    """The validation sweep (:func:`sweep_table`) from the chapter's records, each setting named
    as the book names it (:func:`xmlstudy.methods.setting_name`)."""
    table = sweep_table(fit_details(frames["dxml/sweep"]), fit_details(frames["dxml/main"]))
    return table.assign(setting=table["setting"].map(methods.setting_name))


def bench_records(profile: str) -> list:
    """The records of ``python -m xmlstudy bench dxml`` of ``profile``."""
    from xmlstudy.records import read_jsonl

    return [r for r in read_jsonl(experiments.RESULTS_DIR / "benchmark" / "dxml.jsonl")
            if r.get("profile") == profile]


def timing(frames: dict, profile: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table 6 beside our seconds and the benchmark's, as two tables that fit the page: the
    paper's seconds, and ours (mean over seeds, with the hardware the records name)."""
    table = timing_table(fit_details(frames["dxml/main"]), table_6_seconds(),
                         bench_records(profile))
    paper = [c for c in table.columns if "(paper" in c]
    ours = table.drop(columns=paper).rename(columns=lambda c: c.replace(" (ours)", ""))
    return table[paper].dropna(how="all"), ours.dropna(how="all", subset=["runs"])
