"""Rank-AE's feature embeddings F(x) (:mod:`xmlstudy.models.rankae` describes the model they
belong to): the paper's word embeddings with dual attention on a feature vector
(:class:`FeatureEmbedding`) or, on raw text, over a BiLSTM's states (:class:`SequenceEmbedding`),
and a perceptron over the feature vector in their place (:class:`PerceptronEncoder`), the
alternative the Rank-AE chapter's experiment ``gap`` tests.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from xmlstudy.models.latent import InputLinear


class FeatureEmbedding(nn.Module):
    """F(x): word embeddings weighted by the feature values, SENet channel attention, average
    over the document's words, one linear layer to h. Takes a batch as the (row, word, value)
    triples of its non-zero entries, so only the document's own words take part."""

    def __init__(self, n_words: int, latent: int, embedding: int = 100, reduction: int = 4,
                 attention: bool = True, vectors: np.ndarray | None = None,
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.words = nn.Embedding(n_words, embedding)
        if vectors is not None:
            self.words.weight.data.copy_(torch.as_tensor(vectors, dtype=torch.float32))
        self.attention = attention
        if attention:
            self.f1 = nn.Linear(embedding, max(1, embedding // reduction))
            self.f2 = nn.Linear(max(1, embedding // reduction), embedding)
        self.out = nn.Linear(embedding, latent)
        # Built only when asked for, so the paper's network is the same module as before.
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None

    def weighted(self, rows, words, values):
        """V' (one row per non-zero entry) and, with attention, A; M = V' * A."""
        v = self.words(words) * values[:, None]
        a = torch.sigmoid(self.f2(F.relu(self.f1(v)))) if self.attention else None
        return v, a

    def forward(self, rows: torch.Tensor, words: torch.Tensor, values: torch.Tensor,
                n_rows: int) -> torch.Tensor:
        v, a = self.weighted(rows, words, values)
        m = v * a if a is not None else v
        pooled = torch.zeros(n_rows, m.shape[1], dtype=m.dtype, device=m.device).index_add_(0, rows, m)
        counts = torch.zeros(n_rows, dtype=m.dtype, device=m.device).index_add_(
            0, rows, torch.ones_like(values))
        pooled = pooled / counts.clamp(min=1)[:, None]
        return self.out(self.dropout(pooled) if self.dropout is not None else pooled)


class PerceptronEncoder(nn.Module):
    """F(x) as a perceptron over the feature vector: ``hidden`` ReLU units (dropout on them),
    then a linear layer to h. Takes the batch's features as a sparse CSR tensor, so the first
    layer costs what the non-zeros cost."""

    def __init__(self, n_features: int, latent: int, hidden: int = 1024, dropout: float = 0.0) -> None:
        super().__init__()
        self.hidden = InputLinear(n_features, hidden)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.out = nn.Linear(hidden, latent)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.dropout(F.relu(self.hidden(x))))


class SequenceEmbedding(nn.Module):
    """F(x) on raw text (the paper's Figure 5 setting, where a BiLSTM feeds the attention): the
    document's tokens embedded, a bidirectional LSTM over them (its states are V', one row per
    token), SENet channel attention A on every state, M = V' * A averaged over the document's
    own tokens (padding never enters the mean), one linear layer to h. Input: a batch of token
    indices, 0 = padding at the end."""

    def __init__(self, n_words: int, latent: int, embedding: int = 100, hidden: int = 50,
                 reduction: int = 4, attention: bool = True) -> None:
        super().__init__()
        self.words = nn.Embedding(n_words, embedding, padding_idx=0)
        self.lstm = nn.LSTM(embedding, hidden, batch_first=True, bidirectional=True)
        channels = 2 * hidden
        self.attention = attention
        if attention:
            self.f1 = nn.Linear(channels, max(1, channels // reduction))
            self.f2 = nn.Linear(max(1, channels // reduction), channels)
        self.out = nn.Linear(channels, latent)

    def weighted(self, ids: torch.Tensor):
        """V' (batch x tokens x channels), A (or None) and the mask of real tokens."""
        mask = ids > 0
        lengths = mask.sum(1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(self.words(ids), lengths, batch_first=True,
                                                   enforce_sorted=False)
        v, _ = self.lstm(packed)
        v, _ = nn.utils.rnn.pad_packed_sequence(v, batch_first=True, total_length=ids.shape[1])
        a = torch.sigmoid(self.f2(F.relu(self.f1(v)))) if self.attention else None
        return v, a, mask

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        v, a, mask = self.weighted(ids)
        m = (v * a if a is not None else v) * mask[..., None]
        return self.out(m.sum(1) / mask.sum(1).clamp(min=1)[:, None])
