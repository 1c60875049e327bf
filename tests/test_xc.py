"""The Extreme Classification Repository text format and load_xc."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from xmlstudy.data import load_xc
from xmlstudy.data.errors import MissingDataFile, ParseError
from xmlstudy.data.xc import read_xc

GOOD = """5 4 3
0,2 0:1.5 3:0.25
 1:2
1
2:1 3:1
2,2 0:1
"""


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XMLSTUDY_CACHE_DIR", str(tmp_path / "cache"))


def write(tmp_path: Path, text: str, name: str = "toy_train.txt") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_labels_features_and_empty_label_lists(tmp_path):
    X, Y = read_xc(write(tmp_path, GOOD))
    np.testing.assert_allclose(X.toarray(), [[1.5, 0, 0, 0.25], [0, 2, 0, 0], [0, 0, 0, 0],
                                             [0, 0, 1, 1], [1, 0, 0, 0]])
    # row 2: no label (leading space); row 4: starts with a feature; row 5 lists label 2 twice
    np.testing.assert_array_equal(Y.toarray(), [[1, 0, 1], [0, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 1]])
    assert X.dtype == np.float32 and Y.dtype == np.float32


@pytest.mark.parametrize("text, line, message", [
    ("5 4\n", 1, "expected the header"),
    ("2 4 3\n0 0:1\n", 1, "announces 2 samples but the file has 1"),
    ("1 4 3\n0 0:1\n1 1:1\n", 3, "announces 1 samples but the file has 2"),
    ("2 4 3\n0 0:1\n3 1:1\n", 3, "label '3' is not an integer in 0..2"),
    ("2 4 3\n0 0:1\n1 4:1\n", 3, "feature index 4 is outside 0..3"),
    ("2 4 3\n0 0:1\n1 1:\n", 3, "feature value '' is not a number"),
    ("2 4 3\n0 0:x\n1 1:1\n", 2, "feature value 'x' is not a number"),
    ("2 4 3\n0 0:1\n1 a:1\n", 3, "expected 'index:value'"),
    ("2 4 3\n0 0:1:2 5\n1 1:1\n", 2, "expected 'index:value'"),
    ("2 4 3\n0,,1 0:1\n1 1:1\n", 2, "empty label"),
    # silently wrong matrices before: a value that is not a finite float32, a feature summed
    ("2 4 3\n0 0:1\n1 1:nan\n", 3, "feature value 'nan' is not a number"),
    ("2 4 3\n0 0:inf\n1 1:1\n", 2, "feature value 'inf' is not a number"),
    ("2 4 3\n0 0:1e999\n1 1:1\n", 2, "feature value '1e999' is not a finite float32"),
    ("2 4 3\n0 0:1\n1 1:1e39\n", 3, "feature value '1e39' is not a finite float32"),
    ("2 4 3\n0 0:1 2:1 0:2\n1 1:1\n", 2, "feature index 0 appears twice in the line"),
    ("2 4 3\n0 0:1\n1 +1:1\n", 3, "expected 'index:value'"),
    ("2 4 3\n0 0:1_0\n1 1:1\n", 2, "feature value '1_0' is not a number"),
    ("2 4 3\n0 0:\u0661\n1 1:1\n", 2, "is not a number"),  # an Arabic-Indic digit one
    ("0 4 3\n", 1, "the header announces 0 samples"),
])
def test_malformed_files_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(ParseError) as err:
        read_xc(path)
    assert f"{path}:{line}:" in str(err.value) and message in str(err.value)


def test_a_byte_order_mark_is_not_part_of_the_header(tmp_path):
    X, Y = read_xc(write(tmp_path, "\ufeff" + GOOD))
    assert X.shape == (5, 4) and Y.shape == (5, 3)


def test_load_xc_with_a_test_file(tmp_path):
    train = write(tmp_path, GOOD)
    test = write(tmp_path, "2 4 3\n1 0:1\n 3:2\n", "toy_test.txt")
    splits = load_xc(train, test, valid_fraction=0.2)
    assert (len(splits.train), len(splits.valid), len(splits.test)) == (4, 1, 2)
    assert splits.train.name == "toy" and splits.test.label_names == ["l0", "l1", "l2"]
    # the cache holds the conversion: a second load gives identical arrays
    again = load_xc(train, test, valid_fraction=0.2)
    assert (again.train.X != splits.train.X).nnz == 0
    assert any((tmp_path / "cache").glob("xc-toy-*"))


def test_load_xc_without_test_file_draws_a_fixed_test_split(tmp_path):
    lines = "".join(f"{i % 3} {i % 4}:1\n" for i in range(50))
    train = write(tmp_path, f"50 4 3\n{lines}")
    a = load_xc(train, split_seed=0)
    b = load_xc(train, split_seed=1)
    assert len(a.test) == 10 and len(a.train) + len(a.valid) == 40
    assert (a.test.X != b.test.X).nnz == 0          # the test split ignores split_seed
    assert (a.valid.X != b.valid.X).nnz > 0 or (a.valid.Y != b.valid.Y).nnz > 0


def test_load_xc_errors(tmp_path):
    with pytest.raises(MissingDataFile, match="does not exist"):
        load_xc(tmp_path / "nope.txt")
    train = write(tmp_path, GOOD)
    test = write(tmp_path, "1 5 3\n0 0:1\n", "toy_test.txt")
    with pytest.raises(ParseError, match="do not belong together"):
        load_xc(train, test)
