"""The C-GMVAE chapter (Bai, Kong and Gomes, *Gaussian Mixture Variational Autoencoder with
Contrastive Learning for Multi-Label Classification*, ICML 2022).

Everything the chapter ``notebooks/cgmvae.py`` shows comes from this package; the models are
:mod:`xmlstudy.models.cgmvae`, :mod:`xmlstudy.models.c2ae` and :mod:`xmlstudy.models.mlknn`.
Its modules, one concern each (each imports only the ones above it):

- :mod:`~xmlstudy.chapters.cgmvae.experiment_grid`: the grid of runs behind ``python -m xmlstudy run --paper
  cgmvae`` (records in ``results/cgmvae/<experiment>.jsonl``), the chapter's parameters
  (:func:`~xmlstudy.chapters.cgmvae.experiment_grid.validate`) and its records
  (:func:`~xmlstudy.chapters.cgmvae.experiment_grid.collect`);
- :mod:`~xmlstudy.chapters.cgmvae.paper`: the paper's published numbers as the tables read them;
- :mod:`~xmlstudy.chapters.cgmvae.measures` and :mod:`~xmlstudy.chapters.cgmvae.embeddings`: what
  the claims and the page measure on the records;
- :mod:`~xmlstudy.chapters.cgmvae.claims`: the claims and their judges;
- :mod:`~xmlstudy.chapters.cgmvae.tables`, :mod:`~xmlstudy.chapters.cgmvae.figures`,
  :mod:`~xmlstudy.chapters.cgmvae.glued` and :mod:`~xmlstudy.chapters.cgmvae.own_data`: what
  the page shows.

The page's sections and the functions that make them:

- the claims, and what held: :data:`~xmlstudy.chapters.cgmvae.claims.CLAIMS`;
- data, and how it differs from the paper's: :func:`~xmlstudy.chapters.cgmvae.tables.sizes_table`;
- settings: :func:`~xmlstudy.chapters.cgmvae.tables.settings_table`,
  :func:`~xmlstudy.chapters.cgmvae.tables.budget_table`;
- Tables 1-3: :func:`~xmlstudy.chapters.cgmvae.tables.main_table` (one per threshold protocol);
- the paper's own splits: :func:`~xmlstudy.chapters.cgmvae.tables.split_comparison`,
  :func:`~xmlstudy.chapters.cgmvae.measures.official_split_cost`,
  :func:`~xmlstudy.chapters.cgmvae.tables.main_table` of
  :func:`~xmlstudy.chapters.cgmvae.experiment_grid.scaled` records,
  :func:`~xmlstudy.chapters.cgmvae.tables.raw_features_table`,
  :func:`~xmlstudy.chapters.cgmvae.tables.split_misses`;
- tuning the threshold on test: :func:`~xmlstudy.chapters.cgmvae.measures.protocol_gap`;
- Table 4: :func:`~xmlstudy.chapters.cgmvae.tables.ablation_with_main`,
  :func:`~xmlstudy.chapters.cgmvae.tables.ablation_spread_table`,
  :func:`~xmlstudy.chapters.cgmvae.paper.published_ablation`;
- Table 5 and Fig. 2: :func:`~xmlstudy.chapters.cgmvae.tables.fewer_table`,
  :func:`~xmlstudy.chapters.cgmvae.figures.fewer_data_figure` of
  :func:`~xmlstudy.chapters.cgmvae.measures.fewer_data_stats`,
  :func:`~xmlstudy.chapters.cgmvae.tables.lead_over_c2ae_table`,
  :func:`~xmlstudy.chapters.cgmvae.tables.half_table`;
- Fig. 3: :func:`~xmlstudy.chapters.cgmvae.embeddings.correlations`,
  :func:`~xmlstudy.chapters.cgmvae.tables.correlation_table`,
  :func:`~xmlstudy.chapters.cgmvae.figures.heatmaps`;
- the compute budget: :func:`~xmlstudy.chapters.cgmvae.tables.budget_comparison`,
  :func:`~xmlstudy.chapters.cgmvae.tables.budget_change_table`;
- the validation search: :func:`~xmlstudy.chapters.cgmvae.tables.search_table`,
  :func:`~xmlstudy.chapters.cgmvae.tables.search_picks_table`;
- the data sets not in the mirror: :func:`~xmlstudy.chapters.cgmvae.own_data.user_data`;
- what was reproduced: :func:`~xmlstudy.chapters.cgmvae.tables.verdict_table`;
- the numbers in the prose: :func:`~xmlstudy.chapters.cgmvae.glued.numbers` (glued by name;
  the notebook writes the sentences around them).
"""
from xmlstudy.chapters.cgmvae.claims import CLAIMS
from xmlstudy.chapters.cgmvae.embeddings import (correlations, label_grams,
                                                 label_similarity_vs_cooccurrence)
from xmlstudy.chapters.cgmvae.figures import fewer_data_figure, heatmaps, label_gram_heatmaps
from xmlstudy.chapters.cgmvae.experiment_grid import (DATASETS, EXPERIMENTS, HEATMAP_DATASETS,
                                           OFFICIAL_SPLIT_SEEDS, PAPER, PAPER_SPLIT_DATASETS,
                                           PAPER_SPLIT_METHODS, PROTOCOLS, SMALL, collect, configs,
                                           grid, run_params, scaled, search_changes, validate)
from xmlstudy.chapters.cgmvae.measures import (fewer_data, fewer_data_stats, half_vs_full,
                                               official_split_cost, paper_vs_ours, protocol_gap,
                                               variant_means)
from xmlstudy.chapters.cgmvae.glued import numbers, paper_numbers
from xmlstudy.chapters.cgmvae.paper import (metric_path, paper_names, published_ablation,
                                            published_main, published_values)
from xmlstudy.chapters.cgmvae.tables import (ablation_spread_table, ablation_table,
                                             ablation_with_main, budget_change_table,
                                             budget_comparison, budget_table, correlation_table,
                                             fewer_table, half_table, lead_over_c2ae_table,
                                             main_table, raw_features_table, search_picks_table,
                                             search_table, settings_table, sizes_table,
                                             split_comparison, split_misses, verdict_table)
from xmlstudy.chapters.cgmvae.own_data import user_data

__all__ = [
    "CLAIMS", "correlations", "label_grams", "label_similarity_vs_cooccurrence",
    "fewer_data_figure", "heatmaps", "label_gram_heatmaps", "DATASETS", "EXPERIMENTS",
    "HEATMAP_DATASETS", "OFFICIAL_SPLIT_SEEDS", "PAPER", "PAPER_SPLIT_DATASETS",
    "PAPER_SPLIT_METHODS", "PROTOCOLS", "SMALL", "collect", "configs", "grid", "run_params",
    "scaled", "search_changes", "validate", "fewer_data", "fewer_data_stats", "half_vs_full",
    "paper_vs_ours", "protocol_gap", "variant_means", "numbers", "official_split_cost",
    "paper_numbers", "metric_path", "paper_names", "published_ablation", "published_main",
    "published_values", "ablation_spread_table", "ablation_table", "ablation_with_main",
    "budget_change_table", "budget_comparison", "budget_table", "correlation_table", "fewer_table",
    "half_table", "lead_over_c2ae_table", "main_table", "raw_features_table",
    "search_picks_table", "search_table", "settings_table", "sizes_table", "split_comparison",
    "split_misses", "verdict_table", "user_data",
]
