"""Rank-AE: a ranking-based autoencoder for extreme multi-label classification (Wang, Chen, Sun,
Qin, Li and Zhou, NAACL 2019), as printed in its section 2.

Three maps into a latent space of size h (100 for few labels, 200 for many):

* the feature embedding F(x): every word j of the vocabulary has its own embedding row e_j
  (C = 100); the spatial attention multiplies each of the document's words by its feature value
  (tf or tf-idf), V' = (v_j e_j); the channel attention is SENet's excitation
  A = sigmoid(F2 relu(F1 V')) with reduction r = 4, applied to every word's weighted embedding;
  M = V' * A is averaged **over the document's own words** (the words with a non-zero value,
  never the whole vocabulary), then one fully connected layer maps it to h;
* the label encoder E(y): two fully connected layers (ReLU between) from the label vector to h;
* the decoder D: two fully connected layers from h to the L label scores, with a sigmoid, so
  that scores lie in [0, 1] as the paper's argument for the margin m in [0, 1] needs (with
  unbounded scores a margin has no natural scale, and with m > 1 every hinge stays active).

The loss is L_h(F(x), E(y)) + lambda * L_ae(y, y'), L_h the squared error (summed over the h
latent dimensions, averaged over the batch), L_ae the margin ranking loss of Eq. (3)-(4)
(:func:`ranking_loss`). What y' is trained on is not said in the paper beyond "a decoder from
label embeddings y_h to output labels y'": by default y' = D(E(y)), the decoded label embedding,
as the paper's Eq. (1) and Figure 1 draw it and as C2AE, which Rank-AE follows, does; D is then
used on F(x), which L_h pulls towards E(y). ``decode="both"`` adds the same ranking loss on
D(F(x)), and ``decode="features"`` uses only that one. Prediction is D(F(x)).

Model selection follows the paper's protocol: lambda, m, the learning rate and the weight decay
are chosen on the validation split (a coordinate search around a start point, each candidate
trained with early stopping on the validation mean of P@1, P@3 and P@5), then the model is
trained again on train + validation with the chosen values for the chosen number of epochs
("After tuning, all models are trained on the entire training set"). ``fit_info`` records every
candidate's validation score and the choices.

Variants on the same interface: ``rankae-no-attn`` (V' pooled directly, no channel attention)
and ``bce-ae`` (binary cross-entropy instead of the ranking loss: the paper's "No loss" ablation
and its noise baseline).

Settings beyond the paper's text, off by default, ask what keeps Rank-AE below its published
numbers (the chapter's experiment ``gap``): ``encoder="mlp"``, F(x) a perceptron in place of
the word embeddings and attention (:mod:`xmlstudy.models.rankae_encoders` holds both), which on
0/1 features (Delicious) give every word a fixed vector, so that F(x) is linear in the bag of
words over its length; ``dropout`` on the feature embedding (on M before F's linear layer: the paper fixes the
layers, and dropout adds none; or on the perceptron's hidden units); ``readout="neighbours"``,
labels voted by the training rows whose E(y_i) lie nearest to F(x) instead of D(F(x))
(:mod:`xmlstudy.models.neighbours`; training unchanged); and ``search``, the coordinate search's
alternatives as ``[[setting, [values]], ...]`` (default :data:`SEARCH`).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from torch import nn

from xmlstudy.data.dataset import Dataset
from xmlstudy.models.base import Model, resolve_device
from xmlstudy.models.neighbours import LatentNeighbours
from xmlstudy.models.rankae_encoders import FeatureEmbedding, PerceptronEncoder, SequenceEmbedding
from xmlstudy.models.selection import (check_search, coordinate_search, mean_precision,
                                       train_plus_valid)
from xmlstudy.models.text import TextModel, Vocabulary, tokenize
from xmlstudy.models.word_vectors import embedding_size, initial_vectors
from xmlstudy.training import csr_to_torch, seed_everything, train

DECODE = ("labels", "features", "both")
LOSSES = ("ranking", "bce")
ENCODERS = ("attention", "mlp")     # the paper's word embeddings + attention, or a perceptron
READOUTS = ("decoder", "neighbours")
# The coordinate search over what the paper tunes on validation: the start point, then each
# setting's alternatives in turn, keeping whichever scores best.
SEARCH_START = {"lam": 1.0, "margin": 0.5, "lr": 1e-3, "weight_decay": 0.0}
SEARCH = {"margin": (0.1, 1.0), "lam": (0.1, 10.0), "lr": (3e-3,), "weight_decay": (1e-5,)}


def ranking_loss(scores: torch.Tensor, y: torch.Tensor, margin: float) -> torch.Tensor:
    """Eq. (2)-(4): L_P + L_N per row, averaged over the rows of the batch.

    L_P = sum over negatives n of max over positives p of (m + y'_n - y'_p)_+ and
    L_N = sum over positives p of max over negatives n of (m + y'_n - y'_p)_+. The inner max is
    reached at the lowest-scored positive (for L_P) and the highest-scored negative (for L_N),
    so both are O(L) per row: one min, one max and two hinge sums. A row without positives (or
    without negatives) has an empty inner max; its ranking loss is defined as 0, so such rows
    train only through L_h (Delicious has 14 of them) and never produce NaN."""
    y = y.to(scores.dtype)
    neg = 1.0 - y
    has_both = ((y.sum(1) > 0) & (neg.sum(1) > 0)).to(scores.dtype)
    # Shifting the other side's scores by more than the scores' span makes a plain min / max
    # pick the lowest positive and the highest negative: cheaper than masking with +-inf, and
    # finite, so a row without positives gives no NaN before it is masked out.
    span = (scores.detach().max() - scores.detach().min()) + 1.0
    lowest_pos = (scores + span * neg).min(1, keepdim=True).values
    highest_neg = (scores - span * y).max(1, keepdim=True).values
    l_p = (F.relu(margin + scores - lowest_pos) * neg).sum(1)
    l_n = (F.relu(margin + highest_neg - scores) * y).sum(1)
    return ((l_p + l_n) * has_both).mean()


def _two_layers(a: int, hidden: int, b: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(a, hidden), nn.ReLU(), nn.Linear(hidden, b))


class RankAENetwork(nn.Module):
    def __init__(self, features: nn.Module, n_labels: int, latent: int, hidden: int) -> None:
        super().__init__()
        self.features = features
        self.encoder = _two_layers(n_labels, hidden, latent)
        self.decoder = _two_layers(latent, hidden, n_labels)


def _triples(X: sp.csr_matrix, device):
    """The (row, column, value) triples of a CSR batch as tensors."""
    X = sp.csr_matrix(X, dtype=np.float32)
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    return (torch.from_numpy(rows.astype(np.int64)).to(device),
            torch.from_numpy(X.indices.astype(np.int64)).to(device),
            torch.from_numpy(X.data).to(device))


class RankAE(Model):
    """Rank-AE with the paper's fixed settings (C = 100, r = 4, h = 100 below ``many_labels``
    labels and 200 from there on) and lambda, m, lr and weight decay chosen on validation.

    Pass ``lam``, ``margin``, ``lr`` and ``weight_decay`` all four to skip the search (the
    chapter's noise runs reuse the choices of the clean runs this way, and the tests do).
    ``word_vectors`` initialises the word embeddings: ``"random"`` (the paper's choice for
    Delicious), ``"glove-50"`` or ``"glove-50-padded"`` (GloVe rows for features that are words,
    looked up by feature name; :mod:`xmlstudy.models.word_vectors`), or an ``n_features x C``
    array. ``encoder``, ``encoder_hidden``, ``dropout``, ``readout``, ``neighbours`` and
    ``search`` are the settings beyond the paper's text described in the module's docstring;
    their defaults are the paper's model and the chapter's search."""

    name = "rankae"
    attention = True
    loss = "ranking"

    def __init__(self, *, seed: int = 0, device: str = "auto", lam: float | None = None,
                 margin: float | None = None, lr: float | None = None,
                 weight_decay: float | None = None, latent: int | None = None,
                 many_labels: int = 1000, hidden: int = 256, embedding: int = 100,
                 reduction: int = 4, decode: str = "labels", epochs: int = 60,
                 patience: int | None = 8, batch_size: int = 128, refit: bool = True,
                 word_vectors="random", max_eval_rows: int = 5000, progress: bool = False,
                 encoder: str = "attention", encoder_hidden: int = 1024, dropout: float = 0.0,
                 readout: str = "decoder", neighbours: int = 10, search=None) -> None:
        super().__init__(seed=seed, device=device)
        if decode not in DECODE:
            raise ValueError(f"{self.name}: decode={decode!r}; valid: {', '.join(DECODE)}")
        if encoder not in ENCODERS:
            raise ValueError(f"{self.name}: encoder={encoder!r}; valid: {', '.join(ENCODERS)}")
        if encoder == "mlp" and not self.attention:
            raise ValueError(f"{self.name}: encoder='mlp' replaces the attention this variant "
                             "removes; use rankae with encoder='mlp'")
        if readout not in READOUTS:
            raise ValueError(f"{self.name}: readout={readout!r}; valid: {', '.join(READOUTS)}")
        if not (isinstance(dropout, (int, float)) and 0 <= dropout < 1):
            raise ValueError(f"{self.name}: dropout is a drop probability in [0, 1), got {dropout!r}")
        given = {"lam": lam, "margin": margin, "lr": lr, "weight_decay": weight_decay}
        if any(v is not None for v in given.values()) and any(v is None for v in given.values()):
            missing = [k for k, v in given.items() if v is None]
            raise ValueError(f"{self.name}: give lam, margin, lr and weight_decay together (to "
                             f"skip the validation search) or none of them; missing: {missing}")
        if margin is not None and not 0 <= margin <= 1:
            raise ValueError(f"{self.name}: the margin m lies in [0, 1] (scores are sigmoids), got {margin!r}")
        for key, value in (("epochs", epochs), ("batch_size", batch_size), ("hidden", hidden),
                           ("embedding", embedding), ("reduction", reduction),
                           ("encoder_hidden", encoder_hidden), ("neighbours", neighbours)):
            if not (isinstance(value, int) and value > 0):
                raise ValueError(f"{self.name}: {key} must be a positive integer, got {value!r}")
        if search is not None:
            if lam is not None:
                raise ValueError(f"{self.name}: search is given but so are lam, margin, lr and "
                                 "weight_decay, which skip it; give one or the other")
            # BCE has no margin to search; a margin lies in [0, 1] (scores are sigmoids)
            knobs = tuple(k for k in SEARCH_START if not (k == "margin" and self.loss == "bce"))
            search = check_search(self.name, search, knobs)
            if any(not 0 <= m <= 1 for m in dict(search).get("margin", [])):
                raise ValueError(f"{self.name}: the margin m lies in [0, 1]; search has {search!r}")
        if word_vectors is None:
            word_vectors = "random"
        if isinstance(word_vectors, str):
            size = embedding_size(word_vectors)  # raises naming the valid choices
            if size is not None and embedding != size:
                raise ValueError(f"{self.name}: word_vectors={word_vectors!r} gives rows of "
                                 f"{size} values; set embedding={size} (got {embedding})")
        self.given = given if lam is not None else None
        self.latent, self.many_labels, self.hidden = latent, many_labels, hidden
        self.embedding, self.reduction, self.decode = embedding, reduction, decode
        self.epochs, self.patience, self.batch_size = epochs, patience, batch_size
        self.refit, self.word_vectors = bool(refit), word_vectors
        self.max_eval_rows, self.progress = max_eval_rows, progress
        self.encoder, self.encoder_hidden, self.dropout = encoder, encoder_hidden, float(dropout)
        self.readout, self.neighbours, self.search = readout, neighbours, search
        self.net: RankAENetwork | None = None
        self._memory: LatentNeighbours | None = None

    # --- one training run with fixed settings -------------------------------------------------
    def _ae_loss(self, scores_logits: torch.Tensor, y: torch.Tensor, margin: float) -> torch.Tensor:
        if self.loss == "bce":
            return F.binary_cross_entropy_with_logits(scores_logits, y, reduction="none").sum(1).mean()
        return ranking_loss(torch.sigmoid(scores_logits), y, margin)

    def _train_once(self, train_data: Dataset, valid: Dataset | None, settings: dict,
                    epochs: int, patience: int | None):
        seed_everything(self.seed)
        L = train_data.n_labels
        latent = self.latent or (100 if L < self.many_labels else 200)
        net = RankAENetwork(self._feature_module(train_data, latent), L, latent,
                            self.hidden).to(self._device)
        optimizer = torch.optim.Adam(net.parameters(), lr=settings["lr"],
                                     weight_decay=settings["weight_decay"])
        X, Y = self._design(train_data), sp.csr_matrix(train_data.Y)

        def step(rows):
            y = csr_to_torch(Y[rows], self._device)
            x_h = self._encode(net, X[rows])
            y_h = net.encoder(y)
            loss = ((x_h - y_h) ** 2).sum(1).mean()
            if self.decode in ("labels", "both"):
                loss = loss + settings["lam"] * self._ae_loss(net.decoder(y_h), y, settings["margin"])
            if self.decode in ("features", "both"):
                loss = loss + settings["lam"] * self._ae_loss(net.decoder(x_h), y, settings["margin"])
            return loss

        evaluate = None
        if valid is not None and len(valid):
            rows = np.sort(np.random.default_rng(self.seed).permutation(len(valid))[:self.max_eval_rows])
            Xv, Yv = self._design(valid)[rows], valid.Y[rows]

            def evaluate():
                # Judged by what the model predicts: with the neighbour readout, the training
                # rows' label embeddings as the network has them now.
                return mean_precision(Yv, self._scores(net, Xv, self._readout_memory(net, Y)))

        result = train(net, optimizer, step, X.shape[0], epochs=epochs, batch_size=self.batch_size,
                       seed=self.seed, evaluate=evaluate, patience=patience,
                       progress=self.progress, desc=self.name)
        return net, result, latent

    def _readout_memory(self, net: RankAENetwork, Y: sp.csr_matrix) -> LatentNeighbours | None:
        """The training rows' label embeddings, for the neighbour readout (None: the decoder)."""
        if self.readout != "neighbours":
            return None
        return LatentNeighbours.of_labels(net.encoder, Y, self.neighbours, self._device)

    def _scores(self, net: RankAENetwork, X, memory: LatentNeighbours | None = None,
                batch_size: int = 2048) -> np.ndarray:
        net.eval()
        out = []
        with torch.no_grad():
            for start in range(0, X.shape[0], batch_size):
                x_h = self._encode(net, X[start:start + batch_size])
                out.append(memory.scores(x_h) if memory is not None
                           else torch.sigmoid(net.decoder(x_h)).cpu().numpy())
        return np.vstack(out) if out else np.zeros((0, net.decoder[-1].out_features), np.float32)

    # --- what F(x) reads: a feature matrix here, token indices in the text variant -----------
    def _feature_module(self, train_data: Dataset, latent: int) -> nn.Module:
        if self.encoder == "mlp":
            return PerceptronEncoder(train_data.n_features, latent, self.encoder_hidden, self.dropout)
        return FeatureEmbedding(train_data.n_features, latent, self.embedding, self.reduction,
                                self.attention, self._vectors, self.dropout)

    def _design(self, ds: Dataset):
        """The rows F(x) reads, sliceable by row: the CSR features."""
        return sp.csr_matrix(ds.X)

    def _encode(self, net: RankAENetwork, part) -> torch.Tensor:
        """F(x) of a slice of :meth:`_design`."""
        part = sp.csr_matrix(part)
        if self.encoder == "mlp":
            return net.features(csr_to_torch(part, self._device, dense=False))
        return net.features(*_triples(part, self._device), part.shape[0])

    # --- the interface ------------------------------------------------------------------------
    def _search_space(self) -> list:
        """The alternatives the coordinate search tries: ``search`` as given, else the chapter's
        :data:`SEARCH` (without the margin for BCE, which has none)."""
        if self.search is not None:
            return self.search
        return [(key, values) for key, values in SEARCH.items()
                if not (key == "margin" and self.loss == "bce")]

    def _search(self, train_data: Dataset, valid: Dataset):
        """The coordinate search (:func:`xmlstudy.models.selection.coordinate_search`) from
        :data:`SEARCH_START`. Returns the best (settings, result, net, latent) and every trial's
        validation score."""
        trials = []

        def run(settings):
            net, result, latent = self._train_once(train_data, valid, settings, self.epochs, self.patience)
            trials.append({**settings, "valid_mean_P@1,3,5": result.best_score,
                           "best_epoch": result.best_epoch})
            return result.best_score, (result, net, latent)

        (chosen, _, (result, net, latent)), _ = coordinate_search(run, SEARCH_START, self._search_space())
        return (chosen, result, net, latent), trials

    def fit(self, train_data: Dataset, valid: Dataset | None = None) -> "RankAE":
        self._device = resolve_device(self.device)
        self._vectors, found = (initial_vectors(train_data.feature_names, self.word_vectors, self.seed)
                                if isinstance(self.word_vectors, str) else (self.word_vectors, None))
        has_valid = valid is not None and len(valid) > 0
        if self.given is None and has_valid:
            best, trials = self._search(train_data, valid)
        else:
            settings = dict(self.given or SEARCH_START)
            net, result, latent = self._train_once(train_data, valid, settings, self.epochs,
                                                   self.patience if has_valid else None)
            best, trials = (settings, result, net, latent), []
        chosen, result, net, latent = best
        self.fit_info = {"chosen": chosen, "search": trials, "best_epoch": result.best_epoch,
                         "epochs": result.epochs_run, "best_valid_mean_P@1,3,5": result.best_score,
                         "latent": latent, "decode": self.decode, "loss": self.loss,
                         "attention": self.attention, "history": result.history,
                         "word_vectors": self.word_vectors if isinstance(self.word_vectors, str)
                         else "given", "words_with_vectors": found}
        if (self.encoder, self.dropout, self.readout) != ("attention", 0.0, "decoder"):
            self.fit_info.update(encoder=self.encoder, dropout=self.dropout, readout=self.readout)
        fitted_on = train_data
        if self.refit and has_valid:
            fitted_on = train_plus_valid(train_data, valid)
            net, again, _ = self._train_once(fitted_on, None, chosen, result.best_epoch, None)
            self.fit_info.update(refit=True, train_rows=len(fitted_on), refit_epochs=again.epochs_run)
        self.net = net
        self._memory = self._readout_memory(net, sp.csr_matrix(fitted_on.Y))
        self._n_labels = train_data.n_labels
        return self

    def scores(self, X: sp.csr_matrix) -> np.ndarray:
        if self.net is None:
            raise RuntimeError(f"{self.name}: call fit() before scores()")
        return self._scores(self.net, sp.csr_matrix(X), self._memory)

    def attention_weights(self, X: sp.csr_matrix) -> list[dict]:
        """Per document, each of its words' attention: the mean over channels of A times the
        word's feature value (how much of the pooled vector the word carries)."""
        if self.encoder != "attention":
            raise ValueError(f"{self.name}: encoder={self.encoder!r} has no attention to show")
        out = []
        X = sp.csr_matrix(X)
        with torch.no_grad():
            for i in range(X.shape[0]):
                rows, words, values = _triples(X[i], self._device)
                v, a = self.net.features.weighted(rows, words, values)
                weight = (v * a if a is not None else v).abs().mean(1)
                out.append(dict(zip(words.cpu().tolist(), weight.cpu().tolist())))
        return out

    @property
    def n_parameters(self) -> int | None:
        return None if self.net is None else sum(q.numel() for q in self.net.parameters())


class RankAENoAttention(RankAE):
    """The paper's "No attn" ablation: V' is pooled directly, without channel attention."""

    name = "rankae-no-attn"
    attention = False


class BCEAE(RankAE):
    """The paper's "No loss" ablation and noise baseline: binary cross-entropy on the decoded
    label scores instead of the margin ranking loss (the margin is then unused)."""

    name = "bce-ae"
    loss = "bce"


class RankAEBiLSTM(TextModel, RankAE):
    """Rank-AE on raw documents (the paper's Figure 5 study): a BiLSTM over the document's
    tokens feeds the channel attention (:class:`SequenceEmbedding`); the label encoder, decoder,
    loss and model selection are Rank-AE's. The vocabulary comes from the training documents
    (:class:`xmlstudy.models.text.Vocabulary`); documents are cut at ``length`` tokens."""

    name = "rankae-bilstm"

    def __init__(self, *, lstm_hidden: int = 50, length: int = 300, min_count: int = 2,
                 **kwargs) -> None:
        if kwargs.get("word_vectors", "random") not in ("random", None):
            raise ValueError(f"{self.name}: word_vectors must be 'random' (its vocabulary is "
                             "built from the documents)")
        if kwargs.get("encoder", "attention") != "attention" or kwargs.get("dropout", 0.0):
            raise ValueError(f"{self.name}: its F(x) is the BiLSTM with attention; encoder and "
                             "dropout are settings of rankae on feature vectors")
        super().__init__(**kwargs)
        self.lstm_hidden, self.length, self.min_count = lstm_hidden, length, min_count

    def fit(self, train_data: Dataset, valid: Dataset | None = None) -> "RankAEBiLSTM":
        from xmlstudy.attention import topic_words

        self._check_texts(train_data, valid)
        self.vocab = Vocabulary(train_data.texts, self.min_count)
        # The topic words of every label, from the training documents only (test_measures).
        self._topics = topic_words(train_data.texts, train_data.Y)
        self._label_names = list(train_data.label_names)
        return super().fit(train_data, valid)

    def test_measures(self, test: Dataset, examples: int = 3, k: int = 5) -> dict:
        """The attention study on the test documents (:mod:`xmlstudy.attention`): attention on
        topic words against their share of the tokens, P@1 after deleting the ``k`` most-attended
        tokens against ``k`` random ones, and ``examples`` randomly chosen documents with every
        token's attention, their true labels and the top-3 predicted ones (for the book)."""
        from xmlstudy.attention import attention_on_topic_words, deletion_test

        weights = self.token_attention(test.texts)
        rows = np.sort(np.random.default_rng(self.seed).choice(len(test), size=min(examples, len(test)),
                                                               replace=False))
        top, _ = self.topk([test.texts[i] for i in rows], 3)
        shown = [{"row": int(i), "tokens": weights[i],
                  "labels": [self._label_names[j] for j in sp.csr_matrix(test.Y)[i].indices],
                  "predicted": [self._label_names[j] for j in t]} for i, t in zip(rows, top)]
        return {"attention": {"topic_words": attention_on_topic_words(weights, test.Y, self._topics),
                              "deletion": deletion_test(self.scores, weights, test.Y, k=k, seed=self.seed),
                              "examples": shown}}

    def _feature_module(self, train_data: Dataset, latent: int) -> nn.Module:
        return SequenceEmbedding(len(self.vocab.words), latent, self.embedding, self.lstm_hidden,
                                 self.reduction, self.attention)

    def _design(self, ds: Dataset):
        return torch.from_numpy(self.vocab.encode(ds.texts, self.length))

    def _encode(self, net: RankAENetwork, part) -> torch.Tensor:
        used = max(int((part > 0).sum(1).max()), 1) if len(part) else 1
        return net.features(part[:, :used].to(self._device))   # trailing padding cut off

    def scores(self, texts) -> np.ndarray:
        if self.net is None:
            raise RuntimeError(f"{self.name}: call fit() before scores()")
        return self._scores(self.net, self._design_of(texts))

    def _design_of(self, texts) -> torch.Tensor:
        return torch.from_numpy(self.vocab.encode(texts, self.length))

    def token_attention(self, texts) -> list[list[tuple[str, float]]]:
        """Per document, its tokens (as the model reads them, cut at ``length``; unknown words
        shown as themselves) with each token's attention: the mean over channels of the magnitude of V' * A,
        the share of the pooled vector the token carries before averaging."""
        out = []
        self.net.eval()
        with torch.no_grad():
            for text in texts:
                tokens = tokenize(text)[:self.length]
                ids = self._design_of([text])[:, :max(len(tokens), 1)].to(self._device)
                v, a, _ = self.net.features.weighted(ids)
                weight = (v * a if a is not None else v).abs().mean(2)[0].cpu().numpy()
                out.append(list(zip(tokens, weight[:len(tokens)].astype(float).tolist())))
        return out
