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
    # Notebooks and markdown pages with code cells (jupytext front matter with a kernelspec).
    executable = [c for c in chapters if book.chapter_source(c).suffix == ".ipynb"
                  or book._is_notebook_md(book.chapter_source(c))]
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


def test_the_full_book_reads_records_and_never_computes_them(tmp_path, monkeypatch):
    # A missing record computed by `make book` can cost hours; only chapters that declare
    # run_missing are given it (papermill would inject it into any notebook).
    import papermill

    monkeypatch.setattr(book, "ROOT", tmp_path)
    monkeypatch.setattr(book, "EXECUTED", tmp_path / "_build" / "executed")
    (tmp_path / "notebooks").mkdir()
    for name, cell in (("chapter", 'profile = "smoke"\nrun_missing = True'), ("page", 'profile = "smoke"')):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(cell, metadata={"tags": ["parameters"]})]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, tmp_path / "notebooks" / f"{name}.ipynb")
    given = {}

    def execute_notebook(source, output, parameters, **_):
        given[(Path(source).stem, parameters["profile"])] = dict(parameters)
        Path(output).write_text(Path(source).read_text())

    monkeypatch.setattr(papermill, "execute_notebook", execute_notebook)
    for profile in ("full", "smoke"):
        book.execute(["notebooks/chapter", "notebooks/page"], profile)
    assert given == {("chapter", "full"): {"profile": "full", "run_missing": False},
                     ("page", "full"): {"profile": "full"},
                     ("chapter", "smoke"): {"profile": "smoke"}, ("page", "smoke"): {"profile": "smoke"}}


def _executed_notebook() -> nbformat.NotebookNode:
    """A notebook as papermill leaves it: injected parameters, machine paths, a warning."""
    nb = nbformat.v4.new_notebook()
    root, home = str(book.ROOT), str(Path.home())
    nb.metadata["papermill"] = {"input_path": f"{root}/notebooks/dxml.ipynb",
                                "output_path": f"{root}/_build/executed/notebooks/dxml.partial.ipynb",
                                "parameters": {"profile": "smoke"}, "version": "2.7.0"}
    stdout = nbformat.v4.new_output("stream", name="stdout",
                                    text=f"records in {root}/results/dxml/main.jsonl\n")
    stderr = nbformat.v4.new_output("stream", name="stderr",
                                    text=f"{root}/.venv/lib/python3.11/site-packages/tqdm/auto.py:21: TqdmWarning\n")
    table = nbformat.v4.new_output("execute_result", execution_count=3, data={
        "text/plain": f"cache {home}/.cache/x.npz", "text/html": f"<td>{book.ROOT.parent}/shared/data/a.arff</td>",
        "image/png": "iVBORw0KGgo/work/main+AAAA"})
    nb.cells = [
        nbformat.v4.new_code_cell('profile = "smoke"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('# Parameters\nprofile = "full"\n', metadata={"tags": ["injected-parameters"]}),
        nbformat.v4.new_code_cell("run()", outputs=[stdout, stderr, table]),
        nbformat.v4.new_markdown_cell(f"Source text stays: {root}"),
    ]
    return nb


def test_scrub_hides_the_injected_parameters_and_drops_machine_paths_and_warnings(monkeypatch):
    monkeypatch.delenv("XMLSTUDY_DATA_DIR", raising=False)
    nb = book.scrub(_executed_notebook())
    assert nb.metadata["papermill"] == {"parameters": {"profile": "smoke"}, "version": "2.7.0"}
    assert nb.cells[0].metadata["tags"] == ["parameters"]
    assert nb.cells[0].source == 'profile = "full"'  # shown: the value the page ran with
    assert nb.cells[1].metadata["tags"] == ["injected-parameters", "remove-cell"]
    assert nb.cells[1].source == '# Parameters\nprofile = "full"\n'  # kept for the download
    stdout, table = nb.cells[2].outputs  # the stderr warning is gone, the rest kept in order
    assert (stdout.name, stdout.text) == ("stdout", "records in results/dxml/main.jsonl\n")
    assert table.data["text/plain"] == "cache ~/.cache/x.npz"
    assert table.data["text/html"] == "<td>../shared/data/a.arff</td>"
    assert table.data["image/png"] == "iVBORw0KGgo/work/main+AAAA"  # base64 is never rewritten
    assert table.execution_count == 3
    assert nb.cells[3].source == f"Source text stays: {book.ROOT}"
    nbformat.validate(nb)


def test_the_parameters_cell_shows_the_values_the_page_ran_with():
    # Comments, order, a multi-line default, text after a non-ASCII character and the defaults
    # papermill was not given all stay; only the given values change.
    shown = ('# "smoke" or "full" (≤ minutes)\nprofile = "smoke"   # which records\n'
             'datasets = ["bibtex",\n            "yeast"]  # é\nseeds = None\nrun_missing = True\n')
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell('profile = "smoke" in prose is not a cell'),
                nbformat.v4.new_code_cell(shown, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell('# Parameters\nprofile = "full"\ndatasets = ["sider"]\n'
                                          'run_missing = False\nresults_dir = "mine"\n',
                                          metadata={"tags": ["injected-parameters"]})]
    book.effective_parameters(nb)
    assert nb.cells[1].source == ('# "smoke" or "full" (≤ minutes)\nprofile = "full"   # which records\n'
                                  'datasets = ["sider"]  # é\nseeds = None\nrun_missing = False\n'
                                  'results_dir = "mine"')
    assert nb.cells[0].source == 'profile = "smoke" in prose is not a cell'
    assert nb.cells[2].source.startswith("# Parameters")  # papermill's own cell is left as it was

    alone = nbformat.v4.new_notebook()  # run without parameters: nothing to rewrite
    alone.cells = [nbformat.v4.new_code_cell('profile = "smoke"', metadata={"tags": ["parameters"]})]
    assert book.effective_parameters(alone).cells[0].source == 'profile = "smoke"'


def test_scrub_names_the_data_mirror_by_its_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("XMLSTUDY_DATA_DIR", str(tmp_path / "mirror"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("load()", outputs=[nbformat.v4.new_output(
        "stream", name="stdout", text=f"read {tmp_path}/mirror/bibtex/Bibtex.arff\n")])]
    assert book.scrub(nb).cells[0].outputs[0].text == "read $XMLSTUDY_DATA_DIR/bibtex/Bibtex.arff\n"


def test_assembled_chapters_are_scrubbed(tmp_path, monkeypatch):
    monkeypatch.setattr(book, "EXECUTED", tmp_path / "executed")
    monkeypatch.setattr(book, "SOURCE", tmp_path / "book-src")
    for chapter in book.toc_files():
        source = book.chapter_source(chapter)
        if source.suffix == ".ipynb" or book._is_notebook_md(source):
            (tmp_path / "executed" / chapter).parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(_executed_notebook(), tmp_path / "executed" / f"{chapter}.ipynb")
    source = book.assemble()
    written = source / "notebooks" / "dxml.ipynb"
    text = written.read_text(encoding="utf-8")
    assert "input_path" not in text and "stderr" not in text and "TqdmWarning" not in text
    outputs = [o for c in nbformat.read(written, 4).cells for o in c.get("outputs", [])]
    assert [o.get("text") for o in outputs if o.output_type == "stream"] == ["records in results/dxml/main.jsonl\n"]


def test_bibliography_file_is_sorted_by_key():
    keys = re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "book" / "references.bib").read_text(), re.M)
    assert keys == sorted(keys), "book/references.bib: keep the entries sorted by key (author, year, word)"

