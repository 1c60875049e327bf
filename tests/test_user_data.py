"""A user's own data: load_arff / load_user on Mulan and MEKA files, checked against an independent
ARFF parser (liac-arff), and every way a file can be subtly wrong stopping with a clear error."""
from __future__ import annotations

import bz2
import io
import re
from pathlib import Path

import arff as liac  # liac-arff: the independent parser the reader is checked against
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xmlstudy import data
from xmlstudy.data import arff
from xmlstudy.data.errors import DataError, LabelColumnsError, MissingDataFile, ParseError
from xmlstudy.data.xc import read_xc

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason="the data mirror ../shared/data is not available")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XMLSTUDY_CACHE_DIR", str(tmp_path / "cache"))


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


# --- the independent reference: liac-arff plus the multi-label conventions -------------------

def reference(text: str, *, label_names=None, n_labels=None, labels_first=None):
    """(X, Y, feature names, label names) of an ARFF text, from liac-arff's parse, as CSR.

    Labels: by name (a Mulan .xml), else n_labels/labels_first, else '-C N' in the relation.
    Nominal features one-hot (absent sparse entry = the first value, '?' = all zero); a {0,1} or
    {1,0} attribute holds its value (absent sparse entry: the first value, 1 for {1,0})."""
    body = re.split(r"@data", text, maxsplit=1, flags=re.IGNORECASE)[-1]
    sparse = any(s.strip().startswith("{") for s in body.splitlines())
    parsed = liac.loads(text, encode_nominal=True, return_type=liac.LOD if sparse else liac.DENSE)
    attrs = parsed["attributes"]
    rows = parsed["data"] if sparse else [dict(enumerate(r)) for r in parsed["data"]]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.array([j for r in rows for j in r], dtype=np.int64)
    values = np.array([np.nan if v is None else v for r in rows for v in r.values()], dtype=np.float64)
    M = sp.csr_matrix((values, indices, indptr), shape=(len(rows), len(attrs)))
    binary = [isinstance(kind, list) and sorted(kind) == ["0", "1"] for _, kind in attrs]
    if any(kind == ["1", "0"] for _, kind in attrs):  # liac-arff gives the index: turn it into the value
        dense = M.toarray()
        for j, (_, kind) in enumerate(attrs):
            if kind == ["1", "0"]:
                dense[:, j] = 1 - dense[:, j]
        M = sp.csr_matrix(dense)
    names = [a[0] for a in attrs]
    if label_names is not None:
        label_cols = [names.index(n) for n in label_names]
    else:
        if n_labels is None:
            c = int(re.search(r"-C\s+(-?\d+)", parsed["relation"]).group(1))
            n_labels, labels_first = abs(c), c > 0
        label_cols = list(range(n_labels)) if labels_first else list(range(len(attrs) - n_labels, len(attrs)))
    assert all(binary[j] for j in label_cols), "labels are {0,1} attributes"
    Y = M[:, label_cols]
    assert not np.isnan(Y.data).any(), "labels are never missing"
    blocks, feature_names = [], []
    for j, (name, kind) in enumerate(attrs):
        if j in label_cols:
            continue
        if isinstance(kind, list) and not binary[j]:
            codes = M[:, [j]].toarray().ravel()
            block = np.zeros((len(rows), len(kind)))
            for i, code in enumerate(codes):
                if not np.isnan(code):
                    block[i, int(code)] = 1
            blocks.append(sp.csr_matrix(block))
            feature_names += [f"{name}={v}" for v in kind]
        else:
            blocks.append(M[:, [j]])
            feature_names.append(name)
    X = sp.hstack(blocks, format="csr")
    X.data[np.isnan(X.data)] = 0
    return X, Y, feature_names, [names[j] for j in label_cols]


def same(ds, X, Y, feature_names, label_names) -> bool:
    return (ds.feature_names == feature_names and ds.label_names == label_names
            and ds.X.shape == X.shape and ds.Y.shape == Y.shape
            and (ds.X != X.astype(np.float32)).nnz == 0 and (ds.Y != Y.astype(np.float32)).nnz == 0)


# --- real Mulan and MEKA files ----------------------------------------------------------------

# Published statistics: train, test, features, labels, label cardinality (train + test).
# Bibtex and Delicious: Table 1 of the DXML paper (which prints 19.03 for Delicious; the files give
# 19.020, as the Mulan data set page says); yeast, scene, Corel5k: the Mulan repository's data set
# page (mulan.sourceforge.net/datasets-mlc.html). IMDB (MEKA): 120,919 rows, 1,001 features,
# 28 labels, cardinality 2.00 (Read et al. 2011, Classifier chains, Table 2).
MULAN = {
    "yeast": ("yeast/yeast-train.arff", "yeast/yeast-test.arff", "yeast/yeast.xml", (1500, 917, 103, 14, 4.24)),
    "scene": ("scene/scene-train.arff", "scene/scene-test.arff", "scene/scene.xml", (1211, 1196, 294, 6, 1.07)),
    "bibtex": ("bibtex/bibtex-train.arff", "bibtex/bibtex-test.arff", "bibtex/bibtex.xml",
               (4880, 2515, 1836, 159, 2.40)),
    "corel5k": ("corel5k/Corel5k-train-sparse.arff", "corel5k/Corel5k-test-sparse.arff", "corel5k/Corel5k.xml",
                (4500, 500, 499, 374, 3.52)),
    "delicious": ("delicious/delicious-train.arff", "delicious/delicious-test.arff", "delicious/delicious.xml",
                  (12920, 3185, 500, 983, 19.02)),
}


@needs_mirror
@pytest.mark.parametrize("name", list(MULAN))
def test_mulan_files_load_as_liac_arff_reads_them_with_the_published_counts(name):
    train, test, xml, published = MULAN[name]
    folder = MIRROR / "mulan"
    s = data.load_arff(folder / train, folder / test, xml=folder / xml, valid_fraction=0.0)
    label_names = arff.read_mulan_label_names(folder / xml)
    for ds, path in ((s.train, train), (s.test, test)):
        assert same(ds, *reference((folder / path).read_text(), label_names=label_names))
    positives = s.train.Y.sum() + s.test.Y.sum()
    counts = (len(s.train), len(s.test), s.train.n_features, s.train.n_labels,
              round(float(positives) / (len(s.train) + len(s.test)), 2))
    assert counts == published and s.valid is None


@needs_mirror
@pytest.mark.slow
def test_meka_imdb_loads_with_its_published_counts_and_as_liac_arff_reads_it(tmp_path):
    path = MIRROR / "meka" / "Imdb.arff.bz2"
    s = data.load_arff(path)  # labels from '-C 28'; no test file: a seeded 20% test split
    rows = len(s.train) + len(s.valid) + len(s.test)
    cardinality = (s.train.Y.sum() + s.valid.Y.sum() + s.test.Y.sum()) / rows
    assert (rows, s.train.n_features, s.train.n_labels, round(float(cardinality), 2)) == (120919, 1001, 28, 2.00)
    assert len(s.test) == 24184 and s.test.meta["split"] == {
        "protocol": "random", "test_fraction": 0.2, "seed": 0, "valid_fraction": 0.1, "valid_seed": 0}
    assert s.train.meta["labels_from"] == "'-C 28' in the relation name"
    # liac-arff takes a minute on all of it: compare the first 3,000 rows, compressed the same way
    text = bz2.open(path, "rt", encoding="utf-8").read()
    head, body = text.split("@data\n", 1)
    short = head + "@data\n" + "\n".join([s for s in body.split("\n") if s.strip()][:3000]) + "\n"
    (tmp_path / "imdb-head.arff.bz2").write_bytes(bz2.compress(short.encode()))
    ds = arff.read_multilabel(tmp_path / "imdb-head.arff.bz2")
    assert len(ds) == 3000 and same(ds, *reference(short))


# --- the public loaders -----------------------------------------------------------------------

NOMINAL = """@relation 'toy: -C -2'
@attribute colour {red,green,'light blue'}
@attribute size numeric
@attribute shape {round,square}
@attribute A {0,1}
@attribute B {0,1}
@data
red,1.5,square,1,0
'light blue',?,round,0,1
?,2,square,1,1
green,0,?,0,0
{0 green,1 3,4 1}
"""


def test_nominal_features_are_one_hot_and_missing_values_recorded(tmp_path):
    path = write(tmp_path, "toy.arff", NOMINAL)
    with pytest.raises(ParseError, match=r"toy.arff:9: missing value '\?' for the numeric attribute "
                                         r"'size'.*missing='zero'"):
        data.load_arff(path)
    s = data.load_arff(path, missing="zero", valid_fraction=0.0, test_fraction=0.2)
    everything = arff.read_multilabel(path, missing="zero")
    assert everything.feature_names == ["colour=red", "colour=green", "colour=light blue", "size",
                                        "shape=round", "shape=square"]
    assert everything.label_names == ["A", "B"]
    np.testing.assert_array_equal(everything.X.toarray(), [
        [1, 0, 0, 1.5, 0, 1], [0, 0, 1, 0, 1, 0], [0, 0, 0, 2, 0, 1], [0, 1, 0, 0, 0, 0],
        [0, 1, 0, 3, 1, 0]])  # the sparse row leaves shape out: its first value, round
    np.testing.assert_array_equal(everything.Y.toarray(), [[1, 0], [0, 1], [1, 1], [0, 0], [0, 1]])
    assert everything.meta["missing_values"] == {"colour": 1, "size": 1, "shape": 1}
    assert len(s.train) == 4 and len(s.test) == 1 and s.test.meta["split"]["protocol"] == "random"


def test_string_attributes_are_rejected_with_name_and_line(tmp_path):
    path = write(tmp_path, "s.arff", "@relation r\n@attribute text string\n@attribute L {0,1}\n@data\n'a',1\n")
    with pytest.raises(ParseError, match=r"s.arff:2: attribute 'text' is a string attribute"):
        data.load_arff(path, n_labels=1, labels_first=False)


LABELS6 = "".join(f"@attribute L{i} {{0,1}}\n" for i in range(1, 7))
SIX = "@relation six\n@attribute x numeric\n@attribute y numeric\n" + LABELS6 + "@data\n" + \
    "0.5,1,1,0,0,0,0,1\n2,3,0,1,0,0,1,0\n"


def xml_of(names) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<labels xmlns="http://mulan.sourceforge.net/labels">\n'
            + "".join(f'<label name="{n}"></label>\n' for n in names) + "</labels>\n")


def test_an_xml_that_leaves_out_a_label_stops(tmp_path):
    path = write(tmp_path, "six.arff", SIX)
    good = write(tmp_path, "good.xml", xml_of(["L1", "L2", "L3", "L4", "L5", "L6"]))
    assert data.load_arff(path, xml=good, valid_fraction=0.0, test_fraction=0.5).train.n_labels == 6
    for left_out in ("L6", "L3"):
        xml = write(tmp_path, "five.xml", xml_of([f"L{i}" for i in range(1, 7) if f"L{i}" != left_out]))
        with pytest.raises(ParseError, match=f"attribute '{left_out}' .* is not named, so it would be read "
                                             f"as a feature.*add it to the .xml"):
            data.load_arff(path, xml=xml)


def test_a_label_listed_twice_stops(tmp_path):
    path = write(tmp_path, "six.arff", SIX)
    xml = write(tmp_path, "twice.xml", xml_of(["L1", "L2", "L3", "L4", "L5", "L6", "L2"]))
    with pytest.raises(ParseError, match=r"twice.xml:9: label 'L2' is listed twice \(first on line 4\)"):
        data.load_arff(path, xml=xml)


def test_a_mulan_file_with_a_stale_minus_c_follows_its_xml_with_a_warning(tmp_path):
    path = write(tmp_path, "stale.arff", SIX.replace("@relation six", "@relation 'six: -C 6'"))
    # Without the .xml, -C rules, and makes a numeric attribute a label: stop at its line.
    with pytest.raises(ParseError, match=r"stale.arff:2: '-C 6' in the relation name makes 'x' a label, but it "
                                         r"is declared numeric.*n_labels=6, labels_first=False.*give the .xml"):
        data.load_arff(path)
    xml = write(tmp_path, "six.xml", xml_of([f"L{i}" for i in range(1, 7)]))
    stale = (r"stale.arff:1: the relation's '-C 6' says the first 6 attributes are labels, but .*six.xml names "
             r"the last 6 \(L1, L2, L3, L4, L5, L6\); the .xml is authoritative for a Mulan file.*make it '-C -6'")
    for load in ("converted", "from the cache"):  # the warning comes back with the cached arrays
        with pytest.warns(arff.LabelSourceWarning, match=stale):
            s = data.load_arff(path, xml=xml, valid_fraction=0.0, test_fraction=0.5)
        assert s.train.feature_names == ["x", "y"] and s.train.label_names == [f"L{i}" for i in range(1, 7)], load
        assert "stale '-C 6' ignored" in s.train.meta["labels_from"]
    # load_user finds the .xml beside the file, as the chapters' xc_train does
    write(tmp_path, "stale.xml", xml_of([f"L{i}" for i in range(1, 7)]))
    with pytest.warns(arff.LabelSourceWarning, match="'-C 6'"):
        assert data.load_user(path, valid_fraction=0.0, test_fraction=0.5).train.n_labels == 6
    for options in ({"xml": xml}, {}):  # both arguments say it outright: no warning
        s = data.load_arff(path, n_labels=6, labels_first=False, valid_fraction=0.0, test_fraction=0.5, **options)
        assert s.train.feature_names == ["x", "y"] and s.train.n_labels == 6
    with pytest.raises(ParseError, match="Pass both n_labels= and labels_first= to override -C"):
        data.load_arff(path, labels_first=False)


def test_a_minus_c_that_agrees_with_the_xml_does_not_warn(tmp_path, recwarn):
    path = write(tmp_path, "ok.arff", SIX.replace("@relation six", "@relation 'six: -C -6'"))
    s = data.load_arff(path, xml=write(tmp_path, "six.xml", xml_of([f"L{i}" for i in range(1, 7)])),
                       valid_fraction=0.0, test_fraction=0.5)
    assert s.train.n_labels == 6 and not [w for w in recwarn if w.category is arff.LabelSourceWarning]


ONE_FIRST = """@relation 'flip: -C -2'
@attribute x numeric
@attribute f {1,0}
@attribute A {1,0}
@attribute B {0,1}
@data
"""


@pytest.mark.parametrize("extra", ["", "nominal"])  # the bulk parser, and the line-by-line one
def test_a_value_left_out_of_a_sparse_row_is_the_first_declared_one(tmp_path, extra):
    """As in Weka: omitted means index 0, which for {1,0} is 1. Rows: nothing given; every
    value given as 0; every value given as 1; a missing feature."""
    header = ONE_FIRST if not extra else ONE_FIRST.replace("@attribute x numeric",
                                                           "@attribute x numeric\n@attribute c {u,v}")
    shift = 1 if extra else 0
    rows = ["{}", f"{{0 0,{1 + shift} 0,{2 + shift} 0,{3 + shift} 0}}",
            f"{{0 2,{1 + shift} 1,{2 + shift} 1,{3 + shift} 1}}", f"{{{1 + shift} ?}}"]
    ds = arff.read_multilabel(write(tmp_path, "flip.arff", header + "\n".join(rows) + "\n"))
    assert ds.label_names == ["A", "B"]
    np.testing.assert_array_equal(ds.Y.toarray(), [[1, 0], [0, 0], [1, 1], [1, 0]])
    x = ds.X.toarray()[:, [0, ds.feature_names.index("f")]]
    np.testing.assert_array_equal(x, [[0, 1], [0, 0], [2, 1], [0, 0]])  # '?' of f: 0, counted
    assert ds.meta["missing_values"] == {"f": 1}
    # dense rows give every value: the declared order changes nothing
    dense = "0,u,1,1,0\n2,v,0,0,1\n" if extra else "0,1,1,0\n2,0,0,1\n"
    ds = arff.read_multilabel(write(tmp_path, "dense.arff", header + dense))
    np.testing.assert_array_equal(ds.Y.toarray(), [[1, 0], [0, 1]])
    np.testing.assert_array_equal(ds.X.toarray()[:, [0, ds.feature_names.index("f")]], [[0, 1], [2, 0]])


def test_labels_from_arguments_and_what_stops(tmp_path):
    path = write(tmp_path, "six.arff", SIX)
    with pytest.raises(LabelColumnsError, match="cannot tell which attributes .* are labels: pass xml="):
        data.load_arff(path)
    s = data.load_arff(path, n_labels=6, valid_fraction=0.0, test_fraction=0.5)  # only the last 6 are {0,1}
    assert s.train.label_names == [f"L{i}" for i in range(1, 7)]
    with pytest.raises(LabelColumnsError, match="n_labels must be an integer in 1..7"):
        data.load_arff(path, n_labels=8, labels_first=False)
    with pytest.raises(LabelColumnsError, match="names the last 6 .* pass n_labels=6, labels_first=False"):
        data.load_arff(path, xml=write(tmp_path, "six.xml", xml_of([f"L{i}" for i in range(1, 7)])), n_labels=5)


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1e999", "1e39"])
@pytest.mark.parametrize("sparse", [False, True])
def test_non_finite_arff_values_stop_with_the_line(tmp_path, value, sparse):
    row = f"{{0 {value},1 1}}" if sparse else f"{value},1"
    path = write(tmp_path, "v.arff", f"@relation 'v: -C -1'\n@attribute x numeric\n@attribute L {{0,1}}\n"
                                     f"@data\n1,0\n{row}\n")
    with pytest.raises(ParseError, match=rf"v.arff:6: .*'x'.*{re.escape(repr(value))}.*(finite|float32)"):
        data.load_arff(path)


def test_a_header_without_rows_stops(tmp_path):
    path = write(tmp_path, "e.arff",
                 "@relation 'e: -C 1'\n@attribute L {0,1}\n@attribute x numeric\n@data\n% none\n")
    with pytest.raises(ParseError, match="e.arff:4: no data rows after @data"):
        data.load_arff(path)
    xc = write(tmp_path, "e.txt", "0 4 3\n")
    with pytest.raises(ParseError, match="e.txt:1: the header announces 0 samples"):
        data.load_xc(xc)


def test_header_details_a_user_file_may_have(tmp_path):
    text = "\ufeff@relation\t'r: -C 1'\n@attribute\tL\t{0,1}\n@ATTRIBUTE x REAL\n@data\n1,2\n0,3\n"
    ds = arff.read_multilabel(write(tmp_path, "bom.arff", text))
    assert ds.label_names == ["L"] and ds.feature_names == ["x"]
    np.testing.assert_array_equal(ds.X.toarray(), [[2], [3]])
    with pytest.raises(MissingDataFile, match="nothere.arff does not exist"):
        data.load_arff(tmp_path / "nothere.arff")
    with pytest.raises(MissingDataFile, match="nothere.arff does not exist"):
        arff.read_arff(tmp_path / "nothere.arff")
    with pytest.raises(ParseError, match="attribute 'x' is declared twice"):
        arff.read_arff(write(tmp_path, "d.arff",
                             "@relation r\n@attribute x numeric\n@attribute x numeric\n@data\n1,2\n"))


def test_a_test_file_must_match_the_train_file(tmp_path):
    train = write(tmp_path, "a-train.arff", SIX)
    test = write(tmp_path, "a-test.arff", SIX.replace("@attribute y numeric", "@attribute z numeric"))
    with pytest.raises(ParseError, match="a-test.arff: its feature names differ from those of the train file"):
        data.load_arff(train, test, n_labels=6, labels_first=False)


def test_load_user_picks_the_reader_and_finds_the_mulan_xml(tmp_path):
    write(tmp_path, "six-train.arff", SIX)
    write(tmp_path, "six-test.arff", SIX)
    write(tmp_path, "six.xml", xml_of([f"L{i}" for i in range(6, 0, -1)]))  # the .xml's order is kept
    s = data.load_user(tmp_path / "six-train.arff", tmp_path / "six-test.arff", valid_fraction=0.0)
    assert s.train.label_names == [f"L{i}" for i in range(6, 0, -1)] and len(s.test) == 2
    assert s.train.meta["labels_from"].startswith("the Mulan label file") and s.train.name == "six"
    xc = write(tmp_path, "x.txt", "3 2 2\n0 0:1\n1 1:2\n0,1 0:3\n")
    s = data.load_user(xc, seed=1, valid_fraction=0.0, test_fraction=0.34)
    assert (len(s.train), len(s.test)) == (2, 1)
    with pytest.raises(ValueError, match="different formats"):
        data.load_user(tmp_path / "six-train.arff", xc)


def test_load_arff_caches_by_content(tmp_path, monkeypatch):
    path = write(tmp_path, "six.arff", SIX)
    calls = []
    real = arff.read_multilabel
    monkeypatch.setattr(arff, "read_multilabel", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = data.load_arff(path, n_labels=6, labels_first=False, valid_fraction=0.0, test_fraction=0.5)
    again = data.load_arff(path, n_labels=6, labels_first=False, valid_fraction=0.0, test_fraction=0.5)
    assert calls == [1] and (first.train.X != again.train.X).nnz == 0
    path.write_text(SIX.replace("0.5,1,1", "0.75,1,1"))  # new content: converted again
    changed = data.load_arff(path, n_labels=6, labels_first=False, valid_fraction=0.0, test_fraction=0.5)
    assert calls == [1, 1] and 0.75 in np.concatenate([changed.train.X.data, changed.test.X.data])


# --- properties: random small data sets written out and read back, intact or corrupted --------

POOL = ["red", "green", "blue", "a b", "x-1", "yes", "no", "2"]  # nominal values, one needs quotes


@st.composite
def tables(draw):
    """A small multi-label data set with numeric, {0,1} and nominal features (some missing)."""
    n = draw(st.integers(1, 6))
    columns = []
    for kind in draw(st.lists(st.sampled_from(["numeric", "binary", "nominal"]), min_size=1, max_size=4)):
        if kind == "numeric":
            values = draw(st.lists(st.integers(-12, 12).map(lambda k: k / 4), min_size=n, max_size=n))
            columns.append(("numeric", None, values))
        elif kind == "binary":  # declared {0,1} or {1,0}
            columns.append(("binary", draw(st.sampled_from([["0", "1"], ["1", "0"]])),
                            draw(st.lists(st.sampled_from([0, 1, None]), min_size=n, max_size=n))))
        else:
            declared = draw(st.lists(st.sampled_from(POOL), min_size=2, max_size=4, unique=True))
            codes = st.integers(0, len(declared) - 1) | st.none()
            columns.append(("nominal", declared, draw(st.lists(codes, min_size=n, max_size=n))))
    n_labels = draw(st.integers(1, 3))
    Y = np.array(draw(st.lists(st.lists(st.booleans(), min_size=n_labels, max_size=n_labels),
                               min_size=n, max_size=n)), dtype=np.float64)
    label_orders = draw(st.lists(st.sampled_from([["0", "1"], ["1", "0"]]), min_size=n_labels, max_size=n_labels))
    return {"columns": columns, "Y": Y, "label_orders": label_orders,
            "labels_first": draw(st.booleans()), "sparse": draw(st.booleans()),
            "layout": draw(st.sampled_from(["meka", "mulan", "arguments"])),
            "xml_order": draw(st.permutations(range(n_labels)))}


def quoted(value: str) -> str:
    return f"'{value}'" if " " in value else value


def expected(table):
    """(X, Y, feature names, label names) the table must read back as."""
    blocks, names = [], []
    for i, (kind, declared, values) in enumerate(table["columns"]):
        if kind == "nominal":
            block = np.zeros((len(values), len(declared)))
            for r, code in enumerate(values):
                if code is not None:
                    block[r, code] = 1
            blocks.append(block)
            names += [f"f{i}={v}" for v in declared]
        else:
            blocks.append(np.array([[0.0 if v is None else v] for v in values]))
            names.append(f"f{i}")
    order = table["xml_order"] if table["layout"] == "mulan" else range(table["Y"].shape[1])
    return (sp.csr_matrix(np.hstack(blocks)), sp.csr_matrix(table["Y"][:, list(order)]), names,
            [f"L{j}" for j in order])


def as_arff(table) -> tuple[str, str | None, dict]:
    """The table as ARFF text, its Mulan .xml (or None), and the options that read it."""
    L, first, layout = table["Y"].shape[1], table["labels_first"], table["layout"]
    relation = f"'gen: -C {L if first else -L}'" if layout == "meka" else "gen"
    features = [(f"f{i}", kind, declared, values) for i, (kind, declared, values) in enumerate(table["columns"])]
    labels = [(f"L{j}", "binary", table["label_orders"][j], [int(v) for v in table["Y"][:, j]])
              for j in range(L)]
    attrs = labels + features if first else features + labels
    header = [f"@relation {relation}", "% written by the property test"]
    for name, kind, declared, _ in attrs:
        header.append(f"@attribute {name} " + ("numeric" if kind == "numeric" else
                                                "{" + ",".join(quoted(v) for v in declared) + "}"))
    rows = []
    for r in range(len(table["Y"])):
        cells = []
        for j, (_, kind, declared, values) in enumerate(attrs):
            v = values[r]
            if v is None:
                text = "?"
            else:
                text = repr(v) if kind == "numeric" else quoted(declared[v]) if kind == "nominal" else str(v)
            if table["sparse"]:
                # a sparse row leaves out 0 of a numeric attribute and the first declared value
                # of a nominal one (a code of 0; for {1,0}, the value 1)
                if v is not None and (str(v) == declared[0] if kind == "binary" else v == 0):
                    continue
                text = f"{j} {text}"
            cells.append(text)
        rows.append("{" + ",".join(cells) + "}" if table["sparse"] else ",".join(cells))
    text = "\n".join(header + ["@data"] + rows) + "\n"
    xml = xml_of([f"L{j}" for j in table["xml_order"]]) if layout == "mulan" else None
    options = {"n_labels": L, "labels_first": first} if layout == "arguments" else {}
    return text, xml, options


def read_table(tmp_path: Path, text: bytes | str, xml: str | None, options: dict):
    path = tmp_path / "gen.arff"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    xml_path = None if xml is None else write(tmp_path, "gen.xml", xml)
    return arff.read_multilabel(path, xml=xml_path, **options)


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(table=tables())
def test_written_arff_reads_back_identical(tmp_path, table):
    text, xml, options = as_arff(table)
    ds = read_table(tmp_path, text, xml, options)
    assert same(ds, *expected(table))
    label_names = None if xml is None else [f"L{j}" for j in table["xml_order"]]
    assert same(ds, *reference(text, label_names=label_names, **options))  # and as liac-arff reads it


INTERESTING = [ord(c) for c in "0123456789,{} \n?'\"%@e-+._\t\r"] + [0, 0xA0, 0xC3, 0xFF]
edits = st.tuples(st.sampled_from(["replace", "insert", "delete"]), st.floats(0, 1, exclude_max=True),
                  st.sampled_from(INTERESTING) | st.integers(0, 255))


def corrupt(raw: bytes, edit) -> bytes:
    how, where, byte = edit
    at = int(where * len(raw))
    if how == "replace":
        return raw[:at] + bytes([byte]) + raw[at + 1:]
    if how == "insert":
        return raw[:at] + bytes([byte]) + raw[at:]
    return raw[:at] + raw[at + 1:]


def decoded(raw: bytes) -> str:
    """The bytes as the reader sees text: UTF-8, universal newlines, no byte-order mark."""
    return io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=None).read()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=tables(), edit=edits)
def test_corrupted_arff_reads_identical_or_stops_with_our_error(tmp_path, table, edit):
    text, xml, options = as_arff(table)
    raw = corrupt(text.encode(), edit)
    try:
        ds = read_table(tmp_path, raw, xml, options)
    except DataError:
        return  # stopped, with the file and what is wrong
    label_names = None if xml is None else [f"L{j}" for j in table["xml_order"]]
    try:
        independent = reference(decoded(raw), label_names=label_names, **options)
    except Exception:  # liac-arff refuses it (or its labels): then nothing may have changed
        independent = expected(table)
    assert same(ds, *independent)


@st.composite
def xc_tables(draw):
    n, d, L = draw(st.integers(1, 6)), draw(st.integers(1, 5)), draw(st.integers(1, 4))
    X = np.array(draw(st.lists(st.lists(st.sampled_from([0.0, 0.0, 0.5, 1.0, -2.25, 3e-5]), min_size=d, max_size=d),
                               min_size=n, max_size=n)))
    Y = np.array(draw(st.lists(st.lists(st.booleans(), min_size=L, max_size=L), min_size=n, max_size=n)), float)
    return X, Y


def as_xc(X, Y) -> str:
    lines = [f"{X.shape[0]} {X.shape[1]} {Y.shape[1]}"]
    for x, y in zip(X, Y):
        labels = ",".join(str(j) for j in np.flatnonzero(y))
        lines.append(" ".join([labels] + [f"{j}:{float(x[j])!r}" for j in np.flatnonzero(x)]))
    return "\n".join(lines) + "\n"


def xc_reference(text: str):
    """A plain reading of the format, for comparison: every token checked, nothing summed."""
    lines = text.split("\n")
    n, d, L = (int(v) for v in lines[0].split(" "))
    body = lines[1:-1] if lines[-1] == "" else lines[1:]
    assert len(body) == n > 0
    X, Y = np.zeros((n, d), np.float32), np.zeros((n, L), np.float32)
    for i, line in enumerate(body):
        head, _, rest = line.partition(" ")
        if line[:1] in ("", " ", "\t") or ":" in head:  # a line without labels
            head, rest = "", line
        for label in filter(None, head.split(",")):
            assert re.fullmatch(r"[0-9]+", label)
            Y[i, int(label)] = 1
        seen = set()
        for token in rest.split():
            j, value = token.split(":")
            assert re.fullmatch(r"[0-9]+", j) and int(j) not in seen
            assert re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", value)
            seen.add(int(j))
            X[i, int(j)] = np.float32(value)
    assert np.isfinite(X).all()
    return X, Y


@PROPERTY
@given(matrices=xc_tables())
def test_written_xc_reads_back_identical(tmp_path, matrices):
    X, Y = matrices
    got_X, got_Y = read_xc(write(tmp_path, "gen.txt", as_xc(X, Y)))
    assert np.array_equal(got_X.toarray(), X.astype(np.float32)) and np.array_equal(got_Y.toarray(), Y)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(matrices=xc_tables(), edit=edits)
def test_corrupted_xc_reads_identical_or_stops_with_our_error(tmp_path, matrices, edit):
    X, Y = matrices
    raw = corrupt(as_xc(X, Y).encode(), edit)
    path = tmp_path / "gen.txt"
    path.write_bytes(raw)
    try:
        got_X, got_Y = read_xc(path)
    except DataError:
        return
    try:
        want_X, want_Y = xc_reference(decoded(raw))
    except Exception:
        want_X, want_Y = X.astype(np.float32), Y
    assert np.array_equal(got_X.toarray(), want_X) and np.array_equal(got_Y.toarray(), want_Y)
