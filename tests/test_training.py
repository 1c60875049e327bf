"""The training loop: early stopping after `patience` epochs without a better score, the best
epoch's weights restored, the choices every method trains through it with (full batch, a
projection after each step, torch's row order, eval mode, the loss over rows), and checkpoints: a
resumed run equals an uninterrupted one, and loading a checkpoint never runs code from it."""
from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from xmlstudy.training import train

X = torch.from_numpy(np.random.default_rng(0).normal(size=(64, 5)).astype(np.float32))
y = X @ torch.arange(1.0, 6.0)


def run(epochs: int, checkpoint=None):
    torch.manual_seed(0)
    net = torch.nn.Linear(5, 1)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.05)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)

    def step(rows):
        return ((net(X[rows]).squeeze(1) - y[rows]) ** 2).mean()

    def evaluate():
        return -float(step(np.arange(64)))

    train(net, optimizer, step, 64, epochs=epochs, batch_size=16, seed=3, evaluate=evaluate,
          scheduler=scheduler, checkpoint=checkpoint, progress=False)
    return net


def test_a_resumed_run_equals_an_uninterrupted_one(tmp_path):
    whole = run(4)
    run(2, tmp_path / "ckpt.pt")                 # interrupted after two epochs
    resumed = run(4, tmp_path / "ckpt.pt")       # picks up at epoch 3
    assert torch.equal(whole.weight, resumed.weight) and torch.equal(whole.bias, resumed.bias)


class _Payload:
    """What a crafted checkpoint could hold: unpickling it would create ``marker``."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_crafted_checkpoint_cannot_run_code(tmp_path):
    marker, checkpoint = tmp_path / "ran", tmp_path / "evil.pt"
    torch.save({"module": _Payload(marker)}, checkpoint)
    with pytest.raises(pickle.UnpicklingError):
        run(2, checkpoint)
    assert not marker.exists()


# --- early stopping and the best epoch's weights ------------------------------------------------
def planted_run(curve, patience, epochs=None):
    """Train a small linear model while ``evaluate`` reads the validation scores from ``curve``
    (one per epoch) and keeps a copy of the weights it was called with."""
    torch.manual_seed(0)
    net = torch.nn.Linear(5, 1)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    seen = []

    def step(rows):
        return ((net(X[rows]).squeeze(1) - y[rows]) ** 2).mean()

    def evaluate():
        seen.append({k: v.clone() for k, v in net.state_dict().items()})
        return curve[len(seen) - 1]

    result = train(net, optimizer, step, 64, epochs=epochs or len(curve), batch_size=16, seed=0,
                   evaluate=evaluate, patience=patience, progress=False)
    return net, result, seen


def test_patience_stops_after_that_many_epochs_without_a_better_score():
    # Best at epoch 2; epochs 3 and 4 are worse, so patience 2 stops after epoch 4, and the
    # late 0.9 of epoch 6 is never seen.
    _, result, seen = planted_run([0.1, 0.5, 0.4, 0.45, 0.3, 0.9], patience=2)
    assert (result.epochs_run, result.best_epoch, result.best_score) == (4, 2, 0.5)
    assert len(seen) == 4 and [h["valid"] for h in result.history] == [0.1, 0.5, 0.4, 0.45]
    # A tie is no improvement: the first of equal scores stays the best.
    _, tied, _ = planted_run([0.5, 0.5, 0.5, 0.5], patience=2)
    assert (tied.epochs_run, tied.best_epoch) == (3, 1)
    # Without patience every epoch runs, and the best is still the best.
    _, whole, _ = planted_run([0.1, 0.5, 0.4, 0.45, 0.3, 0.2], patience=None)
    assert (whole.epochs_run, whole.best_epoch) == (6, 2)


def test_the_best_epochs_weights_are_restored():
    net, result, seen = planted_run([0.1, 0.5, 0.4, 0.45, 0.3, 0.2], patience=None)
    assert result.best_epoch == 2
    final = net.state_dict()
    assert all(torch.equal(final[k], seen[1][k]) for k in final)
    # ... and they are not the last epoch's (the test would pass vacuously if nothing moved).
    assert not all(torch.equal(final[k], seen[-1][k]) for k in final)


# --- the choices that let every method train through the one loop ---------------------------------
def test_full_batch_steps_and_a_projection_after_every_step():
    net = torch.nn.Linear(5, 1, bias=False)
    with torch.no_grad():
        net.weight.fill_(0.5)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    batches, minima = [], []

    def step(rows):
        batches.append(rows.copy())
        return net.weight.sum() * 10.0          # pushes every weight below zero in one step

    def project():
        net.weight.clamp_(min=0.0)
        minima.append(float(net.weight.min()))

    result = train(net, optimizer, step, 7, epochs=3, batch_size=None, seed=0, after_step=project,
                   progress=False)
    assert result.epochs_run == 3 and len(batches) == 3
    assert all(np.array_equal(rows, np.arange(7)) for rows in batches)   # all rows, in order
    assert minima == [0.0, 0.0, 0.0] and torch.equal(net.weight, torch.zeros(1, 5))
    assert [h["loss"] for h in result.history] == [25.0, 0.0, 0.0]


@pytest.mark.parametrize("shuffle", ["numpy", "torch"])
def test_the_row_order_comes_from_the_seed_and_leaves_the_global_generators_alone(shuffle):
    net = torch.nn.Linear(1, 1)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.0)
    orders = []

    def step(rows):
        orders.append(rows.copy())
        return net.weight.sum() * 0.0

    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()[1].copy()
    train(net, optimizer, step, 10, epochs=2, batch_size=10, seed=7, shuffle=shuffle,
          progress=False)
    if shuffle == "torch":
        gen = torch.Generator().manual_seed(7)
        expected = [torch.randperm(10, generator=gen).numpy() for _ in range(2)]
    else:
        rng = np.random.default_rng(7)
        expected = [rng.permutation(10) for _ in range(2)]
    assert all(np.array_equal(a, b) for a, b in zip(orders, expected))
    assert not np.array_equal(orders[0], orders[1])
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert np.array_equal(np.random.get_state()[1], numpy_state)


def test_train_mode_and_the_epoch_loss_over_batches_or_rows():
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.0)
    modes = []

    def step(rows):   # the loss of a batch is its number of rows
        modes.append(net.training)
        return net[0].weight.sum() * 0.0 + float(len(rows))

    # 10 rows in batches of 4, 4 and 2: over batches (4 + 4 + 2) / 3, over rows (16 + 16 + 4) / 10.
    by_batch = train(net, optimizer, step, 10, epochs=1, batch_size=4, seed=0, progress=False)
    assert by_batch.history[0]["loss"] == pytest.approx(10 / 3) and modes == [True] * 3
    modes.clear()
    by_row = train(net, optimizer, step, 10, epochs=1, batch_size=4, seed=0, progress=False,
                   loss_mean="rows", train_mode=False)
    assert by_row.history[0]["loss"] == pytest.approx(3.6) and modes == [False] * 3


def test_a_resumed_run_with_torch_shuffling_equals_an_uninterrupted_one(tmp_path):
    def run_torch(epochs, checkpoint=None):
        torch.manual_seed(0)
        net = torch.nn.Linear(5, 1)
        optimizer = torch.optim.Adam(net.parameters(), lr=0.05)
        train(net, optimizer, lambda rows: ((net(X[rows]).squeeze(1) - y[rows]) ** 2).mean(), 64,
              epochs=epochs, batch_size=16, seed=3, shuffle="torch", checkpoint=checkpoint,
              progress=False)
        return net

    whole = run_torch(4)
    run_torch(2, tmp_path / "ckpt.pt")
    resumed = run_torch(4, tmp_path / "ckpt.pt")
    assert torch.equal(whole.weight, resumed.weight) and torch.equal(whole.bias, resumed.bias)


def test_bad_choices_are_refused_with_the_valid_ones():
    net = torch.nn.Linear(1, 1)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.0)
    with pytest.raises(ValueError, match="shuffle: got 'python'; valid: 'numpy', 'torch'"):
        train(net, optimizer, lambda rows: net.weight.sum(), 4, epochs=1, batch_size=2, seed=0,
              shuffle="python", progress=False)
    with pytest.raises(ValueError, match="loss_mean: got 'median'"):
        train(net, optimizer, lambda rows: net.weight.sum(), 4, epochs=1, batch_size=2, seed=0,
              loss_mean="median", progress=False)
    with pytest.raises(ValueError, match="batch_size: got 0"):
        train(net, optimizer, lambda rows: net.weight.sum(), 4, epochs=1, batch_size=0, seed=0,
              progress=False)
