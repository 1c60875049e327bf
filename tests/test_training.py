"""The training loop's checkpoints: a resumed run equals an uninterrupted one, and loading a
checkpoint never runs code from it."""
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
