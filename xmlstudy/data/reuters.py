"""Reuters-21578 (Distribution 1.0), ModApte split, the 90 topics of the "R90" subset.

What the reader does, and why:

* Documents: the 22 SGML files ``reut2-000.sgm`` ... ``reut2-021.sgm`` hold 21,578 ``<REUTERS>``
  elements. They are decoded as latin-1 (the files are mostly ASCII with a few stray high bytes,
  which latin-1 maps to some character instead of failing) and SGML entities (``&lt;``,
  ``&#3;`` ...) are unescaped; control characters are then dropped.
* ModApte split (Lewis' README, section VIII.B): ``LEWISSPLIT="TRAIN"`` -> train,
  ``LEWISSPLIT="TEST"`` -> test, both only with ``TOPICS="YES"``; documents with no topic are
  dropped (9,603 + 3,299 ModApte documents, of which 7,775 + 3,019 carry a topic).
* Labels: the 90 topics that occur in at least one train and one test document (Debole and
  Sebastiani's R90). Dropping the other 28 topics leaves 5 train documents without a topic; they
  are dropped too, giving 7,770 train and 3,019 test documents, 10,789 in all, the size that
  C-GMVAE (Table 6) gives for "reuters" (90 labels, cardinality 1.23).
* Texts: ``Dataset.texts`` holds the raw title and body (title, newline, body). The 61 kept
  ``TYPE="UNPROC"`` documents have no title/body markup; their whole ``<TEXT>`` is kept.
  ``meta["newid"]`` holds each document's NEWID, so a row can be traced to the source.
* Features: a tf-idf of the texts fit on the train documents only (so nothing about the test
  documents leaks into the vocabulary or the idf weights): lowercased, tokens of two or more
  letters (digits are mostly prices and quantities that do not generalise), scikit-learn's
  English stop words removed, terms that occur in at least 10 train documents (4,453 terms,
  the "few thousand" typical of studies on this collection), sublinear tf (1 + log tf), smoothed
  idf, rows L2-normalised. Feature names are the terms.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .dataset import DataFile, Dataset, DatasetSpec
from .errors import ParseError

_SOURCE = "colibri17/TextCategorization"
_COMMIT = "46c45d4a0d0cb7819a1bfb79973f17cfdbbc5e98"

# sha256 of reut2-000.sgm ... reut2-021.sgm, from the data mirror's MANIFEST.tsv.
_SGML_SHA256 = (
    "0ec53cda8f6d605a3ba710df14be7f00fc02f0c222a14748101df22326afe0f6",
    "1528e7e82d110d88d0234eb9619eadb7f9fd805711971df05975b92277dfdf4d",
    "99f18068d0518952987dedd78c622e5c2a584e357d264d3754696c815f3e6628",
    "78a3a8d7e04bc9d42c4614d5d5c60a4293dbe3f708df6fb5a71d9ef31f4b3fa3",
    "726342c19a65873330b412378cd6a3f0d512035f5223146ddd60930c62eb6ff0",
    "d09de619b6dd2d047d5124681f6df90550abaf592020d1c1ce338ae9b91522e7",
    "b5535c0d66b01f4976f84621a4a795afbc00d2c4bd0a1b7ae426df6630fb361d",
    "aa706007ec84a03537a3921ca976d60e11b3f99e4b9e9b2d5c81dd384d2c2062",
    "a3994583694a00b7c744097c1d7eabfcf90f2e6650cc21663e46828035a336cb",
    "29995f606dd1a9bdf907eacc9d879846c716860d9d9141676979474aaea39c7d",
    "996df6008089bd09fa5b28a4d2eb0ee5f7b9d4601cde566fed3926ac82960fa3",
    "d3a2782015247d9c2bffb8926267827fdd449c70d619435ef01a25a1c56a53ca",
    "da31035d483851f2aebce5b66d779e5e2c0ac9dcfe098596c6d544e81c5604ab",
    "8f7700bc0455fac3fcc12377ced4807b7df8aba1f21ecad059b9cc2b1cf0b8be",
    "ef936bd3e0f36cf722afa9a6957563549775af32e9e28b4f539c8737ceda83ab",
    "6d3bcec73eff871b8a5403588af814c4e50a0de6bc25707480522ab836f74026",
    "be2f03a185fff70131f3b4fdbd6229b7ee2be077eba9691eaa597c8cfbda8812",
    "f370e610b4b1342e41a98e0c426a08541044bd1d7e539674f32372a6060b73b5",
    "a5f971bf25448e915781962309e669359a35fbcaf3017a806eca0590897f209a",
    "d3b07097fba2633d130b4914aceba671645985248943ce9e39c289315339dffb",
    "f6ad1b724125c202566c63b35ea0b5ee23881f8b7ed47a32829d5af05d8e860d",
    "3f5196d32869723c9042aa5756805b4e90360f1f45ea17f4594fa0e2b3630b18",
)

FILES = tuple(
    DataFile(
        path=f"reuters21578/reut2-{i:03d}.sgm",
        sha256=sha,
        url=f"https://raw.githubusercontent.com/{_SOURCE}/{_COMMIT}/reuters21578/reut2-{i:03d}.sgm",
    )
    for i, sha in enumerate(_SGML_SHA256)
)

# The tf-idf settings described in the module docstring.
TFIDF = dict(
    lowercase=True,
    token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b",  # two or more letters, no digits
    stop_words="english",
    min_df=10,
    sublinear_tf=True,
    norm="l2",
    dtype=np.float32,
)

_DOC = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _field(body: str, tag: str) -> str | None:
    m = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", body, re.S)
    return None if m is None else m.group(1)


def _clean(text: str) -> str:
    return _CONTROL.sub("", html.unescape(text)).strip()


def parse_sgml(path: Path) -> list[dict]:
    """All ``<REUTERS>`` documents of one SGML file, as dicts with ``newid``, ``lewissplit``,
    ``topics_attr`` (the TOPICS attribute), ``topics`` (list of topic names), ``text``.

    A file whose ``<REUTERS>`` elements are not properly closed, or lack the attributes the
    split needs, raises :class:`ParseError` naming the file and line.
    """
    raw = Path(path).read_bytes().decode("latin-1")
    docs: list[dict] = []
    end, line = 0, 1
    for m in _DOC.finditer(raw):
        line += raw.count("\n", end, m.start())  # counted incrementally: files are long
        # An element that is never closed makes the match run on into the next element.
        if "<REUTERS" in m.group(2):
            raise ParseError(
                path, line,
                "<REUTERS> element without a matching </REUTERS>; the file is "
                "truncated or corrupt, restore the original Reuters-21578 file (its sha256 is "
                "in the registry)"
            )
        attrs = dict(_ATTR.findall(m.group(1)))
        for key in ("NEWID", "LEWISSPLIT", "TOPICS"):
            if key not in attrs:
                raise ParseError(
                    path, line,
                    f"<REUTERS> element lacks the {key}=\"...\" attribute that "
                    f"the ModApte split needs; restore the original Reuters-21578 file"
                )
        body = m.group(2)
        topics_field = _field(body, "TOPICS")
        topics = re.findall(r"<D>(.*?)</D>", topics_field) if topics_field else []
        text_field = _field(body, "TEXT") or ""
        title, main = _field(text_field, "TITLE"), _field(text_field, "BODY")
        if title is None and main is None:
            # TYPE="UNPROC" documents carry their text without title/body markup.
            text = _clean(re.sub(r"<[^>]+>", " ", text_field))
        else:
            text = _clean(title or "") + "\n" + _clean(main or "")
        docs.append(dict(newid=int(attrs["NEWID"]), lewissplit=attrs["LEWISSPLIT"],
                         topics_attr=attrs["TOPICS"], topics=topics, text=text))
        line += raw.count("\n", m.start(), m.end())
        end = m.end()
    if "<REUTERS" in raw[end:]:
        bad_line = raw.count("\n", 0, raw.index("<REUTERS", end)) + 1
        raise ParseError(
            path, bad_line,
            "<REUTERS> element without a matching </REUTERS>; the file is "
            "truncated or corrupt, restore the original Reuters-21578 file"
        )
    return docs


def modapte_documents(sgml_paths: list[Path]) -> tuple[list[dict], list[dict]]:
    """The ModApte train and test documents that carry at least one topic."""
    train, test = [], []
    for path in sgml_paths:
        for doc in parse_sgml(path):
            if doc["topics_attr"] != "YES" or not doc["topics"]:
                continue
            if doc["lewissplit"] == "TRAIN":
                train.append(doc)
            elif doc["lewissplit"] == "TEST":
                test.append(doc)
    return train, test


def read_reuters(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for the registry: ModApte train/test, R90 labels, train-fit tf-idf features."""
    sgml = [Path(paths[f.path]) for f in spec.files]
    train, test = modapte_documents(sgml)
    in_train = {t for d in train for t in d["topics"]}
    in_test = {t for d in test for t in d["topics"]}
    labels = sorted(in_train & in_test)
    index = {t: j for j, t in enumerate(labels)}

    def keep(docs):
        return [d for d in docs if any(t in index for t in d["topics"])]

    train, test = keep(train), keep(test)
    vectorizer = TfidfVectorizer(**TFIDF)
    vectorizer.fit([d["text"] for d in train])
    features = list(vectorizer.get_feature_names_out())

    def build(docs, split):
        cells = [(i, index[t]) for i, d in enumerate(docs) for t in set(d["topics"]) if t in index]
        rows, cols = np.array(cells).T
        Y = sp.csr_matrix((np.ones(len(cells), np.float32), (rows, cols)),
                          shape=(len(docs), len(labels)))
        texts = [d["text"] for d in docs]
        return Dataset(name=spec.name, split=split, X=vectorizer.transform(texts), Y=Y,
                       feature_names=features, label_names=labels, texts=texts,
                       meta={"newid": [d["newid"] for d in docs]})

    return {"train": build(train, "train"), "test": build(test, "test")}


SPECS = [
    DatasetSpec(
        name="reuters",
        title="Reuters-21578, ModApte split, 90 topics (R90)",
        files=FILES,
        reader=read_reuters,
        format="Reuters-21578 SGML (22 files, latin-1)",
        source="Reuters-21578 Distribution 1.0 (D. D. Lewis), mirrored in the GitHub repository "
               f"{_SOURCE} at commit {_COMMIT}",
        citation="lewis1997reuters,debole2005analysis",
        licence="Free distribution for research purposes only (Reuters-21578 README); the "
                "copyright of the texts remains with Reuters Ltd. and Carnegie Group, Inc.",
        split="ModApte: LEWISSPLIT=TRAIN/TEST with TOPICS=YES and at least one topic; labels are "
              "the 90 topics with at least one train and one test document; documents left "
              "without any of them are dropped (7,770 train / 3,019 test)",
        expected={"train": 7770, "test": 3019, "features": 4453, "labels": 90, "cardinality": 1.24,
                  "empty_rows": 0, "published": {"rows": 10789, "labels": 90, "cardinality": 1.23}},
        notes="Features: tf-idf fit on train texts only (letters-only tokens, English stop words "
              "removed, min_df=10, sublinear tf, L2 rows). Raw title+body texts in Dataset.texts. "
              "C-GMVAE lists 10,789 documents, 90 labels, cardinality 1.23; the files "
              "give 13,329 positives / 10,789 = 1.235 (1.24 rounded). Its feature vectors were "
              "not published.",
    )
]
