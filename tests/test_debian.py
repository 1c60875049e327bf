"""The Debian package data sets: the index parsers on hand-made lines, the source-package split,
the label cut and features on a tiny hand-made archive, and the real bookworm indexes against the
counts of the data mirror's README.

The tests on hand-made input run in well under a second. The full-index ones (marked slow) parse
the 63,440 entries once per module (about 10 s) and load both data sets through the array cache
(about 30 s each the first time, a fraction of a second afterwards).
"""
from __future__ import annotations

import csv
import hashlib
import lzma
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from xmlstudy import data
from xmlstudy.data import debian, debian_index, files
from xmlstudy.data.errors import ChecksumError, DataError, ParseError
from xmlstudy.data.splits import group_holdout

MIRROR = files.default_data_dir()  # XMLSTUDY_DATA_DIR, else ../shared/data
needs_mirror = pytest.mark.skipif(MIRROR is None or not (MIRROR / "debian").is_dir(),
                                  reason="no data mirror with the Debian indexes")


# --- relationship fields, tags, source names, descriptions -----------------------------------

@pytest.mark.parametrize("value, expected", [
    ("libc6 (>= 2.34), libgcc-s1 (>= 3.0)", ["libc6", "libgcc-s1"]),
    ("fonts-dejavu-core | ttf-dejavu-core, perl", ["fonts-dejavu-core", "perl"]),  # first alternative
    ("python3:any (>= 3.11~), python3", ["python3"]),                             # ":any", once
    ("0ad-data (>= 0.0.26), 0ad-data (<= 0.0.26-3)", ["0ad-data"]),              # two constraints
    ("libfoo1 [amd64 arm64] | libbar, baz [!i386]", ["libfoo1", "baz"]),          # "[arch]"
    ("debhelper-compat (= 13) <!nocheck>", ["debhelper-compat"]),                  # build profile
    ("libc6 (>= 2.34),\n libstdc++6 (>= 12) ,", ["libc6", "libstdc++6"]),          # folded, trailing comma
    ("", []),
    ("   ", []),
])
def test_first_alternatives(value, expected):
    assert debian_index.first_alternatives(value) == expected


@pytest.mark.parametrize("value", ["libc6 (>= )", "Libc6", "foo | (>= 1)", "foo bar", "foo (~ 1)"])
def test_first_alternatives_rejects_what_is_not_a_relationship(value):
    with pytest.raises(ValueError, match="is not a package relationship"):
        debian_index.first_alternatives(value)


def test_tags_sources_and_descriptions():
    assert debian_index.tags("role::program, implemented-in::c,\n interface::x11, role::program") == [
        "role::program", "implemented-in::c", "interface::x11"]
    assert debian_index.tags("") == []
    with pytest.raises(ValueError, match="'use editing' is not a Debtags tag"):
        debian_index.tags("role::program, use editing")
    assert [debian.is_placeholder_tag(t) for t in ("suite::TODO", "devel::lang:TODO", "use::todo")] == [
        True, True, False]
    assert debian_index.source_name({"Package": "libfoo1", "Source": "foo (1.2-3)"}) == "foo"
    assert debian_index.source_name({"Package": "libfoo1", "Source": "foo"}) == "foo"
    assert debian_index.source_name({"Package": "bar"}) == "bar"
    short, long = debian_index.long_description("Synopsis here\n First line\n .\n  verbatim\n Last")
    assert (short, long) == ("Synopsis here", "First line\n\n verbatim\nLast")
    assert debian_index.long_description("Only a synopsis") == ("Only a synopsis", "")


# --- the control-file parser ----------------------------------------------------------------

def test_paragraphs_join_continuations_and_remember_lines():
    text = "Package: a\nDepends: x,\n y\n\n\nPackage: b\nTag: role::program\n"
    found = debian_index.paragraphs(text, "Packages", required=("Package",))
    assert [dict(p) for p in found] == [{"Package": "a", "Depends": "x,\n y"},
                                        {"Package": "b", "Tag": "role::program"}]
    assert (found[0].line, found[1].line, found[1].lines["Tag"]) == (1, 6, 7)


@pytest.mark.parametrize("text, line, problem", [
    ("Package: a\nDepends x\n", 2, "expected 'Field: value'"),
    ("Package: a\n\n continued\nPackage: b\n", 3, "continuation line ' continued' with no field"),
    ("Package: a\nTag: x::y\nTag: x::z\n", 3, "field 'Tag' appears twice in the paragraph starting at line 1"),
    ("Package: a\n\nVersion: 1\nSection: x\n", 3, "has no Package field"),
])
def test_a_malformed_index_stops_with_file_and_line(tmp_path, text, line, problem):
    path = tmp_path / "Packages.xz"
    path.write_bytes(lzma.compress(text.encode()))
    with pytest.raises(ParseError) as err:
        debian_index.read_index(path, ("Package",))
    assert str(err.value).startswith(f"{path}:{line}: ") and problem in str(err.value)


def test_a_non_utf8_index_names_its_line(tmp_path):
    path = tmp_path / "Translation-en"
    path.write_bytes(b"Package: a\nDescription-en: caf\xe9\n")
    with pytest.raises(ParseError, match=r"Translation-en:2: not UTF-8"):
        debian_index.read_index(path, ("Package",))


# --- a tiny hand-made archive ---------------------------------------------------------------

def _package(name, source=None, depends=None, tag=None, md5=None):
    lines = [f"Package: {name}"]
    lines += [f"Source: {source}"] if source else []
    lines += [f"Depends: {depends}"] if depends is not None else []
    lines += [f"Description: {name} synopsis", f"Description-md5: {md5 or 'm-' + name}"]
    lines += [f"Tag: {tag}"] if tag else []
    return "\n".join(lines) + "\n"


def _archive(folder: Path, packages: list[str], translations: list[str] | None = None,
             release_packages: str | None = None) -> dict[str, Path]:
    """Packages.xz, Translation-en.xz and an InRelease listing their uncompressed sha256."""
    (folder / "debian").mkdir(exist_ok=True)
    names = [p.split("\n")[0].split(": ")[1] for p in packages]
    if translations is None:
        translations = [f"Package: {n}\nDescription-md5: m-{n}\nDescription-en: {n} synopsis\n "
                        f"{n} does {n} things\n" for n in names]
    texts = {debian.PACKAGES.path: "\n".join(packages), debian.TRANSLATION.path: "\n".join(translations)}
    sums = []
    for path, text in texts.items():
        (folder / path).write_bytes(lzma.compress(text.encode()))
        sha = release_packages if (path == debian.PACKAGES.path and release_packages) else \
            hashlib.sha256(text.encode()).hexdigest()
        sums.append(f" {sha} {len(text.encode())} {debian.RELEASE_PATHS[path]}")
    (folder / debian.INRELEASE.path).write_text("Origin: Debian\nSHA256:\n" + "\n".join(sums) + "\n")
    return {f.path: folder / f.path for f in debian.FILES}


def test_read_packages_joins_the_english_descriptions(tmp_path):
    paths = _archive(tmp_path, [_package("foo", depends="libc6 (>= 2), bar | baz", tag="role::program"),
                                _package("libfoo1", source="foo (1.2-1)", depends="libc6")])
    records = debian.read_packages(paths)
    assert records == [
        {"package": "foo", "source": "foo", "text": "foo\nfoo synopsis\nfoo does foo things",
         "depends": ["libc6", "bar"], "tags": ["role::program"]},
        {"package": "libfoo1", "source": "foo", "text": "libfoo1\nlibfoo1 synopsis\nlibfoo1 does libfoo1 things",
         "depends": ["libc6"], "tags": []}]


def test_read_packages_stops_on_a_bad_field_a_missing_translation_or_a_wrong_release(tmp_path):
    good = _package("foo", depends="libc6")
    paths = _archive(tmp_path, [good, _package("bar", depends="libc6 (>= )")])
    with pytest.raises(ParseError, match=r"Packages.xz:7: Depends of 'bar': 'libc6 \(>= \)'"):
        debian.read_packages(paths)
    paths = _archive(tmp_path, [good, _package("bar", md5="other")])
    with pytest.raises(DataError, match=r"Packages.xz:6: package 'bar' has Description-md5 other"):
        debian.read_packages(paths)
    paths = _archive(tmp_path, [good], release_packages="0" * 64)
    with pytest.raises(ChecksumError, match="InRelease lists 0000"):
        debian.read_packages(paths)


# --- the split, the label cut and the features ----------------------------------------------

def test_group_holdout_is_seeded_sized_and_ignores_row_order():
    groups = [f"s{i}" for i in range(50) for _ in range(i % 3 + 1)]  # 50 groups of 1-3 rows
    held = group_holdout(groups, 0.2, seed=0)
    assert len(held) == 10 and held <= set(groups)
    assert group_holdout(list(reversed(groups)), 0.2, seed=0) == held
    assert group_holdout(groups, 0.2, seed=1) != held
    assert group_holdout(groups, 0.0, seed=0) == set()


def _records(n_sources=40):
    """Three binary packages per source; every source has its own label ``own-<i>`` (carried by
    its three packages) and, through its first package, the shared label ``common``."""
    records = []
    for i in range(n_sources):
        for b in range(3):
            records.append({"package": f"p{i}-{b}", "source": f"src{i}",
                            "text": f"p{i}-{b}\nword{i} shared text\n",
                            "depends": [f"own-{i}"] + (["common"] if b == 0 else []),
                            "tags": ["role::TODO"] if b == 2 else [f"tag::{i % 2}"]})
    records.append({"package": "lonely", "source": "lonely", "text": "lonely", "depends": [], "tags": []})
    return records


def test_build_splits_by_source_cuts_rare_labels_and_fits_features_on_train():
    records = _records()
    spec = debian.SPECS[0]
    parts = debian.build(records, "depends", spec)
    sides = debian.source_sides([r["source"] for r in records])
    for split, ds in parts.items():
        assert all(sides[s] == split for s in ds.meta["source"])
    train = parts["train"]
    # own-<i> of a training source has 3 training rows: kept; of a test source, none: cut.
    train_sources = sorted({s for s in train.meta["source"]}, key=lambda s: int(s[3:]))
    assert train.label_names == sorted(["common"] + [f"own-{s[3:]}" for s in train_sources])
    test = parts["test"]
    # a test package keeps only "common"; the two others of its source lose every label
    test_sources = [s for s, side in sides.items() if side == "test" and s != "lonely"]
    assert sorted(test.meta["package"]) == sorted(f"p{s[3:]}-0" for s in test_sources)
    assert len(test_sources) >= 5 and all(test.Y[i].toarray().ravel().tolist() == [
        name == "common" for name in test.label_names] for i in range(len(test)))
    assert test.meta["rows_without_kept_label"] == 2 * len(test)
    assert test.meta["labels_before_cut"] == len(test) + 1
    assert train.meta["rows_without_kept_label"] == 0 and "lonely" not in sum(
        (ds.meta["package"] for ds in parts.values()), [])
    # vocabulary from train only: word<i> of test sources is no feature
    assert set(train.feature_names) == {"shared", "text"} | {f"word{s[3:]}" for s in train_sources} | {
        f"p{s[3:]}" for s in train_sources}
    np.testing.assert_allclose(np.sqrt(train.X.multiply(train.X).sum(axis=1)).A.ravel(), 1.0, rtol=1e-6)
    tags = debian.build(records, "tags", debian.SPECS[1], placeholder=debian.is_placeholder_tag)
    assert tags["train"].label_names == ["tag::0", "tag::1"]
    assert len(tags["train"]) == 2 * len(train_sources)  # the role::TODO-only packages are gone


# --- the real indexes ---------------------------------------------------------------------

def _manifest():
    with open(MIRROR / "MANIFEST.tsv", newline="") as fh:
        return {r["path"]: r for r in csv.DictReader(fh, delimiter="\t")}


@needs_mirror
def test_registry_files_match_the_mirror_manifest():
    rows = _manifest()
    for spec in debian.SPECS:
        assert spec.name in data.names() and spec.files == debian.FILES
        for f in spec.files:
            assert f.sha256 == rows[f.path]["sha256"] and f.url == ""  # mirror-only files


@pytest.fixture(scope="module")
def records():
    return debian.read_packages({f.path: MIRROR / f.path for f in debian.FILES})


@needs_mirror
@pytest.mark.slow
def test_raw_counts_of_the_bookworm_index(records):
    """The counts of the data mirror's README, before any split or cut."""
    raw_deps, raw_tags = debian.SPECS[0].expected["raw"], debian.SPECS[1].expected["raw"]
    depends = [r["depends"] for r in records if r["depends"]]
    tags = Counter(t for r in records for t in r["tags"])
    assert len(records) == raw_deps["packages"] == 63440
    assert len(depends) == raw_deps["rows"] == 55795
    assert len({x for d in depends for x in d}) == raw_deps["labels"] == 34764
    assert sum(1 for r in records if r["tags"]) == raw_tags["rows"] == 30303
    assert len(tags) == raw_tags["labels"] == 598
    assert sum(debian.is_placeholder_tag(t) for t in tags) == raw_tags["placeholders"] == 27
    assert len({r["source"] for r in records}) == raw_deps["sources"] == 34169
    assert Counter(x for d in depends for x in d).most_common(1) == [("libc6", 21783)]
    zeroad = next(r for r in records if r["package"] == "0ad")
    assert zeroad["depends"][:3] == ["0ad-data", "0ad-data-common", "libboost-filesystem1.74.0"]
    assert zeroad["text"].startswith("0ad\nReal-time strategy game of ancient warfare\n0 A.D. ")


@needs_mirror
@pytest.mark.slow
def test_the_source_split_is_deterministic_and_shared_by_both_data_sets(records):
    sources = [r["source"] for r in records]
    sides = debian.source_sides(sources)
    assert debian.source_sides(list(reversed(sources))) == sides
    counts = Counter(sides.values())
    assert counts["test"] == round(0.2 * 34169) and counts["valid"] == round(0.1 * (34169 - counts["test"]))


@pytest.fixture(scope="module", params=["debian-deps", "debtags"])
def loaded(request):
    return request.param, data.load(request.param)


@needs_mirror
@pytest.mark.slow
def test_loaded_data_sets_match_the_registry_and_keep_sources_apart(loaded, records):
    name, splits = loaded
    exp = data.spec(name).expected
    parts = {"train": splits.train, "valid": splits.valid, "test": splits.test}
    assert (len(splits.train) + len(splits.valid), len(splits.valid), len(splits.test)) == (
        exp["train"], exp["valid"], exp["test"])
    positives = sum(ds.Y.sum() for ds in parts.values())
    assert round(float(positives) / sum(map(len, parts.values())), 2) == exp["cardinality"]
    on = {k: set(ds.meta["source"]) for k, ds in parts.items()}
    assert not (on["train"] & on["valid"] or on["train"] & on["test"] or on["valid"] & on["test"])
    for ds in parts.values():
        assert (ds.n_features, ds.n_labels) == (exp["features"], exp["labels"])
        assert ds.feature_names == splits.train.feature_names and len(ds.texts) == len(ds)
        assert np.diff(ds.Y.indptr).min() >= 1  # no row without a label
    per_label = np.asarray(splits.train.Y.sum(axis=0)).ravel()
    assert per_label.min() >= debian.MIN_TRAIN_ROWS
    sides = debian.source_sides([r["source"] for r in records])  # drawn over the whole index
    assert all(sides[s] == k for k, found in on.items() for s in found)


def test_describe_counts_rows_cardinality_and_the_label_tail():
    from xmlstudy.data.dataset import Dataset, Splits
    from xmlstudy.data.statistics import describe

    def ds(split, Y):
        Y = np.asarray(Y, dtype=np.float32)
        return Dataset(name="toy", split=split, X=np.ones((len(Y), 2)), Y=Y, feature_names=["a", "b"],
                       label_names=["x", "y", "z"])

    train = ds("train", [[1, 1, 0], [1, 0, 0], [0, 0, 0], [1, 0, 0]])  # labels used 3, 1, 0 times
    out = describe(Splits(train=train, valid=None, test=ds("test", [[0, 0, 1]])))
    assert (out["features"], out["labels"], out["train_rows"], out["test_rows"]) == (2, 3, 4, 1)
    assert (out["train_cardinality"], out["test_cardinality"]) == (1.0, 1.0)
    assert (out["train_rows_without_label"], out["test_rows_without_label"]) == (1, 0)
    assert "valid_rows" not in out
    assert (out["train_rows_per_label_q0"], out["train_rows_per_label_q50"],
            out["train_rows_per_label_q100"]) == (0.0, 1.0, 3.0)
    assert out["share_labels_train_rows_le5"] == 1.0
    assert out["share_labels_without_train_rows"] == pytest.approx(1 / 3)
