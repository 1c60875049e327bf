"""Methods that read raw documents instead of a feature matrix: the deep text baselines of
Rank-AE's Table 2.

* ``fasttext``: fastText (Joulin et al. 2017; the ``fasttext-wheel`` build of the official
  0.9.2 code, which trains deterministically on one thread) in its multi-label mode, one
  binary logistic loss per label (``loss="ova"``) over averaged word and bigram vectors; the
  learning rate and the number of epochs are chosen on the validation split.
* ``kim-cnn``: Kim's (2014) convolutional network, filters of widths 3, 4 and 5 over word
  embeddings, max-pooling over time, dropout and one linear layer to the label scores, trained
  with binary cross-entropy. Chen et al. (2022) show this plain network to be stronger than
  XML-CNN's own code, so it stands in for the XML-CNN column.

Both predict from ``Dataset.texts`` (the registry's Reuters carries its documents there): the
experiment runner asks a model's :meth:`TextModel.inputs` what it predicts from. Tokens are
lower-cased runs of letters and digits; the vocabulary comes from the training documents only.
"""
from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from torch import nn

from xmlstudy.data.dataset import Dataset
from xmlstudy.models.base import Model, resolve_device
from xmlstudy.training import csr_to_torch, seed_everything, train

_TOKEN = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _mean_precision(Y: sp.csr_matrix, scores: np.ndarray) -> float:
    """Mean of P@1, P@3 and P@5, the validation score every choice maximises (as Rank-AE's)."""
    from xmlstudy.metrics import ranking_metrics

    top = np.argsort(-scores, axis=1, kind="stable")[:, :5]
    m = ranking_metrics(Y, top, ks=(1, 3, 5))
    return float((m["P@1"] + m["P@3"] + m["P@5"]) / 3)


class TextModel(Model):
    """A method that predicts from raw documents: ``scores(texts)`` takes a list of strings."""

    def inputs(self, ds: Dataset) -> list[str]:
        if ds.texts is None:
            raise ValueError(f"{self.name} reads raw documents, and the {ds.split} split of "
                             f"{ds.name!r} has none; use a data set with texts (reuters)")
        return ds.texts

    def _check_texts(self, *parts: Dataset | None) -> None:
        for ds in parts:
            if ds is not None:
                self.inputs(ds)


class FastText(TextModel):
    """fastText's one-vs-all multi-label classifier; ``lr`` and ``epoch`` chosen on validation
    from ``lr_grid`` x ``epoch_grid`` (one thread, so a seed gives the same model)."""

    name = "fasttext"

    def __init__(self, *, seed: int = 0, device: str = "auto", dim: int = 100,
                 word_ngrams: int = 2, lr_grid=(0.1, 0.5, 1.0), epoch_grid=(10, 25, 50),
                 min_count: int = 1, bucket: int = 200000) -> None:
        super().__init__(seed=seed, device="cpu")   # fastText has no GPU code
        self.dim, self.word_ngrams, self.min_count = dim, word_ngrams, min_count
        # Hash buckets of the word bigrams: fastText's default of 2 million gives 200 million
        # parameters, far more than a few thousand documents' bigrams need.
        self.bucket = bucket
        self.lr_grid, self.epoch_grid = tuple(lr_grid), tuple(epoch_grid)
        self.model = None

    @staticmethod
    def _line(text: str) -> str:
        return " ".join(tokenize(text))

    def _train(self, path: Path, lr: float, epoch: int):
        import fasttext

        return fasttext.train_supervised(input=str(path), loss="ova", lr=lr, epoch=epoch,
                                         dim=self.dim, wordNgrams=self.word_ngrams,
                                         minCount=self.min_count, bucket=self.bucket,
                                         thread=1, seed=self.seed,
                                         verbose=0)

    def fit(self, train_data: Dataset, valid: Dataset | None = None) -> "FastText":
        self._check_texts(train_data, valid)
        self._n_labels = train_data.n_labels
        Y = sp.csr_matrix(train_data.Y)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "train.txt"
            with open(path, "w", encoding="utf-8") as fh:
                for i, text in enumerate(train_data.texts):
                    labels = " ".join(f"__label__{j}" for j in Y[i].indices)
                    fh.write(f"{labels} {self._line(text)}\n")
            trials = []
            if valid is not None and len(valid):
                for lr in self.lr_grid:
                    for epoch in self.epoch_grid:
                        try:
                            self.model = self._train(path, lr, epoch)
                        except RuntimeError as err:   # fastText stops at a NaN loss
                            trials.append({"lr": lr, "epoch": epoch, "failed": str(err)})
                            continue
                        score = _mean_precision(sp.csr_matrix(valid.Y), self.scores(valid.texts))
                        trials.append({"lr": lr, "epoch": epoch, "valid_mean_P@1,3,5": score})
                scored = [t for t in trials if "failed" not in t]
                if not scored:
                    raise RuntimeError(f"{self.name}: every learning rate of {self.lr_grid} "
                                       f"diverged ({trials[0]['failed']}); try smaller ones")
                best = max(scored, key=lambda t: t["valid_mean_P@1,3,5"])
            else:
                best = {"lr": self.lr_grid[0], "epoch": self.epoch_grid[0]}
            self.model = self._train(path, best["lr"], best["epoch"])
        self.fit_info = {"chosen": {"lr": best["lr"], "epoch": best["epoch"]}, "search": trials}
        return self

    def scores(self, texts) -> np.ndarray:
        if self.model is None:
            raise RuntimeError(f"{self.name}: call fit() before scores()")
        out = np.zeros((len(texts), self._n_labels), np.float32)
        for i, text in enumerate(texts):
            # The binding's own predict() for a list garbles the probabilities under NumPy 2
            # (every label gets the first one's); its one-line C++ call returns them intact.
            for p, name in self.model.f.predict(self._line(text) + "\n", -1, 0.0, "strict"):
                out[i, int(name.removeprefix("__label__"))] = p
        return out

    @property
    def n_parameters(self) -> int | None:
        if self.model is None:
            return None
        return int(self.model.get_input_matrix().size + self.model.get_output_matrix().size)


class Vocabulary:
    """Word -> index from training documents (index 0 is padding, 1 unknown); documents become
    fixed-length index arrays."""

    def __init__(self, texts, min_count: int = 2, max_words: int = 50000) -> None:
        counts = Counter(w for t in texts for w in tokenize(t))
        kept = [w for w, c in counts.most_common(max_words) if c >= min_count]
        self.words = ["<pad>", "<unk>", *kept]
        self.index = {w: i for i, w in enumerate(self.words)}

    def encode(self, texts, length: int) -> np.ndarray:
        out = np.zeros((len(texts), length), np.int64)
        for i, text in enumerate(texts):
            ids = [self.index.get(w, 1) for w in tokenize(text)][:length]
            out[i, :len(ids)] = ids
        return out


class _KimNet(nn.Module):
    def __init__(self, n_words: int, n_labels: int, embedding: int, filters: int, widths,
                 dropout: float) -> None:
        super().__init__()
        self.words = nn.Embedding(n_words, embedding, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(embedding, filters, w) for w in widths)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(filters * len(widths), n_labels)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        e = self.words(ids).transpose(1, 2)                     # batch x C x length
        pooled = [F.relu(conv(e)).max(dim=2).values for conv in self.convs]
        return self.out(self.dropout(torch.cat(pooled, dim=1)))


class KimCNN(TextModel):
    """Kim's CNN with binary cross-entropy; early stopping on the validation mean of P@1/3/5."""

    name = "kim-cnn"

    def __init__(self, *, seed: int = 0, device: str = "auto", embedding: int = 100,
                 filters: int = 100, widths=(3, 4, 5), dropout: float = 0.5, length: int = 300,
                 lr: float = 1e-3, epochs: int = 30, patience: int | None = 4,
                 batch_size: int = 64, min_count: int = 2, progress: bool = False) -> None:
        super().__init__(seed=seed, device=device)
        self.embedding, self.filters, self.widths = embedding, filters, tuple(widths)
        self.dropout, self.length, self.lr = dropout, length, lr
        self.epochs, self.patience, self.batch_size = epochs, patience, batch_size
        self.min_count, self.progress = min_count, progress
        self.net: _KimNet | None = None

    def fit(self, train_data: Dataset, valid: Dataset | None = None) -> "KimCNN":
        self._check_texts(train_data, valid)
        self._device = resolve_device(self.device)
        seed_everything(self.seed)
        self.vocab = Vocabulary(train_data.texts, self.min_count)
        ids = torch.from_numpy(self.vocab.encode(train_data.texts, self.length))
        Y = sp.csr_matrix(train_data.Y)
        self.net = _KimNet(len(self.vocab.words), train_data.n_labels, self.embedding,
                           self.filters, self.widths, self.dropout).to(self._device)
        optimizer = torch.optim.Adam(self.net.parameters(), lr=self.lr)

        def step(rows):
            logits = self.net(ids[rows].to(self._device))
            y = csr_to_torch(Y[rows], self._device)
            return F.binary_cross_entropy_with_logits(logits, y, reduction="none").sum(1).mean()

        evaluate = None
        if valid is not None and len(valid):
            Yv = sp.csr_matrix(valid.Y)

            def evaluate():
                return _mean_precision(Yv, self.scores(valid.texts))

        result = train(self.net, optimizer, step, len(ids), epochs=self.epochs,
                       batch_size=self.batch_size, seed=self.seed, evaluate=evaluate,
                       patience=self.patience, progress=self.progress, desc=self.name)
        self.fit_info = {"best_epoch": result.best_epoch, "epochs": result.epochs_run,
                         "best_valid_mean_P@1,3,5": result.best_score,
                         "vocabulary": len(self.vocab.words), "history": result.history}
        return self

    def scores(self, texts, batch_size: int = 512) -> np.ndarray:
        if self.net is None:
            raise RuntimeError(f"{self.name}: call fit() before scores()")
        self.net.eval()
        out = []
        with torch.no_grad():
            for start in range(0, len(texts), batch_size):
                ids = torch.from_numpy(self.vocab.encode(texts[start:start + batch_size], self.length))
                out.append(torch.sigmoid(self.net(ids.to(self._device))).cpu().numpy())
        self.net.train()
        return np.vstack(out) if out else np.zeros((0, self.net.out.out_features), np.float32)

    @property
    def n_parameters(self) -> int | None:
        return None if self.net is None else sum(p.numel() for p in self.net.parameters())
