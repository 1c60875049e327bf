"""Checks of the built book in _build/html, as a reader would find it (run by `make test` after
the build; skipped when no site has been built): from the HTML files, and in headless Chromium
(math typeset, images loaded, nothing wider than the text column, no console errors)."""
import functools
import html as html_lib
import re
import threading
import unicodedata
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
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


def _table_cells(html: str) -> list[str]:
    """The text of every cell of every table of a page (tags dropped, entities unescaped)."""
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html, re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


@pytest.mark.parametrize("chapter", toc_files())
def test_tables_name_methods_by_their_registry_names(chapter):
    """A table names a method as the methods registry does: never by its record key or a name
    the book used before (xmlstudy.methods.FORMER_NAMES); "(paper)" / "(ours)" may follow."""
    from xmlstudy import experiments, methods

    # A record file's paper ("dxml", "rankae", ...) names a chapter's records, not a method.
    forbidden = {k: v for k, v in methods.forbidden_names().items() if k not in experiments.PAPERS}
    html = page(chapter).read_text(encoding="utf-8")
    bad = sorted({cell for cell in _table_cells(html)
                  if re.sub(r" \((paper|ours)\)$", "", cell) in forbidden})
    assert not bad, (f"{page(chapter)}: table cells name methods by a key or former name: {bad}; "
                     f"use {[methods.name(forbidden[re.sub(r' [(](paper|ours)[)]$', '', b)]) for b in bad]}")


def _table_rows(html: str) -> list[tuple[str, list[str], list[str]]]:
    """Every row of every table of a page: (the table's caption, its header cells' text, its data
    cells' text), tags dropped and entities unescaped."""
    def text(cell):
        return html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()

    out = []
    for table in re.findall(r"<table.*?</table>", html, re.S):
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, re.S)
        caption = " ".join(text(caption.group(1)).split())[:60] if caption else "(no caption)"
        for row in re.findall(r"<tr.*?</tr>", table, re.S):
            out.append((caption, [text(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", row, re.S)],
                        [text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]))
    return out


# A value a table never shows: what pandas or Python print for a missing number.
MISSING_WORDS = {"nan", "NaN", "None", "NaT", "<NA>"}


@pytest.mark.parametrize("chapter", toc_files())
def test_tables_show_no_missing_value_blank_row_or_zero_spread(chapter):
    """A table shows "—" for an absent value (never NaN or None), no row without a value, and no
    "± 0.00": a deterministic method shows its one value (xmlstudy.formatting), a spread too
    small for the decimals shows one significant digit."""
    problems = []
    for caption, heads, cells in _table_rows(page(chapter).read_text(encoding="utf-8")):
        where = f"{caption!r}, row {(heads or cells)[:1]}"
        for cell in heads + cells:
            # Prose cells (a claim's words) may say "None of ..."; a short cell is a value.
            if len(cell) <= 60 and MISSING_WORDS & set(re.split(r"[\s(),;:±]+", cell)):
                problems.append(f"{where}: missing value shown as {cell!r}")
            if re.search(r"± 0\.0+(?![0-9])", cell):
                problems.append(f"{where}: zero spread {cell!r}")
        # The row's label is its header cell, or its first cell where the index is hidden.
        values = cells if heads else cells[1:]
        if values and all(c in ("", "—", "-") for c in values):
            problems.append(f"{where}: a row without a value")
    assert not problems, f"{page(chapter)}:\n" + "\n".join(problems[:30])


def test_bibliography_lists_the_seed_papers():
    html = page("book/references").read_text(encoding="utf-8").lower()  # the style lowercases titles
    for title in ("deep extreme multi-label learning", "ranking-based autoencoder",
                  "gaussian mixture variational autoencoder with contrastive learning",
                  "towards interpretable deep extreme multi-label learning"):
        assert title in html, f"the bibliography does not list {title!r}"


def _plain(text: str) -> str:
    """Letters and digits only, lower case, accents dropped: 'Bolaños' -> 'bolanos'."""
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())


def _first_author_and_year(entry) -> tuple[str, str]:
    person = entry.persons["author"][0]
    name = " ".join(person.prelast_names + person.last_names)
    name = re.sub(r"\\[a-zA-Z]+\s*|\\.", "", name)     # LaTeX accents: {\v{R}}eh{\r{u}}{\v{r}}ek -> Rehurek
    return _plain(name), entry.fields.get("year", "")


def test_bibliography_is_sorted_by_author_then_year():
    from pybtex.database import parse_file

    bib = parse_file(Path(__file__).resolve().parents[1] / "book" / "references.bib").entries
    html = page("book/references").read_text(encoding="utf-8")
    shown = [html_lib.unescape(re.sub(r"<[^>]+>", "", e)) for e in re.findall(r'<div class="citation"[^>]*>(.*?)</div>', html, re.S)]
    assert len(shown) >= 4, "the references page lists no entries"

    def key_of(text):  # the entry whose title the page shows (the longest, as titles nest)
        title = lambda k: _plain(bib[k].fields["title"].replace("--", "-"))
        matches = [k for k in bib if title(k) in _plain(text)]
        assert matches, f"references page entry not found in book/references.bib: {' '.join(text.split())[:80]!r}"
        return max(matches, key=lambda k: len(title(k)))

    order = [_first_author_and_year(bib[key_of(text)]) for text in shown]
    for before, after in zip(order, order[1:]):
        assert before <= after, f"references page: {before} is listed before {after}"


# --- the page agrees with what it ran ------------------------------------------------------------
# What papermill ran each executed chapter with (its injected parameters), and the page's text as a
# reader reads it. tests/test_book_consistency.py checks the same prose in the sources.

def _ran_with(chapter: str) -> dict | None:
    """The parameters papermill gave ``chapter`` (None: the page is not executed)."""
    import json

    from xmlstudy.book import EXECUTED

    path = EXECUTED / f"{chapter}.ipynb"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["metadata"].get("papermill", {}).get("parameters", {})


def _text(html: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


def _main(chapter: str) -> str:
    html = page(chapter).read_text(encoding="utf-8")
    found = re.search(r"<main.*?</main>", html, re.S)
    return found.group(0) if found else html


@pytest.mark.parametrize("chapter", toc_files())
def test_the_parameters_cell_shows_the_values_the_page_ran_with(chapter):
    import ast

    ran = _ran_with(chapter)
    cells = re.findall(r'<div class="cell tag_parameters[^"]*">.*?<pre>(.*?)</pre>', _main(chapter), re.S)
    for cell in cells:
        shown = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(_text(cell)).body
                 if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}
        differ = {name: (shown[name], value) for name, value in (ran or {}).items()
                  if name in shown and shown[name] != value}
        assert not differ, (f"{page(chapter)}: the parameters cell shows (shown, ran with) {differ}; "
                            "xmlstudy.book.scrub writes the values the page ran with")


@pytest.mark.parametrize("chapter", toc_files())
def test_no_page_shows_the_smoke_profile_unless_it_ran_with_it(chapter):
    if re.search(r"""profile\s*=\s*["']smoke["']""", _text(_main(chapter))):
        assert (_ran_with(chapter) or {}).get("profile") == "smoke", (
            f'{page(chapter)} shows profile = "smoke" but ran with {_ran_with(chapter)}')


def _prose_of(main: str) -> str:
    """A built page's prose: no code blocks, tables or API references; inline code in backticks."""
    main = re.sub(r'<div class="highlight[^"]*">.*?</pre></div>', " ", main, flags=re.S)
    main = re.sub(r"<table.*?</table>", " ", main, flags=re.S)
    main = re.sub(r'<code class="xref[^"]*">.*?</code>', " ", main, flags=re.S)
    main = re.sub(r'<code class="docutils literal[^"]*">(.*?)</code>', lambda m: f"`{_text(m.group(1))}`",
                  main, flags=re.S)
    main = re.sub(r"<(p|li|dd|dt|figcaption|h\d)[ >]", lambda m: "\n\n" + m.group(0), main)
    return _text(main)


# The API pages document identifiers, and the glossary of methods is where a reader finds the key
# a record file names each method by ("records: `knn`"): both are exempt.
@pytest.mark.parametrize("chapter", [c for c in toc_files() if c not in ("book/api", "book/methods")])
def test_prose_names_things_in_words_not_identifiers(chapter):
    """Glued phrases included: a method by its name, a setting in words, no record field or
    class name (the API pages document those)."""
    from test_book_consistency import leaked_identifiers, prose

    text = prose(_prose_of(_main(chapter)))
    bad = sorted({word for paragraph in re.split(r"\n\s*\n", text) for word in leaked_identifiers(paragraph)})
    assert not bad, f"{page(chapter)}: identifiers in prose: {bad}"


@pytest.mark.parametrize("chapter", toc_files())
def test_table_headers_are_words(chapter):
    """No table heads a column with a record field or a setting's parameter name (``emb_size``,
    ``n_seeds``): :func:`xmlstudy.methods.setting_name` gives its words."""
    from test_book_consistency import field_names

    heads = {_text(h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", _main(chapter), re.S)}
    bad = sorted(heads & field_names())
    assert not bad, f"{page(chapter)}: table headers that are identifiers: {bad}"


def test_the_rerun_page_lists_every_choice_of_the_command():
    from xmlstudy import chapters

    text = _text(_main("book/rerun"))
    listed = re.search(r"--paper is one of ([^;]+);", text)
    assert listed, "the rerun page no longer says which values --paper takes"
    named = re.findall(r"[\w-]+", listed.group(1).replace(" and ", ", "))
    assert named == list(chapters.CHAPTERS), (f"the rerun page says --paper is one of {named}; the "
                                              f"command takes {list(chapters.CHAPTERS)}")


# --- the main path: what a reader sees without opening a toggle ---------------------------------
# A page shows the tables that decide its claims and keeps the rest behind a toggle: a code cell
# tagged hide-output renders its output inside <details class="admonition hide ...">, and a
# {dropdown} directive renders as <details class="sd-dropdown ...">.
MAIN_PATH_TABLES = 8


class _TablesInView(HTMLParser):
    """The tables of a page outside every <details> element (``shown``, each named by its caption
    or its first header cell) and the number inside one (``hidden``)."""

    def __init__(self):
        super().__init__()
        self.shown: list[str] = []
        self.hidden = 0
        self._details = 0       # <details> elements open around the current position
        self._name = None       # the text of the caption or header cell being read, if any

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            self._details += 1
        elif tag == "table" and self._details:
            self.hidden += 1
        elif tag == "table":
            self.shown.append("")
        elif tag in ("caption", "th") and not self._details and self.shown and not self.shown[-1]:
            self._name = ""

    def handle_endtag(self, tag):
        if tag == "details":
            self._details -= 1
        elif tag in ("caption", "th") and self._name is not None:
            self.shown[-1] = " ".join(self._name.split())
            self._name = None

    def handle_data(self, data):
        if self._name is not None:
            self._name += data


def tables_in_view(html: str) -> tuple[list[str], int]:
    """(the names of the tables ``html`` shows outside a toggle, the number behind one)."""
    parser = _TablesInView()
    parser.feed(html)
    return parser.shown, parser.hidden


def test_tables_behind_a_toggle_are_not_on_the_main_path():
    html = ("<table><caption>Shown</caption><tr><td>1</td></tr></table>"
            "<details class='admonition hide above-output'><summary>Show the table</summary>"
            "<table><tr><td>2</td></tr></table>"
            "<details class='sd-dropdown'><table><tr><th>nested</th></tr></table></details></details>"
            "<table><thead><tr><th>claim</th><th>verdict</th></tr></thead></table>")
    assert tables_in_view(html) == (["Shown", "claim"], 2)


# The API reference lists modules and members in autosummary tables: a reference, not a chapter.
@pytest.mark.parametrize("chapter", [c for c in toc_files() if c != "book/api"])
def test_the_main_path_shows_only_the_tables_that_decide_the_claims(chapter):
    shown, hidden = tables_in_view(_main(chapter))
    assert len(shown) <= MAIN_PATH_TABLES, (
        f"{page(chapter)} shows {len(shown)} tables outside a toggle ({hidden} behind one); at most "
        f"{MAIN_PATH_TABLES}: tag the cells of the tables no claim rests on remove-input and "
        f"hide-output. Shown: {shown}")


# --- the site in a real browser -----------------------------------------------------------------
# Headless Chromium (Debian packages chromium and chromium-driver; `make test` installs them)
# opens every page from a local HTTP server at a desktop width and checks what a reader sees:
# math typeset, images loaded, nothing wider than the text column, no console errors.

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
WIDTH = 1400  # px: a laptop screen, where nothing should need horizontal scrolling
INSTALL = "apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver"


def site_pages() -> list[str]:
    """Every HTML page of the built site (toc pages, API pages, index pages), as paths in it."""
    if not HTML.exists():
        return []
    return sorted(p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")
                  if p.relative_to(HTML).parts[0] not in ("_static", "_sources"))


class _Offsite(HTMLParser):
    """Collects the resources a page loads from another site (http(s):// or protocol-relative)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get("href") if tag == "link" and attrs.get("rel") != "canonical" else \
            attrs.get("src") if tag in ("script", "img", "iframe", "source", "video", "audio") else None
        if url and re.match(r"(https?:)?//", url):
            self.found.append(f"<{tag}> {url}")


def test_no_page_loads_anything_from_another_site():
    offsite = []
    for name in site_pages():
        parser = _Offsite()
        parser.feed((HTML / name).read_text(encoding="utf-8"))
        offsite += [f"{name}: {found}" for found in parser.found]
    assert not offsite, "pages load resources from other sites (the book must work offline):\n" + \
        "\n".join(offsite)


@pytest.fixture(scope="module")
def site_url():
    """_build/html served on localhost (MathJax loads its fonts and extensions over http)."""
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per file would bury the test output
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    assert not missing, f"{', '.join(missing)} missing: install them with '{INSTALL}' (make test does)"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    # --no-sandbox: CI runs as root. The networking flags keep Chromium from calling home, which
    # fails (and slows every start) on a machine without internet.
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--window-size={WIDTH},1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


# Runs in the page once it has loaded: waits for MathJax's first typeset and for every image
# (lazy ones made eager), then measures. Returns what went wrong, as plain data.
INSPECT = r"""
const done = arguments[arguments.length - 1];
(async () => {
  const describe = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (typeof e.className === 'string' && e.className.trim()
          ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  const text = (e) => (e.innerText || e.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 80);
  const report = {math: [], images: [], scaled: [], wide: [], width: window.innerWidth};

  // (a) math: Sphinx wraps every formula of the source in .math; MathJax puts an mjx-container in it.
  const formulas = [...document.querySelectorAll('.math')];
  if (formulas.length && !(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    report.math.push(`${formulas.length} formula(s) but MathJax did not load`);
  } else if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  for (const f of formulas) {
    if (!f.querySelector('mjx-container')) report.math.push(`not typeset: ${describe(f)} "${text(f)}"`);
  }
  const tex = (e) => {  // the TeX source of the formula that holds e
    for (const item of (window.MathJax && MathJax.startup.document ? MathJax.startup.document.math : [])) {
      if (item.typesetRoot && item.typesetRoot.contains(e)) return item.math.trim().slice(0, 80);
    }
    return text(e);
  };
  for (const e of document.querySelectorAll('mjx-merror')) {
    report.math.push(`TeX error "${e.getAttribute('data-mjx-error') || text(e)}" in "${tex(e)}"`);
  }
  // An undefined macro is no error to MathJax: it shows its name in red (the noundefined package).
  for (const e of document.querySelectorAll('mjx-assistive-mml mtext[mathcolor="red"]')) {
    report.math.push(`undefined macro "${e.textContent}" in "${tex(e)}"`);
  }
  // Raw delimiters left in the text (code blocks excepted: there they are code).
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    if (node.parentElement.closest('pre, code, script, style, noscript, template, textarea')) continue;
    const m = node.nodeValue.match(/\\\(|\\\[|\$\$/);
    if (m) {
      const at = Math.max(0, m.index - 30);
      report.math.push(`raw "${m[0]}" in ${describe(node.parentElement)}: "${node.nodeValue.slice(at, at + 80).replace(/\s+/g, ' ')}"`);
    }
  }

  // (b) images.
  const images = [...document.images];
  images.forEach((i) => { if (i.loading === 'lazy') i.loading = 'eager'; });
  await Promise.all(images.map((i) => i.complete ? null : new Promise((resolve) => {
    i.addEventListener('load', resolve); i.addEventListener('error', resolve); setTimeout(resolve, 10000);
  })));
  for (const i of images) {
    if (!(i.complete && i.naturalWidth > 0)) report.images.push(i.getAttribute('src'));
  }
  // A figure's shown width against its drawn width: shrunk further, its type is illegible.
  report.scaled = images.filter((i) => i.closest('article') && i.naturalWidth > 0 && i.clientWidth > 0)
      .map((i) => ({src: (i.getAttribute('src') || '').slice(-60), drawn: i.naturalWidth, shown: i.clientWidth}));

  // (c) width: the page must not scroll sideways; inside the text column no scroll container
  // (overflow-x auto or scroll) may need scrolling (scrollWidth > clientWidth), and no element may
  // stick out of the column. An overflow-x: hidden box (the theme's span.math, div.math) is not a
  // scroll container, so glyphs overhanging an inline formula are fine, but a clipped wide formula
  // inside it still sticks out of the column. Only the outermost offender is reported (a wide
  // table's cells stick out with it).
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    report.wide.push({element: 'html (the page itself)', how: 'scrolls sideways', width: root.scrollWidth,
                      room: root.clientWidth, text: ''});
  }
  const column = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const edge = column.getBoundingClientRect();
  let last = null;
  for (const e of column.querySelectorAll('*')) {
    if (last && last.contains(e)) continue;
    if (e.closest('mjx-assistive-mml')) continue;  // MathJax's off-screen copy for screen readers
    const box = e.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not displayed
    const overflow = getComputedStyle(e).overflowX;
    let width = 0, room = 0, how = '';
    if ((overflow === 'auto' || overflow === 'scroll') && e.scrollWidth > e.clientWidth + 1) {
      [width, room, how] = [e.scrollWidth, e.clientWidth, 'scrolls sideways'];
    } else if (box.right > edge.right + 1 || box.left < edge.left - 1) {
      [width, room, how] = [Math.round(box.width), Math.round(edge.width), 'sticks out of the text column'];
    }
    if (width) {
      last = e;
      const table = e.tagName === 'TABLE' ? null : e.querySelector('table');
      report.wide.push({element: describe(e) + (table ? ` (holding ${describe(table)})` : ''),
                        how: how, width: width, room: room, text: text(e)});
    }
  }
  return report;
})().then(done, (error) => done({error: String(error)}));
"""

@pytest.fixture(scope="module")
def visit(browser, site_url):
    """visit(page) -> what the page shows wrong; each page is loaded once for all checks."""
    seen: dict[str, dict] = {}

    def inspect(name: str) -> dict:
        if name not in seen:
            browser.get(site_url + name)
            report = browser.execute_async_script(INSPECT)
            assert "error" not in report, f"{name}: the check itself failed in the page: {report['error']}"
            # Not the browser's own request for /favicon.ico (the book declares no icon).
            report["console"] = [entry["message"] for entry in browser.get_log("browser")
                                 if entry["level"] == "SEVERE"
                                 and not entry["message"].startswith(site_url + "favicon.ico ")]
            seen[name] = report
        return seen[name]

    return inspect


@pytest.mark.parametrize("name", site_pages())
def test_math_is_typeset(visit, name):
    problems = visit(name)["math"]
    assert not problems, f"{name}: math not typeset:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("name", site_pages())
def test_every_image_loads(visit, name):
    broken = visit(name)["images"]
    assert not broken, f"{name}: images that did not load: {broken}"


# xmlstudy.figures draws every figure at the text column's width; the page may shrink a figure a
# little (a narrower window), but under two thirds of its drawn width its type is unreadable.
MIN_SHOWN = 2 / 3


@pytest.mark.parametrize("name", site_pages())
def test_figures_are_shown_at_two_thirds_of_their_width_or_more(visit, name):
    small = [f"{i['src']}: drawn {i['drawn']} px, shown {i['shown']} px ({i['shown'] / i['drawn']:.0%})"
             for i in visit(name)["scaled"] if i["shown"] < MIN_SHOWN * i["drawn"]]
    assert not small, (f"{name}: figures shown at less than two thirds of their drawn width (draw them "
                       "with xmlstudy.figures.page_figure):\n" + "\n".join(small))


# Not the highlighted sources (_modules/, from viewcode): a listing keeps the lines as written.
@pytest.mark.parametrize("name", [n for n in site_pages() if not n.startswith("_modules/")])
def test_nothing_is_wider_than_the_page(visit, name):
    report = visit(name)
    assert report["width"] == WIDTH, f"the browser window is {report['width']} px wide, not {WIDTH}"
    wide = [f"{w['element']} {w['how']}: {w['width']} px in {w['room']} px; text: {w['text']!r}"
            for w in report["wide"]]
    assert not wide, f"{name}: at {WIDTH} px, elements wider than the text column:\n" + "\n".join(wide)


@pytest.mark.parametrize("name", site_pages())
def test_no_console_errors(visit, name):
    errors = visit(name)["console"]
    assert not errors, f"{name}: browser console errors:\n" + "\n".join(errors)
