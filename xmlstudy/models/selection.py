"""Choosing a torch model's settings on validation, as the Rank-AE paper's protocol does
(section 3.1: settings tuned on 20% of the training split, then the model trained again on all
of it), shared by the models that follow that protocol (:mod:`xmlstudy.models.rankae`,
:mod:`xmlstudy.models.mlp`):

* :func:`mean_precision`: the validation score every choice maximises, the mean of P@1, P@3 and
  P@5;
* :func:`coordinate_search`: the start point, then each alternative of one setting at a time
  around the best so far, in a fixed order;
* :func:`check_search`: a search given as data (a run's parameters) checked, with an error that
  names what is wrong;
* :func:`train_plus_valid`: the training and validation splits as one, for the refit.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import scipy.sparse as sp

from xmlstudy.data.dataset import Dataset


def mean_precision(Y: sp.csr_matrix, scores: np.ndarray) -> float:
    """Mean of P@1, P@3 and P@5 of ``scores`` against the labels ``Y``."""
    from xmlstudy.metrics import ranking_metrics

    top = np.argsort(-scores, axis=1, kind="stable")[:, :5]
    m = ranking_metrics(Y, top, ks=(1, 3, 5))
    return float((m["P@1"] + m["P@3"] + m["P@5"]) / 3)


def check_search(owner: str, search, knobs) -> list[tuple[str, list]]:
    """``search`` as ``[(setting, [alternative, ...]), ...]``: a list (not a dict, so that its
    order, which decides the search's path, survives a run's JSON) of pairs whose setting is one
    of ``knobs`` and whose alternatives are a non-empty list. Raises ValueError naming ``owner``
    (the method) and what is wrong."""
    example = "[['lr', [0.003, 0.0003]], ['weight_decay', [1e-05]]]"
    if isinstance(search, dict) or not isinstance(search, (list, tuple)) or not search:
        raise ValueError(f"{owner}: search must be a non-empty list of [setting, alternatives] "
                         f"pairs, in the order they are tried, e.g. {example}; got {search!r}")
    out, seen = [], set()
    for pair in search:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(f"{owner}: each entry of search is a [setting, alternatives] pair, "
                             f"e.g. {example}; got {pair!r}")
        key, values = pair
        if key not in knobs:
            raise ValueError(f"{owner}: search over {key!r}, which it cannot choose; valid: "
                             f"{', '.join(knobs)}")
        if key in seen:
            raise ValueError(f"{owner}: {key!r} appears twice in search; give all its "
                             "alternatives in one entry")
        if not isinstance(values, (list, tuple)) or not values:
            raise ValueError(f"{owner}: the alternatives of {key!r} must be a non-empty list, "
                             f"got {values!r}")
        seen.add(key)
        out.append((key, list(values)))
    return out


def search_size(search) -> int:
    """How many configurations a coordinate search over ``search`` trains: the start point and
    every alternative once."""
    return 1 + sum(len(values) for _, values in search)


def coordinate_search(run: Callable[[dict], tuple], start: dict, search) -> tuple[tuple, int]:
    """Train ``start``, then, for each ``(setting, alternatives)`` of ``search`` in order, each
    alternative in place of the best point's value, keeping a candidate only when its score is
    strictly higher (a tie keeps the earlier one). ``run(settings)`` returns ``(score, payload)``
    with the validation score first. Returns the best ``(settings, score, payload)`` and the
    number of configurations trained."""
    score, payload = run(dict(start))
    best, trained = (dict(start), score, payload), 1
    for key, values in search:
        for value in values:
            settings = {**best[0], key: value}
            score, payload = run(settings)
            trained += 1
            if score > best[1]:
                best = (settings, score, payload)
    return best, trained


def train_plus_valid(train: Dataset, valid: Dataset) -> Dataset:
    """The training and validation splits stacked (training rows first): what a model is trained
    on again once its settings are chosen. Raw texts are kept when both splits have them."""
    return Dataset(name=train.name, split="train+valid",
                   X=sp.vstack([train.X, valid.X]).tocsr(),
                   Y=sp.vstack([train.Y, valid.Y]).tocsr(),
                   feature_names=train.feature_names, label_names=train.label_names,
                   texts=(train.texts + valid.texts
                          if train.texts is not None and valid.texts is not None else None))
