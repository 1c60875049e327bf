"""The Rank-AE chapter (Wang, Chen, Sun, Qin, Li and Zhou, *Ranking-Based Autoencoder for
Extreme Multi-label Classification*, NAACL 2019; the model is :mod:`xmlstudy.models.rankae`).

Everything the chapter ``notebooks/rankae.py`` shows comes from this package; it re-exports
what the notebook, the tests and the chapters registry call (``rankae.grid``, ``rankae.CLAIMS``,
``rankae.table2``, ...). Its modules, each building only on the ones before it:

- :mod:`~xmlstudy.chapters.rankae.experiment_grid`: the experiment grid behind ``python -m xmlstudy run
  --paper rankae`` (records in ``results/rankae/<experiment>.jsonl``).
- :mod:`~xmlstudy.chapters.rankae.paper`: the paper's numbers as the chapter reads them (from
  ``xmlstudy/published/rankae.csv``).
- :mod:`~xmlstudy.chapters.rankae.records`: the notebook's parameters and the records it reads.
- :mod:`~xmlstudy.chapters.rankae.tables` and :mod:`~xmlstudy.chapters.rankae.noise`: the tables.
- :mod:`~xmlstudy.chapters.rankae.gap`: experiment ``gap``'s variants as tables and pairs.
- :mod:`~xmlstudy.chapters.rankae.claims`: the claims and the judges of their verdicts.
- :mod:`~xmlstudy.chapters.rankae.figures`: the figures and the attention examples.
- :mod:`~xmlstudy.chapters.rankae.glued`: the numbers and names glued into the prose.

Each section of the page and what makes it:

- *The claims, and what held*: :data:`~xmlstudy.chapters.rankae.claims.CLAIMS`.
- *The method as implemented*: :func:`~xmlstudy.chapters.rankae.tables.choices`.
- *Table 2: Delicious*: :func:`~xmlstudy.chapters.rankae.tables.table2`,
  :func:`~xmlstudy.chapters.rankae.tables.all_datasets`,
  :func:`~xmlstudy.chapters.rankae.tables.rank_table`.
- *Figure 4: the ablations*: :func:`~xmlstudy.chapters.rankae.figures.ablation_figure`.
- *The choices the paper leaves open*: :func:`~xmlstudy.chapters.rankae.tables.design_table`,
  :func:`~xmlstudy.chapters.rankae.tables.embeddings_table`.
- *Figure 3: noisy labels*: :func:`~xmlstudy.chapters.rankae.figures.noise_figure`,
  :func:`~xmlstudy.chapters.rankae.noise.noise_table`,
  :func:`~xmlstudy.chapters.rankae.noise.noise_loss_table`,
  :func:`~xmlstudy.chapters.rankae.noise.margin_table`.
- *The cost of the loss*: :func:`~xmlstudy.chapters.rankae.tables.loss_timing`,
  :func:`~xmlstudy.chapters.rankae.tables.epoch_cost`.
- *Figure 5: where the attention goes*: :func:`~xmlstudy.chapters.rankae.tables.attention_table`,
  :func:`~xmlstudy.chapters.rankae.figures.attention_html`.
- *What explains the gap*: :data:`~xmlstudy.chapters.rankae.claims.GAP_CLAIMS`,
  :func:`~xmlstudy.chapters.rankae.gap.gap_table`.
- *Paper against reproduction*: :func:`~xmlstudy.chapters.rankae.tables.verdict_table`.
- The numbers in the prose: :func:`~xmlstudy.chapters.rankae.glued.numbers`.
"""
from __future__ import annotations

from xmlstudy.chapters.rankae.claims import CLAIMS, GAP_CLAIMS
from xmlstudy.chapters.rankae.figures import ablation_figure, attention_html, noise_figure
from xmlstudy.chapters.rankae.experiment_grid import (DATASETS, GAP_VARIANTS, METHODS, NOISE_DATASET,
                                           NOISE_KINDS, NOISE_METHODS, NOISE_RATES, PAPER,
                                           VALID_FRACTION, WORD_DATASETS, grid)
from xmlstudy.chapters.rankae.gap import gap_table
from xmlstudy.chapters.rankae.noise import (margin_table, noise_frame, noise_loss_table,
                                            noise_table)
from xmlstudy.chapters.rankae.glued import numbers
from xmlstudy.chapters.rankae.paper import METRICS, average_rank, table_2
from xmlstudy.chapters.rankae.records import EXPERIMENTS, collect, validate
from xmlstudy.chapters.rankae.tables import (all_datasets, attention_table, average_ranks,
                                             choices, design_table, embeddings_table, epoch_cost,
                                             loss_timing, rank_table, table2, verdict_table)

__all__ = ["CLAIMS", "DATASETS", "EXPERIMENTS", "GAP_CLAIMS", "GAP_VARIANTS", "METHODS", "METRICS", "NOISE_DATASET",
           "NOISE_KINDS", "NOISE_METHODS", "NOISE_RATES", "PAPER", "VALID_FRACTION",
           "WORD_DATASETS", "ablation_figure", "all_datasets", "attention_html", "attention_table",
           "average_rank", "average_ranks", "choices", "collect", "design_table",
           "embeddings_table", "epoch_cost", "gap_table", "grid", "loss_timing", "margin_table", "noise_figure",
           "noise_frame", "noise_loss_table", "noise_table", "numbers", "rank_table", "table2",
           "table_2", "validate", "verdict_table"]
