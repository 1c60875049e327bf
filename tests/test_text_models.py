"""The raw-text baselines (fastText, Kim's CNN): they learn a planted keyword, give the same
model for a seed, and refuse data without documents."""
import numpy as np
import pytest
import scipy.sparse as sp

from xmlstudy.data.dataset import Dataset
from xmlstudy.models import create
from xmlstudy.models.text import Vocabulary, tokenize

WORDS = ["grain", "oil", "gold", "ship"]          # word j decides label j


def planted(n: int, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    filler = [f"w{i}" for i in range(40)]
    texts, rows = [], []
    for _ in range(n):
        labels = rng.choice(4, size=rng.integers(1, 3), replace=False)
        words = list(rng.choice(filler, size=12)) + [WORDS[j] for j in labels]
        rng.shuffle(words)
        texts.append("The " + " ".join(words) + ".")
        rows.append(np.isin(np.arange(4), labels))
    Y = sp.csr_matrix(np.array(rows, np.float32))
    X = sp.csr_matrix((n, 1), dtype=np.float32)
    return Dataset(name="planted", split="train", X=X, Y=Y, feature_names=["none"],
                   label_names=WORDS, texts=texts)


def precision_at_1(model, ds) -> float:
    top, _ = model.topk(model.inputs(ds), 1)
    return float(np.mean([ds.Y[i, top[i, 0]] for i in range(len(ds))]))


@pytest.mark.parametrize("method,params", [
    ("fasttext", dict(lr_grid=(0.1, 0.5), epoch_grid=(20,), dim=16, bucket=1000)),
    ("kim-cnn", dict(embedding=16, filters=8, length=20, epochs=15, patience=None, lr=1e-2)),
])
def test_text_baselines_learn_a_planted_keyword_and_are_deterministic(method, params):
    pytest.importorskip("fasttext") if method == "fasttext" else None
    train, test = planted(400, 0), planted(200, 1)
    model = create(method, seed=0, **params).fit(train, planted(100, 2))
    assert precision_at_1(model, test) > 0.95
    again = create(method, seed=0, **params).fit(train, planted(100, 2))
    scores = model.scores(test.texts[:20])
    assert np.allclose(scores, again.scores(test.texts[:20]), atol=1e-6)
    assert np.ptp(scores, axis=1).min() > 0.2          # labels get scores of their own


def test_text_baselines_refuse_data_without_documents():
    ds = planted(20, 0)
    ds.texts = None
    with pytest.raises(ValueError, match="reads raw documents.*has none"):
        create("kim-cnn", epochs=1).fit(ds)


def test_vocabulary_comes_from_training_documents_and_pads():
    vocab = Vocabulary(["Oil, oil and GOLD.", "oil ship"], min_count=2)
    assert vocab.words == ["<pad>", "<unk>", "oil"]
    assert vocab.encode(["gold oil"], 4).tolist() == [[1, 2, 0, 0]]
    assert tokenize("U.S. grain-exports 1987") == ["u", "s", "grain", "exports", "1987"]
