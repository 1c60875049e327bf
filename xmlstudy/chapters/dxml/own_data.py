"""DXML on a reader's own data set (the chapter's ``xc_train`` / ``xc_test`` parameters): the
paper's large data sets are not in this study's data mirror, so a reader who has them runs DXML
here."""
from __future__ import annotations

import pandas as pd

from xmlstudy import methods

from .parameters import knobs


def user_data(params) -> pd.Series:
    """DXML (the paper's large-data settings) on a user's data set (Extreme Classification
    Repository text, or Mulan/MEKA ARFF: see xmlstudy.data.load_user): P@k, nDCG@k and PSP@k on
    its test split, in percent."""
    from xmlstudy import data
    from xmlstudy.metrics import propensities, ranking_metrics
    from xmlstudy.models import create

    xc = data.load_user(params.xc_train, params.xc_test)
    model = create("dxml", size="large", device=params.device,
                   **{**methods.DXML_CHOSEN, "batch_size": 256, **knobs(params)}).fit(xc.train, xc.valid)
    top, _ = model.topk(xc.test.X, 5)
    return pd.Series(ranking_metrics(xc.test.Y, top, propensity=propensities(xc.train.Y))).mul(100).round(2)
