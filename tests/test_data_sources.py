"""The non-ARFF sources: Reuters-21578, SIDER, four recipe sources and UC Merced.

Readers run once per module on the real mirror files (module-scoped fixtures); counts are
compared with the published or README numbers, features with hand-computed values, and every
parser gets a malformed input whose error must name the file and line.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from PIL import Image
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from xmlstudy import data
from xmlstudy.data import recipes, reuters, sider, ucmerced
from xmlstudy.data.errors import ChecksumError, MissingDataFile, ParseError

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not MIRROR.is_dir(), reason="the data mirror ../shared/data is absent")


def _read(spec):
    return spec.reader({f.path: MIRROR / f.path for f in spec.files}, spec)


def _spec(module, name):
    return next(s for s in module.SPECS if s.name == name)


def _check_expected(spec, parts):
    """The reader's output against the spec's expected statistics (cardinality over all rows;
    train/test of a source without a split as the registry draws them)."""
    if "all" in parts:
        whole = parts["all"]
        train, test = data.random_test_split(whole, spec.test_fraction)
        Y = whole.Y
    else:
        train = parts["train"]
        if "valid" in parts:  # an official validation split counts as train here
            train = data.concatenate(train, parts["valid"], "train")
        test = parts["test"]
        Y = sp.vstack([train.Y, test.Y]).tocsr()
    exp = spec.expected
    assert (len(train), len(test)) == (exp["train"], exp["test"])
    assert Y.shape[0] == exp.get("rows", Y.shape[0])
    assert (train.n_features, train.n_labels) == (exp["features"], exp["labels"])
    assert (test.n_features, test.n_labels) == (exp["features"], exp["labels"])
    assert round(float(Y.sum()) / Y.shape[0], 2) == exp["cardinality"]
    assert int((np.diff(Y.indptr) == 0).sum()) == exp["empty_rows"]
    assert set(np.unique(Y.data)) == {1.0} and train.X.dtype == np.float32


def _label_counts(ds):
    return dict(zip(ds.label_names, np.asarray(ds.Y.sum(axis=0)).ravel().astype(int)))


def _manifest_rows():
    with open(MIRROR / "MANIFEST.tsv", newline="") as fh:
        return {r["path"]: r for r in csv.DictReader(fh, delimiter="\t")}


def test_every_spec_file_matches_the_mirror_manifest():
    rows = _manifest_rows()
    for module in (reuters, sider, recipes, ucmerced):
        for spec in module.SPECS:
            for f in spec.files:
                if f.path == ucmerced.MANIFEST_FILE.path:  # made by the mirror, not in MANIFEST.tsv
                    assert hashlib.sha256((MIRROR / f.path).read_bytes()).hexdigest() == f.sha256
                    continue
                row = rows[f.path]
                assert f.sha256 == row["sha256"], f.path
                assert f.url == (f"https://raw.githubusercontent.com/{row['source_repo']}/"
                                 f"{row['source_commit']}/{row['source_path']}")


def test_registry_lists_the_sources():
    assert {"reuters", "sider", "whats_cooking", "bbc_food", "epicurious", "recipes5k",
            "ucmerced"} <= set(data.names())


# --- Reuters-21578 ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reuters_parts():
    return _read(reuters.SPECS[0])


@pytest.mark.slow
def test_reuters_modapte_r90_counts(reuters_parts):
    _check_expected(reuters.SPECS[0], reuters_parts)
    train, test = reuters_parts["train"], reuters_parts["test"]
    assert len(train) + len(test) == 10789      # seed 004, Table 6
    # Published ModApte category sizes (train / test) of the largest topics.
    tr, te = _label_counts(train), _label_counts(test)
    assert (tr["earn"], te["earn"]) == (2877, 1087)
    assert (tr["acq"], te["acq"]) == (1650, 719)
    assert (tr["money-fx"], te["money-fx"]) == (538, 179)
    assert (tr["crude"], te["crude"]) == (389, 189)
    assert min(tr.values()) >= 1 and min(te.values()) >= 1   # the R90 definition


@pytest.mark.slow
def test_reuters_texts_and_tfidf_fit_on_train_only(reuters_parts):
    train, test = reuters_parts["train"], reuters_parts["test"]
    assert train.texts[0].startswith("BAHIA COCOA REVIEW\nShowers continued")
    assert train.meta["newid"][0] == 1 and train.label_names[train.Y[0].indices[0]] == "cocoa"
    vectorizer = TfidfVectorizer(**reuters.TFIDF).fit(train.texts)   # deterministic refit
    assert list(vectorizer.get_feature_names_out()) == train.feature_names
    assert abs(vectorizer.transform(test.texts) - test.X).max() < 1e-6
    norms = np.sqrt(np.asarray(train.X.multiply(train.X).sum(axis=1)).ravel())
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)
    assert "cocoa" in train.feature_names and not any(c.isdigit() for c in "".join(train.feature_names))


def test_reuters_malformed_sgml_names_file_and_line(tmp_path):
    ok = ('<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" NEWID="1">\n<TOPICS><D>earn</D></TOPICS>\n'
          '<TEXT><TITLE>A</TITLE><BODY>b</BODY></TEXT>\n</REUTERS>\n')
    unclosed = ok + '<REUTERS TOPICS="YES" LEWISSPLIT="TEST" NEWID="2">\n<TEXT>x</TEXT>\n'
    path = tmp_path / "reut2-000.sgm"
    path.write_text(unclosed + ok.replace('NEWID="1"', 'NEWID="3"'))
    with pytest.raises(ParseError, match=r"reut2-000.sgm:5: <REUTERS> element without a matching"):
        reuters.parse_sgml(path)
    path.write_text(ok + ok.replace(' LEWISSPLIT="TRAIN"', ""))
    with pytest.raises(ParseError, match=r"reut2-000.sgm:5: .*lacks the LEWISSPLIT"):
        reuters.parse_sgml(path)
    path.write_text(ok + unclosed)                      # the last element is never closed
    with pytest.raises(ParseError, match=r"reut2-000.sgm:9: <REUTERS> element without a matching"):
        reuters.parse_sgml(path)


# --- SIDER ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sider_all():
    return _read(sider.SPECS[0])


def test_sider_counts_and_labels(sider_all):
    _check_expected(sider.SPECS[0], sider_all)
    ds = sider_all["all"]
    assert ds.label_names[0] == "Hepatobiliary disorders" and len(set(ds.label_names)) == 27
    assert "Nervous system disorders" in ds.label_names
    assert set(ds.meta["smiles_status"]) == {"ok"}
    assert ds.meta["smiles"][0] == "C(CNCCNCCNCCN)N"


def test_sider_fingerprints_are_deterministic_and_match_rdkit(sider_all):
    from rdkit import Chem
    from rdkit.Chem import rdFingerprintGenerator

    ds = sider_all["all"]
    again, _ = sider.morgan_fingerprints(ds.meta["smiles"][:50])
    assert (again != ds.X[:50]).nnz == 0
    # Ethanol: 3 atom environments at radius 0 and 3 at radius 1; each radius-2 environment
    # spans the same three atoms as the centre carbon's radius-1 one and is dropped as redundant.
    X, status = sider.morgan_fingerprints(["CCO"])
    ref = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=1024).GetFingerprintAsNumPy(
        Chem.MolFromSmiles("CCO"))
    assert status == ["ok"] and X.nnz == 6 and np.array_equal(X.toarray()[0], ref)


def test_sider_unparsable_smiles_are_kept_and_reported(tmp_path):
    X, status = sider.morgan_fingerprints(["CCO", "C1CC", "[N+](C)(C)(C)(C)C"])
    assert status == ["ok", "unparsed", "unsanitized"]
    assert X[1].nnz == 0 and X[2].nnz > 0
    path = tmp_path / "sider.csv"
    path.write_text("smiles,a,b\nCCO,1,0\nC1CC,0,1\n")
    with pytest.warns(UserWarning, match="could not parse 1 of 2 SMILES"):
        ds = sider.read_sider({sider.FILE.path: path}, sider.SPECS[0])["all"]
    assert len(ds) == 2 and ds.meta["smiles_status"] == ["ok", "unparsed"]


@pytest.mark.parametrize("body, line, problem", [
    ("smiles,a,b\nCCO,1,0\nCCN,1,2\n", 3, "label 'b' is '2'; labels must be 0 or 1"),
    ("smiles,a,b\nCCO,1\n", 2, "2 fields, the header has 3"),
    ("name,a,b\nCCO,1,0\n", 1, "expected a header 'smiles,"),
])
def test_sider_malformed_csv_names_file_and_line(tmp_path, body, line, problem):
    path = tmp_path / "sider.csv"
    path.write_text(body)
    with pytest.raises(ParseError, match=f"sider.csv:{line}: " + problem.replace("(", r"\(")):
        sider.read_csv_labels(path)


# --- What's Cooking ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def whats_cooking():
    return _read(_spec(recipes, "whats_cooking"))["all"]


@pytest.mark.slow
def test_whats_cooking_counts_and_normalisation(whats_cooking):
    spec = _spec(recipes, "whats_cooking")
    _check_expected(spec, {"all": whats_cooking})
    raw = {x for lst in whats_cooking.meta["raw_ingredients"] for x in lst}
    assert len(raw) == spec.expected["published"]["labels"] == 6714       # the data README
    assert len({recipes.normalise(x) for x in raw}) == whats_cooking.n_labels == 6703
    assert len(whats_cooking.group_names) == 20 and {"italian", "mexican"} <= set(whats_cooking.group_names)
    counts = _label_counts(whats_cooking)
    assert max(counts, key=counts.get) == "salt" and counts["salt"] == 18048
    assert "sriracha" in counts and "Sriracha" not in counts


@pytest.mark.slow
def test_whats_cooking_features_are_the_one_hot_cuisine(whats_cooking):
    X = whats_cooking.X
    assert (X.getnnz(axis=1) == 1).all()
    np.testing.assert_array_equal(X.indices, whats_cooking.groups)
    first = whats_cooking.group_names[whats_cooking.groups[0]]
    assert first == "greek" and whats_cooking.feature_names[whats_cooking.groups[0]] == "cuisine=greek"


def _zip_with(path: Path, member: str, text: str) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, text)
    return path


def test_whats_cooking_malformed_json(tmp_path):
    spec = _spec(recipes, "whats_cooking")
    key = recipes.WHATS_COOKING_FILE.path
    bad = _zip_with(tmp_path / "a.zip", "train.json", '[\n {"id": 1, "cuisine": "greek",\n')
    with pytest.raises(ParseError, match=r"a.zip!train.json:3: invalid JSON"):
        recipes.read_whats_cooking({key: bad}, spec)
    bad = _zip_with(tmp_path / "b.zip", "train.json", json.dumps([{"id": 7, "cuisine": "greek"}]))
    with pytest.raises(ParseError, match=r"recipe number 0 \(id 7\) must be an object with"):
        recipes.read_whats_cooking({key: bad}, spec)


# --- BBC Food ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bbc():
    return _read(_spec(recipes, "bbc_food"))["all"]


def test_bbc_food_counts_and_labels(bbc):
    spec = _spec(recipes, "bbc_food")
    _check_expected(spec, {"all": bbc})
    raw = {x for lst in bbc.meta["raw_ingredients"] for x in lst}
    assert len(raw) == spec.expected["published"]["labels"] == 1374       # the data README
    assert bbc.texts[0] == "A birthday cake for Dame Mary Berry"
    assert bbc.meta["link"][0] == "https://www.bbc.co.uk/food/recipes/lemon_birthday_cake_53643"
    first = {bbc.label_names[j] for j in bbc.Y[0].indices}
    assert first == {"baking", "baking powder", "caster sugar", "double cream", "egg white", "eggs",
                     "icing sugar", "lemon curd", "raspberries", "self-raising flour",
                     "vanilla bean paste", "white chocolate"}
    counts = _label_counts(bbc)
    assert counts["butter"] == 3717 and "Butter" not in counts


def test_bbc_title_features_are_deterministic_l2_words(bbc):
    X, names = recipes.title_words(bbc.texts, min_df=2)
    assert names == bbc.feature_names
    np.testing.assert_allclose(normalize(X, norm="l2").toarray()[:100], bbc.X.toarray()[:100])
    row = {bbc.feature_names[j]: v for j, v in zip(bbc.X[0].indices, bbc.X[0].data)}
    # "A birthday cake for Dame Mary Berry": stop words a/for dropped, 5 words left (if frequent).
    assert set(row) <= {"title:birthday", "title:cake", "title:dame", "title:mary", "title:berry"}
    assert {"title:birthday", "title:cake"} <= set(row)
    np.testing.assert_allclose(list(row.values()), 1 / math.sqrt(len(row)), rtol=1e-6)


@pytest.mark.parametrize("body, line, problem", [
    ("Cake:\nLink: u\n- egg\n\nPie:\nLink: v\nflour\n", 7, "expected an ingredient line '- <name>'"),
    ("Cake:\n- egg\n", 2, "expected 'Link: <url>' after the title"),
    ("Cake:\nLink: u\n- egg\n\n- flour\n", 5, "expected a recipe title line"),
])
def test_bbc_malformed_text_names_file_and_line(tmp_path, body, line, problem):
    path = tmp_path / "bbc.txt"
    path.write_text(body)
    with pytest.raises(ParseError, match=f"bbc.txt:{line}: {problem}"):
        recipes.parse_bbc(path)


# --- Epicurious -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def epicurious():
    return _read(_spec(recipes, "epicurious"))["all"]


@pytest.mark.slow
def test_epicurious_counts_and_duplicates(epicurious):
    spec = _spec(recipes, "epicurious")
    _check_expected(spec, {"all": epicurious})
    assert epicurious.meta["raw_rows"] == 20052 == spec.expected["published"]["rows"]   # README
    assert epicurious.meta["duplicates_dropped"] == 1801
    assert epicurious.n_labels == 674 and epicurious.label_names[:2] == ["#cakeweek", "#wasteless"]
    assert {"bake", "vegetarian", "dessert"} <= set(epicurious.label_names)
    assert len(set(zip(epicurious.texts, map(tuple, epicurious.Y.tolil().rows)))) >= 17700


@pytest.mark.slow
def test_epicurious_numeric_features_by_hand(epicurious):
    # Row 0 of epi_r.csv: "Lentil, Apple, and Turkey Wrap", rating 2.5, 426 kcal, 30 g protein,
    # 7 g fat, 559 mg sodium.
    assert epicurious.texts[0] == "Lentil, Apple, and Turkey Wrap"
    row = epicurious.X[0].toarray().ravel()
    np.testing.assert_allclose(row[:9], [0.5, math.log10(427), math.log10(31), math.log10(8),
                                         math.log10(560), 0, 0, 0, 0], rtol=1e-6)
    missing = epicurious.X[:, 5].toarray().ravel()
    assert missing.sum() > 3000 and np.all(epicurious.X[missing == 1][:, 1].toarray() == 0)
    words = {epicurious.feature_names[j] for j in epicurious.X[0].indices if j >= 9}
    assert {"title:lentil", "title:apple", "title:turkey"} == words   # "wrap" is in only 3 titles
    assert "title:wraps" in epicurious.feature_names and "title:wrap" not in epicurious.feature_names


@pytest.mark.parametrize("last_row, problem", [
    ("Pie,3.0,,,,,0.0,2.0", "tag 'dessert' is 2.0; tag columns must hold 0 or 1"),
    ("Pie,3.0,lots,,,,0.0,1.0", "calories is lots, not a number"),
])
def test_epicurious_malformed_values_name_the_csv_line(tmp_path, last_row, problem):
    header = "title,rating,calories,protein,fat,sodium,bake,dessert\n"
    body = 'Soup,4.0,1,2,3,4,1.0,0.0\n"Two\nline title",4.0,1,2,3,4,1.0,0.0\n' + last_row + "\n"
    path = _zip_with(tmp_path / "epi.zip", "epi_r.csv", header + body)
    with pytest.raises(ParseError, match=r"epi.zip!epi_r.csv:5: " + problem):
        recipes.read_epicurious_table(path)


# --- Recipes5k --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def recipes5k():
    return _read(_spec(recipes, "recipes5k"))


def test_recipes5k_counts_and_official_split(recipes5k):
    spec = _spec(recipes, "recipes5k")
    _check_expected(spec, recipes5k)
    assert {k: len(v) for k, v in recipes5k.items()} == {"train": 3409, "valid": 634, "test": 783}
    train = recipes5k["train"]
    assert len(train.group_names) == 101 and train.group_names[0] == "apple_pie"
    assert train.meta["image"][0] == "apple_pie/20_homemade_apple_pie_hostedLargeUrl.jpg"
    # train line 0 points at ingredient line 69 (0-based) of the annotation files
    assert train.meta["line"][0] == 69 and train.texts[0] == "Homemade Apple Pie"
    assert {"apple", "flour", "salt"} <= {train.label_names[j] for j in train.Y[0].indices}
    np.testing.assert_array_equal(train.X.indices, train.groups)
    splits = data.make_splits(recipes5k, spec, valid_fraction=0.1, split_seed=0)
    assert len(splits.valid) == 634                       # the official validation set is used


def test_recipes5k_bad_index_names_file_and_line(tmp_path):
    spec = _spec(recipes, "recipes5k")
    paths = {}
    for f in spec.files:
        paths[f.path] = tmp_path / Path(f.path).name
        shutil.copy(MIRROR / f.path, paths[f.path])
    labels = paths["recipes5k/annotations/val_labels.txt"]
    lines = labels.read_text().split("\n")
    lines[2] = "4826"
    labels.write_text("\n".join(lines))
    with pytest.raises(ParseError, match=r"val_labels.txt:3: '4826' is not a line index"):
        recipes.read_recipes5k(paths, spec)


# --- UC Merced --------------------------------------------------------------------------------

def test_ucmerced_labels_and_manifest_counts():
    names, labels, Y = ucmerced.read_labels(MIRROR / ucmerced.LABELS_FILE.path)
    assert len(names) == 2100 and len(labels) == 17 and Y.shape == (2100, 17)
    assert labels[:3] == ["airplane", "bare-soil", "buildings"] and labels[-1] == "water"
    counts = dict(zip(labels, Y.sum(axis=0).astype(int)))
    assert counts["airplane"] == 100 and counts["pavement"] == 1300
    assert round(float(Y.sum()) / 2100, 2) == ucmerced.SPECS[0].expected["cardinality"]
    manifest = ucmerced.read_manifest(MIRROR / ucmerced.MANIFEST_FILE.path)
    assert set(manifest) == set(names)
    assert len({Path(e["jpg_path"]).parent.name for e in manifest.values()}) == 21


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ucmerced-aitlas", "ucmerced-planted"])
def test_ucmerced_aitlas_and_planted_statistics(name):
    spec = _spec(ucmerced, name)
    parts = data.read_source(name, data_dir=MIRROR)
    _check_expected(spec, parts)
    sizes = {k: len(v) for k, v in parts.items()}
    assert sizes == ({"train": 1285, "valid": 395, "test": 420} if name == "ucmerced-aitlas"
                     else {"train": 400, "valid": 100, "test": 100})
    if name == "ucmerced-planted":
        for ds in parts.values():
            has = np.array([p is not None for p in ds.meta["patches"]])
            assert has.sum() == len(ds) // 2
            np.testing.assert_array_equal(ds.Y[:, 17].toarray().ravel(), has)


def _small_mirror(tmp_path, per_class=2, classes=("airplane", "beach", "forest")):
    """A copy of a few UC Merced images with matching label file and manifest."""
    src_manifest = MIRROR / ucmerced.MANIFEST_FILE.path
    lines = src_manifest.read_text().splitlines()
    chosen = [ln for ln in lines[1:] if Path(ln.split("\t")[0]).parent.name in classes
              and int(Path(ln.split("\t")[0]).stem[-2:]) < per_class]
    root = tmp_path / "ucmerced_multilabel"
    for ln in chosen:
        rel = ln.split("\t")[0]
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src_manifest.parent / rel, root / rel)
    (root / "images_manifest.tsv").write_text("\n".join([lines[0]] + chosen) + "\n")
    with zipfile.ZipFile(MIRROR / ucmerced.LABELS_FILE.path) as zf:
        table = zf.read(ucmerced.LABELS_MEMBER).decode().splitlines()
    stems = {Path(ln.split("\t")[0]).stem for ln in chosen}
    rows = [table[0]] + [ln for ln in table[1:] if ln.split("\t")[0] in stems]
    _zip_with(root / "multilabels.zip", ucmerced.LABELS_MEMBER, "\r\n".join(rows) + "\r\n")
    return {ucmerced.LABELS_FILE.path: root / "multilabels.zip",
            ucmerced.MANIFEST_FILE.path: root / "images_manifest.tsv"}


def test_ucmerced_reader_on_a_few_real_images(tmp_path):
    paths = _small_mirror(tmp_path)
    ds = ucmerced.read_ucmerced(paths, ucmerced.SPECS[0])["all"]
    assert len(ds) == 6 and ds.X.shape == (6, 312) and ds.n_labels == 17
    assert ds.group_names == ["airplane", "beach", "forest"]
    np.testing.assert_array_equal(ds.groups, [0, 0, 1, 1, 2, 2])
    assert ds.meta["image_name"] == ["airplane00", "airplane01", "beach00", "beach01", "forest00", "forest01"]
    X = ds.X.toarray()
    for block in (slice(0, 48), slice(48, 56), slice(56, 312)):
        np.testing.assert_allclose(np.linalg.norm(X[:, block], axis=1), 1.0, rtol=1e-5)
    image = ucmerced.load_image(ds.meta["image_paths"][0])
    assert image.shape == (256, 256, 3) and image.dtype == np.uint8
    assert ucmerced.load_image(ds.meta["image_paths"][0], size=(32, 48)).shape == (32, 48, 3)
    again = ucmerced.image_features(Path(ds.meta["image_paths"][3]).read_bytes())
    np.testing.assert_array_equal(again.astype(np.float32), X[3])
    # kNN sanity: the nearest other image is from the same land-use class
    D = ((X[:, None] - X[None]) ** 2).sum(-1) + np.eye(6) * 1e9
    assert (ds.groups[D.argmin(1)] == ds.groups).mean() >= 5 / 6


def test_ucmerced_features_of_a_solid_colour_image():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (255, 0, 0)).save(buffer, format="PNG")
    f = ucmerced.image_features(buffer.getvalue())
    colour = np.zeros(48)
    colour[[15, 16, 32]] = 1 / math.sqrt(3)      # R in its top bin, G and B in their lowest
    np.testing.assert_allclose(f[:48], colour)
    np.testing.assert_allclose(f[48:56], [1, 0, 0, 0, 0, 0, 0, 0])   # no edges anywhere
    np.testing.assert_allclose(f[56:], 1 / 16)                     # a flat 16 x 16 thumbnail
    assert len(ucmerced.feature_names()) == 312 == len(f)


def test_ucmerced_corrupt_missing_and_malformed_inputs(tmp_path):
    paths = _small_mirror(tmp_path, per_class=1, classes=("beach",))
    image = paths[ucmerced.MANIFEST_FILE.path].parent / "images/beach/beach00.jpg"
    image.write_bytes(image.read_bytes()[:-10])
    with pytest.raises(ChecksumError, match="beach00.jpg: sha256 .* differs from the manifest"):
        ucmerced.read_ucmerced(paths, ucmerced.SPECS[0])
    image.unlink()
    with pytest.raises(MissingDataFile, match="beach00.jpg is missing"):
        ucmerced.read_ucmerced(paths, ucmerced.SPECS[0])
    bad = _zip_with(tmp_path / "labels.zip", ucmerced.LABELS_MEMBER,
                    "IMAGE\\LABEL\ta\tb\nx00\t0\t1\nx01\t1\t3\n")
    with pytest.raises(ParseError, match=r"labels.zip!multilabels/LandUse_Multilabeled.txt:3: label "
                                         r"values must be 0 or 1"):
        ucmerced.read_labels(bad)
