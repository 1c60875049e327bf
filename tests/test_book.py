"""The book's sources: citations resolve, the toc and the Makefile agree, and the build script
executes with parameters and never leaves a failed chapter where the build would render it."""
import re
from pathlib import Path

import nbformat
import pytest

from xmlstudy import book

ROOT = Path(__file__).resolve().parents[1]
BIB_KEYS = set(re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "book" / "references.bib").read_text(), re.M))


def test_bibliography_has_the_four_seeds():
    assert {"kang2019towards", "zhang2018deep", "wang2019ranking", "bai2022gaussian"} <= BIB_KEYS


def test_every_dataset_citation_resolves():
    from xmlstudy import data

    for name in data.names():
        keys = [k.strip() for k in data.spec(name).citation.split(",") if k.strip()]
        assert keys, f"dataset {name!r} cites nothing"
        missing = [k for k in keys if k not in BIB_KEYS]
        assert not missing, f"dataset {name!r} cites {missing}, not in book/references.bib"


def test_every_citation_in_the_book_resolves():
    sources = [*ROOT.glob("book/*.md"), *ROOT.glob("notebooks/*.py")]
    cited = {}
    for path in sources:
        for keys in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", path.read_text(encoding="utf-8")):
            for key in keys.split(","):
                cited.setdefault(key.strip(), path.name)
    missing = {k: where for k, where in cited.items() if k not in BIB_KEYS}
    assert not missing, f"citation keys not in book/references.bib: {missing}"


def test_toc_chapters_exist_and_the_makefile_executes_every_notebook():
    chapters = book.toc_files()
    assert chapters[0] == "book/intro"
    for chapter in chapters:
        book.chapter_source(chapter)  # raises FileNotFoundError naming the chapter
    notebooks = re.search(r"^NOTEBOOKS := (.+)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
    executable = [c for c in chapters if c.startswith("notebooks/") or c == "book/summary"]
    assert notebooks == executable, "the Makefile's NOTEBOOKS must list the toc's executable chapters in order"


def _write_notebook(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('profile = "smoke"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.mark.slow
def test_execute_injects_the_profile_and_keeps_failures_apart(tmp_path, monkeypatch):
    monkeypatch.setattr(book, "ROOT", tmp_path)
    monkeypatch.setattr(book, "EXECUTED", tmp_path / "_build" / "executed")
    (tmp_path / "notebooks").mkdir()
    _write_notebook(tmp_path / "notebooks" / "good.ipynb", "print('profile is', profile)")
    _write_notebook(tmp_path / "notebooks" / "bad.ipynb", "raise RuntimeError('boom')")

    (out,) = book.execute(["notebooks/good"], "full")
    printed = "".join(o.get("text", "") for c in nbformat.read(out, 4).cells for o in c.get("outputs", []))
    assert "profile is full" in printed

    with pytest.raises(Exception, match="boom"):
        book.execute(["notebooks/bad"], "smoke")
    executed = tmp_path / "_build" / "executed" / "notebooks"
    assert not (executed / "bad.ipynb").exists()
    assert (executed / "bad.failed.ipynb").exists()
    assert not list(executed.glob("*.partial.ipynb"))

    with pytest.raises(ValueError, match="'smoke', 'full'"):
        book.execute(["notebooks/good"], "quick")
    with pytest.raises(FileNotFoundError, match="notebooks/missing"):
        book.execute(["notebooks/missing"], "smoke")
