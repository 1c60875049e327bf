"""The package's import graph: no circles, and imports go only down the layers.

The graph is read from the source with ``ast`` (nothing is imported), and it counts every import
statement, the ones inside functions too: an import deferred to a function (to keep torch out of
a light module, say) is still a dependency, and a circle through it still ties the modules
together.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "xmlstudy"

# The layers, lowest first. A module may import its own layer and the layers below it. A module is
# placed by the longest prefix listed here, so a new module of a listed package (a data reader, a
# model) is placed by its package; a new top-level module must be given its layer here.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # the version string, which the records read
    ("package", ("xmlstudy",)),
    ("data", ("xmlstudy.data",)),
    # the methods, and what they are built from: the one training loop every torch model trains
    # through, the metrics they select on and the evaluation that scores them batch by batch, the
    # measures they report (label hierarchies, image and attention explanations)
    ("models", ("xmlstudy.models", "xmlstudy.training", "xmlstudy.metrics", "xmlstudy.evaluation",
                "xmlstudy.explain", "xmlstudy.image_explanations", "xmlstudy.attention")),
    ("experiments", ("xmlstudy.experiments", "xmlstudy.runner", "xmlstudy.records", "xmlstudy.sidecars",
                     "xmlstudy.cluster")),
    # what the chapters judge and show with, knowing no paper (and the methods registry and the
    # published numbers, which know every paper but no chapter)
    ("claims", ("xmlstudy.claims", "xmlstudy.rules", "xmlstudy.stats", "xmlstudy.tables",
                "xmlstudy.figures", "xmlstudy.formatting", "xmlstudy.failed_runs",
                "xmlstudy.parameters", "xmlstudy.methods", "xmlstudy.published", "xmlstudy.glossary")),
    ("chapters", ("xmlstudy.chapters",)),
    # what runs the study: the command line, the benchmarks, the book build
    ("entry points", ("xmlstudy.cli", "xmlstudy.__main__", "xmlstudy.benchmarks", "xmlstudy.book")),
)
CHAPTERS = "xmlstudy.chapters"   # the registry; its submodules are the chapters


def module_names() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its ``__init__``)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """The package's modules that the module ``name`` imports anywhere in its source:
    ``from a.b import c`` counts as ``a.b.c`` when that is a module, else as ``a.b``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:   # relative: up from this module's package
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    return {name: imports_of(name, path, set(modules)) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: every strongly connected component of more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def layer_of(module: str) -> int:
    """The rank of ``module``'s layer (the longest listed prefix decides)."""
    best, rank = "", None
    for r, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, rank = prefix, r
    if rank is None or (best == "xmlstudy" and module != "xmlstudy"):
        raise LookupError(f"{module} is in no layer: add it to LAYERS in {__file__}")
    return rank


def is_chapter(module: str) -> bool:
    return module.startswith(CHAPTERS + ".")


def chapter_of(module: str) -> str:
    """``xmlstudy.chapters.dxml.claims`` -> ``xmlstudy.chapters.dxml``: a chapter may be a package."""
    return ".".join(module.split(".")[:3])


# --- the checker itself, on small made-up graphs ---------------------------------------------------
def test_cycles_finds_every_circle_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": set(), "f": {"g"}, "g": {"f"}}
    assert sorted(cycles(graph)) == [["a", "b", "c"], ["f", "g"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_imports_are_resolved_to_modules(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("import xmlstudy.data\nfrom xmlstudy import explain, data\n"
                      "from xmlstudy.models.image import Network\nimport numpy\n"
                      "def f():\n    from . import training\n    from .models import nnae\n")
    modules = {"xmlstudy", "xmlstudy.data", "xmlstudy.explain", "xmlstudy.models",
               "xmlstudy.models.image", "xmlstudy.models.nnae", "xmlstudy.training", "xmlstudy.m"}
    assert imports_of("xmlstudy.m", source, modules) == {
        "xmlstudy.data", "xmlstudy.explain", "xmlstudy.models.image", "xmlstudy.training",
        "xmlstudy.models.nnae"}


def test_layer_of_places_modules_by_their_longest_prefix():
    names = [name for name, _ in LAYERS]
    assert names[layer_of("xmlstudy.data.ucmerced")] == "data"
    assert names[layer_of("xmlstudy.models")] == "models"
    assert names[layer_of("xmlstudy.chapters.dxml")] == "chapters"
    assert names[layer_of("xmlstudy")] == "package"
    with pytest.raises(LookupError, match="xmlstudy.newthing is in no layer"):
        layer_of("xmlstudy.newthing")


# --- the package ------------------------------------------------------------------------------------
def test_the_graph_sees_known_imports():
    graph = import_graph()
    assert "xmlstudy.data.dataset" in graph["xmlstudy.models.base"]
    assert "xmlstudy.training" in graph["xmlstudy.models.latent"]
    assert "xmlstudy.experiments" in graph["xmlstudy.chapters"]


def test_no_import_circles():
    """No circle anywhere in the package. Imports from one chapter module to another are left out
    here: :func:`test_a_chapter_imports_no_other_chapter` forbids them all (and with them the
    circles among chapters)."""
    graph = {m: {t for t in targets if not (is_chapter(m) and is_chapter(t)
                                            and chapter_of(m) != chapter_of(t))}
             for m, targets in import_graph().items()}
    assert cycles(graph) == []


def test_imports_go_only_down_the_layers():
    names = [name for name, _ in LAYERS]
    upward = sorted(f"{m} ({names[layer_of(m)]}) imports {t} ({names[layer_of(t)]})"
                    for m, targets in import_graph().items() for t in targets
                    if layer_of(t) > layer_of(m))
    assert upward == []


def test_a_chapter_imports_no_other_chapter():
    """A chapter module may import the registry (``xmlstudy.chapters``) and its own submodules,
    no other chapter."""
    across = sorted(f"{m} imports {t}" for m, targets in import_graph().items() if is_chapter(m)
                    for t in targets if is_chapter(t) and chapter_of(t) != chapter_of(m))
    assert across == []
