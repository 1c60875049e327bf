"""C2AE: the ranking loss and the CCA penalty against brute force, learning, determinism."""
import math

import numpy as np
import pytest
import torch

from xmlstudy.models import create
from xmlstudy.models.c2ae import cca_penalty, pairwise_ranking_loss

torch.set_num_threads(1)


def _planted(n=500, d=12, L=4, seed=0):
    """Labels that are linear-threshold functions of the features (some rows have none)."""
    import scipy.sparse as sp

    from xmlstudy.data.dataset import Dataset
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    Y = (X @ rng.normal(size=(d, L)) > 1.0).astype(np.float32)
    names = ([f"f{i}" for i in range(d)], [f"l{j}" for j in range(L)])

    def ds(rows, split):
        return Dataset("planted", split, sp.csr_matrix(X[rows]), sp.csr_matrix(Y[rows]), *names)

    return ds(slice(0, 350), "train"), ds(slice(350, 400), "valid"), ds(slice(400, n), "test")


def test_pairwise_ranking_loss_matches_a_loop_over_pairs():
    g = torch.Generator().manual_seed(0)
    s = torch.randn(4, 5, generator=g, dtype=torch.float64)
    y = torch.tensor([[1., 0, 0, 1, 0], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1], [0, 1, 0, 0, 0]],
                     dtype=torch.float64)
    rows = []
    for b in range(4):
        pos = [j for j in range(5) if y[b, j] == 1]
        neg = [j for j in range(5) if y[b, j] == 0]
        pairs = [math.exp(float(s[b, q] - s[b, p])) for p in pos for q in neg]
        rows.append(sum(pairs) / len(pairs) if pairs else 0.0)
    assert pairwise_ranking_loss(s, y).item() == pytest.approx(sum(rows) / 4, rel=1e-10)


def test_cca_penalty_is_zero_for_orthonormal_batches():
    q, _ = torch.linalg.qr(torch.randn(16, 3, dtype=torch.float64))
    assert cca_penalty(q * 4.0).item() == pytest.approx(0.0, abs=1e-10)  # Z^T Z / 16 = I
    assert cca_penalty(torch.zeros(8, 2)).item() == pytest.approx(1.0)  # ||-I||^2 / K


def test_c2ae_learns_a_planted_signal_and_is_deterministic():
    from sklearn.metrics import roc_auc_score
    train, valid, test = _planted()
    a = create("c2ae", seed=0, device="cpu", epochs=25).fit(train, valid)
    P = a.probabilities(test.X)
    Yt = test.Y.toarray()
    auc = np.mean([roc_auc_score(Yt[:, j], P[:, j]) for j in range(Yt.shape[1])])
    assert auc > 0.8, f"mean AUC {auc:.3f}"  # a constant predictor scores 0.5
    b = create("c2ae", seed=0, device="cpu", epochs=25).fit(train, valid)
    np.testing.assert_array_equal(a.scores(test.X), b.scores(test.X))


def test_grad_clip_caps_every_step():
    """With grad_clip, one SGD step moves the parameters by at most lr * grad_clip (L2 norm),
    however large the loss's gradient is; without it the step is the full gradient."""
    from xmlstudy.training import train

    def one_step(clip):
        torch.manual_seed(0)
        layer = torch.nn.Linear(4, 3)
        before = torch.cat([p.detach().flatten().clone() for p in layer.parameters()])
        optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
        x = torch.full((8, 4), 100.0)
        train(layer, optimizer, lambda rows: (layer(x[rows]) ** 2).sum(), 8, epochs=1,
              batch_size=8, seed=0, progress=False, grad_clip=clip)
        after = torch.cat([p.detach().flatten() for p in layer.parameters()])
        return float(torch.linalg.vector_norm(after - before))

    assert one_step(None) > 100.0
    assert one_step(2.0) == pytest.approx(0.1 * 2.0, rel=1e-4)
    with pytest.raises(ValueError, match="grad_clip"):
        create("c2ae", grad_clip=0.0)
