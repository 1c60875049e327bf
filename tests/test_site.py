"""Checks of the built book in _build/html, as a reader would find it (run by `make test` after
the build; skipped when no site has been built)."""
import re
from pathlib import Path

import pytest

from xmlstudy.book import HTML, toc_files

pytestmark = pytest.mark.skipif(not (HTML / "index.html").exists(),
                                reason="no built site in _build/html (make test builds it)")

# What a failed cell, a broken glue, or a docutils problem leaves in the HTML.
FAILURE_MARKERS = [
    "Traceback (most recent call last)",
    'class="output traceback',
    'class="output stderr',
    'class="system-message',
    "PapermillExecutionError",
    "Glue reference",
]


def page(chapter: str) -> Path:
    return HTML / f"{chapter}.html"


@pytest.mark.parametrize("chapter", toc_files())
def test_every_toc_chapter_is_built(chapter):
    path = page(chapter)
    assert path.exists(), f"{chapter} is in _toc.yml but {path} was not built"
    html = path.read_text(encoding="utf-8")
    main = re.search(r"<main.*?</main>", html, re.S)
    assert main and "<h1" in main.group(0), f"{path} has no title"


@pytest.mark.parametrize("chapter", toc_files())
def test_no_error_output(chapter):
    html = page(chapter).read_text(encoding="utf-8")
    for marker in FAILURE_MARKERS:
        assert marker not in html, f"{page(chapter)} contains {marker!r}"


@pytest.mark.parametrize("chapter", [c for c in toc_files() if c.startswith("notebooks/")])
def test_notebook_pages_have_output(chapter):
    html = page(chapter).read_text(encoding="utf-8")
    assert 'class="cell_output' in html, f"{page(chapter)} shows no cell output: was it executed?"


def test_bibliography_lists_the_seed_papers():
    html = page("book/references").read_text(encoding="utf-8").lower()  # the style lowercases titles
    for title in ("deep extreme multi-label learning", "ranking-based autoencoder",
                  "gaussian mixture variational autoencoder with contrastive learning",
                  "towards interpretable deep extreme multi-label learning"):
        assert title in html, f"the bibliography does not list {title!r}"
