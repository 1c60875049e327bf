"""What every method of the study shares: the data it refuses to fit on."""
from __future__ import annotations

import numpy as np
import pytest

from xmlstudy.data.dataset import Dataset
from xmlstudy.models import available, create, uses_gpu


def toy(rows: int, split: str = "train") -> Dataset:
    rng = np.random.default_rng(0)
    return Dataset(name="toy", split=split, X=rng.random((rows, 4)), Y=np.eye(3)[rng.integers(0, 3, rows)],
                   feature_names=list("abcd"), label_names=list("xyz"))


@pytest.mark.parametrize("method", available())
def test_every_method_refuses_an_empty_split(method):
    model = create(method, seed=0, device="cpu")
    with pytest.raises(ValueError, match=rf"{model.name}.fit: the training split of 'toy' has no rows"):
        model.fit(toy(0))
    with pytest.raises(ValueError, match=rf"{model.name}.fit: the validation split of 'toy' has no rows"):
        model.fit(toy(20), toy(0, "valid"))


def test_knn_on_an_empty_training_split_says_so_instead_of_dividing_by_zero():
    with pytest.raises(ValueError, match="has no rows; give it rows"):
        create("knn").fit(toy(0), toy(5, "valid"))


@pytest.mark.parametrize("method", available())
def test_the_registry_says_which_methods_can_use_a_gpu(method):
    # A method that can use a GPU keeps the device it is given ("auto" picks one at fit time);
    # one that cannot fixes the CPU whatever it is asked.
    assert uses_gpu(method) == (create(method, seed=0, device="auto").device != "cpu")


def test_an_unknown_method_is_refused_with_the_valid_ones():
    with pytest.raises(ValueError, match="unknown method 'no-such-method'; valid: .*knn"):
        uses_gpu("no-such-method")
