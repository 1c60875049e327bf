"""The data core: registry, loading, splits, checksums, downloads, the array cache and the CLI."""
from __future__ import annotations

import csv
import dataclasses
import functools
import http.server
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from xmlstudy import data
from xmlstudy.data import arff, cache, cli, files, mulan, registry
from xmlstudy.data.dataset import DataFile, Dataset
from xmlstudy.data.errors import ChecksumError, MissingDataFile

MIRROR = files.REPO_ROOT.parent / "shared" / "data"
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason="the data mirror ../shared/data is not available")
SCENE_XML = "mulan/scene/scene.xml"


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """A cache folder of the test's own (the shared one keeps serving the other tests)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("XMLSTUDY_CACHE_DIR", str(folder))
    monkeypatch.setattr(files, "_verified", {})
    return folder


def manifest() -> dict[str, dict]:
    with open(MIRROR / "MANIFEST.tsv", newline="") as handle:
        return {row["path"]: row for row in csv.DictReader(handle, delimiter="\t")}


# --- the registry and the published statistics ----------------------------------------------

PUBLISHED = {  # train, test, features, labels, label cardinality (train + test)
    "bibtex": (4880, 2515, 1836, 159, 2.40),
    "delicious": (12920, 3185, 500, 983, 19.02),  # 19.03 in seed 003; the files give 19.020
    "yeast": (1500, 917, 103, 14, 4.24),
    "scene": (1211, 1196, 294, 6, 1.07),
    "corel5k": (4500, 500, 499, 374, 3.52),
}


@needs_mirror
@pytest.mark.parametrize("name", list(PUBLISHED))
def test_mulan_counts_match_published_statistics(name):
    s = data.load(name, valid_fraction=0.0)
    n_train, n_test, d, L, cardinality = PUBLISHED[name]
    assert (len(s.train), len(s.test), s.train.n_features, s.train.n_labels) == (n_train, n_test, d, L)
    assert s.test.n_features == d and s.test.n_labels == L and s.valid is None
    positives = s.train.Y.sum() + s.test.Y.sum()
    assert round(float(positives) / (n_train + n_test), 2) == cardinality
    empty = int((np.diff(s.train.Y.indptr) == 0).sum() + (np.diff(s.test.Y.indptr) == 0).sum())
    assert empty == data.spec(name).expected["empty_rows"]   # Delicious: 14 rows without a label
    assert s.train.X.dtype == np.float32 and set(np.unique(s.train.Y.data)) == {1.0}


@needs_mirror
def test_delicious_keeps_the_published_cardinality_separately():
    expected = data.spec("delicious").expected
    assert expected["cardinality"] == 19.02 and expected["published"] == {"cardinality": 19.03}


@needs_mirror
def test_imdb_has_all_rows_and_a_fixed_20_percent_test_split():
    a = data.load("imdb", split_seed=0)
    b = data.load("imdb", split_seed=1)
    assert len(a.train) + len(a.valid) + len(a.test) == 120919
    assert len(a.test) == 24184 and a.train.n_features == 1001 and a.train.n_labels == 28
    assert a.train.label_names[:3] == ["Sci-Fi", "Crime", "Romance"] and a.train.feature_names[:2] == ["-", "--"]
    assert (a.test.X != b.test.X).nnz == 0 and (a.test.Y != b.test.Y).nnz == 0   # the same test rows
    assert (a.valid.X != b.valid.X).nnz > 0                                       # another validation set


@needs_mirror
def test_imdb_at_rankae_sizes_is_a_subset_of_imdb_that_keeps_its_test_rows_apart():
    small = data.load("imdb-rankae", valid_fraction=0.0)
    assert (len(small.train), len(small.test)) == (27417, 6740)   # Rank-AE's Table 1 (IMDb)
    assert small.train.n_features == 1001 and small.train.n_labels == 28
    full = data.load("imdb", valid_fraction=0.0)
    # Rows as byte strings of their features and labels: every training row of the subset is a
    # training row of imdb, every test row a test row, so no imdb test document is trained on.
    def keys(part):
        X, Y = part.X.tocsr(), part.Y.tocsr()
        return {X[i].indices.tobytes() + b"|" + Y[i].indices.tobytes() for i in range(X.shape[0])}
    assert keys(small.train) <= keys(full.train) and keys(small.test) <= keys(full.test)
    again = data.load("imdb-rankae", valid_fraction=0.0)
    assert (again.train.X != small.train.X).nnz == 0                 # the same subset every time


@needs_mirror
def test_spec_files_match_the_mirror_manifest():
    rows = manifest()
    for spec in mulan.SPECS:
        for file in spec.files:
            row = rows[file.path]
            assert file.sha256 == row["sha256"]
            assert file.url == (f"https://raw.githubusercontent.com/{row['source_repo']}/"
                                f"{row['source_commit']}/{row['source_path']}")


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown dataset 'bibtexx'; valid names: .*bibtex, delicious"):
        data.load("bibtexx")


def test_registry_refuses_duplicate_names(monkeypatch):
    monkeypatch.setattr(registry, "SOURCE_MODULES", ("mulan", "mulan"))
    with pytest.raises(ValueError, match="'bibtex' is defined twice"):
        registry.specs.__wrapped__()


# --- splits ----------------------------------------------------------------------------------

def _toy(n: int = 40) -> Dataset:
    X = sp.csr_matrix(np.arange(n, dtype=np.float32)[:, None])
    Y = sp.csr_matrix((np.arange(n) % 2)[:, None].astype(np.float32))
    return Dataset(name="toy", split="train", X=X, Y=Y, feature_names=["i"], label_names=["odd"],
                   texts=[f"doc {i}" for i in range(n)])


def test_validation_is_carved_from_train_with_the_seed():
    toy = _toy()
    train, valid = data.carve_validation(toy, 0.25, seed=3)
    rows_train = train.X.toarray().ravel().astype(int)
    rows_valid = valid.X.toarray().ravel().astype(int)
    assert len(rows_valid) == 10 and sorted(np.concatenate([rows_train, rows_valid])) == list(range(40))
    assert np.all(np.diff(rows_train) > 0)                  # original order is kept
    assert valid.texts == [f"doc {i}" for i in rows_valid]  # per-row fields follow their rows
    again = data.carve_validation(toy, 0.25, seed=3)[1].X.toarray().ravel()
    other = data.carve_validation(toy, 0.25, seed=4)[1].X.toarray().ravel()
    assert np.array_equal(again, rows_valid) and not np.array_equal(other, rows_valid)
    # the permutation of numpy's PCG64 for seed 3: pinned so that a changed split is noticed
    np.testing.assert_array_equal(rows_valid, np.sort(np.random.default_rng(3).permutation(40)[:10]))


@needs_mirror
def test_load_validation_and_bad_fractions():
    s = data.load("scene", valid_fraction=0.1, split_seed=0)
    assert (len(s.train), len(s.valid), len(s.test)) == (1090, 121, 1196)
    with pytest.raises(ValueError, match=r"valid_fraction must be in \[0, 1\)"):
        data.load("scene", valid_fraction=1.0)


def test_an_official_validation_split_is_used_or_folded_back():
    toy = _toy()
    spec = data.spec("bibtex")
    parts = {"train": toy.subset(range(30)), "valid": toy.subset(range(30, 35), "valid"),
             "test": toy.subset(range(35, 40), "test")}
    with_valid = data.make_splits(parts, spec, 0.1, 0)
    assert len(with_valid.train) == 30 and len(with_valid.valid) == 5
    folded = data.make_splits(parts, spec, 0.0, 0)
    assert folded.valid is None and len(folded.train) == 35 and folded.train.texts[-1] == "doc 34"


# --- files: mirror, checksums, downloads ------------------------------------------------------

def _scene_mirror(root: Path, corrupt_xml: bool) -> Path:
    """A data directory with the scene files (the .arff as links, the .xml as a copy)."""
    folder = root / "mulan" / "scene"
    folder.mkdir(parents=True)
    for name in ("scene-train.arff", "scene-test.arff"):
        (folder / name).symlink_to(MIRROR / "mulan" / "scene" / name)
    text = (MIRROR / SCENE_XML).read_bytes()
    (folder / "scene.xml").write_bytes(text.replace(b"Beach", b"Beech") if corrupt_xml else text)
    return root


@needs_mirror
def test_wrong_checksum_names_the_file_and_both_hashes(tmp_path, private_cache):
    root = _scene_mirror(tmp_path / "mirror", corrupt_xml=True)
    with pytest.raises(ChecksumError) as err:
        data.load("scene", data_dir=root)
    message = str(err.value)
    assert str(root / SCENE_XML) in message and "dataset 'scene'" in message
    assert "expected 55d8b247b949ad5c52e5a73d8c6775ec6e5469ce9682465b45b333b68ee4bcc5" in message
    assert files.sha256_of(root / SCENE_XML) in message and "XMLSTUDY_DATA_DIR" in message


@needs_mirror
def test_a_changed_file_is_checked_again(tmp_path, private_cache):
    root = _scene_mirror(tmp_path / "mirror", corrupt_xml=False)
    assert len(data.load("scene", data_dir=root).test) == 1196
    assert (private_cache / "verified-files.json").is_file()
    xml = root / SCENE_XML
    xml.write_bytes(xml.read_bytes().replace(b"Urban", b"Rural"))  # same size, new mtime
    with pytest.raises(ChecksumError):
        data.load("scene", data_dir=root)


@needs_mirror
def test_a_byte_changed_behind_an_unchanged_timestamp_is_never_converted(tmp_path, private_cache):
    root = _scene_mirror(tmp_path / "mirror", corrupt_xml=False)
    target = root / "mulan" / "scene" / "scene-test.arff"
    target.unlink()
    good_bytes = (MIRROR / "mulan" / "scene" / "scene-test.arff").read_bytes()
    target.write_bytes(good_bytes)
    good = data.load("scene", data_dir=root, valid_fraction=0.0).test
    stamp = target.stat()

    def rewrite(content: bytes) -> None:  # same size, and the old timestamps put back
        target.write_bytes(content)
        os.utime(target, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))

    at = good_bytes.index(b"@data") + 10
    digit = good_bytes[at:].index(b"0.") + at
    flipped = good_bytes[:digit] + b"1" + good_bytes[digit + 1:]
    rewrite(flipped)
    # with its arrays cached, the remembered check may vouch: the arrays came from the intact file
    assert (data.load("scene", data_dir=root, valid_fraction=0.0).test.X != good.X).nnz == 0
    assert "sha256 matches" not in data.verify(["scene"], data_dir=root)[1]["message"]  # verify hashes
    # without them (cache cleared, or a new reader version), the file is hashed before conversion
    for entry in private_cache.glob("scene-*"):
        shutil.rmtree(entry)
    assert files._known_good(target, data.spec("scene").files[1].sha256)  # the record would vouch
    with pytest.raises(ChecksumError, match="scene-test.arff has sha256"):
        data.load("scene", data_dir=root)
    assert not list(private_cache.glob("scene-*"))  # nothing converted, nothing cached
    rewrite(good_bytes)  # repaired: the right arrays, not ones from the corrupt bytes
    repaired = data.load("scene", data_dir=root, valid_fraction=0.0).test
    assert (repaired.X != good.X).nnz == 0 and (repaired.Y != good.Y).nnz == 0


def test_missing_file_says_where_and_how_to_fix(tmp_path, private_cache):
    with pytest.raises(MissingDataFile) as err:
        data.load("scene", data_dir=tmp_path)
    message = str(err.value)
    assert "dataset 'scene' needs mulan/scene/scene-train.arff" in message
    assert str(tmp_path) in message and "XMLSTUDY_DATA_DIR" in message


@pytest.fixture
def http_server(tmp_path):
    """A local HTTP server on 127.0.0.1 serving tmp_path/served."""
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@needs_mirror
def test_download_verifies_and_leaves_nothing_when_corrupt(tmp_path, http_server, private_cache, monkeypatch):
    served, base = http_server
    good = (MIRROR / SCENE_XML).read_bytes()
    (served / "scene.xml").write_bytes(good)
    (served / "corrupt.xml").write_bytes(good[:-10])
    sha = files.sha256_of(MIRROR / SCENE_XML)
    downloads = tmp_path / "raw"
    monkeypatch.setenv("XMLSTUDY_DOWNLOAD_DIR", str(downloads))
    monkeypatch.setattr(files, "default_data_dir", lambda: None)  # no mirror: fetch downloads

    bad = DataFile(path=SCENE_XML, sha256=sha, url=f"{base}/corrupt.xml")
    with pytest.raises(ChecksumError, match="expected " + sha):
        files.fetch(bad, dataset="scene")
    target = downloads / SCENE_XML
    assert not target.exists() and not [p for p in target.parent.iterdir() if p.name != ".gitignore"]

    missing = DataFile(path=SCENE_XML, sha256=sha, url=f"{base}/nothing-here.xml")
    with pytest.raises(MissingDataFile, match="could not download"):
        files.fetch(missing, dataset="scene")
    assert not target.exists()

    good_file = DataFile(path=SCENE_XML, sha256=sha, url=f"{base}/scene.xml")
    assert files.fetch(good_file, dataset="scene") == target and target.read_bytes() == good
    (served / "scene.xml").unlink()                         # later loads use the download
    assert files.fetch(good_file, dataset="scene") == target


def test_mirror_only_file_is_not_downloaded(tmp_path, private_cache, monkeypatch):
    monkeypatch.setenv("XMLSTUDY_DOWNLOAD_DIR", str(tmp_path / "raw"))
    monkeypatch.setattr(files, "default_data_dir", lambda: None)
    mirror_only = DataFile(path="ucmerced_multilabel/images_manifest.tsv", sha256="0" * 64, url="")
    with pytest.raises(MissingDataFile, match="no public download URL.*XMLSTUDY_DATA_DIR"):
        files.fetch(mirror_only, dataset="ucmerced")
    assert not (tmp_path / "raw").exists() or not any((tmp_path / "raw").rglob("*.tsv"))


# --- the converted-array cache ----------------------------------------------------------------

def _rich_parts() -> dict[str, Dataset]:
    toy = _toy(6)
    toy.groups = np.array([0, 1, 0, 1, 2, 2])
    toy.group_names = ["a", "b", "c"]
    toy.meta = {"paths": [f"img{i}.jpg" for i in range(6)], "weights": np.linspace(0, 1, 6),
                "count": np.int64(6)}
    return {"train": toy, "test": toy.subset([1, 2], "test")}


def test_cache_round_trip_keeps_every_field(private_cache):
    calls = []
    parts = cache.cached("toy", "k1", lambda: calls.append(1) or _rich_parts())
    again = cache.cached("toy", "k1", lambda: calls.append(1) or _rich_parts())
    assert calls == [1]
    for key in parts:
        a, b = parts[key], again[key]
        assert (a.X != b.X).nnz == 0 and (a.Y != b.Y).nnz == 0 and a.split == b.split
        assert a.texts == b.texts and a.group_names == b.group_names
        np.testing.assert_array_equal(a.groups, b.groups)
    np.testing.assert_array_equal(again["train"].meta["weights"], np.linspace(0, 1, 6))
    assert again["train"].meta["paths"][5] == "img5.jpg" and again["train"].meta["count"] == 6


def test_interrupted_cache_write_leaves_nothing(private_cache, monkeypatch):
    real_write = cache._write_split
    written = []

    def fail_after_first(folder, key, ds):
        if written:
            raise KeyboardInterrupt("simulated interruption")
        real_write(folder, key, ds)
        written.append(key)

    monkeypatch.setattr(cache, "_write_split", fail_after_first)
    with pytest.raises(KeyboardInterrupt):
        cache.cached("toy", "k2", _rich_parts)
    assert written == ["train"]
    assert [p.name for p in private_cache.iterdir()] == [".gitignore"]   # no entry, no temp folder
    monkeypatch.setattr(cache, "_write_split", real_write)
    assert len(cache.cached("toy", "k2", _rich_parts)["train"]) == 6


def test_a_killed_conversion_leaves_a_folder_the_next_one_removes_after_an_hour(private_cache):
    script = f"""
import os, signal, sys
sys.path.insert(0, {str(files.REPO_ROOT)!r})
import numpy as np
from xmlstudy.data import cache
from xmlstudy.data.dataset import Dataset
def die(folder, key, ds):
    os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer or a power cut would
cache._write_split = die
toy = Dataset(name="toy", split="train", X=np.eye(2), Y=np.eye(2), feature_names=["a", "b"],
              label_names=["x", "y"])
cache.cached("toy", "k", lambda: {{"train": toy}})
"""
    run = subprocess.run([sys.executable, "-c", script], env={**os.environ, "XMLSTUDY_CACHE_DIR": str(private_cache)})
    assert run.returncode == -signal.SIGKILL
    (left,) = [p for p in private_cache.iterdir() if p.name.endswith(".tmp")]
    assert left.is_dir() and left.name.startswith(".toy-k.")
    fresh = private_cache / ".other-k.abc.tmp"  # as if another process were writing right now
    fresh.mkdir()
    cache.cached("toy", "k2", _rich_parts)
    assert left.exists()  # younger than an hour: it may be a conversion still running
    hours_ago = time.time() - 2 * 3600
    os.utime(left, (hours_ago, hours_ago))
    cache.cached("toy", "k3", _rich_parts)
    assert not left.exists() and fresh.exists()


def test_cache_key_follows_files_and_reader_version(monkeypatch):
    spec = data.spec("bibtex")
    key = cache.spec_key(spec)
    assert key == cache.spec_key(spec)
    other_file = dataclasses.replace(spec.files[0], sha256="0" * 64)
    assert cache.spec_key(dataclasses.replace(spec, files=(other_file, *spec.files[1:]))) != key
    # The registered Mulan and MEKA sets are parsed by arff.py, whose source the key does not
    # hash: the parser's version is part of their reader's, so a new parser converts them again.
    assert cache.reader_fingerprint(spec.reader)["version"].endswith(f"+arff-{arff.READER_VERSION}")
    monkeypatch.setattr(mulan, "READER_VERSION", "2")
    assert cache.spec_key(spec) != key


# --- the command line -------------------------------------------------------------------------

@needs_mirror
def test_cli_verify_and_list(tmp_path, private_cache):
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["verify", "scene", "yeast"]) == 0
    assert out.getvalue().count("OK ") == 6 and "6 of 6 files OK" in out.getvalue()

    root = _scene_mirror(tmp_path / "mirror", corrupt_xml=True)
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["--data-dir", str(root), "verify", "scene"]) == 1
    assert "FAILED scene" in out.getvalue() and "2 of 3 files OK" in out.getvalue()

    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["list", "--expected"]) == 0
    line = next(s for s in out.getvalue().splitlines() if s.startswith("delicious"))
    assert line.split()[1:6] == ["12920", "3185", "500", "983", "19.02"]
