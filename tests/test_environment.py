"""environment.yml (conda) must install what pyproject.toml declares, with the same pins; and
pyproject.toml declares what the package, its tests and its notebooks import, and nothing unused."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def name_of(requirement: str) -> str:
    """'scikit-learn>=1.5' -> 'scikit-learn'; PEP 503 normalised."""
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1)
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_packages() -> set[str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return {name_of(r) for r in tomllib.load(f)["project"]["dependencies"]}


def environment_pip_lines() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip: section"
    return pip_sections[0]


def test_environment_names_the_pyproject_packages():
    listed = {name_of(line) for line in environment_pip_lines() if not line.startswith("-")}
    declared = pyproject_packages()
    assert listed - declared == set(), f"in environment.yml but not pyproject.toml: {sorted(listed - declared)}"
    assert declared - listed == set(), f"in pyproject.toml but not environment.yml: {sorted(declared - listed)}"


def test_environment_uses_the_constraints_and_installs_the_package():
    lines = environment_pip_lines()
    assert lines[0] == "torch==2.13.0", "torch must come first with its exact pin"
    assert "-c constraints.txt" in lines
    assert lines[-1] == "-e ."
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]


def test_constraints_pin_every_declared_package():
    pinned = {name_of(line) for line in (ROOT / "constraints.txt").read_text().splitlines()
              if "==" in line and not line.startswith("#")}
    missing = pyproject_packages() - pinned
    assert not missing, f"constraints.txt has no exact pin for {sorted(missing)}"


# --- what is declared is what is used ---------------------------------------------------------------
# Declared, and used without an import statement in the package or its tests: where each is used.
USED_WITHOUT_IMPORT = {
    "jupyter-book": "the book build (`jupyter-book build`, Makefile and xmlstudy.book)",
    "ipykernel": "the kernel that runs the notebooks",
    "pyarrow": "pandas reads the GloVe word index (parquet) through it (xmlstudy.models.word_vectors)",
    "dask": "the `dask scheduler` and `dask worker` commands; its extras bring distributed and bokeh",
    "django-static-mathjax": "MathJax for the book, found by xmlstudy.book as the module 'mathjax'",
}
SOURCES = ("xmlstudy", "tests", "notebooks")


def imported_top_modules() -> dict[str, set[str]]:
    """Top-level module -> the files that import it, over the package, the tests and the
    notebooks (imports inside functions included)."""
    import ast
    import sys

    # the package, and the test modules that tests import from one another
    local = {"xmlstudy"} | {p.stem for p in (ROOT / "tests").glob("*.py")}
    found: dict[str, set[str]] = {}
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                         else [])
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in local:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def declared_distributions() -> set[str]:
    """The names of pyproject.toml's dependencies, and of their extras that are distributions of
    their own (``dask[distributed]`` installs the distribution ``distributed``)."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        requirements = tomllib.load(f)["project"]["dependencies"]
    out = set()
    for r in requirements:
        out.add(name_of(r))
        extras = re.search(r"\[([^\]]*)\]", r)
        out.update(name_of(e) for e in (extras.group(1).split(",") if extras else ()))
    return out


def test_every_imported_distribution_is_declared_and_every_declared_one_is_used():
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    declared = declared_distributions()
    undeclared, used = {}, set()
    for module, files in sorted(imported_top_modules().items()):
        dists = {name_of(d) for d in owners.get(module, ())}
        assert dists, f"{module} (imported by {sorted(files)[:3]}) belongs to no installed distribution"
        used |= dists
        if not dists & declared:
            undeclared[module] = (sorted(dists), sorted(files)[:3])
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
    unused = pyproject_packages() - used - set(USED_WITHOUT_IMPORT)
    assert not unused, (f"declared in pyproject.toml but never imported: {sorted(unused)}; drop "
                        "them, or say in USED_WITHOUT_IMPORT where they are used")
