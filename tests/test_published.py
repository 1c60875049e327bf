"""The published numbers: the loader on hand-made files (good, bad, and a written-then-read round
trip), every shipped file, and the rule that no chapter module keeps a table of them."""
from __future__ import annotations

import ast
import csv
import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xmlstudy import published
from xmlstudy.published import COLUMNS, PublishedDataError

ROOT = Path(__file__).resolve().parents[1]
HEADER = ",".join(COLUMNS)
GOOD = [
    # a number of the study's data set and method (printed otherwise)
    "toy,Table 2,bibtex,Bibtex,knn,KNN,P@1,57.04,percent,",
    # the paper's own data set and method, a count, a note with a comma
    'toy,Table 1,Wiki10,Wiki10,,,train rows,14146,count,"as printed, without the separator"',
    # the two tokens
    "toy,Table 2,bibtex,Bibtex,FastText,FastText,P@1,not-reported,percent,printed '-'",
    "toy,Table 2,bibtex,Bibtex,XML-CNN,XML-CNN,P@1,not-legible,percent,",
    # an abbreviated print of a name the file prints in full elsewhere
    "toy,Table 3,Wiki10,wk.,knn,KNN,P@1,0.5,fraction,",
]


def write(tmp_path, lines, name="toy", header=HEADER) -> Path:
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_a_good_file_reads_as_printed(tmp_path):
    frame = published.read_file(write(tmp_path, GOOD))
    assert list(frame.columns) == [*COLUMNS, "number", "status"]
    assert len(frame) == 5
    first = frame.iloc[0]
    assert (first["dataset"], first["method"], first["value"], first["number"]) == ("bibtex", "knn", "57.04", 57.04)
    assert frame.iloc[1]["note"] == "as printed, without the separator"
    assert frame.iloc[1]["number"] == 14146


def test_not_reported_and_not_legible_read_differently(tmp_path):
    frame = published.read_file(write(tmp_path, GOOD)).set_index("method")
    assert frame.loc["FastText", "status"] == "not-reported"
    assert frame.loc["XML-CNN", "status"] == "not-legible"
    assert math.isnan(frame.loc["FastText", "number"]) and math.isnan(frame.loc["XML-CNN", "number"])
    assert frame.loc["knn", "status"].tolist() == ["number", "number"]
    # and in the shipped files: Rank-AE's "-" cells and C-GMVAE's lost rows
    everything = published.load()
    rankae = everything[(everything["paper"] == "rankae") & (everything["method"] == "fasttext")]
    assert set(rankae["status"]) == {"not-reported"}
    lost = everything[(everything["source"] == "Table 1") & (everything["metric"] == "mi-F1")
                      & (everything["paper"] == "cgmvae") & (everything["method"] == "cgmvae")]
    assert len(lost) == 9 and set(lost["status"]) == {"not-legible"}


BAD = {
    "fields": ("toy,Table 2,bibtex,Bibtex,knn,KNN,P@1,57.04,percent", "9 fields, expected 10"),
    "comma": ("toy,Table 2,bibtex,Bibtex,knn,KNN,P@1,4,880,count,", "11 fields"),
    "number": ("toy,Table 2,bibtex,Bibtex,knn,KNN,P@1,57.o4,percent,", "'57.o4' is neither a number"),
    "token": ("toy,Table 2,bibtex,Bibtex,knn,KNN,P@1,n/a,percent,", "not-reported, not-legible"),
    "separator": ('toy,Table 1,bibtex,Bibtex,,,train rows,"4,880",count,', "without thousands separators"),
    "infinite": ("toy,Table 2,bibtex,Bibtex,knn,KNN,P@1,inf,percent,", "neither a number"),
    "unit": ("toy,Table 2,bibtex,Bibtex,knn,KNN,P@1,57.04,points,", "unknown unit 'points'"),
    "paper": ("dxml,Table 2,bibtex,Bibtex,knn,KNN,P@1,57.04,percent,", "paper 'dxml' in the file of 'toy'"),
    "empty": ("toy,,bibtex,Bibtex,knn,KNN,P@1,57.04,percent,", "empty source"),
    "dataset": ("toy,Table 2,bibtx,Bibtex,knn,KNN,P@1,57.04,percent,", "dataset 'bibtx' is neither"),
    "method": ("toy,Table 2,bibtex,Bibtex,kNN-ours,KNN,P@1,57.04,percent,", "method 'kNN-ours' is neither"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_malformed_row_names_file_line_and_problem(tmp_path, case):
    line, message = BAD[case]
    path = write(tmp_path, [GOOD[0], line])
    with pytest.raises(PublishedDataError) as error:
        published.read_file(path)
    assert f"{path}, line 3: " in str(error.value)
    assert message in str(error.value)


def test_a_duplicate_key_names_both_lines(tmp_path):
    again = GOOD[0].replace("57.04", "57.4")
    path = write(tmp_path, [GOOD[0], GOOD[1], again])
    with pytest.raises(PublishedDataError, match=r"line 4: the same .* as line 2"):
        published.read_file(path)


def test_a_wrong_header_is_refused(tmp_path):
    path = write(tmp_path, GOOD, header=HEADER.replace("printed_dataset", "dataset_as_printed"))
    with pytest.raises(PublishedDataError, match=r"line 1: the header must be"):
        published.read_file(path)


names = st.text(st.sampled_from("abcXYZ019 -,.'\"()%+*"), min_size=1, max_size=12).map(str.strip).filter(bool)
values = st.one_of(st.integers(0, 10**7).map(str),
                   st.floats(-1e6, 1e6, allow_nan=False).map(repr),
                   st.sampled_from(published.TOKENS))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(names, names, names, values, st.sampled_from(list(published.UNITS)), names),
                min_size=1, max_size=8, unique_by=lambda r: (r[0], r[1], r[2])))
def test_written_rows_read_back_unchanged(tmp_path_factory, rows):
    # Names that are not the study's are printed as they are: dataset == printed_dataset.
    table = [dict(paper="toy", source=s, dataset=d, printed_dataset=d, method="", printed_method="",
                  metric=m, value=v, unit=u, note=n) for s, d, m, v, u, n in rows]
    path = tmp_path_factory.mktemp("round") / "toy.csv"
    published.write_file(path, table)
    frame = published.read_file(path)
    assert frame[list(COLUMNS)].to_dict("records") == table
    for row, number, status in zip(table, frame["number"], frame["status"]):
        if row["value"] in published.TOKENS:
            assert status == row["value"] and math.isnan(number)
        else:
            assert status == "number" and number == float(row["value"])


def test_every_shipped_file_validates_and_is_package_data():
    import tomllib

    files = sorted(published.data_dir().glob("*.csv"))
    assert [f.stem for f in files] == published.papers()
    assert {"dxml", "rankae", "cgmvae", "nnae", "xc-repository", "aitlas"} <= set(published.papers())
    for path in files:
        frame = published.read_file(path)
        assert len(frame) and set(frame["paper"]) == {path.stem}, path
        assert set(frame["status"]) <= {"number", *published.TOKENS}
    assert len(published.load()) == sum(len(published.read_file(p)) for p in files)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "published/*.csv" in config["tool"]["setuptools"]["package-data"]["xmlstudy"]
    assert published.data_dir() == ROOT / "xmlstudy" / "published"


def test_the_helpers_give_the_chapters_shapes():
    small = published.table("dxml", "Table 2")
    assert small["source"] == "DXML, Table 2" and small["scale"] == 100
    assert small["values"][("bibtex", "DXML", "P@1")] == 66.03
    assert small["values"][("MediaMill", "KNN", "P@5")] == 54.23
    assert published.table("cgmvae", "Table 4")["scale"] == 1
    with pytest.raises(ValueError, match="one unit"):
        published.table("dxml", "Table 1")
    # counts come back as ints, one key column gives plain keys
    sizes = published.values("cgmvae", "Table 6", metric="rows", by="dataset")
    assert sizes["yeast"] == 2417 and isinstance(sizes["yeast"], int)
    assert published.values("cgmvae", "Table 7", metric="lr", by="dataset")["scene"] == 0.003
    stats = published.statistics("rankae")
    assert stats["source"] == "Rank-AE, Table 1"
    assert stats["registry"] == {"Delicious": "delicious", "Mediamill": None, "RCV": None,
                                 "IMDb": None, "EURLex": None, "Wiki10": None}
    assert stats["rows"]["IMDb"] == {"train": 27417, "test": 6740, "labels": 28, "features": 115554,
                                     "cardinality": 2.4, "samples_per_label": 2937}
    assert published.printed_names("dxml", "Table 2") == {"dxml": "DXML", "ovr-linear": "1-vs-All",
                                                          "knn": "KNN"}
    with pytest.raises(ValueError, match="printed both as"):
        published.printed_names("cgmvae")   # C-GMVAE in Tables 1-3, GM+contrastive in Table 4
    with pytest.raises(ValueError, match="no source"):
        published.values("dxml", "Table 9")
    with pytest.raises(ValueError, match="no published numbers for 'dxm'"):
        published.load("dxm")


# --- no chapter module keeps a table of transcribed numbers ------------------------------------
def _significant_digits(text: str) -> int:
    text = text.lower().replace("_", "")
    if not re.fullmatch(r"[0-9.]+(e[+-]?\d+)?", text):
        return 0
    mantissa = text.split("e")[0]
    if "." in mantissa:
        return len(mantissa.replace(".", "").lstrip("0"))
    return len(mantissa.strip("0"))


def transcribed_tables(source: str, limit: int = 4) -> list[tuple[int, str]]:
    """(line, what) for each literal container holding more than ``limit`` distinct numbers
    written to three or more significant digits (66.03, 0.576, 2.40, 4880: how papers print
    results and sizes, unlike the settings 0.1, 1e-05, 512 or 10_000), and each string holding
    more than ``limit`` decimal numbers (a text table parsed at import)."""
    tree = ast.parse(source)
    found, inside = [], set()
    for node in ast.walk(tree):
        if id(node) in inside:
            continue
        if isinstance(node, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
            numbers = {ast.get_source_segment(source, n) for n in ast.walk(node)
                       if isinstance(n, ast.Constant) and type(n.value) in (int, float)}
            precise = {n for n in numbers if _significant_digits(n) >= 3}
            if len(precise) > limit:
                found.append((node.lineno, f"literal with {len(precise)} printed-looking numbers"))
                inside.update(id(n) for n in ast.walk(node))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            decimals = re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", node.value)
            if len(decimals) > limit:
                found.append((node.lineno, f"string with {len(decimals)} decimal numbers"))
    return found


OLD_SHAPES = {
    "zipped tuples": '''
METHODS = ("DXML", "SLEEC", "LEML")
_TABLE = {("bibtex", "P@1"): (66.03, 65.08, 62.54), ("bibtex", "P@3"): (40.21, 39.64, 38.41)}
''',
    "text table parsed at import": '''
_TABLES = {("Table 1", "ex-F1"): """
    BR     0.365 0.325 0.343
    C2AE   0.501 0.501 0.435"""}
''',
    "comprehension": '''
ABLATION = {(d, v, m): x for d, rows in {
    "eBird": {"uni-Gaussian": (0.545, 0.583, 0.490), "GM only": (0.561, 0.603, 0.511)}}.items()
    for v, triple in rows.items() for m, x in zip(("ex-F1", "mi-F1", "ma-F1"), triple)}
''',
    "statistics": '''
STATISTICS = {"Bibtex": {"train": 4880, "test": 2515, "features": 1836, "labels": 159,
                         "cardinality": 2.40}}
''',
}
SETTINGS = '''
CHOSEN = {("delicious", "rankae"): dict(lam=1.0, margin=0.1, lr=0.001, weight_decay=0.0),
          ("bibtex", "rankae-no-attn"): dict(lam=10.0, margin=0.5, lr=0.003, weight_decay=1e-05)}
NOISE_RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
TABLE7 = {"yeast": dict(lr=0.002, emb_size=512, dropout=0.5), "scene": dict(lr=0.003, emb_size=512)}
EXPLAIN = {"images": 50, "samples": 500, "seeds": 3, "segments": 50, "steps": 20}
'''


@pytest.mark.parametrize("shape", list(OLD_SHAPES))
def test_the_scan_finds_each_shape_of_transcribed_table(shape):
    assert transcribed_tables(OLD_SHAPES[shape]), shape


def test_the_scan_leaves_settings_alone():
    assert transcribed_tables(SETTINGS) == []


def test_no_chapter_module_keeps_a_table_of_published_numbers():
    found = {path.name: transcribed_tables(path.read_text(encoding="utf-8"))
             for path in sorted((ROOT / "xmlstudy" / "chapters").glob("*.py"))}
    assert {name: hits for name, hits in found.items() if hits} == {}, \
        "published numbers belong in xmlstudy/published/<paper>.csv, read with xmlstudy.published"


def test_the_shipped_files_are_the_csv_dialect_the_writer_writes():
    # Plain commas, one line per row, "\n" endings: a diff of a file shows one changed number.
    for path in published.data_dir().glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        assert "\r" not in text and text.endswith("\n"), path
        rows = list(csv.reader(text.splitlines()))
        assert len(rows) == text.count("\n"), path
