"""Build the book: execute the notebooks with papermill, then render the executed copies.

``python -m xmlstudy.book execute --profile smoke notebooks/dxml book/summary``
    runs each chapter with papermill (``-p profile ...``) into ``_build/executed/<chapter>.ipynb``.
    A chapter is a jupytext pair in ``notebooks/`` (the committed ``.ipynb`` is executed, as a
    reader would run it) or a MyST-markdown notebook such as ``book/summary.md``. The repository
    copies are never touched; a chapter that fails leaves ``<chapter>.failed.ipynb`` beside
    where its output would go, and no executed copy.
``python -m xmlstudy.book build [--strict]``
    assembles ``_config.yml``, ``_toc.yml``, ``book/`` and the executed chapters (scrubbed, see
    :func:`scrub`) in ``_build/book-src/``, runs Jupyter Book on it (execution off) into
    ``_build/html`` and copies MathJax into the site. ``--strict`` turns every Sphinx warning
    into an error.

Why this way: papermill is the one tool that executes a notebook *with parameters* (smoke for CI,
full for the book) and fails on the first failing cell; Jupyter Book can only execute with a
notebook's default parameters. Rendering the executed copies keeps the repository's notebooks
free of outputs, and ``_config.yml``/``_toc.yml`` stay at the repository root as the single
source of the book's structure.
"""
from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
EXECUTED = BUILD / "executed"
SOURCE = BUILD / "book-src"
HTML = BUILD / "html"


def chapter_source(chapter: str) -> Path:
    """The file papermill executes for ``chapter`` (a path without suffix, as in ``_toc.yml``)."""
    base = ROOT / chapter
    if base.with_suffix(".py").exists() or base.with_suffix(".ipynb").exists():
        pair = base.with_suffix(".ipynb")
        if not pair.exists():
            raise FileNotFoundError(
                f"{chapter}.py has no paired notebook {chapter}.ipynb; create it with "
                f"'jupytext --set-formats ipynb,py:percent {chapter}.py'")
        return pair
    if base.with_suffix(".md").exists():
        return base.with_suffix(".md")
    raise FileNotFoundError(f"no chapter {chapter!r}: expected {chapter}.py (+ .ipynb) or {chapter}.md "
                            f"under {ROOT}")


def execute(chapters: list[str], profile: str) -> list[Path]:
    """Execute each chapter with ``profile`` into ``_build/executed/``; returns the outputs."""
    import jupytext
    import papermill

    if profile not in ("smoke", "full"):
        raise ValueError(f"profile {profile!r}; valid: 'smoke', 'full'")
    os.environ.setdefault("TQDM_DISABLE", "1")  # the kernel inherits it: no progress bars in pages
    outputs = []
    for chapter in chapters:
        source = chapter_source(chapter)
        target = EXECUTED / f"{chapter}.ipynb"
        failed = target.with_suffix(".failed.ipynb")
        partial = target.with_suffix(".partial.ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in (target, failed, partial):
            stale.unlink(missing_ok=True)
        if source.suffix == ".md":
            # A MyST-markdown notebook: papermill reads only .ipynb, so convert it first.
            converted = EXECUTED / "_converted" / f"{chapter}.ipynb"
            converted.parent.mkdir(parents=True, exist_ok=True)
            jupytext.write(jupytext.read(source), converted)
            source = converted
        parameters = {"profile": profile}
        # The full book reads the committed records; computing a missing one can take hours, so
        # that is `make results`' job. The chapter then says how many configurations it lacks.
        if profile == "full" and "run_missing" in papermill.inspect_notebook(str(source)):
            parameters["run_missing"] = False
        print(f"[book] executing {chapter} (profile {profile})", flush=True)
        try:
            papermill.execute_notebook(
                str(source), str(partial), parameters=parameters, kernel_name="python3",
                cwd=str((ROOT / chapter).parent), progress_bar=False, start_timeout=120,
            )
        except Exception:
            if partial.exists():
                partial.rename(failed)
                print(f"[book] {chapter} failed; the executed notebook with the error is {failed}",
                      file=sys.stderr)
            raise
        partial.rename(target)
        outputs.append(target)
    return outputs


def toc_files(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Every ``file:``/``root:`` entry of the table of contents, in order."""
    toc = yaml.safe_load(toc_path.read_text())
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in toc.items() if k != "root"})
    return found


def machine_paths() -> list[tuple[str, str]]:
    """(absolute path, what a reader sees instead), longest first: the repository becomes
    repository-relative, the data mirror ``$XMLSTUDY_DATA_DIR`` and the home directory ``~``."""
    pairs = {str(ROOT) + os.sep: "", str(ROOT): "."}
    for path, short in ((ROOT.parent, ".."), (Path.home(), "~")):
        if path != Path(path.anchor):  # never the bare root "/": that is in every path
            pairs[str(path) + os.sep] = short + os.sep
    if os.environ.get("XMLSTUDY_DATA_DIR"):
        pairs[str(Path(os.environ["XMLSTUDY_DATA_DIR"]).resolve())] = "$XMLSTUDY_DATA_DIR"
    return sorted(pairs.items(), key=lambda pair: -len(pair[0]))


# Output data that is base64, not text: left alone.
_BINARY = ("image/png", "image/jpeg", "image/gif", "application/pdf")


def _strip_paths(value, paths):
    """``value`` (an output or part of one) with every machine path in its strings replaced."""
    if isinstance(value, str):
        for path, short in paths:
            value = value.replace(path, short)
        return value
    if isinstance(value, list):
        return [_strip_paths(v, paths) for v in value]
    if isinstance(value, dict):
        for key in value:
            if key not in _BINARY:
                value[key] = _strip_paths(value[key], paths)
    return value


def _assignments(source: str) -> dict:
    """``{name: (start, end, value source)}`` of the top-level ``name = literal`` statements of a
    cell, ``start``/``end`` being character offsets of the value in ``source``."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(lineno: int, col: int) -> int:   # ast columns count UTF-8 bytes
        line = lines[lineno - 1]
        return starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8"))

    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            start = offset(node.value.lineno, node.value.col_offset)
            end = offset(node.value.end_lineno, node.value.end_col_offset)
            found[node.targets[0].id] = (start, end, source[start:end])
    return found


def effective_parameters(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with its ``parameters`` cell showing the values the page ran with, changed in place.

    Each ``name = value`` of the parameters cell whose name papermill was given (its
    ``injected-parameters`` cell) takes the injected value; comments, order and the other defaults
    stay, so the cell still documents every parameter. A given name the cell lacks is added at its
    end. A notebook without both cells is returned unchanged.
    """
    cells = {tag: cell for cell in reversed(nb.cells) for tag in cell.metadata.get("tags", [])
             if tag in ("parameters", "injected-parameters") and cell.cell_type == "code"}
    if len(cells) < 2:
        return nb
    given = {name: value for name, (_, _, value) in _assignments(cells["injected-parameters"].source).items()}
    source = cells["parameters"].source
    shown = _assignments(source)
    for name, (start, end, _) in sorted(shown.items(), key=lambda item: -item[1][0]):
        if name in given:
            source = source[:start] + given[name] + source[end:]
    extra = [f"{name} = {value}" for name, value in given.items() if name not in shown]
    if extra:
        source = source.rstrip("\n") + "\n" + "\n".join(extra)
    cells["parameters"].source = source
    return nb


def scrub(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The executed notebook as a reader sees and downloads it, changed in place and returned.

    The parameters cell, which the page shows, is rewritten to hold the values the page ran with
    (:func:`effective_parameters`): papermill puts the values it was given in a cell of its own
    after it, so the defaults the reader would see (``profile = "smoke"`` above tables of the full
    runs) are not what ran. Papermill's injected-parameters cell is tagged ``remove-cell`` (hidden
    in the book; it stays in the download). Papermill's ``input_path`` and ``output_path`` and
    every absolute path of this machine in the outputs are dropped (see :func:`machine_paths`), and
    so are stderr streams: warnings and progress bars, not results. All other outputs are kept as
    they are.
    """
    for key in ("input_path", "output_path"):
        nb.metadata.get("papermill", {}).pop(key, None)
    paths = machine_paths()
    effective_parameters(nb)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
        if cell.cell_type == "code":
            cell.outputs = [_strip_paths(output, paths) for output in cell.outputs
                            if not (output.output_type == "stream" and output.name == "stderr")]
    return nb


def mathjax_dir() -> Path:
    """MathJax 3's browser build (``es5/``), from the django-static-mathjax package: the book
    loads it from its own ``_static/mathjax/`` (``mathjax_path`` in ``_config.yml``), so math is
    typeset without reaching a CDN."""
    spec = importlib.util.find_spec("mathjax")
    es5 = Path(spec.origin).parent / "static" / "mathjax" / "es5" if spec and spec.origin else None
    if es5 is None or not (es5 / "tex-mml-chtml.js").exists():
        raise FileNotFoundError("MathJax not found: install the pinned django-static-mathjax "
                                "('pip install -c constraints.txt -e .')")
    return es5


def assemble() -> Path:
    """Put the book sources and the executed chapters together in ``_build/book-src/``."""
    if SOURCE.exists():
        shutil.rmtree(SOURCE)
    SOURCE.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, SOURCE / name)
    shutil.copytree(ROOT / "book", SOURCE / "book")
    missing = []
    for chapter in toc_files():
        executed = EXECUTED / f"{chapter}.ipynb"
        if executed.exists():
            (SOURCE / chapter).parent.mkdir(parents=True, exist_ok=True)
            # The executed copy replaces any markdown-notebook source of the same chapter.
            (SOURCE / f"{chapter}.md").unlink(missing_ok=True)
            nbformat.write(scrub(nbformat.read(executed, as_version=4)), SOURCE / f"{chapter}.ipynb")
        elif chapter_source(chapter).suffix != ".md" or _is_notebook_md(ROOT / f"{chapter}.md"):
            missing.append(chapter)
    if missing:
        raise FileNotFoundError(
            f"chapter(s) not executed yet: {', '.join(missing)}. Run 'make smoke' (or 'python -m "
            f"xmlstudy.book execute --profile smoke {' '.join(missing)}') first.")
    return SOURCE


def _is_notebook_md(path: Path) -> bool:
    """A markdown page that holds code cells (jupytext front matter with a kernelspec)."""
    head = path.read_text(encoding="utf-8")[:2000]
    return head.startswith("---") and "kernelspec" in head


def build(strict: bool = False) -> Path:
    """Assemble and render the book into ``_build/html``; ``strict``: warnings are errors."""
    source = assemble()
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(source),
               "--path-output", str(ROOT), "--all"]
    if strict:
        command += ["-W", "--keep-going"]
    print("[book] " + " ".join(command), flush=True)
    # From scratch: a page of a removed chapter would linger, and viewcode keeps a source page
    # that is newer than its module even when the page's template or scripts changed.
    shutil.rmtree(HTML, ignore_errors=True)
    result = subprocess.run(command, cwd=ROOT)
    # MathJax is copied into the built site, where mathjax_path (_config.yml) points, and not
    # through a _static/ folder of the sources: Jupyter Book would add every .js file found there
    # to every page.
    shutil.copytree(mathjax_dir(), HTML / "_static" / "mathjax", dirs_exist_ok=True)
    result.check_returncode()
    return HTML


def _bibliography_style():
    """The references page's pybtex style ``xmlstudy``: the default ``alpha`` style, sorted by
    the first author's surname, the year, then all authors and the title; a corporate author
    written in braces (``{BBC Food}``) is filed under its first letter, not after Z ("{" sorts
    after letters), and
    an accented name written in LaTeX (``{\\v{R}}eh{\\r{u}}{\\v{r}}ek``) under its plain letters
    ("rehurek"), not before A (a backslash sorts before letters)."""
    import re
    import unicodedata

    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.alpha import Style
    from pybtex.style.sorting.author_year_title import SortingStyle

    def plain(text: str) -> str:
        text = re.sub(r"\\[a-zA-Z]+\s*|\\.", "", text).replace("{", "").replace("}", "")
        return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()

    class Sorting(SortingStyle):
        def person_key(self, person):
            return plain(super().person_key(person))

        def sorting_key(self, entry):
            # By the first author's surname, then the year (a reader looks up "Bhatia et al.,
            # 2015" there), then all authors and the title.
            authors, year, title = super().sorting_key(entry)
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            first = plain(" ".join(people[0].prelast_names + people[0].last_names)) if people else authors
            return (first, year, authors, title)

    class Alpha(Style):
        default_sorting_style = "xmlstudy"

    register_plugin("pybtex.style.sorting", "xmlstudy", Sorting, force=True)
    register_plugin("pybtex.style.formatting", "xmlstudy", Alpha, force=True)


def setup(app):
    """Sphinx extension (named in ``_config.yml``): the bibliography style ``xmlstudy`` (see
    :func:`_bibliography_style`), and the book without Thebe.

    Jupyter Book always loads sphinx-thebe, which puts a script on every page that names thebe's
    URL on a CDN; under Sphinx 7.4 that inline script is added twice, and the second copy's
    ``const THEBE_JS_URL`` is a console error on every page. The book has no live-code button, so
    the script is not added at all (the handler is dropped once every extension is set up).
    """
    _bibliography_style()

    def drop_thebe_scripts(app):
        import sphinx_thebe

        for listener in list(app.events.listeners.get("env-before-read-docs", [])):
            if listener.handler is sphinx_thebe.init_thebe_core:
                app.disconnect(listener.id)

    app.connect("builder-inited", drop_thebe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xmlstudy.book", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("execute", help="execute chapters with papermill into _build/executed")
    run.add_argument("--profile", choices=("smoke", "full"), required=True)
    run.add_argument("chapters", nargs="+", help="chapter paths as in _toc.yml, e.g. notebooks/dxml")
    render = commands.add_parser("build", help="render the executed chapters into _build/html")
    render.add_argument("--strict", action="store_true", help="treat every warning as an error")
    args = parser.parse_args(argv)
    if args.command == "execute":
        execute(args.chapters, args.profile)
    else:
        build(strict=args.strict)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
