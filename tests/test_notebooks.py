"""Every chapter notebook: jupytext pair in sync, committed without outputs, a literal-only
parameters cell, and a validation cell that rejects an unknown parameter."""
import ast
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "notebooks").glob("*.py"))


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_there_are_notebooks():
    assert SOURCES, "no notebooks/*.py found"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_pair_exists_and_matches(source):
    pair = source.with_suffix(".ipynb")
    assert pair.exists(), f"{pair.name} missing: run 'jupytext --sync {source.relative_to(ROOT)}'"
    from_py = jupytext.read(source)
    from_ipynb = nbformat.read(pair, as_version=4)
    strip = lambda nb: [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", [])))  # noqa: E731
                        for c in nb.cells]
    assert strip(from_py) == strip(from_ipynb), (
        f"{pair.name} has drifted from {source.name}: run 'jupytext --sync {source.relative_to(ROOT)}'")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_pair_is_committed_without_outputs(source):
    nb = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    for i, cell in enumerate(code_cells(nb)):
        assert not cell.get("outputs"), f"{source.stem}.ipynb code cell {i} has outputs; clear them"
        assert cell.get("execution_count") is None, f"{source.stem}.ipynb code cell {i} has an execution count"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_first_code_cell_is_literal_parameters(source):
    first = code_cells(jupytext.read(source))[0]
    assert "parameters" in first.metadata.get("tags", []), "the first code cell must be tagged 'parameters'"
    tree = ast.parse(first.source)
    assert tree.body, "the parameters cell is empty"
    for node in tree.body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1 \
            and isinstance(node.targets[0], ast.Name), \
            f"line {node.lineno}: the parameters cell may hold only 'name = literal' assignments"
        ast.literal_eval(node.value)  # raises ValueError for anything but a literal
    names = {node.targets[0].id for node in tree.body}
    assert {"profile", "device"} <= names


def _namespace_after(cells, extra):
    """Run the parameters cell, add ``extra`` (what papermill -p injects), run the next cell."""
    namespace = {"__name__": "__main__"}
    exec(compile(cells[0].source, "<parameters>", "exec"), namespace)
    namespace.update(extra)
    exec(compile(cells[1].source, "<validate>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_second_cell_validates_parameters(source):
    cells = code_cells(jupytext.read(source))
    assert "validate(" in cells[1].source, "the second code cell must call xmlstudy.parameters.validate"
    ok = _namespace_after(cells, {})
    assert ok["params"].profile in ("smoke", "full")
    with pytest.raises(ValueError, match="unknown parameter.*'seed_typo'"):
        _namespace_after(cells, {"seed_typo": 1})
    with pytest.raises(ValueError, match="'profile'.*'smoke'.*'full'"):
        _namespace_after(cells, {"profile": "fast"})


@pytest.mark.parametrize("source", [s for s in SOURCES if "xc_train =" in s.read_text()],
                         ids=lambda p: p.stem)
def test_user_supplied_files_must_exist(source, tmp_path, monkeypatch):
    """Chapters that run on a user's Extreme Classification Repository files accept an existing
    pair of files, name a missing one, and stop on one of the pair without the other."""
    monkeypatch.setenv("XMLSTUDY_CACHE_DIR", str(tmp_path / "cache"))  # the files are loaded
    cells = code_cells(jupytext.read(source))
    train, test = tmp_path / "train.txt", tmp_path / "test.txt"
    train.write_text("2 2 2\n0 0:1.0 1:0.5\n1 1:2\n")
    test.write_text("1 2 2\n1 0:0.5\n")
    both = {"xc_train": str(train), "xc_test": str(test)}
    assert _namespace_after(cells, both)["params"].xc_train == str(train)
    with pytest.raises(ValueError, match="'xc_train'.*no file at"):
        _namespace_after(cells, {**both, "xc_train": str(tmp_path / "absent.txt")})
    with pytest.raises(ValueError, match="'xc_train' is given but 'xc_test' is not"):
        _namespace_after(cells, {"xc_train": str(train)})


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_stays_thin(source):
    """A chapter notebook holds parameters, calls and prose: its logic lives in the package."""
    cells = code_cells(jupytext.read(source))[1:]   # all but the parameters cell
    lines = sum(1 for c in cells for line in c.source.splitlines() if line.strip())
    assert lines <= 80, f"{source.name}: {lines} code lines outside the parameters cell (at most 80)"
    for i, cell in enumerate(cells):
        tags = set(cell.metadata.get("tags", []))
        assert tags & {"remove-cell", "remove-input", "hide-input"}, \
            f"{source.name} code cell {i + 2} shows its code: tag it remove-input, hide-input or remove-cell"
