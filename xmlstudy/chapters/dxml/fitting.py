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


def timing_table(costs: list, seconds: dict, bench: list | None = None,
                 datasets=("bibtex", "delicious", "mediamill", "wiki10-31k", "delicious-200k",
                           "amazon-670k")) -> pd.DataFrame:
    """The paper's Table 6 beside ours: the paper's DXML train (GPU) / test (CPU) and SLEEC train /
    test seconds (``seconds``, :func:`table_6_seconds`); our fit (and its DeepWalk part),
    prediction and peak memory of seed 0's configuration timed alone on the machine (``costs``:
    the records of ``python -m xmlstudy bench cost``), with the CPU it ran on; and the latest
    ``python -m xmlstudy bench dxml`` record per data set (``bench``) where it, too, was timed
    alone. Times from the grid's runs are never shown: they shared the CPU."""
    timed = {}
    for rec in costs or []:
        if rec["method"] == "dxml" and rec["status"] == "ok" and experiments.timed_alone(rec):
            timed[rec["dataset"]] = rec   # appended in time order: the last is the latest
    latest = {}
    for rec in bench or []:
        latest[rec["dataset"]] = rec
    rows = []
    for dataset in [*datasets, *sorted(set(timed) - set(datasets))]:
        paper = seconds.get(dataset, (float("nan"),) * 4)
        row = {"dataset": dataset,
               "DXML train s (paper, GTX 1080 Ti)": paper[0], "DXML test s (paper, CPU)": paper[1],
               "SLEEC train s (paper, CPU)": paper[2], "SLEEC test s (paper, CPU)": paper[3]}
        if dataset in timed:
            r = timed[dataset]
            row.update({"DXML fit s (ours)": round(r["timings"]["fit_s"], 1),
                        "of which DeepWalk s": round((r.get("fit_parts") or {}).get(
                            "label_embedding_s", float("nan")), 1),
                        "DXML test s (ours)": round(r["timings"]["predict_s"], 2),
                        "peak MB (ours)": round(r["peak_memory_mb"] or float("nan")),
                        "our hardware": f"{r['provenance']['device']} ({r['provenance']['cpu']['model']})"})
        b = latest.get(dataset)
        if b is not None and experiments.timed_alone(b):
            row["benchmark fit s"] = round(b["benchmark"]["total_s"] - b["benchmark"]["predict_s"], 1)
            row["benchmark test s"] = round(b["benchmark"]["predict_s"], 2)
        rows.append(row)
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
    """Table 6 beside our seconds, as two tables that fit the page: the paper's seconds, and
    ours (seed 0 timed alone, with the hardware the records name; empty until timed)."""
    table = timing_table(experiments.benchmark_records("cost", profile), table_6_seconds(),
                         bench_records(profile))
    paper = [c for c in table.columns if "(paper" in c]
    ours = table.drop(columns=paper).rename(columns=lambda c: c.replace(" (ours)", ""))
    return table[paper].dropna(how="all"), ours.dropna(how="all")
