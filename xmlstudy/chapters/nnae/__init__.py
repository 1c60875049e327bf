"""The chapter on the non-negative autoencoder paper (Kang, Cheng, Mao, Kuo and Lee, *Towards
Interpretable Deep Extreme Multi-label Learning*, arXiv 2019), with what its referee asked for.

Everything the chapter ``notebooks/nnae.py`` shows comes from this package; the model is
:mod:`xmlstudy.models.nnae`, the measures :mod:`xmlstudy.explain` and
:mod:`xmlstudy.image_explanations`. Its modules, each importing only those above it:

* :mod:`~xmlstudy.chapters.nnae.experiment_grid`: the data sets, the factorizations compared, the image
  track's settings, the grid behind ``python -m xmlstudy run --paper nnae`` (records in
  ``results/nnae/<experiment>.jsonl``), the notebook's parameters and its records;
* :mod:`~xmlstudy.chapters.nnae.measures`: the measures read from the records;
* :mod:`~xmlstudy.chapters.nnae.claims`: the claims and their judges;
* :mod:`~xmlstudy.chapters.nnae.tables`, :mod:`~xmlstudy.chapters.nnae.figures` and
  :mod:`~xmlstudy.chapters.nnae.glued`: what the page shows.

The page's sections and the functions that make them (all re-exported here):

* *The claims, and what held*: :data:`claims.CLAIMS`, judged on the records of
  :func:`grid.collect`.
* *The method as implemented*: :func:`numbers.numbers` (final loss, fit time),
  :func:`tables.hierarchy_table`.
* *Is the hierarchy faithful to the data?*: :func:`figures.completion_figure`,
  :func:`tables.completion_table`, :func:`tables.faithfulness_table` (NPMI and stability per
  group size), :func:`numbers.numbers` (hits@10 on BBC Food).
* *Do the units find known groupings?*: :func:`tables.taxonomy_table`.
* *Does the two-step model cope with many labels?*: :func:`tables.prediction_table`.
* *Tail labels*: :func:`tables.tail_table`, :func:`numbers.numbers` (coverage).
* *The two-step model on images*: :func:`tables.image_table`, :func:`tables.aitlas_table`,
  :func:`numbers.image_numbers`.
* *Are the explanations faithful?*: :func:`figures.explanation_figure`,
  :func:`tables.faithfulness_image_table`, :func:`tables.planted_table`,
  :func:`numbers.image_numbers` (the explanation settings, LIME's time per image).
"""
from xmlstudy.chapters.nnae.claims import CLAIMS
from xmlstudy.chapters.nnae.figures import completion_figure, explanation_figure
from xmlstudy.chapters.nnae.experiment_grid import (AUTOENCODER, DATASETS, EXPLAIN, FACTORIZATIONS, GROUPED,
                                         HELD_OUT, HIERARCHY_DATASETS, IMAGE_DATASET,
                                         IMAGE_DATASETS, IMAGE_EXPERIMENTS, IMAGE_METHODS,
                                         MANY_LABEL_DATASETS, NAMES, OTHER_RESOLUTIONS, PAPER,
                                         PLANTED_DATASET, PLANTED_EXPLAIN, RESOLUTION, SHALLOW,
                                         collect, factorization_name, grid, image_grid, validate)
from xmlstudy.chapters.nnae.measures import (aitlas_map, image_means, level_measures,
                                             model_measures, named)
from xmlstudy.chapters.nnae.glued import image_numbers, numbers
from xmlstudy.chapters.nnae.tables import (aitlas_table, completion_table, faithfulness_image_table,
                                           faithfulness_table, hierarchy_table, image_table,
                                           planted_table, prediction_table, tail_table,
                                           taxonomy_table)

