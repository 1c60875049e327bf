"""The book's chapters: one module per chapter, and this registry of them.

Each chapter module (``baselines``, ``dxml``, ``rankae``, ``cgmvae``, ``nnae``, ``synthesis``) holds everything specific to its
chapter: its data sets and experiment grid (``grid(profile)``), the paper's published numbers
as its tables use them (read from :mod:`xmlstudy.published`), its claims (``CLAIMS``, see :mod:`xmlstudy.claims`), and the tables and figures the chapter
shows. The notebooks in ``notebooks/`` only call them. ``python -m xmlstudy run --paper NAME``
and ``make results`` read the registry below, and the summary page builds its scorecard from
the claims of every paper in :data:`PAPERS`.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import shlex
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from xmlstudy import claims as claims_
from xmlstudy import experiments, rules, runner
from xmlstudy.cluster import GridInterrupted, SchedulerError, check_scheduler, parse_address

# Chapter name -> module. The grids of `make results` run in this order.
CHAPTERS = {"baselines": "xmlstudy.chapters.baselines",
            "dxml": "xmlstudy.chapters.dxml",
            "rankae": "xmlstudy.chapters.rankae",
            "cgmvae": "xmlstudy.chapters.cgmvae",
            "nnae": "xmlstudy.chapters.nnae",
            "synthesis": "xmlstudy.chapters.synthesis",
            "scale": "xmlstudy.chapters.scale"}


@dataclass(frozen=True)
class Paper:
    """One of the four papers: its name as the book uses it, its chapter (None: none yet) and,
    without a chapter, its main claims with the reason they are not tested."""

    key: str
    name: str
    citation: str
    chapter: str | None = None
    pending: tuple = ()


_NO_CHAPTER = ("this paper has no chapter yet: its methods are not implemented in this study, "
               "so none of its numbers has been rerun")

PAPERS = {
    "nnae": Paper("nnae", "the non-negative autoencoder paper", "kang2019towards", chapter="nnae"),
    "dxml": Paper("dxml", "DXML", "zhang2018deep", chapter="dxml"),
    "rankae": Paper("rankae", "Rank-AE", "wang2019ranking", chapter="rankae"),
    "cgmvae": Paper("cgmvae", "C-GMVAE", "bai2022gaussian", chapter="cgmvae"),
}


def module(name: str):
    """The chapter module ``name`` (one of :data:`CHAPTERS`)."""
    if name not in CHAPTERS:
        raise ValueError(f"unknown chapter {name!r}; valid: {', '.join(CHAPTERS)}")
    return importlib.import_module(CHAPTERS[name])


def grid(name: str, profile: str = "full") -> list:
    """The run configurations of chapter ``name``'s grid in ``profile``."""
    return list(module(name).grid(profile))


def candidates(name: str, profile: str = "full") -> list:
    """The configurations chapter ``name`` would run without a budget: its ``candidates`` where
    it leaves some out for their cost (the Scale chapter), else its grid."""
    chapter = module(name)
    return list(getattr(chapter, "candidates", chapter.grid)(profile))


def claims_of(paper: str) -> tuple:
    """The claims of ``paper`` (a key of :data:`PAPERS`): its chapter's, or the pending ones."""
    entry = PAPERS[paper]
    return tuple(module(entry.chapter).CLAIMS) if entry.chapter else entry.pending


def frames_for(claims, profile: str = "full", results_dir=None, *,
               read_default: bool = False) -> dict:
    """``{"paper/experiment": records}`` for every record file the ``claims`` are judged on,
    read from the record files of ``profile`` (in ``results_dir`` and, with ``read_default``, in
    the default folder too: :func:`xmlstudy.experiments.load_records`)."""
    names = {name for claim in claims for name in (*claim.records, *claim.optional)}
    frames = {}
    for name in sorted(names):
        paper, experiment = name.split("/")
        frames[name] = experiments.load_records(paper, experiment, profile, results_dir,
                                                read_default=read_default)
    return frames


def frames_from(collected: dict, paper: str) -> dict:
    """A chapter's collected records (:func:`xmlstudy.experiments.collect`, keyed by
    experiment) keyed as claims name them ("paper/experiment")."""
    return {f"{paper}/{experiment}": frame for experiment, frame in collected.items()}


def scorecard(profile: str = "full", results_dir=None, *,
              read_default: bool = False) -> pd.DataFrame:
    """Every claim of every paper with its verdict (:func:`xmlstudy.claims.evaluate`), judged
    on the record files of ``profile`` (read as :func:`frames_for` does); a column ``paper``
    names the paper as the book does."""
    tables = []
    for key, entry in PAPERS.items():
        claims = claims_of(key)
        table = claims_.evaluate(claims, frames_for(claims, profile, results_dir,
                                                    read_default=read_default))
        table["paper"] = entry.name
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def common_ground(profile: str = "full", results_dir=None, *,
                  read_default: bool = False) -> pd.DataFrame:
    """The cross-paper claims (each paper's "better than the rest", judged against every method
    on one protocol) with their verdicts, as :func:`scorecard` judges the papers' own claims."""
    claims = tuple(module("synthesis").CLAIMS)
    return claims_.evaluate(claims, frames_for(claims, profile, results_dir,
                                               read_default=read_default))


def verdict_counts(card: pd.DataFrame) -> pd.DataFrame:
    """Per paper (in the order of :data:`PAPERS`), how many of its claims got each verdict."""
    counts = card.groupby(["paper", "verdict"], sort=False).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(claims_.VERDICTS), fill_value=0)
    counts = counts.reindex([p.name for p in PAPERS.values()], fill_value=0)
    counts.insert(0, "claims", counts.sum(axis=1))
    return counts.rename_axis(index=None, columns=None)


def published_numbers(card: pd.DataFrame) -> pd.DataFrame:
    """From a :func:`scorecard`, the claims on published numbers: per paper and split protocol,
    how many of the paper's numbers that were run are reached (within the chapter's tolerance
    or above)."""
    rows = card[(card["protocol"] != "") & card["checks"].notna()]
    table = pd.DataFrame({"paper": rows["paper"], "split protocol": rows["protocol"],
                          "reached": rows["hits"].astype("Int64"),
                          "compared": rows["checks"].astype("Int64"),
                          "verdict": rows["verdict"]})
    return table.reset_index(drop=True)


# --- what every chapter page shares --------------------------------------------------------------
def glue_all(values: dict) -> None:
    """Glue every ``{name: text}`` for the prose of a chapter (``{glue:text}`name```)."""
    from myst_nb import glue

    for name, value in values.items():
        glue(name, value, display=False)


def glue_figure(name: str, figure, absent: str = "No records for this figure yet.") -> None:
    """Glue a figure for a captioned ``{glue:figure}`` block and close it, or, when there is no
    figure (no records for it yet), the sentence ``absent`` in its place, so the page still
    builds and says why the figure is missing. A figure that names a method other than the
    registry does, or would not read at the text column's width, stops the page
    (:func:`xmlstudy.figures.check_legends`, :func:`xmlstudy.figures.check_page`)."""
    from IPython.display import Markdown
    from myst_nb import glue

    if figure is None:
        glue(name, Markdown(f"*{absent}*"), display=False)
        return
    import matplotlib.pyplot as plt

    from xmlstudy.figures import check_legends, check_page

    check_legends(figure)
    check_page(figure, name)
    glue(name, figure, display=False)
    plt.close(figure)


def smoke_notice(profile: str) -> None:
    """In the smoke profile, say that the numbers exercise the code and mean nothing."""
    from IPython.display import Markdown, display

    if profile == "smoke":
        display(Markdown("**Smoke profile:** every model on this page ran briefly on a few "
                         "hundred rows to exercise the code; its numbers and verdicts say nothing "
                         "about the methods. The book is built with `profile = \"full\"`."))


def missing_notice(missing: int, total: int) -> None:
    """Say how many configurations were left out for want of a record (``run_missing=False``)."""
    from IPython.display import Markdown, display

    if missing:
        display(Markdown(f"**{missing} of {total} configurations have no record yet and are "
                         "left out** (`run_missing = False`)."))


def show_claims(claims, frames: dict, tolerance: float | None = None) -> pd.DataFrame:
    """Display the claims table of a chapter (Markdown, with links to the evidence and to each
    verdict's rule) and return the verdicts. ``tolerance`` (percentage points; None: the
    rulebook's) is the notebook's parameter of that name: the one threshold a reader may move."""
    from IPython.display import Markdown, display

    with rules.judged_under(rules.with_tolerance(tolerance)):
        table = claims_.evaluate(claims, frames)
    display(Markdown(claims_.markdown_table(table)))
    return table


def all_verdicts(profile: str = "full", results_dir=None, *, read_default: bool = False) -> pd.DataFrame:
    """Every verdict of the book: the papers' own claims (:func:`scorecard`), the cross-paper
    chapter's (:func:`common_ground`) and the extreme-scale chapter's, one row per claim."""
    card = scorecard(profile, results_dir, read_default=read_default)
    common = common_ground(profile, results_dir, read_default=read_default)
    common["paper"] = "on common ground"
    # The scale chapter's claims also read the cost benchmarks' records as written.
    scale = module("scale")
    at_scale = claims_.evaluate(scale.CLAIMS, scale.claim_frames(profile, results_dir,
                                                                 read_default=read_default))
    at_scale["paper"] = "at extreme scale"
    return pd.concat([card, common, at_scale], ignore_index=True)


def sensitivity(profile: str = "full", results_dir=None, *, read_default: bool = False) -> pd.DataFrame:
    """Per rule of the rulebook, how many of the book's verdicts (:func:`all_verdicts`) change
    when every threshold is made stricter, or looser (:func:`xmlstudy.rules.sensitivity`)."""
    return rules.sensitivity(lambda: all_verdicts(profile, results_dir, read_default=read_default))


# --- command line: python -m xmlstudy run ----------------------------------------------------
PROG = "python -m xmlstudy run"


def _csv(kind, name):
    def parse(text):
        values = [v.strip() for v in text.split(",") if v.strip()]
        try:
            return [kind(v) for v in values]
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a comma-separated list of {name}, e.g. 0,1,2") from None
    parse.__name__ = name  # argparse names the type in its messages
    return parse


def _select(parser, args, configs: list) -> list:
    """The configurations the filters ask for; an empty or repeated value, or one the grid does
    not hold, stops with the values that are valid there (after the filters before it)."""
    experiment = None if args.experiment is None else [e for e in [args.experiment.strip()] if e]
    narrowed = False
    for name, wanted, attr in (("experiment", experiment, "experiment"),
                               ("datasets", args.datasets, "dataset"),
                               ("methods", args.methods, "method"),
                               ("seeds", args.seeds, "seed")):
        if wanted is None:
            continue
        present = sorted({getattr(c, attr) for c in configs}, key=str)
        valid = ", ".join(map(str, present))
        if not wanted:
            parser.error(f"--{name}: empty list; give one or more of: {valid}")
        twice = [w for i, w in enumerate(wanted) if w in wanted[:i]]
        if twice:
            parser.error(f"--{name}: {twice[0]} is given twice; give each once")
        missing = [w for w in wanted if w not in present]
        if missing:
            parser.error(f"--{name}: {missing} not in the {args.paper} grid"
                         f"{' with the filters before it' if narrowed else ''}; valid: {valid}")
        configs = [c for c in configs if getattr(c, attr) in wanted]
        narrowed = True
    return configs


def _check_results_dir(parser, args, configs: list) -> None:
    """Stop now, not when the first run has finished, when its record cannot be written: the
    folders of the record files are created and written to (a dry run only refuses a file)."""
    from xmlstudy.parameters import writable_dir

    if args.results_dir is not None and Path(args.results_dir).expanduser().is_file():
        parser.error(f"--results-dir {args.results_dir!r} is a file, not a folder; give a folder "
                     f"for the result records (it is created if missing)")
    if args.dry_run:
        return
    folders = {experiments.results_file(c.paper, c.experiment, c.profile, args.results_dir).parent
               for c in configs}
    for folder in sorted(folders):
        problem = writable_dir(str(folder))
        if problem:
            flag = "--results-dir" if args.results_dir is not None else "the default results folder"
            parser.error(f"{flag}: {problem}" + ("" if args.results_dir is not None else
                                                  "; pass --results-dir"))


def _raise_interrupt(signum, frame):  # noqa: ARG001 - the signature signal.signal requires
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    """``python -m xmlstudy run --paper P [--experiment E] [--profile full|smoke] [--jobs N]
    [--scheduler tcp://HOST:PORT] [--datasets a,b] [--methods m1,m2] [--seeds 0,1,2]
    [--results-dir DIR] [--dry-run]``: the configurations run as tasks on a Dask cluster
    (:func:`xmlstudy.runner.run_grid`).

    Every argument, the results folder and the scheduler are checked before anything runs.
    Ctrl-C or SIGTERM stops the grid with one line: how many configurations finished (their
    records are written) and the command that resumes it; the exit code is 130 or 143."""
    argv = list(sys.argv[1:] if argv is None else argv)
    resume = f"{PROG} {shlex.join(argv)}"
    # SIGTERM (kill, a batch system) ends the process like Ctrl-C, with the same one line.
    previous = (signal.signal(signal.SIGTERM, _raise_interrupt)
                if threading.current_thread() is threading.main_thread() else None)
    try:
        return _main(argv)
    except GridInterrupted as stop:
        report = stop.report
        written = report.ran - len(report.failures)
        print(f"{PROG}: stopped by {stop.signal_name}: {report.ran} of {report.total - report.skipped} "
              f"configurations finished ({written} records written, {len(report.failures)} failed; "
              f"{report.skipped} were done before), {stop.not_run} not run. Resume with: {resume}",
              file=sys.stderr)
        return stop.exit_code
    except KeyboardInterrupt as stop:  # before the grid ran, or a second signal during its stop
        name = str(stop) if str(stop) in ("SIGINT", "SIGTERM") else "SIGINT"
        print(f"{PROG}: stopped by {name}; the records of the runs that finished are written, "
              f"nothing else. Resume with: {resume}", file=sys.stderr)
        return 128 + signal.Signals[name]
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=PROG,
                                     description="Run a chapter's experiment grid, skipping "
                                                 "records that already exist.")
    parser.add_argument("--paper", required=True, help=f"one of: {', '.join(CHAPTERS)}")
    parser.add_argument("--experiment", help="only this experiment of the grid (e.g. main)")
    parser.add_argument("--profile", default="full", choices=experiments.PROFILES)
    parser.add_argument("--jobs", type=int, default=1,
                        help="worker processes of the local Dask cluster, one run each at a time "
                             "(default 1; not used with --scheduler)")
    parser.add_argument("--scheduler",
                        help="address of the scheduler of an existing Dask cluster, e.g. "
                             f"tcp://host:8786 (default: ${runner.SCHEDULER_ENV}, else a "
                             "local cluster of --jobs workers)")
    parser.add_argument("--datasets", type=_csv(str, "names"), help="comma-separated data sets")
    parser.add_argument("--methods", type=_csv(str, "names"), help="comma-separated methods")
    parser.add_argument("--seeds", type=_csv(int, "integers"), help="comma-separated seeds")
    parser.add_argument("--results-dir", help="write records here instead of the default")
    parser.add_argument("--dry-run", action="store_true",
                        help="list the configurations and whether their record exists; run nothing")
    args = parser.parse_args(argv)
    if args.paper not in CHAPTERS:
        parser.error(f"unknown paper {args.paper!r}; valid: {', '.join(CHAPTERS)}")
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    from_env = args.scheduler is None and os.environ.get(runner.SCHEDULER_ENV)
    scheduler = args.scheduler or from_env or None
    source = f"${runner.SCHEDULER_ENV}" if from_env else "--scheduler"
    if scheduler is not None:
        try:
            parse_address(scheduler, source)
        except SchedulerError as err:
            parser.error(str(err))
    configs = _select(parser, args, grid(args.paper, args.profile))
    _check_results_dir(parser, args, configs)

    if args.dry_run:
        for c in configs:
            state = "done" if experiments.find_record(c, args.results_dir) else "todo"
            print(f"{state}  {c.label()}  {c.params or ''}")
        print(f"{len(configs)} configurations")
        return 0
    if scheduler is not None:
        try:
            check_scheduler(scheduler, source)
        except SchedulerError as err:
            print(f"{PROG}: error: {err}", file=sys.stderr)
            return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    import distributed  # noqa: F401 - it sets its loggers to INFO when imported: quieten them after

    logging.getLogger("distributed").setLevel(logging.WARNING)
    try:
        report = runner.run_grid(configs, jobs=args.jobs, results_dir=args.results_dir,
                                      scheduler=scheduler)
    except SchedulerError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    print(f"{report.total} configurations: {report.skipped} already done, {report.ran} run, "
          f"{len(report.failures)} failed")
    for label in report.failures:
        print(f"  FAILED {label}", file=sys.stderr)
    return 0 if report.ok else 1
