"""The ARFF reader on small handmade files (sparse, dense, labels last and first, defects)."""
from __future__ import annotations

import bz2
from pathlib import Path

import numpy as np
import pytest

from xmlstudy.data import arff, arff_header, arff_rows
from xmlstudy.data.errors import ParseError

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"

SPARSE = """\
% a Mulan-style file: two features, then three labels
@relation toy

@attribute w1 numeric
@attribute 'w two' {0,1}
@attribute A {0,1}
@attribute B {0,1}
@attribute C {0,1}

@data
{0 2.5,2 1}
% a comment between rows
{1 1,3 1,4 1}

{}
"""

MULAN_XML = """<?xml version="1.0" encoding="utf-8"?>
<labels xmlns="http://mulan.sourceforge.net/labels">
<label name="A"></label>
<label name="B"><label name="C"></label></label>
</labels>
"""


def write(tmp_path: Path, text: str, name: str = "toy.arff") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_sparse_mulan_labels_last(tmp_path):
    X, Y, features, labels = arff.read_mulan(write(tmp_path, SPARSE), write(tmp_path, MULAN_XML, "toy.xml"))
    assert features == ["w1", "w two"]
    assert labels == ["A", "B", "C"]
    np.testing.assert_array_equal(X.toarray(), [[2.5, 0], [0, 1], [0, 0]])
    np.testing.assert_array_equal(Y.toarray(), [[1, 0, 0], [0, 1, 1], [0, 0, 0]])


def test_dense_rows_comments_quotes_and_types(tmp_path):
    text = """@RELATION "dense one"
% comment
@ATTRIBUTE "x y" REAL
@attribute 'it\\'s' integer
@attribute L1 {0,1}
@attribute L2 { 0 , 1 }
@data
1.5, -2, 1, 0
0,3e2,'0','1'
"""
    parsed = arff.read_arff(write(tmp_path, text))
    assert parsed.relation == "dense one"
    assert parsed.names == ["x y", "it's", "L1", "L2"]
    assert [a.binary for a in parsed.attributes] == [False, False, True, True]
    np.testing.assert_array_equal(parsed.values.toarray(), [[1.5, -2, 1, 0], [0, 300, 0, 1]])
    np.testing.assert_array_equal(parsed.row_lines, [8, 9])


def test_meka_labels_first_and_last(tmp_path):
    body = """@attribute G1 {0,1}
@attribute G2 {0,1}
@attribute word numeric
@data
{0 1,2 3}
{1 1}
"""
    X, Y, features, labels = arff.read_meka(write(tmp_path, "@relation 'IMDB: -C 2'\n" + body))
    assert labels == ["G1", "G2"] and features == ["word"]
    np.testing.assert_array_equal(Y.toarray(), [[1, 0], [0, 1]])
    np.testing.assert_array_equal(X.toarray(), [[3], [0]])
    # -C -1: the last attribute is the label
    with pytest.raises(ParseError, match="makes 'word' a label, but it is declared numeric"):
        arff.read_meka(write(tmp_path, "@relation 'x: -C -1'\n" + body, "neg.arff"))
    with pytest.raises(ParseError, match="-C N"):
        arff.read_meka(write(tmp_path, "@relation plain\n" + body, "none.arff"))


def test_bz2_compressed(tmp_path):
    path = tmp_path / "toy.arff.bz2"
    path.write_bytes(bz2.compress(SPARSE.encode()))
    parsed = arff.read_arff(path)
    assert parsed.values.shape == (3, 5) and parsed.values.nnz == 5


def test_mixed_sparse_and_dense_rows_use_the_careful_parser(tmp_path):
    text = "@relation m\n@attribute a numeric\n@attribute b {0,1}\n@data\n{1 1}\n2,0\n"
    np.testing.assert_array_equal(arff.read_arff(write(tmp_path, text)).values.toarray(), [[0, 1], [2, 0]])


HEADER = "@relation bad\n@attribute a numeric\n@attribute b {0,1}\n@data\n"  # rows start on line 5


@pytest.mark.parametrize("rows, line, message", [
    ("{0 1,2 1}\n", 5, "sparse index 2 is outside 0..1"),
    ("{0 1}\n{1 1,0 1}\n", 6, "sparse indices must increase"),
    ("{0 1\n", 5, "must end with '}'"),
    ("{0 1,1}\n", 5, "expected 'index value'"),
    ("{x 1}\n", 5, "is not an integer"),
    ("1,0\n1,0,1\n", 6, "expected 2 comma-separated values"),
    ("abc,1\n", 5, "numeric but the value 'abc' is not a number"),
    ("1,2\n", 5, "is {0,1} but the value is '2'"),
    ("1,0\n%c\n\n?,1\n", 8, "missing value '?'"),
    ("{1 2}\n", 5, "is {0,1} but the value is '2'"),
])
def test_malformed_rows_name_file_and_line(tmp_path, rows, line, message):
    path = write(tmp_path, HEADER + rows)
    with pytest.raises(ParseError) as err:
        arff.read_arff(path)
    assert f"{path}:{line}:" in str(err.value)
    assert message in str(err.value)


@pytest.mark.parametrize("header, line, message", [
    ("@relation r\n@attribute s string\n@data\n", 2, "'s' is a string attribute"),
    ("@relation r\n@attribute d DATE 'yyyy'\n@data\n", 2, "'d' is a date attribute"),
    ("@relation r\n@attribute c {red,blue,red}\n@data\n", 2, "declares the value 'red' twice"),
    ("@relation r\n@attribute a numeric\nhello\n@data\n", 3, "expected @relation, @attribute or @data"),
    ("@relation r\n@attribute 'open numeric\n@data\n", 2, "unterminated quoted name"),
    ("@relation r\n@attribute a numeric\n", 2, "no @data line"),
])
def test_malformed_headers_name_file_and_line(tmp_path, header, line, message):
    path = write(tmp_path, header)
    with pytest.raises(ParseError) as err:
        arff.read_arff(path)
    assert f"{path}:{line}:" in str(err.value) and message in str(err.value)


def test_mulan_xml_that_does_not_match(tmp_path):
    xml = write(tmp_path, MULAN_XML.replace('"C"', '"Z"'), "toy.xml")
    with pytest.raises(ParseError, match="not attributes of this file"):
        arff.read_mulan(write(tmp_path, SPARSE), xml)
    broken = write(tmp_path, "<labels><label name='A'>", "broken.xml")
    with pytest.raises(ParseError, match="broken.xml:1: malformed Mulan label XML"):
        arff.read_mulan_label_names(broken)


@pytest.mark.parametrize("relative", ["mulan/yeast/yeast-test.arff", "mulan/corel5k/Corel5k-test-sparse.arff"])
def test_bulk_parser_agrees_with_line_parser_on_real_files(relative):
    path = MIRROR / relative
    if not path.is_file():
        pytest.skip("data mirror not available")
    lines = path.read_text().splitlines()
    _, _, attrs, start = arff_header._parse_header(lines, path)
    rows = [s.strip() for s in lines[start:] if s.strip()]
    fast = arff_rows._parse_rows_fast(rows, attrs)
    slow = arff_rows._parse_rows_slowly(rows, np.arange(len(rows)), attrs, path)
    slow.eliminate_zeros()
    assert fast.shape == slow.shape and (fast != slow).nnz == 0
