"""The grid of the non-negative autoencoder chapter: its data sets, the factorizations it compares,
the image track's settings, the run configurations behind ``python -m xmlstudy run --paper nnae``
(records in ``results/nnae/<experiment>.jsonl``), and the chapter's parameters and records.

Every method's own settings come from :func:`xmlstudy.methods.settings`; a configuration here adds
only what the experiment varies (the autoencoder's units, an image resolution, the explanation
measures)."""
from __future__ import annotations

from xmlstudy import experiments, methods
from xmlstudy.experiments import RunConfig

PAPER = "nnae"

# Recipe matrices like the paper's BBC Food one (two with a known grouping), and Corel5k's image
# annotations; the many-label data sets of the study for the prediction claim.
HIERARCHY_DATASETS = ("bbc_food", "whats_cooking", "recipes5k", "epicurious", "corel5k")
GROUPED = ("whats_cooking", "recipes5k")
MANY_LABEL_DATASETS = ("bibtex", "delicious", "corel5k")
DATASETS = tuple(dict.fromkeys(HIERARCHY_DATASETS + MANY_LABEL_DATASETS))
IMAGE_DATASETS = ("ucmerced-aitlas", "ucmerced-planted")
# (method, units): the autoencoder and every factorization it is measured against.
FACTORIZATIONS = (("nnae", (64, 16)), ("nnae-softplus", (64, 16)), ("nmf", (64, 16)),
                  ("nmf", (64,)), ("nmf", (16,)), ("lda", (64,)), ("lda", (16,)),
                  ("pca", (64,)), ("pca", (16,)), ("random-groups", (64,)), ("random-groups", (16,)))


def factorization_name(method: str, units: tuple) -> str:
    """A factorization as the chapter's tables name it: the method's registry name, with its
    number of groups where the chapter runs it at several sizes ("NMF (64)", "two-level NMF";
    the autoencoder always has the paper's 64 and 16 units)."""
    name = methods.name(method)
    if method.startswith("nnae"):
        return name
    return f"two-level {name}" if len(units) == 2 else f"{name} ({units[0]})"


NAMES = {(m, u): factorization_name(m, u) for m, u in FACTORIZATIONS}
AUTOENCODER = factorization_name("nnae", (64, 16))
SHALLOW = tuple(NAMES[(m, u)] for m, u in FACTORIZATIONS if m in ("nmf", "lda", "pca"))
HELD_OUT = 0.2      # share of the training split held out for the hierarchy measures

# The image track: UC Merced with the AiTLAS split, EfficientNet-Lite0 (xmlstudy.models.image).
IMAGE_DATASET, PLANTED_DATASET = "ucmerced-aitlas", "ucmerced-planted"
IMAGE_METHODS = ("nnae-image", "image-bce")
# The input resolution of the main runs and the explanations (the image methods' setting, with
# their epochs, in xmlstudy.methods.IMAGE_FULL).
RESOLUTION = methods.IMAGE_FULL["resolution"]
OTHER_RESOLUTIONS = (224,)       # seed 0 of both methods, for the resolution trade-off
# The explanation measures: 50 test images drawn once (seed 0), LIME with 500 samples, its
# stability over 3 LIME seeds on the first 10 of them, RISE curves in 20 steps over ~50 SLIC
# superpixels; the planted check on 20 test images with the patch.
EXPLAIN = {"images": 50, "samples": 500, "seeds": 3, "stability_images": 10, "segments": 50,
           "steps": 20, "figures": 4}
PLANTED_EXPLAIN = {"images": 20, "samples": 300, "seeds": 1, "stability_images": 0,
                   "segments": 50, "steps": 10, "figures": 2}
EXPLAIN_SMOKE = {"images": 2, "samples": 30, "seeds": 2, "stability_images": 1, "segments": 20,
                 "steps": 4, "figures": 2}


def grid(profile: str = "full") -> list:
    """"hierarchy": every factorization of :data:`FACTORIZATIONS` on the recipe matrices and
    Corel5k (seeds 0-2; the measures on 20% of the training recipes held out, the two-step
    prediction on the test split). "many_labels": the autoencoder's two-step classifier
    (projection) on the many-label data sets with the baselines chapter's 10% validation split.
    The smoke profile runs every path once on shrunk Recipes5k and Bibtex."""
    smoke = profile == "smoke"
    seeds = (0,) if smoke else (0, 1, 2)

    def config(experiment, method, dataset, seed, units, valid_fraction):
        params = {**methods.settings(method, dataset, profile), "units": list(units)}
        return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=dataset,
                         seed=seed, profile=profile, params=params, valid_fraction=valid_fraction)

    configs = [config("hierarchy", m, d, s, u, HELD_OUT)
               for d in (("recipes5k",) if smoke else HIERARCHY_DATASETS)
               for m, u in FACTORIZATIONS for s in seeds]
    configs += [config("many_labels", m, d, s, (64, 16), 0.1)
                for d in (("bibtex",) if smoke else MANY_LABEL_DATASETS)
                for m in ("nnae",) for s in seeds]
    return configs + image_grid(profile)


def image_grid(profile: str = "full") -> list:
    """The image track. "image": both image methods at :data:`RESOLUTION` (seeds 0-2);
    "image_resolution": both at :data:`OTHER_RESOLUTIONS` (seed 0); "explanations": the two-step
    model again with the explanation measures (:data:`EXPLAIN`; seeds 0-2, as many as a verdict
    needs); "planted": both methods on the planted-patch data with the planted check
    (:data:`PLANTED_EXPLAIN`; seeds 0-2). The smoke profile runs every path once, at 64 pixels
    for two epochs with a handful of LIME samples."""
    smoke = profile == "smoke"
    seeds = (0,) if smoke else (0, 1, 2)
    explain_ = EXPLAIN_SMOKE if smoke else EXPLAIN
    planted = EXPLAIN_SMOKE if smoke else PLANTED_EXPLAIN

    def config(experiment, method, dataset, seed, **params):
        return RunConfig(paper=PAPER, experiment=experiment, method=method, dataset=dataset,
                         seed=seed, profile=profile,
                         params={**methods.settings(method, dataset, profile), **params})

    configs = [config("image", m, IMAGE_DATASET, s) for m in IMAGE_METHODS for s in seeds]
    if not smoke:
        configs += [config("image_resolution", m, IMAGE_DATASET, 0, resolution=r)
                    for r in OTHER_RESOLUTIONS for m in IMAGE_METHODS]
    configs += [config("explanations", "nnae-image", IMAGE_DATASET, s, explain=explain_)
                for s in seeds]
    configs += [config("planted", m, PLANTED_DATASET, s, explain=planted)
                for m in IMAGE_METHODS for s in seeds]
    return configs


# --- the chapter's parameters and records -----------------------------------------------------------
def validate(namespace: dict):
    """The chapter's parameters (the notebook's first cell), checked. A data set must be one
    the autoencoder itself runs on in the profile asked for (the smoke profile: Recipes5k's
    hierarchy, Bibtex's prediction and the two image sets), not only a baseline or a shallow
    factorization."""
    from xmlstudy.parameters import (DEVICE, PROFILE, SEEDS, datasets_in_grid, optional,
                                     profile_asked, writable_dir)
    from xmlstudy.parameters import validate as check

    profile = profile_asked(namespace)
    own = [c for c in grid(profile) if c.method in ("nnae", "nnae-image")]
    return check(namespace, {"profile": PROFILE,
                             "datasets": optional(datasets_in_grid(
                                 own, "non-negative autoencoder", profile)),
                             "seeds": optional(SEEDS), "device": DEVICE,
                             "run_missing": bool, "results_dir": optional(writable_dir)})


IMAGE_EXPERIMENTS = ("image", "image_resolution", "explanations", "planted")


def collect(params) -> tuple[dict, int, int]:
    """``({"nnae/hierarchy": ..., "nnae/many_labels": ..., "nnae/image": ..., ...,
    "baselines/main": ...}, missing, total)``."""
    from xmlstudy import chapters

    names = params.datasets or DATASETS + IMAGE_DATASETS
    wanted = experiments.select(grid(params.profile), names, params.seeds, params.device,
                                keep_seeds=("image_resolution",))
    many = [d for d in names if d in MANY_LABEL_DATASETS]
    wanted += experiments.select(chapters.grid("baselines", params.profile), many, params.seeds,
                                 params.device)
    frames, missing = {}, 0
    for paper, experiment_names in ((PAPER, ("hierarchy", "many_labels") + IMAGE_EXPERIMENTS),
                                    ("baselines", ("main",))):
        found, lacking = experiments.collect([c for c in wanted if c.paper == paper],
                                             params.run_missing, params.results_dir,
                                             read_default=True)
        missing += lacking
        for name in experiment_names:
            frames[f"{paper}/{name}"] = found.get(name, experiments.records_frame([]))
    return frames, missing, len(wanted)
