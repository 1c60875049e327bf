"""DXML on a reader's own data set (the chapter's ``xc_train`` / ``xc_test`` parameters): the
paper's large data sets are not in this study's data mirror, so a reader who has them runs DXML
here."""
from __future__ import annotations

import pandas as pd

from xmlstudy import methods

from .parameters import knobs


def user_data(params) -> pd.DataFrame:
    """DXML (the paper's large-data settings) beside the chapter's baselines (kNN, one-vs-rest,
    Parabel, with their own validation choices) on a user's data set (Extreme Classification
    Repository text, or Mulan/MEKA ARFF: see xmlstudy.data.load_user): P@k, nDCG@k and PSP@k on
    its test split, in percent, one row per method."""
    from xmlstudy import data
    from xmlstudy.metrics import propensities, ranking_metrics
    from xmlstudy.models import create

    xc = data.load_user(params.xc_train, params.xc_test)
    settings = {"dxml": dict(size="large", **{**methods.DXML_CHOSEN, "batch_size": 256,
                                              **knobs(params)})}
    rows = {}
    for method in ("dxml", "knn", "ovr-linear", "parabel"):
        model = create(method, seed=0, device=params.device,
                       **settings.get(method, methods.settings(method, "user", params.profile)))
        top, _ = model.fit(xc.train, xc.valid).topk(xc.test.X, 5)
        rows[methods.name(method)] = ranking_metrics(xc.test.Y, top,
                                                     propensity=propensities(xc.train.Y))
    return pd.DataFrame(rows).T.mul(100).round(2).rename_axis("method")
