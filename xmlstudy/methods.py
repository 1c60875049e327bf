"""The methods registry: every method of the study under the name its records carry.

One home for what the book says about a method (:class:`Method`: its one display name, a
one-line definition, its citation key in ``book/references.bib``, its colour and marker on every
figure) and for the settings it runs with (:func:`settings`: per data set and profile, the
choices the chapters made and the reasons for them). A chapter's grid takes a method's settings
from here and applies only its experiment's own changes on top (a sweep, a search grid, a noise
rate, a refit flag, a design variant); tables and figures take names, colours and markers from
here (:func:`name`, :func:`colour`, :func:`marker`), so a method looks the same on every page,
and link a name to its entry in the book's glossary of methods (:func:`glossary_link`,
:func:`glossary_href`).

The keys are those of :data:`xmlstudy.models.METHODS`. This module imports nothing of the study:
it sits below the chapters and beside the experiments, so the settings are readable without
torch.
"""
from __future__ import annotations

from dataclasses import dataclass

PROFILES = ("full", "smoke")


@dataclass(frozen=True)
class Method:
    """A method as the book shows it. ``cite`` is None only for a control this study made up."""

    key: str
    name: str
    definition: str
    cite: str | None
    colour: str
    marker: str


def _methods(*rows) -> dict:
    return {row[0]: Method(*row) for row in rows}


# Colours: the eleven methods of the cross-paper figures take the ten of matplotlib's tab10 and
# black; a variant takes a light or dark tone of tab20 / tab20b, so it stands apart from its
# parent in the ablation figures; the chance-level control is light grey.
METHODS: dict[str, Method] = _methods(
    # the field's baselines
    ("knn", "kNN", "Cosine k-nearest neighbours: a label scores the similarity-weighted share of "
     "the k closest training rows that carry it (k chosen on validation).",
     "cover1967nearest", "#1f77b4", "o"),
    ("ovr-linear", "one-vs-rest", "One-vs-rest (binary relevance): one L2-regularised logistic "
     "regression per label on the features (C chosen on validation).",
     "zhang2018binary", "#ff7f0e", "s"),
    ("parabel", "Parabel", "Parabel's partitioned label trees (omikuji): labels split by balanced "
     "2-means into 3 trees with a linear classifier per node, beam search at prediction.",
     "prabhu2018parabel", "#2ca02c", "^"),
    ("mlknn", "ML-kNN", "ML-kNN: per label, Bayes' rule on how many of a row's 10 nearest "
     "training rows carry the label.", "zhang2007ml", "#d62728", "v"),
    ("c2ae", "C2AE", "C2AE: a feature encoder and a label autoencoder aligned in one latent space "
     "(a CCA-like loss), the decoder trained with a pairwise ranking loss.",
     "yeh2017learning", "#9467bd", "D"),
    # DXML and its ablations
    ("dxml", "DXML", "DXML: a two-layer ReLU network maps the features onto the mean DeepWalk "
     "vector of a row's labels; labels come from the nearest training rows in its k-means "
     "cluster.", "zhang2018deep", "#8c564b", "P"),
    ("dxml-linear", "DXML without ReLU", "DXML with the network's ReLU removed, a linear "
     "embedding (DXML's Figure 2).", "zhang2018deep", "#c49c94", "P"),
    ("dxml-random-emb", "DXML with random label vectors", "DXML with random label vectors in "
     "place of DeepWalk's: what the label graph contributes.", "zhang2018deep", "#aec7e8", "P"),
    ("dxml-svd-emb", "DXML with SVD label vectors", "DXML with label vectors from a truncated SVD "
     "of the label co-occurrence matrix in place of DeepWalk's.", "zhang2018deep", "#98df8a", "P"),
    ("dxml-nocluster", "DXML without clustering", "DXML with the neighbours searched among all "
     "training rows, without the k-means partition.", "zhang2018deep", "#ffbb78", "P"),
    ("dxml-l2", "DXML with L2 loss", "DXML trained with the squared L2 loss in place of "
     "smooth-L1.", "zhang2018deep", "#c5b0d5", "P"),
    # C-GMVAE and its ablations
    ("cgmvae", "C-GMVAE", "C-GMVAE: a variational autoencoder with a Gaussian-mixture latent prior "
     "(one component per label) and a contrastive loss between feature and label embeddings.",
     "bai2022gaussian", "#bcbd22", "*"),
    ("cgmvae-uni-gaussian", "uni-Gaussian VAE", "C-GMVAE's uni-Gaussian ablation: one Gaussian "
     "latent space, no contrastive loss (MPVAE's latent space without its probit module).",
     "bai2022gaussian", "#dbdb8d", "*"),
    ("cgmvae-gm-only", "C-GMVAE without contrastive loss", "C-GMVAE's Gaussian-mixture prior "
     "without the contrastive loss (the paper's \"GM only\").", "bai2022gaussian", "#8c6d31", "*"),
    ("cgmvae-contrastive-only", "C-GMVAE without mixture prior", "C-GMVAE's contrastive loss on "
     "a uni-Gaussian latent space (the paper's \"contrastive only\").",
     "bai2022gaussian", "#e7ba52", "*"),
    ("cgmvae-official", "C-GMVAE, official-code settings", "C-GMVAE with the settings of the "
     "authors' code where they differ from the paper's text.", "bai2022gaussian", "#637939", "*"),
    # Rank-AE, its ablations and the deep text baselines of its Table 2
    ("rankae", "Rank-AE", "Rank-AE: features (word embeddings with attention) and labels encoded "
     "into one latent space, labels decoded with a margin ranking loss.",
     "wang2019ranking", "#e377c2", "X"),
    ("rankae-no-attn", "Rank-AE without attention", "Rank-AE without the channel attention on the "
     "word embeddings (the paper's \"No attn\").", "wang2019ranking", "#f7b6d2", "X"),
    ("bce-ae", "Rank-AE with BCE loss", "Rank-AE with binary cross-entropy in place of the margin "
     "ranking loss (the paper's \"No loss\" and noise baseline).", "wang2019ranking", "#7f7f7f", "x"),
    ("rankae-bilstm", "Rank-AE with BiLSTM on text", "Rank-AE on raw documents: a BiLSTM over "
     "the tokens feeds the attention (the paper's Figure 5).", "wang2019ranking", "#843c39", "X"),
    ("fasttext", "fastText", "fastText: averaged word and bigram vectors of the raw document, one "
     "logistic loss per label.", "joulin2017bag", "#5254a3", "<"),
    ("kim-cnn", "Kim's CNN", "Kim's CNN on raw text: filters of widths 3-5 over word embeddings, "
     "max-pooled, binary cross-entropy (in place of XML-CNN).",
     "kim2014convolutional", "#d6616b", ">"),
    # the deep BCE baseline beside every paper's model
    ("mlp-bce", "MLP (BCE)", "A perceptron with two hidden layers of 512 leaky-ReLU units and "
     "dropout, from the features to the label logits, trained with binary cross-entropy.",
     "nam2014large", "#000000", "p"),
    # the non-negative autoencoder, its two-step classifier and what it is measured against
    ("nnae", "non-negative AE", "The deep non-negative autoencoder of the label matrix (64, then "
     "16 units); two-step: ridge regression from features to its codes, decoded to label scores.",
     "kang2019towards", "#17becf", "h"),
    ("nnae-softplus", "non-negative AE with softplus", "The non-negative autoencoder with its "
     "weights kept non-negative by a softplus instead of by projection.",
     "kang2019towards", "#9edae5", "h"),
    ("nmf", "NMF", "Non-negative matrix factorization of the label matrix (one level, or two "
     "stacked), in the same two-step classifier.", "lee1999learning", "#393b79", "d"),
    ("lda", "LDA", "Latent Dirichlet allocation of the label matrix (label groups as topics), in "
     "the same two-step classifier.", "blei2003latent", "#a55194", "8"),
    ("pca", "PCA", "Principal component analysis of the label matrix, in the same two-step "
     "classifier.", "pearson1901lines", "#8ca252", "H"),
    ("random-groups", "random groups", "Labels dealt into random groups of equal size: a "
     "chance-level control in the same two-step classifier.", None, "#c7c7c7", "."),
    ("nnae-image", "EfficientNet to AE codes", "EfficientNet-Lite0 fine-tuned to regress the "
     "non-negative autoencoder's codes of an image's labels, decoded to label scores.",
     "kang2019towards", "#6b6ecf", "h"),
    ("image-bce", "EfficientNet with BCE", "EfficientNet-Lite0 fine-tuned with binary "
     "cross-entropy on the labels directly.", "tan2019efficientnet", "#e7969c", "D"),
)


# Methods whose result is fixed by their data alone: no seed enters their fit or their ranking.
# kNN orders equal similarities and scores by training-row and label index. One-vs-rest fits
# liblinear's primal logistic regression (a trust-region Newton method, scikit-learn's
# dual=False); only liblinear's dual coordinate-descent solvers draw a random permutation, so
# random_state changes nothing (tests/test_baselines.py fits two seeds and compares the scores;
# the committed records of seeds 0, 1 and 2 agree to the last bit). Parabel is not among them:
# omikuji seeds its clustering from the operating system, so two runs differ (README.md,
# "Which records rerun bit for bit"). These methods run once per data set, show no "± 0.00", and
# pair their one value with every seed of a rival in the rulebook's paired tests (xmlstudy.rules).
DETERMINISTIC: tuple[str, ...] = ("knn", "ovr-linear")

# Names this book once used for a method beside its display name. None of them, and no record key,
# may name a method in a table or a figure legend (tests/test_site.py reads the built pages,
# xmlstudy.figures.check_legends every figure); the names printed in the papers' own tables
# ("BR", "1-vs-All", "MPVAE", ...) are not here: they label the papers' numbers.
FORMER_NAMES: dict[str, tuple[str, ...]] = {
    "ovr-linear": ("1-vs-rest", "BR (1-vs-rest)"),
    "bce-ae": ("BCE-AE", "BCE-AE (no ranking loss)"),
    "rankae-no-attn": ("Rank-AE, no attention",),
    "nnae": ("NN-AE two-step", "NN-AE", "autoencoder"),
    "nnae-softplus": ("autoencoder, softplus",),
    "cgmvae-uni-gaussian": ("uni-Gaussian (MPVAE)",),   # "uni-Gaussian" is Table 4's own row
    "cgmvae-official": ("official-code settings", "official settings"),
    "nnae-image": ("two-step (autoencoder codes)",),
    "image-bce": ("fine-tuned, BCE",),
}


def forbidden_names() -> dict:
    """``{text: method}`` for every text that must not name a method on a page: the record keys
    (except where a key is also the display name) and :data:`FORMER_NAMES`."""
    out = {key: key for key, entry in METHODS.items() if entry.name != key}
    out.update({old: key for key, olds in FORMER_NAMES.items() for old in olds})
    return out

# A setting as the book names it in tables, figures and prose: the constructor parameter names
# (emb_size, walks_per_node, ...) stay in the code and on the API pages. Every key that
# settings() gives, and every open setting a chapter sweeps, has one (tests/test_methods.py).
SETTING_NAMES: dict[str, str] = {
    "C_grid": "values of C tried", "alpha": "α", "batch_size": "batch size", "beta": "β",
    "bucket": "hash buckets", "cluster_grid": "cluster counts tried", "decoder_hidden": "decoder widths",
    "dim": "vector size", "dropout": "dropout", "emb_size": "E", "embedding": "word-vector size",
    "encoder": "feature encoder", "encoder_hidden": "encoder hidden units",
    "epoch_grid": "epoch counts tried", "epochs": "epochs", "filters": "filters",
    "grad_clip": "gradient-norm cap", "hidden": "hidden units", "isolated": "isolated labels",
    "k_grid": "values of k tried", "lam": "λ", "layers": "hidden layers", "length": "tokens read",
    "lr": "learning rate", "lr_grid": "learning rates tried", "lstm_hidden": "LSTM units",
    "margin": "margin m", "neighbours": "neighbours voting", "patience": "patience",
    "readout": "read-out", "refit": "refit on train + validation", "resolution": "input pixels",
    "search": "alternatives searched", "select": "epoch chosen by", "ties": "ties broken by",
    "units": "units per level",
    "w2v_epochs": "Word2Vec passes", "w2v_sample": "Word2Vec sampling", "walk_length": "walk length",
    "walks_per_node": "walks per label", "weight_decay": "weight decay", "window": "Word2Vec window",
}


def setting_name(key: str) -> str:
    """The words the book uses for the setting ``key`` (a constructor parameter)."""
    if key not in SETTING_NAMES:
        raise ValueError(f"setting {key!r} has no name for the book; add it to "
                         "xmlstudy.methods.SETTING_NAMES")
    return SETTING_NAMES[key]


def method(key: str) -> Method:
    """The registry entry of ``key`` (a method name of the records)."""
    if key not in METHODS:
        raise ValueError(f"unknown method {key!r}; valid: {', '.join(sorted(METHODS))}")
    return METHODS[key]


def name(key: str) -> str:
    """The display name of ``key``, the same on every page."""
    return method(key).name


def colour(key: str) -> str:
    """The colour of ``key`` on every figure (hex)."""
    return method(key).colour


def marker(key: str) -> str:
    """The matplotlib marker of ``key`` on every figure."""
    return method(key).marker


def key_of(display_name: str) -> str:
    """The method whose display name is ``display_name`` (for tables that hold names)."""
    for key, entry in METHODS.items():
        if entry.name == display_name:
            return key
    raise ValueError(f"no method is displayed as {display_name!r}; names: "
                     f"{', '.join(m.name for m in METHODS.values())}")


def named(records, column: str = "method"):
    """A copy of a records frame with the method keys of ``column`` replaced by display names."""
    return records.assign(**{column: records[column].map(name)}) if len(records) else records


# --- the glossary -----------------------------------------------------------------------------------
# The page book/methods.md lists every method (xmlstudy.glossary writes its entries), each under
# the label "method-<key>", so that any page can link a method's name to what it is. Every page of
# the book sits one folder below the site's root (book/, notebooks/), so one relative URL reaches
# the glossary from all of them.
GLOSSARY_PAGE = "book/methods"


def anchor(key: str) -> str:
    """The label (and HTML id) of ``key``'s glossary entry, e.g. ``method-mlp-bce``."""
    method(key)
    return f"method-{key}"


def glossary_link(key: str, text: str | None = None) -> str:
    """MyST markdown for prose and markdown tables: ``text`` (the display name by default) as a
    link to the glossary entry of ``key``."""
    return f"{{ref}}`{text or name(key)} <{anchor(key)}>`"


def glossary_href(key: str) -> str:
    """The URL of ``key``'s glossary entry from any page of the built book (for HTML tables)."""
    return f"../{GLOSSARY_PAGE}.html#{anchor(key)}"


def lighter(hex_colour: str, amount: float) -> str:
    """``hex_colour`` mixed with white (``amount`` 0: unchanged, 1: white), for a method's second
    and third curve of one figure (the same factorization at other sizes)."""
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)


# --- the settings -----------------------------------------------------------------------------------
# Each method family's settings, with why. "smoke" runs every code path on a few hundred rows in
# seconds (its numbers mean nothing); "full" is the study's protocol.

# The baselines choose their own setting on validation (k, C); the smoke profile's two values of
# C instead of five keep the 983 per-label fits of Delicious quick.
OVR_SMOKE = {"C_grid": [0.1, 1.0]}
# kNN orders equal similarities and equal label scores by index (xmlstudy.models.baselines.KNN).
# Written into every kNN configuration so that its hash differs from those of the records made
# before that rule, whose neighbours at the k-th similarity depended on the machine.
KNN_SETTINGS = {"ties": "index"}

# DXML: the settings the paper leaves open, as chosen on bibtex's validation split (the DXML
# chapter's experiment "sweep": its records hold the validation score of every alternative). The
# paper's own settings (256 hidden units, 100 dimensions, SGD lr 0.015, momentum 0.9, weight decay
# 5e-4, smooth-L1) are the model's defaults and are not repeated here. The ablations run with the
# same settings.
DXML_CHOSEN = dict(walks_per_node=80, window=10, walk_length=40, batch_size=16, dropout=0.1)
# IMDB has 87k training rows: larger mini-batches keep an epoch to seconds.
DXML_DATASET_PARAMS = {"imdb": dict(batch_size=128)}
DXML_SMOKE = dict(epochs=2, walks_per_node=2, walk_length=10, w2v_epochs=1, k_grid=(5, 10),
                  cluster_grid=(2,))

# Rank-AE: the epoch budget (the paper gives none) with early stopping on validation.
RANKAE_FULL = dict(epochs=60, patience=8)
RANKAE_SMOKE = dict(epochs=2, patience=None, hidden=32, embedding=16)
# lambda, m, lr and weight decay as chosen on validation by the Rank-AE chapter's experiment
# "search" (seed 0, the coordinate search of xmlstudy.models.rankae; its records hold every
# trial's validation score, and tests/test_rankae.py checks these against them). A (data set,
# method) not listed here has not been searched: it takes the choices made for the data set of
# the same kind (SETTINGS_FROM below, as C-GMVAE's family does), and given none of the four
# (a data set of no listed kind), the model runs the search itself. The search trains 7
# candidates before the run itself, which at the Debian data sets' 14,099 labels would cost
# several times the run.
RANKAE_CHOSEN: dict = {
    ("delicious", "rankae"): dict(lam=1.0, margin=0.1, lr=0.001, weight_decay=0.0),
    ("delicious", "rankae-no-attn"): dict(lam=10.0, margin=0.1, lr=0.001, weight_decay=0.0),
    # BCE has no margin: its m is the start point's, never searched and never used.
    ("delicious", "bce-ae"): dict(lam=10.0, margin=0.5, lr=0.003, weight_decay=0.0),
    ("bibtex", "rankae"): dict(lam=1.0, margin=0.1, lr=0.003, weight_decay=0.0),
    ("bibtex", "bce-ae"): dict(lam=10.0, margin=0.5, lr=0.003, weight_decay=0.0),
    ("bibtex", "rankae-no-attn"): dict(lam=10.0, margin=0.5, lr=0.003, weight_decay=1e-05),
    ("imdb-rankae", "rankae"): dict(lam=10.0, margin=1.0, lr=0.001, weight_decay=0.0),
    ("imdb-rankae", "bce-ae"): dict(lam=10.0, margin=0.5, lr=0.003, weight_decay=1e-05),
    ("imdb-rankae", "rankae-no-attn"): dict(lam=10.0, margin=1.0, lr=0.001, weight_decay=1e-05),
    ("corel5k", "rankae"): dict(lam=1.0, margin=0.1, lr=0.003, weight_decay=0.0),
    ("corel5k", "rankae-no-attn"): dict(lam=1.0, margin=0.5, lr=0.001, weight_decay=0.0),
    ("corel5k", "bce-ae"): dict(lam=1.0, margin=0.5, lr=0.003, weight_decay=0.0),
    ("reuters", "rankae"): dict(lam=1.0, margin=0.1, lr=0.001, weight_decay=0.0),
    ("reuters", "rankae-no-attn"): dict(lam=10.0, margin=0.5, lr=0.003, weight_decay=0.0),
    ("reuters", "bce-ae"): dict(lam=1.0, margin=0.5, lr=0.003, weight_decay=0.0),
}
# The search's start point (xmlstudy.models.rankae.SEARCH_START, written out so that this module
# does not import torch; tests/test_methods.py checks that the two agree). Runs that must not
# search in the smoke profile are given it.
RANKAE_SEARCH_START = dict(lam=1.0, margin=0.5, lr=1e-3, weight_decay=0.0)
# The sequence models read a document's first 150 tokens (median Reuters training document: 94
# tokens; 29% are longer). The BiLSTM takes over a minute per epoch on one CPU thread, so its
# budget is 12 epochs with patience 3 (the tf-idf models' is 60 with patience 8) and it is not
# refit; it takes the settings the search chose for Rank-AE on the same data set's tf-idf
# features.
TEXT_LENGTH = 150
BILSTM_BUDGET = dict(length=TEXT_LENGTH, refit=False, epochs=12, patience=3)
TEXT_SMOKE = {"fasttext": dict(lr_grid=[0.1], epoch_grid=[2], dim=16, bucket=10000),
              "kim-cnn": dict(epochs=1, embedding=16, filters=8, length=50),
              "rankae-bilstm": dict(epochs=1, patience=None, hidden=32, embedding=16,
                                    lstm_hidden=8, length=50)}

# C-GMVAE: the paper's per-dataset choices (its Table 7: lr, alpha, beta, E, dropout; reuters has
# one more 512-unit decoder layer, appendix B.1). E is capped at 512 on reuters and delicious,
# and the epoch budget (the paper trains 100 epochs) is cut with early stopping on validation
# macro-F1, so that the C-GMVAE chapter's main grid fits about 40 minutes of one CPU core; that
# chapter reports both cuts.
CGMVAE_TABLE7 = {
    "yeast": dict(lr=0.002, alpha=1.0, beta=0.5, emb_size=512, dropout=0.5),
    "scene": dict(lr=0.003, alpha=1.0, beta=0.5, emb_size=512, dropout=0.3),
    "sider": dict(lr=0.002, alpha=1.0, beta=0.5, emb_size=512, dropout=0.5),
    "reuters": dict(lr=0.005, alpha=2.0, beta=1.0, emb_size=512, dropout=0.5,
                    decoder_hidden=(512, 512, 512)),
    "delicious": dict(lr=0.001, alpha=1.0, beta=0.5, emb_size=512, dropout=0.5),
}
CGMVAE_EPOCHS = {"yeast": (60, 15), "scene": (60, 15), "sider": (60, 15), "reuters": (60, 10),
                 "delicious": (30, 8)}  # (epochs, patience), C2AE's too
# On delicious the C-GMVAE family first spends hundreds of steps fitting 983 label frequencies
# (its logits are bounded by the label-embedding norms, the feature embedding being unit-norm)
# before it learns anything per sample; early stopping ended those runs on the plateau, so they
# train every epoch there (the best validation epoch is still the one kept).
CGMVAE_NO_EARLY_STOPPING = {"delicious": 40}  # dataset -> epochs
# C2AE's exponential ranking loss overflows float32 on delicious's 983 labels (without the cap,
# 2 of 3 seeds died with an infinite loss before epoch 20; seed 1 at epoch 16 on one thread);
# capping each step's gradient norm keeps it finite.
C2AE_DATASET_PARAMS = {"delicious": dict(grad_clip=1.0)}
# C-GMVAE and C2AE have settings for the paper's five data sets only; elsewhere they take those
# of the data set of the same kind (sparse text features: reuters; visual words: yeast, as the
# C-GMVAE chapter does for corel5k, whose label embeddings it draws). The Rank-AE family does the
# same on a data set its search did not cover (RANKAE_CHOSEN above).
SETTINGS_FROM = {"bibtex": "reuters", "corel5k": "yeast", "imdb": "reuters",
                 "imdb-rankae": "reuters",
                 # The Debian package descriptions (xmlstudy.data.debian): tf-idf of English
                 # text, sparse like reuters' (43 words per row), with 14,099 and 540 labels.
                 "debian-deps": "reuters", "debtags": "reuters"}
# Smoke runs exercise the code on a few hundred rows: every data set takes yeast's settings
# (the C-GMVAE chapter's smoke data set), cut to 2 epochs without early stopping and E = 64.
CGMVAE_SMOKE_DATASET = "yeast"
NO_CONTRASTIVE = ("cgmvae-uni-gaussian", "cgmvae-gm-only")  # alpha = 0 by definition

MLP_SMOKE = dict(epochs=2, patience=None, hidden=32)
# The non-negative autoencoder: the paper's 64 and 16 units; 30 epochs in smoke. The shallow
# factorizations take their number of groups from the chapter's design (their "units").
NNAE_FULL = {"units": [64, 16]}
NNAE_SMOKE = dict(epochs=30)
# The image models: 15 epochs at 128 pixels (the input resolution of the main runs and of the
# explanations; the non-negative autoencoder chapter also runs 224).
IMAGE_FULL = {"epochs": 15, "resolution": 128}
IMAGE_SMOKE = {"resolution": 64, "epochs": 2}


def _rankae_chosen(dataset: str, method: str) -> dict:
    """The search's choices for ``method`` on ``dataset``, else on the data set of its kind."""
    for source in (dataset, SETTINGS_FROM.get(dataset)):
        if (source, method) in RANKAE_CHOSEN:
            return dict(RANKAE_CHOSEN[(source, method)])
    return {}


def _rankae(method: str, dataset: str, smoke: bool) -> dict:
    if method == "rankae-bilstm":
        if smoke:
            return {**TEXT_SMOKE[method], **RANKAE_SEARCH_START, "refit": False}
        return {**RANKAE_FULL, **_rankae_chosen(dataset, "rankae"), **BILSTM_BUDGET}
    if smoke:
        return dict(RANKAE_SMOKE)
    return {**RANKAE_FULL, **_rankae_chosen(dataset, method)}


def _latent(method: str, dataset: str, smoke: bool) -> dict:
    """C-GMVAE, its variants and C2AE."""
    source = CGMVAE_SMOKE_DATASET if smoke else SETTINGS_FROM.get(dataset, dataset)
    if source not in CGMVAE_TABLE7:
        raise ValueError(f"{method} has no settings for data set {dataset!r}: it has its own for "
                         f"{', '.join(CGMVAE_TABLE7)} and borrows them for {', '.join(SETTINGS_FROM)} "
                         "(xmlstudy.methods.SETTINGS_FROM); add the data set there")
    epochs, patience = (2, None) if smoke else CGMVAE_EPOCHS[source]
    if method == "c2ae":
        return dict(epochs=epochs, patience=patience, **C2AE_DATASET_PARAMS.get(source, {}))
    if source in CGMVAE_NO_EARLY_STOPPING and not smoke:
        epochs, patience = CGMVAE_NO_EARLY_STOPPING[source], None
    params = dict(CGMVAE_TABLE7[source], epochs=epochs, patience=patience)
    if method in NO_CONTRASTIVE:
        del params["alpha"]  # these variants have no contrastive term (alpha = 0 by definition)
    if smoke:
        params["emb_size"] = 64
    if "decoder_hidden" in params:
        params["decoder_hidden"] = list(params["decoder_hidden"])
    return params


def _rules(method: str, dataset: str, smoke: bool) -> dict:
    if method == "knn":
        return dict(KNN_SETTINGS)
    if method == "ovr-linear":
        return dict(OVR_SMOKE) if smoke else {}
    if method.startswith("dxml"):
        return {**DXML_CHOSEN, **DXML_DATASET_PARAMS.get(dataset, {}),
                **(DXML_SMOKE if smoke else {})}
    if method in ("rankae", "rankae-no-attn", "bce-ae", "rankae-bilstm"):
        return _rankae(method, dataset, smoke)
    if method in ("fasttext", "kim-cnn"):
        if smoke:
            return dict(TEXT_SMOKE[method])
        return {"length": TEXT_LENGTH} if method == "kim-cnn" else {}   # fastText reads it all
    if method == "c2ae" or method.startswith("cgmvae"):
        return _latent(method, dataset, smoke)
    if method == "mlp-bce":
        return dict(MLP_SMOKE) if smoke else {}
    if method in ("nnae", "nnae-softplus"):
        return {**NNAE_FULL, **(NNAE_SMOKE if smoke else {})}
    if method in ("nnae-image", "image-bce"):
        return dict(IMAGE_SMOKE if smoke else IMAGE_FULL)
    return {}   # parabel, mlknn (k = 10, s = 1: the paper's) and the shallow factorizations


def settings(method_key: str, dataset: str, profile: str = "full") -> dict:
    """The constructor parameters ``method_key`` runs with on ``dataset`` in ``profile``: the
    settings chosen for it (by its paper, or on validation by its chapter), a data set's own
    where it has them, and for a data set without them those of :data:`SETTINGS_FROM` (C-GMVAE's
    family, and Rank-AE's where its search did not run). A new dict each call: a grid may add its experiment's changes to it."""
    method(method_key)
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; valid: {', '.join(PROFILES)}")
    return _rules(method_key, dataset, profile == "smoke")
