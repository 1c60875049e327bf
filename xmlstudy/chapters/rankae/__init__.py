"""The Rank-AE chapter (Wang, Chen, Sun, Qin, Li and Zhou, *Ranking-Based Autoencoder for
Extreme Multi-label Classification*, NAACL 2019; the model is :mod:`xmlstudy.models.rankae`).

Everything the chapter ``notebooks/rankae.py`` shows comes from this package, which re-exports
what the notebook, the tests and the chapters registry call. Its modules, in the order they
build on each other:

- :mod:`~xmlstudy.chapters.rankae.grid`: the experiment grid behind ``python -m xmlstudy run
  --paper rankae`` (:func:`grid`; records in ``results/rankae/<experiment>.jsonl``).
- :mod:`~xmlstudy.chapters.rankae.paper`: the paper's numbers as the chapter reads them (from
  ``xmlstudy/published/rankae.csv``) and the tolerance of a match.
- :mod:`~xmlstudy.chapters.rankae.records`: the notebook's parameters (:func:`validate`) and the
  records it reads (:func:`collect`).
- :mod:`~xmlstudy.chapters.rankae.tables` and :mod:`~xmlstudy.chapters.rankae.noise`: the tables.
- :mod:`~xmlstudy.chapters.rankae.claims`: the claims (:data:`CLAIMS`) and their judges.
- :mod:`~xmlstudy.chapters.rankae.figures`: the figures and the attention examples.
- :mod:`~xmlstudy.chapters.rankae.numbers`: the numbers glued into the prose (:func:`numbers`).

Each section of the page and the function that makes it:

========================================  ==================================================
section of the page                       function
========================================  ==================================================
the claims, and what held                 :data:`CLAIMS` (shown by ``chapters.show_claims``)
the method as implemented                 :func:`choices`
Table 2: Delicious                        :func:`table2`, :func:`all_datasets`, :func:`rank_table`
Figure 4: the ablations                   :func:`ablation_figure`
the choices the paper leaves open         :func:`design_table`, :func:`embeddings_table`
Figure 3: noisy labels                    :func:`noise_figure`, :func:`noise_table`,
                                          :func:`noise_loss_table`, :func:`margin_table`
the cost of the loss                      :func:`loss_timing`, :func:`epoch_cost`
Figure 5: where the attention goes        :func:`attention_table`, :func:`attention_html`
paper against reproduction                :func:`verdict_table`
the numbers in the prose                  :func:`numbers`
========================================  ==================================================
"""
from __future__ import annotations

from xmlstudy.chapters.rankae.claims import CLAIMS
from xmlstudy.chapters.rankae.figures import ablation_figure, attention_html, noise_figure
from xmlstudy.chapters.rankae.grid import (DATASETS, METHODS, NOISE_DATASET, NOISE_KINDS,
                                           NOISE_METHODS, NOISE_RATES, PAPER, VALID_FRACTION,
                                           WORD_DATASETS, grid)
from xmlstudy.chapters.rankae.noise import (margin_table, noise_frame, noise_loss_table,
                                            noise_table)
from xmlstudy.chapters.rankae.numbers import numbers
from xmlstudy.chapters.rankae.paper import METRICS, TOLERANCE, average_rank, table_2
from xmlstudy.chapters.rankae.records import EXPERIMENTS, collect, validate
from xmlstudy.chapters.rankae.tables import (all_datasets, attention_table, average_ranks,
                                             choices, design_table, embeddings_table, epoch_cost,
                                             loss_timing, rank_table, table2, verdict_table)

__all__ = ["CLAIMS", "DATASETS", "EXPERIMENTS", "METHODS", "METRICS", "NOISE_DATASET",
           "NOISE_KINDS", "NOISE_METHODS", "NOISE_RATES", "PAPER", "TOLERANCE", "VALID_FRACTION",
           "WORD_DATASETS", "ablation_figure", "all_datasets", "attention_html", "attention_table",
           "average_rank", "average_ranks", "choices", "collect", "design_table",
           "embeddings_table", "epoch_cost", "grid", "loss_timing", "margin_table", "noise_figure",
           "noise_frame", "noise_loss_table", "noise_table", "numbers", "rank_table", "table2",
           "table_2", "validate", "verdict_table"]
