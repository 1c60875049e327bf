"""Does attention fall on topic words? The measures behind the Rank-AE chapter's Figure 5 study.

Rank-AE's Figure 5 shows attention on a few hand-picked documents and says it "focuses on topic
words". Measured here on a model's own test documents (``token_weights`` from
:meth:`xmlstudy.models.rankae.RankAEBiLSTM.token_attention`):

* :func:`topic_words`: per label, the words with the highest pointwise mutual information with
  it over the *training* documents (document-level presence, words in at least ``min_count``
  documents), the usual operational meaning of "topic word";
* :func:`attention_on_topic_words`: the share of a document's attention carried by the topic
  words of its true labels, against the share those tokens are of the document (what attention
  spread uniformly, or on random words, would give): a ratio above 1 means attention prefers
  topic words;
* :func:`deletion_test`: P@1 after deleting the ``k`` most-attended tokens of each document
  against deleting ``k`` random tokens: if attention marks what the prediction uses, the first
  deletion hurts more.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from xmlstudy.models.text import tokenize


def topic_words(texts: list[str], Y: sp.csr_matrix, top: int = 20, min_count: int = 5) -> list[set]:
    """For every label, the ``top`` words of highest PMI with it, log P(w, l) / (P(w) P(l)), over
    the documents ``texts`` (a word counts once per document)."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, text in enumerate(texts):
        for w in set(tokenize(text)):
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
    W = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(texts), len(vocab)))
    Y = sp.csr_matrix(Y, dtype=np.float32)
    n = float(len(texts))
    joint = np.asarray((Y.T @ W).todense())                   # labels x words: co-occurrence
    p_word = np.asarray(W.sum(0)).ravel() / n
    p_label = np.asarray(Y.sum(0)).ravel() / n
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log((joint / n) / (p_label[:, None] * p_word[None, :]))
    pmi[:, np.asarray(W.sum(0)).ravel() < min_count] = -np.inf
    pmi[joint == 0] = -np.inf
    words = np.array(list(vocab))
    out = []
    for label in range(Y.shape[1]):
        order = np.argsort(-pmi[label], kind="stable")[:top]
        out.append({str(w) for w, v in zip(words[order], pmi[label, order]) if np.isfinite(v)})
    return out


def attention_on_topic_words(token_weights: list[list[tuple[str, float]]], Y: sp.csr_matrix,
                             topics: list[set]) -> dict:
    """Mean over documents that contain at least one topic word of their true labels: the
    attention share of those tokens, their token share, and the ratio of the two means."""
    Y = sp.csr_matrix(Y)
    attention_share, token_share = [], []
    for i, tokens in enumerate(token_weights):
        wanted = set().union(*(topics[j] for j in Y[i].indices)) if Y[i].nnz else set()
        hit = np.array([w in wanted for w, _ in tokens], bool)
        weights = np.array([a for _, a in tokens], float)
        if not hit.any() or weights.sum() <= 0:
            continue
        attention_share.append(weights[hit].sum() / weights.sum())
        token_share.append(hit.mean())
    if not attention_share:
        return {"documents": 0}
    a, t = float(np.mean(attention_share)), float(np.mean(token_share))
    return {"documents": len(attention_share), "attention_share": a, "token_share": t,
            "ratio": a / t}


def _precision_at_1(scores: np.ndarray, Y: sp.csr_matrix) -> float:
    top = np.argmax(scores, axis=1)
    return float(np.asarray(Y[np.arange(len(top)), top]).ravel().mean())


def deletion_test(scores_of, token_weights: list[list[tuple[str, float]]], Y: sp.csr_matrix,
                  k: int = 5, seed: int = 0) -> dict:
    """P@1 of ``scores_of(texts)`` on the documents as the model reads them, after deleting
    each document's ``k`` most-attended tokens, and after deleting ``k`` tokens at random."""
    rng = np.random.default_rng(seed)
    whole, top_gone, random_gone = [], [], []
    for tokens in token_weights:
        words = [w for w, _ in tokens]
        order = np.argsort([-a for _, a in tokens], kind="stable")
        cut = set(order[:k].tolist())
        rand = set(rng.choice(len(words), size=min(k, len(words)), replace=False).tolist()) if words else set()
        whole.append(" ".join(words))
        top_gone.append(" ".join(w for j, w in enumerate(words) if j not in cut))
        random_gone.append(" ".join(w for j, w in enumerate(words) if j not in rand))
    Y = sp.csr_matrix(Y)
    out = {name: _precision_at_1(scores_of(texts), Y)
           for name, texts in (("P@1", whole), ("P@1 without top-k", top_gone),
                               ("P@1 without random k", random_gone))}
    out["k"] = k
    return out
