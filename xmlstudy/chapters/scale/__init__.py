"""The Scale chapter: the methods on data with 14,099 labels, what did not fit the study's
machine and why, and cost against the number of labels.

What the notebook (``notebooks/scale.py``) shows, section by section, and the function that
makes it:

* the claims table: :data:`CLAIMS` (:mod:`xmlstudy.chapters.scale.claims`), judged on :func:`collect`'s record sets;
* the data set and the grid: :func:`numbers` (sizes from the data registry), the grid
  :func:`grid` (:mod:`xmlstudy.chapters.scale.experiment_grid`: methods, seeds, the deterministic methods run once);
* accuracy on debian-deps: :func:`results_table`;
* what did not fit: :func:`left_out` and :func:`budget_table` (records of
  ``python -m xmlstudy bench budget --paper scale``);
* cost against L: :func:`scale_table`, :func:`growth_table` and :func:`cost_figure` (records of
  ``python -m xmlstudy bench scale``);
* DXML's Table 6 beside the benchmark: :func:`dxml_times`;
* scoring without an N x L matrix: :func:`scoring_table` (records of ``python -m xmlstudy bench evaluate``).
"""
from .claims import BASELINES, CLAIMS, LINEAR, METRICS, means  # noqa: F401
from .evidence import bench_records, claim_frames, collect, validate  # noqa: F401
from .figures import cost_figure  # noqa: F401
from .experiment_grid import (DATASET, DAY_S, DETERMINISTIC, EXPERIMENT, METHODS, OVER_BUDGET,  # noqa: F401
                   PAPER, SEEDS, candidates, grid, run_params, seeds_of)
from .glued import numbers  # noqa: F401
from .tables import (budget_table, dxml_times, growth_table, left_out, results_table,  # noqa: F401
                     scale_table, scoring_table, table_6)
