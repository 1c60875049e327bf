"""The settings of Rank-AE beyond the paper's text (a perceptron encoder, dropout, the neighbour
readout, a search given as data) and the plain MLP under Rank-AE's protocol: planted signals
learned, the neighbour readout against a hand-computed case, the coordinate search's path on a
hand-made score, the defaults left as they were, and clear errors."""
import numpy as np
import pytest
import scipy.sparse as sp
import torch

from test_rankae import FIXED, planted
from xmlstudy.metrics import ranking_metrics
from xmlstudy.models import create
from xmlstudy.models.neighbours import LatentNeighbours
from xmlstudy.models.rankae import SEARCH, _triples
from xmlstudy.models.rankae_encoders import FeatureEmbedding, PerceptronEncoder
from xmlstudy.models.selection import check_search, coordinate_search, search_size

SMALL = dict(device="cpu", latent=16, hidden=32, embedding=16, batch_size=32)


def p_at_1(model, test) -> float:
    top, _ = model.topk(test.X, 1)
    return ranking_metrics(test.Y, top, ks=(1,))["P@1"]


def chance(train, test) -> float:
    frequent = np.asarray(train.Y.sum(0)).ravel().argmax()
    return float(test.Y[:, frequent].mean())


@pytest.mark.parametrize("method", ["rankae", "bce-ae"])
def test_the_perceptron_encoder_learns_a_planted_signal(method):
    train, valid, test = planted()
    model = create(method, seed=0, **SMALL, **FIXED, epochs=40, patience=None, encoder="mlp",
                   encoder_hidden=64, dropout=0.5).fit(train, valid)
    assert isinstance(model.net.features, PerceptronEncoder)
    p1 = p_at_1(model, test)
    assert p1 > 0.9 and p1 > chance(train, test) + 0.4, p1
    assert model.fit_info["encoder"] == "mlp" and model.fit_info["dropout"] == 0.5


def test_the_neighbour_readout_on_a_hand_made_case():
    # Four training rows on a line in a 2-d latent space, their labels, k = 2.
    points = torch.tensor([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [10.0, 0.0]])
    Y = sp.csr_matrix(np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32))
    memory = LatentNeighbours(points, Y, k=2)
    got = memory.scores(torch.tensor([[0.0, 0.0], [2.5, 0.0], [9.0, 0.0]]))
    # Query 0: rows 0 (d = 0, w = 1) and 1 (d = 1, w = 1/2); label 0 carried by both, label 1
    # by row 1: scores (1 + 1/2) / (3/2) = 1, (1/2) / (3/2) = 1/3, 0.
    # Query 1: rows 2 (d = 0.5, w = 2/3) and 1 (d = 1.5, w = 2/5).
    # Query 2: rows 3 (d = 1, w = 1/2) and 2 (d = 6, w = 1/7).
    expected = np.array([[1.0, 1 / 3, 0.0],
                         [(2 / 5) / (2 / 3 + 2 / 5), 1.0, 0.0],
                         [0.0, (1 / 7) / (1 / 2 + 1 / 7), (1 / 2) / (1 / 2 + 1 / 7)]])
    assert np.allclose(got, expected, atol=1e-6)
    # k larger than the rows there are: every row votes.
    every = LatentNeighbours(points, Y, k=10).scores(torch.tensor([[0.0, 0.0]]))
    w = 1 / (1 + np.array([0.0, 1.0, 3.0, 10.0]))
    assert np.allclose(every[0], (w @ Y.toarray()) / w.sum(), atol=1e-6)
    with pytest.raises(ValueError, match="one point per training row"):
        LatentNeighbours(points[:3], Y, k=2)
    with pytest.raises(ValueError, match="positive integer"):
        LatentNeighbours(points, Y, k=0)


def test_the_neighbour_readout_reads_the_training_rows_label_embeddings():
    train, valid, test = planted()
    model = create("rankae", seed=0, **SMALL, **FIXED, epochs=30, patience=None, encoder="mlp",
                   encoder_hidden=64, readout="neighbours", neighbours=5).fit(train, valid)
    # Refit on train + valid: the label embeddings of all of those rows are the points.
    assert model._memory.points.shape == (len(train) + len(valid), 16)
    with torch.no_grad():
        both = sp.vstack([train.Y, valid.Y]).tocsr()
        points = model.net.encoder(torch.from_numpy(both.toarray()))
        x_h = model._encode(model.net, test.X)
    assert torch.allclose(model._memory.points, points, atol=1e-5)
    assert np.allclose(model.scores(test.X), LatentNeighbours(points, both, 5).scores(x_h), atol=1e-6)
    p1 = p_at_1(model, test)
    assert p1 > 0.9 and p1 > chance(train, test) + 0.4, p1


def test_dropout_on_the_attention_acts_in_training_only():
    torch.manual_seed(0)
    plain = FeatureEmbedding(6, 3, embedding=8)
    torch.manual_seed(0)
    dropped = FeatureEmbedding(6, 3, embedding=8, dropout=0.5)
    X = sp.csr_matrix(np.array([[0.5, 0, 2.0, 0, 0, 0], [0, 1.0, 0, 0, 0, 1.0]], dtype=np.float32))
    args = (*_triples(X, "cpu"), X.shape[0])
    dropped.eval()
    with torch.no_grad():
        assert torch.equal(plain(*args), dropped(*args))      # same weights, no dropout at test
        dropped.train()
        torch.manual_seed(1)
        assert not torch.allclose(plain(*args), dropped(*args))
    assert plain.dropout is None   # the paper's network has no dropout module at all


def test_the_defaults_are_the_papers_model_and_the_chapters_search():
    train, valid, test = planted(300)
    kwargs = dict(seed=2, device="cpu", epochs=2, patience=None, latent=8, hidden=16, embedding=8)
    default = create("rankae", **kwargs).fit(train, valid)
    explicit = create("rankae", **kwargs, encoder="attention", dropout=0.0, readout="decoder",
                      search=[[k, list(v)] for k, v in SEARCH.items()]).fit(train, valid)
    assert np.array_equal(default.scores(test.X), explicit.scores(test.X))
    assert default.fit_info["search"] == explicit.fit_info["search"]
    assert "encoder" not in default.fit_info      # the records of the paper's model unchanged
    assert isinstance(default.net.features, FeatureEmbedding) and default._memory is None


def test_a_search_given_as_data_is_walked_in_its_order():
    train, valid, _ = planted(300)
    search = [["lam", [0.1, 10.0]], ["lr", [3e-3, 3e-4]], ["weight_decay", [1e-5, 1e-4]]]
    model = create("bce-ae", seed=0, device="cpu", epochs=2, patience=None, latent=8, hidden=16,
                   embedding=8, refit=False, search=search).fit(train, valid)
    trials = model.fit_info["search"]
    assert len(trials) == search_size(search) == 7
    assert [t["lam"] for t in trials[1:3]] == [0.1, 10.0]
    best = max(trials, key=lambda t: t["valid_mean_P@1,3,5"])
    assert {k: best[k] for k in ("lam", "lr", "weight_decay")} == \
        {k: model.fit_info["chosen"][k] for k in ("lam", "lr", "weight_decay")}


def test_coordinate_search_moves_one_setting_at_a_time_and_keeps_the_earlier_on_a_tie():
    # Score: a over the start's a is better at 2; b = 5 ties b = 0 and must not be taken.
    def score(s):
        return {0: 0.0, 1: 0.5, 2: 1.0}[s["a"]] + (0.25 if s["b"] == 7 else 0.0)

    seen = []

    def run(settings):
        seen.append(dict(settings))
        return score(settings), None

    (best, value, _), trained = coordinate_search(run, {"a": 0, "b": 0}, [("a", [1, 2]), ("b", [5, 7])])
    assert seen == [{"a": 0, "b": 0}, {"a": 1, "b": 0}, {"a": 2, "b": 0}, {"a": 2, "b": 5},
                    {"a": 2, "b": 7}]
    assert best == {"a": 2, "b": 7} and value == 1.25 and trained == 5


def test_the_plain_mlp_under_rank_aes_protocol_searches_and_refits():
    train, valid, test = planted()
    search = [["lr", [3e-3]], ["dropout", [0.2]]]
    model = create("mlp-bce", seed=0, device="cpu", hidden=32, layers=1, epochs=30, patience=None,
                   lr=1e-2, select="precision", search=search, refit=True).fit(train, valid)
    info = model.fit_info
    assert len(info["search"]) == 3 and info["refit"] and info["train_rows"] == len(train) + len(valid)
    best = max(info["search"], key=lambda t: t["valid_mean_P@1,3,5"])
    assert info["chosen"] == {k: best[k] for k in ("lr", "weight_decay", "dropout")}
    assert info["refit_epochs"] == info["best_epoch"]
    assert info["selection"] == "best validation mean of P@1, P@3 and P@5"
    assert p_at_1(model, test) > 0.9


def test_bad_variant_settings_are_named():
    with pytest.raises(ValueError, match="valid: attention, mlp"):
        create("rankae", encoder="cnn")
    with pytest.raises(ValueError, match="valid: decoder, neighbours"):
        create("rankae", readout="knn")
    with pytest.raises(ValueError, match=r"dropout is a drop probability in \[0, 1\)"):
        create("rankae", dropout=1.0)
    with pytest.raises(ValueError, match="use rankae with encoder='mlp'"):
        create("rankae-no-attn", encoder="mlp")
    with pytest.raises(ValueError, match="encoder and dropout are settings of rankae"):
        create("rankae-bilstm", dropout=0.5)
    with pytest.raises(ValueError, match="cannot choose; valid: lam, lr, weight_decay"):
        create("bce-ae", search=[["margin", [0.1]]])
    with pytest.raises(ValueError, match="non-empty list of \\[setting, alternatives\\] pairs"):
        create("rankae", search={"lam": [0.1]})
    with pytest.raises(ValueError, match="search is given but so are"):
        create("rankae", search=[["lam", [0.1]]], **FIXED)
    with pytest.raises(ValueError, match="margin m lies in"):
        create("rankae", search=[["margin", [2.0]]])
    with pytest.raises(ValueError, match="valid: macro-f1, precision"):
        create("mlp-bce", select="f1")
    with pytest.raises(ValueError, match="cannot choose; valid: lr, weight_decay, dropout"):
        create("mlp-bce", search=[["hidden", [64]]])
    with pytest.raises(ValueError, match="appears twice"):
        check_search("x", [["lr", [1]], ["lr", [2]]], ("lr",))
    train, valid, test = planted(120)
    model = create("rankae", seed=0, **SMALL, **FIXED, epochs=1, patience=None,
                   encoder="mlp").fit(train, valid)
    with pytest.raises(ValueError, match="has no attention to show"):
        model.attention_weights(test.X)
