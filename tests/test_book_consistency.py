"""The book agrees with itself and with the code, read from its sources (no build, no records
computed): a setting stated in prose is glued from the code that holds it, the protocol's data
table lists the registry, the rerun page's command choices are the registry's, and the prose
names methods, record fields, settings and classes in words, never by their identifiers.

The prose is the markdown of ``notebooks/*.py`` and of the pages in ``book/`` (not the API
reference). Identifiers may appear where a reader needs them as they are: in code cells and code
blocks, in commands and paths, in references to the API pages that show a dotted path or a
title (a ``{py:...}`` role with ``~`` shows the bare identifier, and counts), and, inside
backticks, as a notebook parameter or an experiment's name (what ``papermill -p`` and
``--experiment`` take). ``tests/test_site.py`` checks the built pages the same way, glued text
included.
"""
from __future__ import annotations

import ast
import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Pages of prose; the API reference (book/api.md) documents the identifiers themselves.
PAGES = sorted([*ROOT.glob("notebooks/*.py"), *(p for p in ROOT.glob("book/*.md") if p.name != "api.md")])
COMMANDS = re.compile(r"^(python|\.venv/|papermill|make|pip|export|jupytext|conda|dask|-[a-zA-Z-])")


# --- the prose of a source ----------------------------------------------------------------------
def _registry_setting_names() -> set:
    """Every setting name the methods registry gives any method on any data set and profile."""
    from xmlstudy import data, methods

    keys = set()
    for key in methods.METHODS:
        for name in data.names():
            for profile in methods.PROFILES:
                try:
                    keys.update(methods.settings(key, name, profile))
                except ValueError:
                    pass
    return keys


def markdown(path: Path) -> str:
    """The markdown a reader reads: a jupytext notebook's markdown cells (without the comment
    marks), or a page without its front matter and code cells."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        cells, keep = [], False
        for line in text.splitlines():
            if line.startswith("# %%"):
                keep = "[markdown]" in line
                cells.append("")   # a cell boundary ends a paragraph
            elif keep:
                cells.append(re.sub(r"^# ?", "", line))
        return "\n".join(cells)
    return re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)


def prose(text: str) -> str:
    """``text`` (MyST markdown) with everything that is not prose taken out: code blocks and
    code cells, directive lines and options (a figure's caption stays), labels, roles
    (``{glue:text}`x```, ``{ref}`x```, ...; an API reference is replaced by what it shows), link
    targets, and inline code that is a command or a path. Other inline code keeps its
    backticks."""
    out, fence = [], None
    for line in text.splitlines():
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence[0]) and stripped.strip("`:") == "":
                fence = None
            elif fence[1]:   # inside a directive: its options go, its body is prose
                if not re.match(r"^:\w[\w-]*:", stripped):
                    out.append(line)
            continue
        match = re.match(r"^(```+|:::+)\s*(\{[^}]*\})?\s*(\S*)", stripped)
        if match:
            directive = match.group(2) or ""
            body_is_prose = bool(directive) and "code-cell" not in directive
            fence = (match.group(1), body_is_prose)
            continue
        if re.match(r"^\(\S+\)=$", stripped):
            continue
        out.append(line)
    text = "\n".join(out)
    # A reference to the API shows its title, or its target: a dotted path (left out, as a path
    # is), or with "~" its last part, which is the identifier itself.
    text = re.sub(r"\{py:\w+\}`([^`<]*?)\s*<[^`]*>`", r"\1", text)
    text = re.sub(r"\{py:\w+\}`~[\w.]*?(\w+)(?:\(\))?`", r"\1", text)
    text = re.sub(r"\{[\w:.+-]+\}`[^`]*`", " ", text)            # other roles
    text = re.sub(r"\]\([^)]*\)", "]", text)                       # link targets
    text = re.sub(r"https?://\S+", " ", text)

    def code(match):
        inner = match.group(1).strip()
        if COMMANDS.match(inner) or "/" in inner or re.match(r"^xmlstudy\.", inner) or " " in inner:
            return " "
        return f"`{inner}`"

    return re.sub(r"`([^`\n]+)`", code, text)


def paragraphs(path: Path) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", prose(markdown(path))) if p.strip()]


# --- what the prose must not say by its identifier ----------------------------------------------
@lru_cache(maxsize=None)
def method_keys() -> frozenset:
    """Method keys that are not the method's name (a record file's paper, such as ``dxml``,
    names a chapter's records in paths and commands, and is left out)."""
    from xmlstudy import experiments, methods

    return frozenset(k for k, m in methods.METHODS.items() if m.name != k and k not in experiments.PAPERS)


@lru_cache(maxsize=None)
def notebook_parameters() -> frozenset:
    """The names of every notebook's parameters cell (the reader passes them to papermill)."""
    names = set()
    for path in [*ROOT.glob("notebooks/*.py"), *ROOT.glob("book/*.md")]:
        text = path.read_text(encoding="utf-8")
        cell = re.search(r'# %% tags=\["parameters"\]\n(.*?)(?=\n# %%)', text, re.S) or \
            re.search(r"```\{code-cell\}[^\n]*\n:tags: \[parameters\]\n(.*?)```", text, re.S)
        if cell:
            names.update(node.targets[0].id for node in ast.parse(cell.group(1)).body
                         if isinstance(node, ast.Assign))
    return frozenset(names)


@lru_cache(maxsize=None)
def field_names() -> frozenset:
    """Identifiers of the records and the settings (``emb_size``, ``n_seeds``, ``fit_info``, ...):
    the snake_case keys of every record file's first record (top level, params, fit_info,
    timings, provenance), of every method's settings, of a run's configuration and of the tables'
    comparison columns. Plain words (``seed``, ``dropout``) are not identifiers a reader would
    stumble on and are left out."""
    import dataclasses

    from xmlstudy import data, experiments, methods, tables

    keys = {f.name for f in dataclasses.fields(experiments.RunConfig)}
    for path in ROOT.glob("results/*/*.jsonl"):
        with path.open(encoding="utf-8") as handle:
            first = handle.readline()
        if first.strip():
            record = json.loads(first)
            keys.update(record)
            for part in ("params", "fit_info", "timings", "provenance"):
                if isinstance(record.get(part), dict):
                    keys.update(record[part])
    keys.update(_registry_setting_names())
    empty = tables.paper_vs_reproduced(experiments.records_frame([]), {"values": {}}, "knn", ["P@1"], 1.0)
    keys.update(empty.columns)
    return frozenset(k for k in keys if "_" in k)


@lru_cache(maxsize=None)
def class_names() -> frozenset:
    """The package's class names in CamelCase (``RunConfig``, ``DatasetSpec``), less those that are
    also a method's display name or a name the papers print (``FastText``, a column of Rank-AE's
    tables)."""
    import csv

    from xmlstudy import methods

    printed = {m.name for m in methods.METHODS.values()}
    for path in ROOT.glob("xmlstudy/published/*.csv"):
        with path.open(encoding="utf-8") as handle:
            printed.update(name for row in csv.DictReader(handle)
                           for name in (row.get("method", ""), row.get("printed_method", "")))
    found = set()
    for path in ROOT.glob("xmlstudy/**/*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and re.fullmatch(r"_?[A-Z][a-z0-9]+[A-Z]\w*", node.name):
                found.add(node.name)
    return frozenset(found - printed)


@lru_cache(maxsize=None)
def claim_ids() -> frozenset:
    """Every claim's id (``dxml-nonlinear``): the claims tables name claims by their words."""
    from xmlstudy import chapters

    ids = {c.id for paper in chapters.PAPERS for c in chapters.claims_of(paper)}
    for name in ("synthesis", "scale"):
        ids.update(c.id for c in getattr(chapters.module(name), "CLAIMS", ()))
    return frozenset(i for i in ids if "-" in i or "_" in i)


def leaked_identifiers(text: str) -> list[str]:
    """The identifiers in ``text`` (prose as :func:`prose` leaves it, or a built page's text with
    its inline code in backticks) that a reader should see as words."""
    found = []
    quoted = {m.group(1) for m in re.finditer(r"`([^`]+)`", text)}
    words = set(re.findall(r"(?<![\w./-])[A-Za-z][\w-]*[\w](?![\w/-]|\.\w)", text))
    for word in sorted(words):
        if word in method_keys() or word in claim_ids() or word in class_names():
            found.append(word)
        elif word in field_names() and not (word in quoted and word in notebook_parameters()):
            found.append(word)
    return found


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_prose_names_things_in_words_not_identifiers(path):
    bad = {word: paragraph.strip()[:120] for paragraph in paragraphs(path)
           for word in leaked_identifiers(paragraph)}
    assert not bad, (f"{path.relative_to(ROOT)}: identifiers in prose (name methods with "
                     f"xmlstudy.methods.name, settings with xmlstudy.methods.setting_name, and "
                     f"leave fields and classes to the code and the API pages): {bad}")


def test_the_identifier_check_finds_each_kind():
    text = prose("The `dxml-random-emb` ablation, emb_size and `n_seeds` of a RunConfig, "
                 "`cgmvae-official` in prose.\n\n```bash\npython -m xmlstudy run --methods c2ae\n```\n"
                 "`python -m xmlstudy run --paper cgmvae --methods c2ae` and "
                 "{py:class}`xmlstudy.experiments.RunConfig`, `results/dxml/main.jsonl`, "
                 "DXML with random label vectors, the `results_dir` parameter, a "
                 "{py:class}`configuration <xmlstudy.experiments.RunConfig>` and a "
                 "{py:class}`~xmlstudy.data.DatasetSpec`.")
    assert leaked_identifiers(text) == ["DatasetSpec", "RunConfig", "cgmvae-official", "dxml-random-emb",
                                        "emb_size", "n_seeds"]


# --- settings stated in prose --------------------------------------------------------------------
# A number within a few words after "patience" is a setting typed by hand: the patience differs by
# method and data set (xmlstudy.methods.settings, and the models' defaults), so it is glued.
TYPED_PATIENCE = re.compile(r"patience\W{0,3}(?:(?:of|is|was|at)\W+)?(?:about\s+)?\d", re.I)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_patience_in_prose_is_glued(path):
    typed = [p.strip()[:160] for p in paragraphs(path) if TYPED_PATIENCE.search(p)]
    assert not typed, (f"{path.relative_to(ROOT)}: a patience typed into the prose; glue it from "
                       f"the settings (xmlstudy.methods.settings, xmlstudy.models.settings_as_run): {typed}")


def test_the_patience_check_finds_a_typed_one():
    assert TYPED_PATIENCE.search("early stopping (a patience of 8 to 10 epochs in every chapter)")
    assert TYPED_PATIENCE.search("early stopping with patience 10 on validation")
    assert not TYPED_PATIENCE.search(prose("a patience of {glue:text}`fewer_patience` epochs"))


def test_the_glued_patience_is_what_the_models_run_with():
    from xmlstudy import methods, models
    from xmlstudy.chapters.rankae.glued import settings_numbers

    # DXML and MLP (BCE) leave patience to their constructors; Rank-AE's is the registry's.
    assert models.settings_as_run("dxml", methods.settings("dxml", "bibtex"))["patience"] == 10
    assert models.settings_as_run("mlp-bce", {})["patience"] == 10
    assert models.settings_as_run("rankae", {"patience": 3})["patience"] == 3
    full = settings_numbers("full")
    assert (full["rankae_patience"], full["rankae_epochs"]) == (str(methods.RANKAE_FULL["patience"]),
                                                                str(methods.RANKAE_FULL["epochs"]))
    assert full["rankae_bilstm_patience"] == str(methods.BILSTM_BUDGET["patience"])
    assert settings_numbers("smoke")["rankae_patience"] == "none"   # no early stopping in smoke


def test_the_fewer_rows_patience_spans_every_chapters_choice():
    import pandas as pd

    from xmlstudy.chapters.synthesis.fewer import patience_range

    runs = pd.DataFrame({"method": ["rankae", "cgmvae", "dxml", "knn", "cgmvae", "mlp-bce"],
                         "params": [{"patience": 8}, {"patience": 15}, {}, {}, {"patience": None}, {}],
                         "fraction": [0.1, 0.5, 0.1, 0.1, 0.1, 1.0]})
    assert patience_range(runs) == "8 to 15 epochs"      # dxml's default 10 lies inside
    assert patience_range(runs[runs["method"] == "dxml"]) == "10 epochs"
    assert patience_range(runs[runs["method"] == "knn"]) == "none"


def test_every_setting_has_a_name_for_the_book():
    from xmlstudy import data, methods

    keys = set()
    keys.update(_registry_setting_names())
    for experiment in ("dxml/sweep", "rankae/search", "cgmvae/search"):   # the settings swept
        for line in (ROOT / "results" / f"{experiment}.jsonl").read_text().splitlines():
            keys.update(json.loads(line)["params"])
    missing = sorted(k for k in keys if k not in methods.SETTING_NAMES)
    assert not missing, f"settings without a name in xmlstudy.methods.SETTING_NAMES: {missing}"
    assert methods.setting_name("emb_size") == "E"
    with pytest.raises(ValueError, match="SETTING_NAMES"):
        methods.setting_name("no_such_setting")


# --- what the pages enumerate -----------------------------------------------------------------------
def protocol_datasets() -> list[str]:
    """The first column of the protocol page's data table."""
    text = (ROOT / "book" / "protocol.md").read_text(encoding="utf-8")
    table = re.search(r"^\| data set \|.*?\n\|[-| ]+\|\n((?:\|.*\n)+)", text, re.M)
    return [row.split("|")[1].strip() for row in table.group(1).splitlines()]


def test_the_protocol_table_lists_every_registered_data_set_once():
    from xmlstudy import data

    assert protocol_datasets() == data.names(), (
        "book/protocol.md's data table must list the registry's data sets (xmlstudy.data.names()) "
        "in its order: the rerun page counts them from the registry")


def test_a_list_of_paper_choices_is_the_registrys():
    """A paragraph that speaks of ``--paper`` and names chapters by hand must name all of them;
    the rerun page glues the list from the registry."""
    from xmlstudy import chapters

    for path in PAGES:
        for paragraph in paragraphs(path):
            if "--paper" not in paragraph:
                continue
            named = [w for w in re.findall(r"`([\w-]+)`", paragraph) if w in chapters.CHAPTERS]
            assert not named or sorted(named) == sorted(chapters.CHAPTERS), (
                f"{path.relative_to(ROOT)}: lists --paper values {named}; the command takes "
                f"{list(chapters.CHAPTERS)}: glue them from xmlstudy.chapters.CHAPTERS")
    rerun = (ROOT / "book" / "rerun.md").read_text(encoding="utf-8")
    assert "`--paper` is one of {glue:md}`paper_choices`" in rerun
    assert re.search(r"glue\(\"paper_choices\".*chapters\.CHAPTERS|chapters\.CHAPTERS[^`]*\n.*glue\(\"paper_choices\"",
                     rerun), "the rerun page must glue paper_choices from xmlstudy.chapters.CHAPTERS"


# --- one definition of label noise -------------------------------------------------------------------
# The protocol defines missing + invalid noise (invalid labels drawn per row in proportion to its
# true labels) and says why not the literal "every negative flipped with the rate"; a page that
# speaks of that noise links the definition instead of giving another.
FLIPPED = re.compile(r"(?<!not )\b(?:each|every|any)\s+(?:label|negative|entry)\b[^.;]{0,40}\bflipped", re.I)


@pytest.mark.parametrize("path", [p for p in PAGES if p.name != "protocol.md"],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_label_noise_is_the_protocols(path):
    text = markdown(path)
    if not re.search(r"missing\s*(?:\+|and)\s*invalid", text):
        return
    assert "{ref}`protocol-noise`" in text, (f"{path.relative_to(ROOT)} speaks of missing + invalid "
                                             "noise: link its definition, {ref}`protocol-noise`")
    assert not FLIPPED.search(prose(text)), (f"{path.relative_to(ROOT)}: defines missing + invalid "
                                             "noise as labels flipped with the rate, the reading the "
                                             "protocol rejects")


def test_the_noise_check_finds_the_rejected_reading():
    assert FLIPPED.search("missing + invalid (each label flipped with the rate), at 0 to 60%")
    assert not FLIPPED.search("as many as the rate times its true ones; not every negative flipped")


def test_the_protocol_defines_the_noise_the_code_injects():
    import numpy as np
    import scipy.sparse as sp

    from xmlstudy.data.dataset import Dataset
    from xmlstudy.data.noise import inject_label_noise

    text = (ROOT / "book" / "protocol.md").read_text(encoding="utf-8")
    assert "(protocol-noise)=\n## Label noise" in text
    # The protocol's reading: a row with 5 of 1,000 labels gains Binomial(5, r) invalid labels,
    # not about r * 995 of them.
    Y = sp.csr_matrix((np.ones(2000), (np.repeat(np.arange(400), 5),
                                       np.tile(np.arange(5), 400))), shape=(400, 1000))
    rows = Dataset(name="planted", split="train", X=sp.csr_matrix((400, 3)), Y=Y,
                   feature_names=["a", "b", "c"], label_names=[str(i) for i in range(1000)])
    noisy = inject_label_noise(rows, "missing-invalid", 0.3, seed=0).Y
    added = noisy[:, 5:].sum(axis=1).A1
    assert added.max() <= 5 and 0.2 < added.mean() / 5 < 0.4


# --- each paper chapter opens with its key results ---------------------------------------------------
KEY_RESULTS = re.compile(r"^```\{admonition\} Key results\n:class: tip\n", re.M)


def paper_chapters() -> list[Path]:
    """The notebook of every paper that has a chapter (xmlstudy.chapters.PAPERS)."""
    from xmlstudy import chapters

    return [ROOT / "notebooks" / f"{paper.chapter}.py" for paper in chapters.PAPERS.values() if paper.chapter]


@pytest.mark.parametrize("path", paper_chapters(), ids=lambda p: p.stem)
def test_a_paper_chapter_opens_with_its_key_results(path):
    """A box of three or four findings stands above the claims table, each with a glued number (a
    reader who stops there has read what was measured, not a number typed by hand)."""
    import jupytext

    cells = jupytext.read(path).cells
    boxes = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and KEY_RESULTS.search(c.source)]
    claims = [i for i, c in enumerate(cells) if c.cell_type == "code" and "chapters.show_claims(" in c.source]
    assert len(boxes) == 1, (f"{path.name}: {len(boxes)} key-results boxes; open the chapter with one "
                             "'```{admonition} Key results' (:class: tip) above its claims table")
    assert claims and boxes[0] < claims[0], f"{path.name}: the key-results box must stand above the claims table"
    bullets = re.findall(r"^\* .*(?:\n  .*)*", cells[boxes[0]].source, re.M)
    assert 3 <= len(bullets) <= 4, f"{path.name}: the key-results box lists {len(bullets)} findings; give 3 or 4"
    unglued = [b for b in bullets if "{glue:text}`" not in b]
    assert not unglued, f"{path.name}: findings without a glued number: {unglued}"


def test_the_key_results_check_reads_a_box():
    box = "```{admonition} Key results\n:class: tip\n\n* P@1 {glue:text}`a`\n  against {glue:text}`b`.\n* two\n```"
    assert KEY_RESULTS.search(box)
    assert re.findall(r"^\* .*(?:\n  .*)*", box, re.M) == ["* P@1 {glue:text}`a`\n  against {glue:text}`b`.", "* two"]
