"""The DXML chapter (Zhang et al., *Deep Extreme Multi-label Learning*, ICMR 2018).

Everything the chapter ``notebooks/dxml.py`` shows comes from this package: the grid of runs
behind ``python -m xmlstudy run --paper dxml`` (records in ``results/dxml/<experiment>.jsonl``),
the paper's published numbers (read from ``xmlstudy/published/dxml.csv``), the claims with their
verdicts, and the chapter's tables, figures and glued numbers. The model itself is
:mod:`xmlstudy.models.dxml`. The notebook, the summary page, the tests and the chapters registry
import the names below from here; each is defined in one of the submodules:

* :mod:`~xmlstudy.chapters.dxml.experiment_grid`: the data sets, experiments and settings of the
  grid (:func:`~.experiment_grid.grid`, :func:`~.experiment_grid.run_params`);
* :mod:`~xmlstudy.chapters.dxml.paper_numbers`: the paper's Tables 2, 4 and 6 as the chapter uses
  them;
* :mod:`~xmlstudy.chapters.dxml.parameters`: the notebook's parameters
  (:func:`~.parameters.validate`, :func:`~.parameters.knobs`) and the records they select
  (:func:`~.parameters.collect`);
* :mod:`~xmlstudy.chapters.dxml.claims`: the claims (:data:`~.claims.CLAIMS`) and their judges;
* :mod:`~xmlstudy.chapters.dxml.tables`, :mod:`~xmlstudy.chapters.dxml.fitting`,
  :mod:`~xmlstudy.chapters.dxml.figures`, :mod:`~xmlstudy.chapters.dxml.glued` and
  :mod:`~xmlstudy.chapters.dxml.own_data`: what the page shows.

The page's sections, and the function that makes each:

============================================  ==================================================
section of the page                           made by
============================================  ==================================================
The claims, and what held                     :data:`~.claims.CLAIMS` (judged by
                                              :func:`xmlstudy.chapters.show_claims`)
The method as implemented                     :func:`~.tables.chosen_table`
Tables 2 and 4: Bibtex and Delicious          :func:`~.tables.small_table`
The paper's protocol: ten random splits       :func:`~.tables.protocols_table`,
                                              :func:`~.tables.paper_split_table`
Propensity-scored precision                   :func:`~.tables.psp_table`
Data sets the paper did not use               :func:`~.tables.extra_table`
Figure 2: non-linear against linear           :func:`~.figures.ablation_figure` of
                                              :func:`~.tables.ablation_records`
Further ablations                             :func:`~.tables.ablation_table`,
                                              :func:`~.figures.ablation_figure`
The validation sweep                          :func:`~.fitting.sweep_evidence`,
                                              :func:`~.figures.sweep_figure`
Refit on train + validation                   :func:`~.tables.refit_table`
Table 6: training and test time               :func:`~.fitting.timing`
The label embedding                           :func:`~.figures.label_embedding`
The large data sets                           :func:`~.own_data.user_data`
Paper against reproduction                    :func:`~.tables.verdict_table`
every number glued into the prose             :func:`~.glued.numbers`
============================================  ==================================================
"""
from __future__ import annotations

from .claims import CLAIMS
from .experiment_grid import (DATASETS, PAPER, PAPER_SPLIT_METHODS, SMALL_DATASETS, SPLIT_SEEDS,
                              SWEEP, VARIANTS, grid, run_params)
from .figures import ablation_figure, label_embedding, label_embedding_figure, sweep_figure
from .fitting import (bench_records, fit_details, sweep_evidence, sweep_table, timing,
                      timing_table)
from .glued import numbers, split_numbers
from .paper_numbers import small_tables, table_2, table_6_seconds
from .parameters import KNOBS, collect, configs, knobs, validate
from .tables import (OUR_METHODS, PUBLISHED_COLUMNS, ablation_records, ablation_table,
                     chosen_table, extra_table, paper_column, paper_split_table, protocols_table,
                     psp_table, refit_table, small_table, verdict_table, vs_published_table)
from .own_data import user_data

__all__ = [
    # the grid and the paper's numbers
    "PAPER", "DATASETS", "SMALL_DATASETS", "VARIANTS", "SWEEP", "PAPER_SPLIT_METHODS",
    "SPLIT_SEEDS", "grid", "run_params", "table_2", "small_tables", "table_6_seconds",
    # the notebook's parameters and records
    "KNOBS", "validate", "knobs", "configs", "collect",
    # the claims
    "CLAIMS",
    # tables
    "PUBLISHED_COLUMNS", "OUR_METHODS", "paper_column", "vs_published_table", "chosen_table",
    "small_table", "protocols_table", "paper_split_table", "psp_table", "extra_table",
    "ablation_records", "ablation_table", "refit_table", "verdict_table",
    "fit_details", "sweep_table", "sweep_evidence", "timing_table", "bench_records", "timing",
    # figures
    "ablation_figure", "label_embedding_figure", "sweep_figure", "label_embedding",
    # the reader's own data, and the numbers of the prose
    "user_data", "numbers", "split_numbers",
]
