"""The cross-paper chapter: every method of the study on every feature data set under one
protocol, and what none of the four papers measured.

The papers compared themselves with different rivals, on different data, splits, metrics and
threshold rules. Here every method runs on the data sets' own splits (validation carved from
train), with its settings chosen as its chapter chose them and thresholds chosen on validation,
3 seeds. A cell some chapter already ran is read from that chapter's records; the rest run in
experiment "benchmark" of ``python -m xmlstudy run --paper synthesis``, with the chapter's
default settings (no per-data-set search, so a method's own chapter may do better on a data set
it searched). On top: ranks across data sets with Friedman's test and Nemenyi's critical
difference (:mod:`xmlstudy.stats`), a paired bootstrap of the best method's lead per data set,
label noise, fewer training rows, cost and tail labels, for every method.

What makes each part of the page (``notebooks/synthesis.py``), by module of this package:

- :mod:`~xmlstudy.chapters.synthesis.experiment_grid`: the experiments and the cells reused (``grid``)
- :mod:`~xmlstudy.chapters.synthesis.sources`: the parameters and records (``validate``,
  ``collect``) and the record set of each part (``benchmark_records``, ``noise_records``,
  ``fewer_records``)
- :mod:`~xmlstudy.chapters.synthesis.claims`: the headline claims (``CLAIMS``) and their judges
- :mod:`~xmlstudy.chapters.synthesis.glued`: the glued numbers and phrases of the prose
  (``numbers``, ``findings``); the findings' tables are ``least_lost`` (noise) and
  ``best_at_tenth`` (fewer rows)
- :mod:`~xmlstudy.chapters.synthesis.benchmark`: the benchmark (``benchmark_table``) and which
  data sets the ranks stand on (``coverage``)
- :mod:`~xmlstudy.chapters.synthesis.ranks`: ranks across data sets (``rank_table``,
  ``critical_difference_figure``; ``rank_matrix`` and ``first_places``, equal ranks shared)
- :mod:`~xmlstudy.chapters.synthesis.leads`: does the best method's lead hold
  (``bootstrap_table``, ``rerun_shift``)
- :mod:`~xmlstudy.chapters.synthesis.noise`: label noise (``noise_figure``, ``noise_drops``,
  ``noise_table``, ``least_lost``)
- :mod:`~xmlstudy.chapters.synthesis.fewer`: fewer training rows (``fewer_table``,
  ``fewer_wide``, ``stalled``, ``patience_table``, ``patience_outcome``, ``fewer_figure``,
  ``best_at_tenth``)
- :mod:`~xmlstudy.chapters.synthesis.cost`: cost timed alone by ``bench cost`` (``cost_records``,
  ``cost_table``, ``pareto_figure``)
- :mod:`~xmlstudy.chapters.synthesis.tail`: tail labels (``tail_table``, ``tail_winners``)
- :mod:`~xmlstudy.chapters.synthesis.extreme`: debian-deps at extreme scale (``extreme_table``,
  ``extreme_lead``, ``extreme_numbers``)
- :mod:`~xmlstudy.chapters.synthesis.layout`: the order of methods and data sets in every table
  and figure, and the figures' shared legend
"""
from __future__ import annotations

# What the notebook, the summary page (through the registry), the registry and the tests use.
from .benchmark import benchmark_table, complete, coverage, score_matrix, seed_scores, winners
from .claims import CLAIMS, judge_best, judge_fewer, judge_noise
from .cost import cost_records, cost_table, frontier, pareto_figure
from .extreme import extreme_lead, extreme_numbers, extreme_table
from .fewer import (STALL_EPOCHS, best_at_tenth, far_stalled, fewer_figure, fewer_table, fewer_wide,
                    patience_outcome, patience_table, stalled)
from .experiment_grid import (BUDGET, DATASETS, FEWER_DATASETS, FRACTIONS, LEADERS, METHODS, NOISE_DATASETS,
                   NOISE_KINDS, NOISE_RATES, PAPER, PATIENCE_CHECK, SOURCES, grid, reused, run_params)
from .leads import bootstrap_table, leaders, rerun_shift
from .noise import least_lost, noise_drops, noise_figure, noise_table, signed_change
from .glued import findings, numbers
from .ranks import (CLAIM_METRICS, RANK_METRICS, cliques, critical_difference_figure, first_places,
                    rank_matrix, rank_table)
from .sources import COST, benchmark_records, collect, cost_benchmark, fewer_records, noise_records, validate
from .tail import tail_table, tail_winners
