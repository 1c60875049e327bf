"""The one torch training loop of the study.

Every neural method builds its ``nn.Module``, its optimizer and a ``step(rows) -> loss`` function
for a mini-batch of training-row indices, and hands them to :func:`train`. The loop shuffles with
its own seeded generator (so runs are identical on CPU for a seed), evaluates on validation after
each epoch, keeps the best weights (early stopping with patience), shows a progress bar, and can
checkpoint every epoch and resume from the checkpoint after an interruption.

What differs between methods is a choice, not a loop of their own: full-batch steps
(``batch_size=None``: the non-negative autoencoder), a projection after every step
(``after_step``: its weights set back to >= 0), the order of the rows drawn by torch rather than
NumPy (``shuffle="torch"``: the image models), a module kept in eval mode while it trains
(``train_mode=False``: batch norms keep their pretrained statistics), the epoch's loss averaged
over rows rather than batches (``loss_mean="rows"``), a scheduler, gradient clipping.
"""
from __future__ import annotations

import copy
import os
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import scipy.sparse as sp
import torch
# The plain text bar: tqdm.auto wants ipywidgets inside a notebook and warns without them.
from tqdm import tqdm


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and CUDA) for one run."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def csr_to_torch(X: sp.csr_matrix, device: str | torch.device = "cpu", dense: bool = True) -> torch.Tensor:
    """A CSR batch as a float32 tensor: dense (the usual case for mini-batches) or a sparse CSR
    tensor (for wide inputs that should stay sparse through the first layer)."""
    X = sp.csr_matrix(X, dtype=np.float32)
    if dense:
        return torch.from_numpy(X.toarray()).to(device)
    t = torch.sparse_csr_tensor(
        torch.from_numpy(X.indptr.astype(np.int64)),
        torch.from_numpy(X.indices.astype(np.int64)),
        torch.from_numpy(X.data),
        size=X.shape,
    )
    return t.to(device)


@dataclass
class TrainResult:
    epochs_run: int
    best_epoch: int
    best_score: float | None
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0


def _atomic_save(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        torch.save(obj, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _batches(n_train: int, batch_size: int | None, drop_last: bool, rng: np.random.Generator,
             torch_order: torch.Generator | None):
    """One epoch's batches of row indices (int64 arrays)."""
    if batch_size is None:
        yield np.arange(n_train)
        return
    if torch_order is not None:
        order = torch.randperm(n_train, generator=torch_order).numpy()
    else:
        order = rng.permutation(n_train)
    stop = n_train - batch_size + 1 if drop_last and n_train > batch_size else n_train
    for first in range(0, stop, batch_size):
        yield order[first:first + batch_size]


def train(
    module: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    step: Callable[[np.ndarray], torch.Tensor],
    n_train: int,
    *,
    epochs: int,
    batch_size: int | None,
    seed: int,
    evaluate: Callable[[], float] | None = None,
    patience: int | None = None,
    scheduler=None,
    checkpoint: str | Path | None = None,
    progress: bool = True,
    desc: str = "training",
    drop_last: bool = False,
    grad_clip: float | None = None,
    after_step: Callable[[], None] | None = None,
    shuffle: str = "numpy",
    train_mode: bool = True,
    loss_mean: str = "batches",
) -> TrainResult:
    """Run mini-batch training.

    ``step(rows)`` must compute the loss of the training rows ``rows`` (an int64 array) and
    return it; the loop does ``zero_grad``/``backward``/``optimizer.step``. ``evaluate()`` returns
    a validation score where higher is better; with it, the best epoch's weights are restored at
    the end and training stops after ``patience`` epochs without improvement. ``scheduler`` (if
    any) is stepped once per epoch. ``grad_clip`` (if any) rescales the gradient of every step to
    at most that L2 norm, for losses that can blow up (C2AE's exponential ranking term).

    ``batch_size=None`` takes one full-batch step per epoch on all rows in order (nothing is
    shuffled). ``after_step()`` runs after every optimizer step, without gradients (a projection
    onto a constraint). ``shuffle`` says who draws each epoch's order of the rows from ``seed``:
    ``"numpy"`` (``np.random.default_rng``) or ``"torch"`` (``torch.randperm`` with its own
    ``torch.Generator``); both leave the global generators alone. ``train_mode=False`` keeps the
    module in eval mode throughout (a step that wants dropout applies it itself). The ``loss`` of
    an epoch in the history is the mean of the batches' losses (``loss_mean="batches"``) or of
    the rows' (``"rows"``: each batch's loss weighted by its number of rows).
    """
    if shuffle not in ("numpy", "torch"):
        raise ValueError(f"shuffle: got {shuffle!r}; valid: 'numpy', 'torch'")
    if loss_mean not in ("batches", "rows"):
        raise ValueError(f"loss_mean: got {loss_mean!r}; valid: 'batches', 'rows'")
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size: got {batch_size}; give a positive number of rows, or None "
                         "for full-batch steps")
    rng = np.random.default_rng(seed)
    torch_order = torch.Generator().manual_seed(seed) if shuffle == "torch" else None
    start_epoch, history = 0, []
    best_score, best_epoch, best_state = None, -1, None
    checkpoint = Path(checkpoint) if checkpoint else None
    if checkpoint is not None and checkpoint.exists():
        # weights_only: tensors and plain containers only, so a crafted file cannot run code
        state = torch.load(checkpoint, weights_only=True)
        module.load_state_dict(state["module"])
        optimizer.load_state_dict(state["optimizer"])
        if scheduler is not None and state.get("scheduler") is not None:
            scheduler.load_state_dict(state["scheduler"])
        rng.bit_generator.state = state["rng"]
        if torch_order is not None:
            torch_order.set_state(state["torch_order_rng"])
        torch.set_rng_state(state["torch_rng"])
        start_epoch, history = state["epoch"], state["history"]
        best_score, best_epoch, best_state = state["best_score"], state["best_epoch"], state["best_state"]

    t0 = time.perf_counter()
    bar = tqdm(range(start_epoch, epochs), desc=desc, disable=not progress, leave=False)
    epoch = start_epoch
    for epoch in bar:
        if train_mode:
            module.train()
        total, batches, rows_seen = 0.0, 0, 0
        for rows in _batches(n_train, batch_size, drop_last, rng, torch_order):
            optimizer.zero_grad(set_to_none=True)
            loss = step(rows)
            if not torch.isfinite(loss):
                raise FloatingPointError(
                    f"{desc}: loss became {loss.item()} at epoch {epoch + 1}; lower the learning "
                    "rate or check the inputs for NaN/inf")
            loss.backward()
            if grad_clip is not None:
                torch.nn.utils.clip_grad_norm_(module.parameters(), grad_clip)
            optimizer.step()
            if after_step is not None:
                with torch.no_grad():
                    after_step()
            if loss_mean == "rows":
                total += float(loss.detach()) * len(rows)
            else:
                total += float(loss.detach())
            batches += 1
            rows_seen += len(rows)
        if scheduler is not None:
            scheduler.step()
        entry = {"epoch": epoch + 1,
                 "loss": total / max(rows_seen if loss_mean == "rows" else batches, 1)}
        if evaluate is not None:
            module.eval()
            with torch.no_grad():
                score = float(evaluate())
            entry["valid"] = score
            if best_score is None or score > best_score:
                best_score, best_epoch = score, epoch + 1
                best_state = copy.deepcopy(module.state_dict())
        history.append(entry)
        bar.set_postfix({k: round(v, 4) for k, v in entry.items() if k != "epoch"})
        if checkpoint is not None:
            _atomic_save({
                "module": module.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": None if scheduler is None else scheduler.state_dict(),
                "rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(),
                "torch_order_rng": None if torch_order is None else torch_order.get_state(),
                "epoch": epoch + 1, "history": history, "best_score": best_score,
                "best_epoch": best_epoch, "best_state": best_state,
            }, checkpoint)
        if patience is not None and best_epoch >= 0 and epoch + 1 - best_epoch >= patience:
            break
    if best_state is not None:
        module.load_state_dict(best_state)
    module.eval()
    return TrainResult(
        epochs_run=len(history), best_epoch=best_epoch if best_epoch >= 0 else len(history),
        best_score=best_score, history=history, seconds=time.perf_counter() - t0,
    )
