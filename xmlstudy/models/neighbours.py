"""Labels read out from the nearest training rows in a latent space, in place of a decoder.

An autoencoder that maps features and labels into one space (Rank-AE, C2AE) predicts by
decoding the feature embedding F(x) with a decoder trained on label embeddings E(y). Whether that
decoder is what limits it can be asked without retraining: keep the training rows' label
embeddings E(y_i), find the k nearest to F(x) (Euclidean, the distance the squared-error loss
L_h pulls F(x) towards E(y) in), and let each vote its labels, weighted by its closeness
1 / (1 + distance). A label's score is the weighted share of the neighbours that carry it, in
[0, 1]. Used by :class:`xmlstudy.models.rankae.RankAE` with ``readout="neighbours"``.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch

from xmlstudy.training import csr_to_torch


class LatentNeighbours:
    """The points ``points`` (``n x h``, one per training row) with the rows' labels ``Y``
    (``n x L`` CSR), read out for queries by their ``k`` nearest points."""

    def __init__(self, points: torch.Tensor, Y: sp.csr_matrix, k: int) -> None:
        if not (isinstance(k, (int, np.integer)) and k > 0):
            raise ValueError(f"neighbours: k must be a positive integer, got {k!r}")
        Y = sp.csr_matrix(Y, dtype=np.float32)
        if points.shape[0] != Y.shape[0]:
            raise ValueError(f"neighbours: {points.shape[0]} points but {Y.shape[0]} label rows; "
                             "give one point per training row")
        if points.shape[0] == 0:
            raise ValueError("neighbours: no training rows to read labels from")
        self.points, self.Y, self.k = points, Y, int(k)

    @classmethod
    def of_labels(cls, encoder: torch.nn.Module, Y: sp.csr_matrix, k: int, device,
                  batch_size: int = 4096) -> "LatentNeighbours":
        """The label embeddings ``encoder(y_i)`` of every row of ``Y`` (computed in batches,
        without gradients) as the points."""
        Y = sp.csr_matrix(Y, dtype=np.float32)
        was_training = encoder.training
        encoder.eval()
        with torch.no_grad():
            points = torch.cat([encoder(csr_to_torch(Y[s:s + batch_size], device))
                                for s in range(0, Y.shape[0], batch_size)])
        encoder.train(was_training)
        return cls(points, Y, k)

    def scores(self, queries: torch.Tensor, chunk: int = 512) -> np.ndarray:
        """``len(queries) x L`` scores: per query, the closeness-weighted share of its ``k``
        nearest points that carry each label (float32)."""
        n = self.points.shape[0]
        k = min(self.k, n)
        out = []
        with torch.no_grad():
            for start in range(0, queries.shape[0], chunk):
                q = queries[start:start + chunk]
                dist, idx = torch.topk(torch.cdist(q, self.points), k, dim=1, largest=False)
                weight = (1.0 / (1.0 + dist)).cpu().numpy().astype(np.float64)
                rows = np.repeat(np.arange(q.shape[0]), k)
                W = sp.csr_matrix((weight.ravel(), (rows, idx.cpu().numpy().ravel())),
                                  shape=(q.shape[0], n))
                out.append((np.asarray((W @ self.Y).todense()) / weight.sum(1, keepdims=True))
                           .astype(np.float32))
        return np.vstack(out) if out else np.zeros((0, self.Y.shape[1]), np.float32)
