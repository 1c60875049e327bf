"""Citations: every chapter cites its paper and names its authors as the paper's title page prints
them, no page names authors the book once got wrong or cites a work in plain text, and every
method of the registry has a glossary entry whose source resolves in book/references.bib."""
import re
from pathlib import Path

import pandas as pd
import pytest

from xmlstudy import figures, glossary, methods, tables

ROOT = Path(__file__).resolve().parents[1]
BIB = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
BIB_KEYS = set(re.findall(r"^@\w+\{([^,\s]+),", BIB, re.M))
CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")

# Each paper chapter: its bibliography key and its authors' surnames as the paper's title page
# prints them (the seed texts; the non-negative autoencoder paper's text starts at its abstract,
# so its authors are those of its arXiv record, 1907.01723).
CHAPTERS = {
    "dxml": ("zhang2018deep", ("Zhang", "Yan", "Wang", "Zha")),
    "rankae": ("wang2019ranking", ("Wang", "Chen", "Sun", "Qin", "Li", "Zhou")),
    "cgmvae": ("bai2022gaussian", ("Bai", "Kong", "Gomes")),
    "nnae": ("kang2019towards", ("Kang", "Cheng", "Mao", "Kuo", "Lee")),
}
# Author lists this book once printed for two of the papers, neither of them the paper's.
WRONG_AUTHORS = ("Wang, Liu, Wang and Li", "Kang, Pei, Jia and Zhang")


def prose_sources() -> list[Path]:
    return sorted([*ROOT.glob("notebooks/*.py"), *ROOT.glob("notebooks/*.ipynb"),
                   *ROOT.glob("book/*.md"), ROOT / "book" / "references.bib",
                   *ROOT.glob("xmlstudy/**/*.py"), ROOT / "README.md", ROOT / "ARCHITECTURE.md"])


def opening(chapter: str) -> str:
    """The first markdown cell of a chapter notebook with more than a blank line: its title
    and the paragraph that introduces the paper, as one line of text."""
    text = (ROOT / "notebooks" / f"{chapter}.py").read_text(encoding="utf-8")
    for cell in re.split(r"^# %% \[markdown\]\n", text, flags=re.M)[1:]:
        body = " ".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                        for line in cell.split("# %%")[0].splitlines()).split()
        if body:
            return " ".join(body)
    raise AssertionError(f"notebooks/{chapter}.py has no markdown cell")


def author_line(surnames) -> str:
    return ", ".join(surnames[:-1]) + " and " + surnames[-1]


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_every_paper_chapter_opens_with_its_authors_and_cites_its_paper(chapter):
    key, surnames = CHAPTERS[chapter]
    text = opening(chapter)
    assert author_line(surnames) in text, f"notebooks/{chapter}.py should name {author_line(surnames)}"
    cited = {k.strip() for keys in CITE.findall(text) for k in keys.split(",")}
    assert key in cited, f"notebooks/{chapter}.py's opening paragraph should cite {{cite:p}}`{key}`"


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_the_bibliography_lists_each_paper_with_its_authors_in_order(chapter):
    key, surnames = CHAPTERS[chapter]
    entry = re.search(r"@\w+\{" + key + r",(.*?)\n\}", BIB, re.S).group(1)
    authors = re.search(r"author\s*=\s*\{(.*?)\},\n", entry).group(1).split(" and ")
    assert [a.split(",")[0] for a in authors] == list(surnames)


def test_no_page_names_the_wrong_authors():
    found = [f"{path.relative_to(ROOT)}: {wrong!r}" for path in prose_sources()
             for wrong in WRONG_AUTHORS if wrong in path.read_text(encoding="utf-8")]
    assert not found, "wrong author lists:\n" + "\n".join(found)


# A work cited in plain text: "et al." anywhere, or a capitalised name (or two joined by "and")
# followed by a year, as in "Demšar 2006" or "Chen et al. 2022". Venues ("ICML 2022") are all
# capitals and do not match.
PLAIN_CITATION = re.compile(r"\b[A-Z][a-zà-ž]+(?:[- ][A-Z][a-zà-ž]+)?(?: et al\.?| and [A-Z][a-zà-ž]+)?,? "
                            r"\(?(?:19|20)\d\d\b|\bet al\b")


def plain_citations(text: str) -> list[str]:
    """The plain-text citations of a page's prose (a notebook's comment lines joined back)."""
    text = CITE.sub("", re.sub(r"\n#[ \t]?", " ", text))
    return [m.group(0) for m in PLAIN_CITATION.finditer(text)]


def test_the_plain_citation_check_finds_what_it_should():
    assert plain_citations("# The diagrams (Demšar 2006): methods\n") == ["Demšar 2006"]
    assert plain_citations("# for XML-CNN's (Chen et\n# al. 2022 find this CNN stronger)") == ["Chen et al. 2022"]
    assert plain_citations("# its propensity (Jain et al.), so it") == ["et al"]
    assert plain_citations("# (*Deep Extreme Multi-label Learning*, ICMR 2018) {cite:p}`zhang2018deep`") == []
    assert plain_citations("# as {cite:t}`demsar2006statistical` draws them") == []


def test_no_page_cites_a_work_in_plain_text():
    found = {str(path.relative_to(ROOT)): hits for path in [*ROOT.glob("notebooks/*.py"), *ROOT.glob("book/*.md")]
             if (hits := plain_citations(path.read_text(encoding="utf-8")))}
    assert not found, f"cite these with {{cite:p}} or {{cite:t}} (keys in book/references.bib): {found}"


def test_every_citation_of_the_pages_and_the_glossary_resolves():
    cited = {}
    for path in [*ROOT.glob("notebooks/*.py"), *ROOT.glob("book/*.md")]:
        for keys in CITE.findall(path.read_text(encoding="utf-8")):
            for key in keys.split(","):
                cited.setdefault(key.strip(), path.name)
    for name in glossary.FAMILIES:    # the glossary page's entries are written when it is built
        for keys in CITE.findall(glossary.family(name)):
            cited.setdefault(keys, "book/methods.md")
    missing = {k: where for k, where in cited.items() if k not in BIB_KEYS}
    assert not missing, f"citation keys not in book/references.bib: {missing}"


# --- the glossary of methods ----------------------------------------------------------------------
def test_the_glossary_shows_every_method_once():
    listed = [key for keys in glossary.FAMILIES.values() for key in keys]
    assert sorted(listed) == sorted(methods.METHODS), "glossary.FAMILIES must hold every method once"
    page = (ROOT / "book" / "methods.md").read_text(encoding="utf-8")
    shown = re.findall(r'glossary\.family\("([\w-]+)"\)', page)
    assert shown == list(glossary.FAMILIES), "book/methods.md must show every family, in order"


def test_every_method_has_a_source_that_resolves_or_is_a_control():
    for key, entry in methods.METHODS.items():
        text = glossary.entry(key)
        assert text.startswith(f"(method-{key})=\n"), text[:40]
        assert f"**{entry.name}**" in text
        if entry.cite is None:
            assert glossary.CONTROL in text and "{cite" not in text
        else:
            assert entry.cite in BIB_KEYS, f"{key}: {entry.cite} is not in book/references.bib"
            assert f"{{cite:t}}`{entry.cite}`" in text
    assert [k for k, m in methods.METHODS.items() if m.cite is None] == ["random-groups"]


def test_an_entry_drops_the_name_its_definition_repeats():
    assert "**C2AE** (records: `c2ae`). A feature encoder and a label autoencoder" in glossary.entry("c2ae")
    assert "(records: `ovr-linear`). One-vs-rest (binary relevance): one" in glossary.entry("ovr-linear")


def test_the_swatch_draws_the_marker_in_the_colour():
    svg = figures.marker_swatch("#17becf", "h")
    assert svg.lstrip().startswith("<?xml") and "#17becf" in svg
    assert svg == figures.marker_swatch("#17becf", "h")   # no date, fixed ids: rebuilds are equal
    image = glossary.swatch("nnae")
    assert image.startswith('<img class="method-swatch" src="data:image/svg+xml;base64,')
    assert 'alt="hexagon1 in #17becf"' in image


def test_glossary_links():
    assert methods.anchor("mlp-bce") == "method-mlp-bce"
    assert methods.glossary_link("mlp-bce") == "{ref}`MLP (BCE) <method-mlp-bce>`"
    assert methods.glossary_link("knn", "nearest neighbours") == "{ref}`nearest neighbours <method-knn>`"
    assert methods.glossary_href("c2ae") == "../book/methods.html#method-c2ae"
    with pytest.raises(ValueError, match="unknown method 'svm'"):
        methods.anchor("svm")


def test_a_table_links_method_names_to_the_glossary():
    assert tables.method_link("MLP (BCE)") == '<a href="../book/methods.html#method-mlp-bce">MLP (BCE)</a>'
    assert tables.method_link("kNN (ours)") == '<a href="../book/methods.html#method-knn">kNN</a> (ours)'
    assert tables.method_link("bibtex") is None and tables.method_link(0.5) is None
    frame = pd.DataFrame({"paper": ["DXML", "DXML"], "method": ["DXML (ours)", "SLEEC (paper)"],
                          "P@1": [0.61234, None]}, index=pd.Index(["bibtex", "C2AE"], name="dataset"))
    html = tables.styled(frame, digits=2).to_html()
    assert '<a href="../book/methods.html#method-dxml">DXML</a> (ours)' in html
    assert "SLEEC (paper)" in html and "method-sleec" not in html     # not a method of the study
    assert 'href="../book/methods.html#method-c2ae"' in html           # an index label
    assert html.count("method-dxml") == 1                              # the paper column is not linked
    assert "0.61" in html and "—" in html                              # numbers keep their format
    papers = pd.DataFrame({"claims": [3, 4]}, index=["DXML", "the non-negative autoencoder paper"])
    assert "method-dxml" in tables.styled(papers).to_html()
    assert "href" not in tables.styled(papers, link_methods=False).to_html()
