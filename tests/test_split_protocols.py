"""Split protocols: the given split keeps every earlier configuration's hash, the random
protocols partition the pooled rows as their papers say, and records name their split."""
import numpy as np
import pytest

from xmlstudy import experiments
from xmlstudy.data.dataset import Dataset
from xmlstudy.data.splits import resplit
from xmlstudy.experiments import RunConfig


def toy(n, split, offset=0):
    import scipy.sparse as sp

    X = sp.csr_matrix(np.arange(offset, offset + n, dtype=np.float32)[:, None] + 1)
    Y = sp.csr_matrix((np.arange(n) % 2)[:, None].astype(np.float32))
    return Dataset(name="toy", split=split, X=X, Y=Y, feature_names=["row"], label_names=["odd"])


def ids(ds):
    return set(ds.X.toarray().ravel().astype(int).tolist())


def test_committed_records_keep_their_hash():
    recs = experiments.load_records("cgmvae", "main")
    for config in recs["provenance"].head(5).map(lambda p: p["config"]):
        assert "split" not in config
        assert RunConfig.from_dict(config).config_hash == \
            recs[recs["provenance"].map(lambda p: p["config"] == config)]["config_hash"].iloc[0]
    assert set(recs["split"]) == {"given"}


def test_random_80_10_10_partitions_the_pooled_rows():
    train, test = toy(700, "train"), toy(300, "test", offset=700)
    a = resplit(train, test, "random-80-10-10", seed=3, valid_fraction=0.1, valid_seed=0)
    assert [len(part) for part in a] == [800, 100, 100]
    assert set.union(*map(ids, a)) == set(range(1, 1001)) and sum(map(len, a)) == 1000
    b = resplit(train, test, "random-80-10-10", seed=3, valid_fraction=0.1, valid_seed=0)
    c = resplit(train, test, "random-80-10-10", seed=4, valid_fraction=0.1, valid_seed=0)
    assert ids(a[2]) == ids(b[2]) and ids(a[2]) != ids(c[2])


def test_random_same_sizes_keeps_the_published_sizes():
    train, test = toy(700, "train"), toy(300, "test", offset=700)
    tr, va, te = resplit(train, test, "random-same-sizes", seed=1, valid_fraction=0.1, valid_seed=0)
    assert (len(tr) + len(va), len(te)) == (700, 300) and len(va) == 70
    assert ids(te) != ids(test) and not ids(te) & (ids(tr) | ids(va))
    given = resplit(train, test, "given", seed=0, valid_fraction=0.1, valid_seed=0)
    assert ids(given[2]) == ids(test) and len(given[1]) == 70


def test_bad_split_settings_are_named():
    with pytest.raises(ValueError, match="valid: given, random-80-10-10, random-same-sizes"):
        RunConfig("baselines", "main", "knn", "yeast", split="80/20").validate()
    with pytest.raises(ValueError, match="given split has no seed"):
        RunConfig("baselines", "main", "knn", "yeast", split_seed=2).validate()
    other = RunConfig("baselines", "x", "knn", "yeast", split="random-80-10-10", split_seed=2)
    assert other.config_hash != RunConfig("baselines", "x", "knn", "yeast").config_hash
    assert "split=random-80-10-10:2" in other.label()
    assert RunConfig.from_dict(other.to_dict()) == other


def test_a_run_on_a_random_split_records_it():
    config = RunConfig("baselines", "split-test", "knn", "yeast", profile="smoke",
                       split="random-80-10-10", split_seed=1, params={"k_grid": [5]})
    record = experiments.run(config)
    assert record["split"] == {"protocol": "random-80-10-10", "seed": 1}
    given = experiments.run(RunConfig("baselines", "split-test", "knn", "yeast", profile="smoke",
                                      params={"k_grid": [5]}))
    assert given["split"] == {"protocol": "given", "seed": None}
    assert record["metrics"]["P@1"] != given["metrics"]["P@1"] or \
        record["data"] != given["data"]
    frame = experiments.records_frame([record, {k: v for k, v in given.items() if k != "split"}])
    assert list(frame["split"]) == ["random-80-10-10", "given"]
