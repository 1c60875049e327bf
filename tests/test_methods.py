"""The methods registry: it covers every model, names and draws each method one way, cites what
resolves, and its settings are what every chapter's grid runs."""
import ast
import re
from pathlib import Path

import pytest

from xmlstudy import chapters, methods, models

ROOT = Path(__file__).resolve().parents[1]
BIB_KEYS = set(re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "book" / "references.bib").read_text(), re.M))


def test_the_registry_covers_exactly_the_models():
    assert set(methods.METHODS) == set(models.METHODS)
    assert all(key == entry.key for key, entry in methods.METHODS.items())


def test_every_method_has_its_own_name_colour_and_a_definition():
    from matplotlib.lines import Line2D

    entries = list(methods.METHODS.values())
    names = [m.name for m in entries]
    assert len(set(names)) == len(names)
    assert all(len(n) <= 32 for n in names), "a name must fit a table header"
    colours = [m.colour.lower() for m in entries]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours)
    assert all(m.marker in Line2D.markers for m in entries)
    assert all(m.definition.endswith(".") and len(m.definition) > 40 for m in entries)


def test_the_methods_drawn_together_are_told_apart():
    """The cross-paper figures draw all eleven methods of the synthesis at once: their colours
    and markers differ (and so do the DXML and Rank-AE ablation figures' colours)."""
    from xmlstudy.chapters import dxml, rankae, synthesis

    for group in (synthesis.METHODS, ("dxml", *dxml.VARIANTS), rankae.METHODS, rankae.NOISE_METHODS):
        assert len({methods.colour(m) for m in group}) == len(group), group
    assert len({methods.marker(m) for m in synthesis.METHODS}) == len(synthesis.METHODS)


def test_every_citation_resolves():
    uncited = [m.key for m in methods.METHODS.values() if m.cite is None]
    assert uncited == ["random-groups"]            # the study's own chance-level control
    missing = {m.key: m.cite for m in methods.METHODS.values() if m.cite and m.cite not in BIB_KEYS}
    assert not missing, f"cite keys not in book/references.bib: {missing}"


def test_names_map_back_to_their_keys():
    for key in methods.METHODS:
        assert methods.key_of(methods.name(key)) == key
    with pytest.raises(ValueError, match="no method is displayed as 'BR'"):
        methods.key_of("BR")
    with pytest.raises(ValueError, match="unknown method 'svm'; valid: .*knn"):
        methods.name("svm")


def test_lighter_mixes_with_white():
    assert methods.lighter("#000000", 0.5) == "#808080"
    assert methods.lighter("#1f77b4", 0.0) == "#1f77b4" and methods.lighter("#1f77b4", 1.0) == "#ffffff"


# --- settings ---------------------------------------------------------------------------------------
def test_settings_by_hand():
    # DXML: the chosen settings, the data set's own batch size, the smoke cuts on top.
    assert methods.settings("dxml", "bibtex") == methods.DXML_CHOSEN
    assert methods.settings("dxml-l2", "imdb")["batch_size"] == 128
    assert methods.settings("dxml", "bibtex", "smoke")["walks_per_node"] == 2
    # Rank-AE: the epoch budget, plus the search's choices where it ran.
    assert methods.settings("rankae", "yeast") == {"epochs": 60, "patience": 8}
    assert methods.settings("bce-ae", "delicious") == {"epochs": 60, "patience": 8, "lam": 10.0,
                                                       "margin": 0.5, "lr": 0.003, "weight_decay": 0.0}
    assert methods.settings("rankae-bilstm", "reuters")["lam"] == 1.0
    assert methods.settings("kim-cnn", "reuters") == {"length": 150}
    # C-GMVAE's family: Table 7's row, a borrowed one, the variants without alpha, C2AE's cap.
    assert methods.settings("cgmvae", "scene") == dict(lr=0.003, alpha=1.0, beta=0.5, emb_size=512,
                                                       dropout=0.3, epochs=60, patience=15)
    assert methods.settings("cgmvae", "bibtex") == methods.settings("cgmvae", "reuters")
    assert methods.settings("cgmvae", "reuters")["decoder_hidden"] == [512, 512, 512]
    assert methods.settings("cgmvae", "delicious")[("patience")] is None           # no early stopping
    assert "alpha" not in methods.settings("cgmvae-gm-only", "yeast")
    assert methods.settings("c2ae", "delicious") == {"epochs": 30, "patience": 8, "grad_clip": 1.0}
    assert methods.settings("cgmvae", "delicious", "smoke") == methods.settings("cgmvae", "yeast", "smoke")
    # The baselines choose on validation; only the smoke profile cuts one-vs-rest's C grid, and
    # kNN's tie rule is written out so that it enters the configuration's hash.
    assert methods.settings("knn", "bibtex") == {"ties": "index"} == methods.settings("knn", "yeast", "smoke")
    assert methods.settings("ovr-linear", "bibtex") == {}
    assert methods.settings("ovr-linear", "bibtex", "smoke") == {"C_grid": [0.1, 1.0]}
    assert methods.settings("nnae", "bibtex", "smoke") == {"units": [64, 16], "epochs": 30}


def test_settings_are_a_fresh_dict_each_call():
    methods.settings("dxml", "bibtex")["window"] = 99
    methods.settings("rankae", "delicious")["lam"] = 99
    assert methods.settings("dxml", "bibtex")["window"] == 10
    assert methods.settings("rankae", "delicious")["lam"] == 1.0


def test_settings_reject_what_they_do_not_know():
    with pytest.raises(ValueError, match="unknown method 'dxml2'"):
        methods.settings("dxml2", "bibtex")
    with pytest.raises(ValueError, match="unknown profile 'fast'; valid: full, smoke"):
        methods.settings("dxml", "bibtex", "fast")
    with pytest.raises(ValueError, match="cgmvae has no settings for data set 'bbc_food'.*SETTINGS_FROM"):
        methods.settings("cgmvae", "bbc_food")


def test_rankae_search_start_is_the_models():
    from xmlstudy.models.rankae import SEARCH_START

    assert methods.RANKAE_SEARCH_START == SEARCH_START


# The experiments whose configurations run a method exactly as the registry sets it (the other
# experiments apply their own changes on top: sweeps, searches, noise, design variants).
AS_REGISTERED = {("baselines", "main"), ("dxml", "main"), ("dxml", "ablation"),
                 ("dxml", "paper_split"), ("rankae", "main"), ("rankae", "attention"),
                 ("cgmvae", "main"), ("cgmvae", "embeddings"), ("nnae", "many_labels"),
                 ("nnae", "image"), ("synthesis", "benchmark"), ("synthesis", "fewer_data"),
                 ("scale", "debian")}


def _expected(chapter: str, config) -> dict:
    """The registry's settings, with the chapters' documented exceptions."""
    settings = methods.settings(config.method, config.dataset, config.profile)
    if chapter == "cgmvae" and config.method == "ovr-linear":
        return {}                       # the model's own C grid, in smoke too
    if chapter == "synthesis" and config.profile == "smoke":
        if config.method == "nnae":
            return {}                   # the two-step model at its defaults
        if config.method in ("rankae", "bce-ae"):
            return {**settings, **methods.RANKAE_SEARCH_START}   # no search in smoke
    if chapter == "scale" and config.profile == "smoke" and config.method in ("rankae", "bce-ae"):
        return {**settings, **methods.RANKAE_SEARCH_START}       # no search in smoke
    return settings


@pytest.mark.parametrize("profile", ["full", "smoke"])
def test_the_grids_run_the_registrys_settings(profile):
    checked = 0
    for chapter in chapters.CHAPTERS:
        for config in chapters.grid(chapter, profile):
            if (chapter, config.experiment) in AS_REGISTERED:
                assert config.params == _expected(chapter, config), config.label()
                checked += 1
    assert checked > (500 if profile == "full" else 50)


def test_no_chapter_imports_another_for_its_settings():
    """A chapter reads another chapter's grid through xmlstudy.chapters.grid, never its module."""
    allowed: set = set()
    for name in chapters.CHAPTERS:
        # A chapter is a module (chapters/<name>.py) or a package (chapters/<name>/*.py).
        module = ROOT / "xmlstudy" / "chapters" / f"{name}.py"
        sources = [module] if module.exists() else sorted((module.with_suffix("")).glob("*.py"))
        assert sources, f"no source for the chapter {name}"
        for source in sources:
            for node in ast.walk(ast.parse(source.read_text())):
                if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("xmlstudy.chapters"):
                    continue
                # from xmlstudy.chapters import other / from xmlstudy.chapters.other[.part] import x
                parts = node.module.split(".")
                targets = [alias.name for alias in node.names] if len(parts) == 2 else [parts[2]]
                for target in targets:
                    assert target not in chapters.CHAPTERS or target == name \
                        or (name, target) in allowed, f"{name} imports the {target} chapter"
