"""C-GMVAE, C2AE and one-vs-rest on a reader's own data set, for the data sets of the paper
that are not in the study's mirror."""
from __future__ import annotations

import pandas as pd

from xmlstudy import methods
from xmlstudy.chapters.cgmvae.experiment_grid import run_params


def user_data(params) -> pd.DataFrame:
    """C-GMVAE, C2AE and one-vs-rest (the settings of yeast and sider) on a user's data set
    (Extreme Classification Repository text, or Mulan/MEKA ARFF: see xmlstudy.data.load_user)."""
    from xmlstudy import data, metrics
    from xmlstudy.models import create

    xc = data.load_user(params.xc_train, params.xc_test)
    rows = []
    for method in ("cgmvae", "c2ae", "ovr-linear"):
        model = create(method, seed=0, device=params.device,
                       **run_params(method, "yeast", params.profile)).fit(xc.train, xc.valid)
        protocols = metrics.threshold_protocols(xc.valid.Y, model.probabilities(xc.valid.X),
                                                xc.test.Y, model.probabilities(xc.test.X))
        top, _ = model.topk(xc.test.X, 1)
        rows.append({"method": methods.name(method), "P@1": metrics.precision_at_k(xc.test.Y, top, 1),
                     **{f"{m} ({proto})": protocols[proto][m] for proto in protocols
                        for m in ("ex-F1", "ma-F1")}})
    return pd.DataFrame(rows).set_index("method").round(3)
