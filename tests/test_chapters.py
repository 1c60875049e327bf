"""The chapter registry and the claims: every claim's verdict is computed from records (it
changes when the records change, and with no records it cannot be tested), the scorecard covers
all four papers, and the run command reads the registry."""
import ast
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from xmlstudy import chapters, claims, experiments, rules
from xmlstudy.experiments import RunConfig, records_frame

JUDGED = [c for key in chapters.PAPERS for c in chapters.claims_of(key) if c.judge is not None]


def test_registry_covers_every_paper_and_chapter():
    assert set(chapters.PAPERS) == {"nnae", "dxml", "rankae", "cgmvae"}
    for name in chapters.CHAPTERS:
        module = chapters.module(name)
        assert module.PAPER == name and callable(module.grid) and module.grid("smoke")
        assert all(c.paper == name for c in module.CLAIMS)
    with pytest.raises(ValueError, match="valid: baselines, dxml, rankae, cgmvae, nnae"):
        chapters.module("nope")


def test_claim_ids_are_unique_and_sections_exist_in_the_chapters():
    ids = [c.id for key in chapters.PAPERS for c in chapters.claims_of(key)]
    assert len(ids) == len(set(ids))
    for key, entry in chapters.PAPERS.items():
        if entry.chapter is None:
            continue
        text = (experiments.REPO_ROOT / "notebooks" / f"{entry.chapter}.py").read_text()
        for claim in chapters.claims_of(key):
            assert f"({claim.section})=" in text, f"{claim.id}: no label {claim.section} in the chapter"


def test_a_claim_without_judge_must_say_why():
    with pytest.raises(ValueError, match="reason"):
        claims.Claim("x", "dxml", "words", "Table 1")
    with pytest.raises(ValueError, match="name the record files"):
        claims.Claim("x", "dxml", "words", "Table 1", judge=lambda f: None)
    with pytest.raises(ValueError, match="valid: reproduced"):
        claims.Verdict("typed", "")


@pytest.fixture(scope="module")
def committed():
    return chapters.frames_for(JUDGED, "full")


def _scaled(frame: pd.DataFrame, factor: float) -> pd.DataFrame:
    out = frame.copy()
    # Every measured number moves, each column by its own factor (a uniform one would leave
    # ranks and growth rates as they were).
    measured = [c for c in out.columns if c.split("/")[-1] in
                ("P@1", "P@3", "P@5", "nDCG@1", "nDCG@3", "nDCG@5", "ex-F1", "mi-F1", "ma-F1", "HA")
                or str(c).startswith("seconds/")]
    for i, column in enumerate(measured):
        out[column] = pd.to_numeric(out[column]) * factor * (1 + 0.37 * i)
    out["fit_info"] = [{**info, "label_gram": [[v * factor * (i + 1) for v in row]
                                               for i, row in enumerate(info["label_gram"])]}
                       if isinstance(info, dict) and "label_gram" in info else info
                       for info in out["fit_info"]]
    return out


@pytest.mark.parametrize("claim", JUDGED, ids=lambda c: c.id)
def test_every_verdict_is_computed_from_records(claim, committed):
    # No records: nothing to judge.
    empty = {name: records_frame([]) for name in claim.records}
    assert claim.evaluate(empty).verdict == "not testable here"
    if any(len(committed[name]) == 0 for name in claim.records):
        pytest.skip(f"{claim.id}: no committed records in {claim.records} yet")
    real = claim.evaluate(committed)
    if real.verdict == "not testable here" and f"fewer than {rules.MIN_RUNS} seeds" in real.evidence:
        pytest.skip(f"{claim.id}: its committed records have too few seeds for the rulebook yet")
    assert real.verdict in claims.VERDICTS and real.verdict != "not testable here", real
    # Other records, other numbers: the evidence is computed, not typed.
    changed = [claim.evaluate({n: _scaled(f, factor) for n, f in committed.items()})
               for factor in (0.5, 1.3)]
    changed.append(claim.evaluate({n: f[f["seed"] == 0] for n, f in committed.items()}))
    assert any(v.evidence != real.evidence for v in changed), claim.id


def test_scorecard_lists_all_four_papers(tmp_path):
    card = chapters.scorecard("full", results_dir=tmp_path)   # no records at all
    assert set(card["paper"]) == {p.name for p in chapters.PAPERS.values()}
    assert set(card["verdict"]) == {"not testable here"}
    counts = chapters.verdict_counts(card)
    assert list(counts.index) == ["the non-negative autoencoder paper", "DXML", "Rank-AE", "C-GMVAE"]
    assert counts.loc["the non-negative autoencoder paper", "claims"] == len(chapters.claims_of("nnae"))
    assert (counts["claims"] == counts[list(claims.VERDICTS)].sum(axis=1)).all()


def test_the_summary_judges_common_ground_as_its_chapter_does(tmp_path):
    # The summary reads the record files; the chapter its collected records. Same verdicts.
    from types import SimpleNamespace
    from xmlstudy.chapters import synthesis
    assert set(chapters.common_ground("full", results_dir=tmp_path)["verdict"]) == {"not testable here"}
    frames, _, _ = synthesis.collect(SimpleNamespace(profile="full", run_missing=False,
                                                     device="auto", results_dir=None))
    chapter = claims.evaluate(synthesis.CLAIMS, frames)
    summary = chapters.common_ground("full")
    assert list(summary["id"]) == [c.id for c in synthesis.CLAIMS]
    assert summary[["verdict", "evidence"]].equals(chapter[["verdict", "evidence"]])
    # A results_dir of one's own, still empty, is read over the committed records: same page.
    own = chapters.common_ground("full", tmp_path, read_default=True)
    assert own[["verdict", "evidence"]].equals(summary[["verdict", "evidence"]])


def test_markdown_table_escapes_cells_and_links_sections():
    table = pd.DataFrame([{"id": "a", "paper": "p", "claim": "x | y", "where": "Table 2",
                           "verdict": "partly", "evidence": "1 of 2", "section": "sec-a"}])
    text = claims.markdown_table(table)
    assert "x \\| y" in text and "{ref}`Table 2 <sec-a>`" in text and "**partly**" in text


def test_select_expands_seeds_and_keeps_fixed_experiments():
    base = [RunConfig("dxml", "main", "dxml", "bibtex", seed=s) for s in (0, 1, 2)]
    base += [RunConfig("dxml", "sweep", "dxml", "bibtex", seed=0, params={"window": 5})]
    base += [RunConfig("dxml", "main", "dxml", "imdb", seed=0)]
    out = experiments.select(base, ["bibtex"], [3, 4], "cpu", keep_seeds=("sweep",))
    assert sorted((c.experiment, c.seed) for c in out) == [("main", 3), ("main", 4), ("sweep", 0)]
    assert {c.device for c in out} == {"cpu"} and {c.dataset for c in out} == {"bibtex"}


def test_records_frame_without_records_has_the_columns():
    frame = records_frame([])
    assert len(frame) == 0 and {"method", "dataset", "params", "fit_info"} <= set(frame.columns)
    assert len(frame[frame["method"] == "dxml"]) == 0


def test_run_command_names_a_bad_seed_list(capsys):
    with pytest.raises(SystemExit):
        chapters.main(["--paper", "baselines", "--seeds", "0,x", "--dry-run"])
    err = capsys.readouterr().err
    assert "'0,x' is not a comma-separated list of integers" in err


SMOKE_YEAST = ["--paper", "baselines", "--profile", "smoke", "--datasets", "yeast"]


def run_command_error(capsys, argv) -> str:
    """The one error line `python -m xmlstudy run` stops with (exit status 2)."""
    with pytest.raises(SystemExit) as stop:
        chapters.main(argv)
    assert stop.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize("flag, valid", [("--datasets", "bibtex, corel5k, delicious"), ("--methods", "knn, ovr-linear, parabel"),
                                         ("--seeds", "0"), ("--experiment", "main")])
def test_run_command_refuses_an_empty_list_and_names_the_choices(capsys, flag, valid):
    argv = ["--paper", "baselines", "--profile", "smoke", flag, ""]
    assert f"error: {flag}: empty list; give one or more of: {valid}" in run_command_error(capsys, argv + ["--dry-run"])
    assert f"{flag}: empty list" in run_command_error(capsys, argv)  # before anything would run
    if flag != "--experiment":  # a list of blanks is empty too
        assert f"error: {flag}: empty list" in run_command_error(capsys, argv[:-1] + [" , "])


def test_run_command_refuses_repeats_and_values_outside_the_grid(capsys):
    assert "error: --seeds: 0 is given twice; give each once" in run_command_error(
        capsys, SMOKE_YEAST + ["--seeds", "0,0", "--dry-run"])
    assert "error: --datasets: yeast is given twice" in run_command_error(
        capsys, ["--paper", "baselines", "--datasets", "yeast,yeast", "--dry-run"])
    assert ("error: --datasets: ['whats_cooking'] not in the baselines grid; valid: bibtex, corel5k"
            in run_command_error(capsys, ["--paper", "baselines", "--datasets", "whats_cooking", "--dry-run"]))
    assert ("error: --methods: ['dxml'] not in the baselines grid with the filters before it; valid: knn, "
            "ovr-linear, parabel" in run_command_error(capsys, SMOKE_YEAST + ["--methods", "dxml", "--dry-run"]))


def test_run_command_checks_the_results_folder_before_anything_runs(capsys, tmp_path):
    a_file = tmp_path / "records.txt"
    a_file.write_text("")
    for extra in ([], ["--dry-run"]):
        assert (f"error: --results-dir {str(a_file)!r} is a file, not a folder; give a folder for the result "
                f"records (it is created if missing)") in run_command_error(
            capsys, SMOKE_YEAST + ["--results-dir", str(a_file)] + extra)
    assert ("error: --results-dir: cannot create the folder " + repr(str(a_file / "sub" / "baselines"))
            + " (Not a directory)") in run_command_error(capsys, SMOKE_YEAST + ["--results-dir", str(a_file / "sub")])
    # a folder nobody may write in (/proc, even for root)
    assert "error: --results-dir: cannot create the folder '/proc/baselines'" in run_command_error(
        capsys, SMOKE_YEAST + ["--results-dir", "/proc"])
    new = tmp_path / "new"
    assert chapters.main(SMOKE_YEAST + ["--results-dir", str(new), "--dry-run"]) == 0
    assert not new.exists()  # a dry run writes nothing, not even the folder


def test_chapter_configs_follow_the_parameters():
    from types import SimpleNamespace

    from xmlstudy.chapters import dxml

    params = SimpleNamespace(profile="full", datasets=["bibtex"], seeds=[0], device="auto",
                             walks_per_node=None, walk_length=None, window=7, batch_size=None,
                             dropout=None)
    configs = dxml.configs(params)
    mains = [c for c in configs if c.paper == "dxml" and c.experiment != "sweep"
             and c.method.startswith("dxml")]
    assert mains and all(c.params["window"] == 7 and c.seed == 0 and c.dataset == "bibtex" for c in mains)
    # The baselines beside DXML on the paper's splits keep their own settings.
    split_baselines = [c for c in configs if c.experiment == "paper_split" and c.method == "knn"]
    assert split_baselines and all("window" not in c.params for c in split_baselines)
    refit = [c for c in mains if c.experiment == "refit"]
    assert refit and all(c.params["refit"] is True for c in refit)   # the override keeps refit
    sweep = [c for c in configs if c.experiment == "sweep"]
    assert all(dataclasses.replace(c, device="auto") in dxml.grid("full") for c in sweep)


# --- the notebooks' parameters, through their chapters' validation --------------------------------
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CHAPTER_OF = {"data_and_baselines": "baselines"}   # otherwise the notebook has its chapter's name


def notebook_defaults(name: str) -> dict:
    """The parameters cell of ``notebooks/<name>.py`` as {name: value}, read with ast."""
    text = (NOTEBOOKS / f"{name}.py").read_text()
    cell = text.split('# %% tags=["parameters"]\n', 1)[1].split("\n# %%", 1)[0]
    return {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cell).body}


def validate_notebook(name: str, **changes):
    """What the notebook's second cell does, with ``changes`` as papermill would inject them."""
    chapter = chapters.module(CHAPTER_OF.get(name, name))
    return chapter.validate({**notebook_defaults(name), **changes})


NOTEBOOK_NAMES = sorted(p.stem for p in NOTEBOOKS.glob("*.py"))


@pytest.mark.parametrize("profile", [None, "smoke", "full"])
@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_every_notebooks_default_parameters_validate(name, profile):
    params = validate_notebook(name, **({"profile": profile} if profile else {}))
    assert params.results_dir is None
    assert params.profile == profile or profile is None


def test_cgmvae_datasets_default_to_those_its_grid_runs_the_method_on():
    assert validate_notebook("cgmvae", profile="smoke").datasets == ["yeast"]
    assert validate_notebook("cgmvae", profile="full").datasets == [
        "yeast", "scene", "sider", "reuters", "delicious"]


@pytest.mark.parametrize("name, profile, datasets, runs", [
    ("data_and_baselines", "smoke", ["whats_cooking"], "bibtex, delicious, yeast, scene, sider, "
                                                        "corel5k, imdb, reuters, imdb-rankae"),
    ("rankae", "smoke", ["bibtex"], "delicious"),       # Rank-AE's smoke runs: its first data set
    ("dxml", "smoke", ["delicious", "reuters"], "bibtex, delicious"),
    ("cgmvae", "smoke", ["scene"], "yeast"),
    ("nnae", "smoke", ["whats_cooking"], "recipes5k, bibtex, ucmerced-aitlas, ucmerced-planted"),
    ("nnae", "full", ["yeast"], "bbc_food, whats_cooking"),
])
def test_a_data_set_the_chapters_method_does_not_run_in_the_profile_stops(name, profile, datasets,
                                                                          runs):
    with pytest.raises(ValueError, match=rf"'datasets': element {len(datasets) - 1}: "
                                         rf"'{datasets[-1]}' .*; in the {profile} profile the "
                                         rf".* chapter runs: {runs}"):
        validate_notebook(name, profile=profile, datasets=datasets)


def test_a_data_set_the_full_grid_runs_passes_where_the_smoke_one_does_not():
    assert validate_notebook("rankae", profile="full", datasets=["bibtex"]).datasets == ["bibtex"]
    assert validate_notebook("nnae", profile="full", datasets='["whats_cooking"]').datasets == [
        "whats_cooking"]
    # A bad profile is reported as such; the data sets are then checked against the full grid.
    with pytest.raises(ValueError, match="'profile': got 'fast'") as err:
        validate_notebook("rankae", profile="fast", datasets=["bibtex"])
    assert "'datasets'" not in str(err.value)


@pytest.mark.parametrize("name", [n for n in NOTEBOOK_NAMES if "seeds" in notebook_defaults(n)])
def test_a_seed_given_twice_stops(name):
    with pytest.raises(ValueError, match=r"'seeds'.*seed 0 appears more than once, which would "
                                         r"count one run twice"):
        validate_notebook(name, seeds=[0, 0])
    with pytest.raises(ValueError, match=r"a seed is an integer >= 0, not -2"):
        validate_notebook(name, seeds="[1, -2]")


@pytest.mark.parametrize("name", [n for n in NOTEBOOK_NAMES if "xc_train" in notebook_defaults(n)])
def test_a_lone_user_test_file_stops_naming_both(name, tmp_path):
    lone = tmp_path / "test.txt"
    lone.write_text("1 2 2\n1 0:0.5\n")
    with pytest.raises(ValueError, match="'xc_test' is given but 'xc_train' is not; give both "
                                         "'xc_train' and 'xc_test', or neither"):
        validate_notebook(name, xc_test=str(lone))


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_a_results_dir_that_is_a_file_stops(name, tmp_path):
    a_file = tmp_path / "records.jsonl"
    a_file.write_text("")
    with pytest.raises(ValueError, match=r"'results_dir'.*records.jsonl' is a file, not a folder"):
        validate_notebook(name, results_dir=str(a_file))
    own = tmp_path / "mine"
    assert validate_notebook(name, results_dir=str(own)).results_dir == str(own) and own.is_dir()
