"""The image track: the pretrained backbone, the AiTLAS split, and the image models learning a
planted signal, deterministically."""
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from PIL import Image

from xmlstudy import data
from xmlstudy.data import ucmerced
from xmlstudy.data.dataset import Dataset
from xmlstudy.data.errors import ParseError
from xmlstudy.models import create
from xmlstudy.models.image import mean_average_precision, pretrained_backbone, to_input

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason="the data mirror ../shared/data is absent")
AIRCRAFT = {403, 404, 895, 908}   # ImageNet: aircraft carrier, airliner, warplane, wing


@needs_mirror
def test_pretrained_weights_see_aircraft_in_a_uc_merced_airplane():
    torch.set_num_threads(1)
    image = ucmerced.load_image(MIRROR / "ucmerced_multilabel/images/airplane/airplane00.jpg", 224)
    with torch.inference_mode():
        p = pretrained_backbone()(to_input(image[None])).softmax(1)[0]
    top5 = p.topk(5).indices.tolist()
    assert top5[0] in AIRCRAFT, top5
    assert len(AIRCRAFT & set(top5)) >= 2, top5
    assert p[list(AIRCRAFT)].sum() > 0.3


@needs_mirror
def test_aitlas_split_counts_and_disjointness():
    splits = data.load("ucmerced-aitlas")
    assert (len(splits.train), len(splits.valid), len(splits.test)) == (1285, 395, 420)
    names = [set(s.meta["image_name"]) for s in (splits.train, splits.valid, splits.test)]
    assert not (names[0] & names[1]) and not (names[0] & names[2]) and not (names[1] & names[2])
    assert len(names[0] | names[1] | names[2]) == 2100
    assert splits.test.n_labels == 17 and splits.test.meta["image_paths"][0].endswith(".jpg")
    # The registry's random split of plain ucmerced keeps its own counts.
    plain = data.load("ucmerced", valid_fraction=0.0)
    assert (len(plain.train), len(plain.test)) == (1680, 420)


def test_aitlas_split_file_errors_name_file_and_line(tmp_path):
    labels = ["a", "b"]
    good = tmp_path / "split.csv"
    good.write_text("IMAGE\\LABEL\ta\tb\nx00\t0\t1\nx01\t1\t0\n")
    names, Y = ucmerced.read_split_file(good, labels)
    assert names == ["x00", "x01"] and Y.tolist() == [[0, 1], [1, 0]]
    bad = tmp_path / "bad.csv"
    bad.write_text("IMAGE\\LABEL\ta\tb\nx00\t0\t1\nx01\t1\t2\n")
    with pytest.raises(ParseError, match=r"bad.csv:3: label values must be 0 or 1"):
        ucmerced.read_split_file(bad, labels)
    with pytest.raises(ParseError, match=r"bad.csv:1: header labels"):
        ucmerced.read_split_file(bad, ["a", "c"])


def test_planted_patch_and_its_mask():
    board = ucmerced.checkerboard(16, 8)
    assert board.shape == (16, 16, 3)
    assert tuple(board[0, 0]) == (255, 0, 255) and tuple(board[0, 8]) == (0, 255, 0)
    image = ucmerced.paste_patch(np.zeros((32, 32, 3), np.uint8), [4, 20, 16])
    assert (image[4:20, 20:32] == board[:, :12]).all() and image[:4].max() == 0
    mask = ucmerced.patch_mask([8, 8, 16], (32, 32), 16)
    assert mask.sum() == 64 and mask[4:12, 4:12].all()


def _synthetic(tmp_path, n=48, size=64, seed=0) -> Dataset:
    """Grey noise images; label 0: a checkerboard is pasted (half of them); label 1: random."""
    rng = np.random.default_rng(seed)
    paths, Y = [], np.zeros((n, 2), np.float32)
    for i in range(n):
        image = rng.integers(70, 130, size=(size, size, 3)).astype(np.uint8)
        if i % 2:
            top, left = rng.integers(0, size - 24, size=2)
            image = ucmerced.paste_patch(image, [top, left, 24])
            Y[i, 0] = 1
        Y[i, 1] = rng.random() < 0.5
        path = tmp_path / f"img{i:03d}.png"
        Image.fromarray(image).save(path)
        paths.append(str(path))
    return Dataset(name="synthetic", split="all", X=sp.csr_matrix(np.zeros((n, 1))), Y=Y,
                   feature_names=["none"], label_names=["patch", "noise"],
                   meta={"image_paths": paths})


@pytest.mark.parametrize("method", ["image-bce", "nnae-image"])
def test_image_models_learn_a_planted_patch_deterministically(tmp_path, method):
    torch.set_num_threads(1)
    ds = _synthetic(tmp_path)
    train, valid, test = ds.subset(range(0, 24)), ds.subset(range(24, 36)), ds.subset(range(36, 48))
    params = dict(seed=0, device="cpu", resolution=64, epochs=12, patience=12, lr=1e-3,
                  head_lr=3e-3, batch_size=8)
    if method == "nnae-image":
        params["units"] = (4, 2)
    model = create(method, **params).fit(train, valid)
    scores = model.scores(test)
    assert scores.shape == (12, 2)
    patch = test.Y[:, [0]].toarray()
    from sklearn.metrics import average_precision_score

    assert average_precision_score(patch.ravel(), scores[:, 0]) >= 0.9
    assert 0 <= mean_average_precision(test.Y, scores) <= 1
    again = create(method, **params).fit(train, valid)
    np.testing.assert_array_equal(again.scores(test), scores)
    measures = model.test_measures(test)
    assert set(measures) == {"mAP"}
    with pytest.raises(TypeError, match="takes a Dataset"):
        model.scores(test.X)


@pytest.mark.slow
def test_the_shared_training_loop_gives_the_numbers_of_the_records(tmp_path):
    """The image models train through :func:`xmlstudy.training.train`; the loop of their own, with
    which the committed records were made, is kept here as the reference: the same weights, the
    same history, bit for bit (an early stop and a restored best epoch included)."""
    import copy

    import torch.nn.functional as F

    from xmlstudy.data.ucmerced import read_images
    from xmlstudy.models.image import Network

    torch.set_num_threads(1)
    ds = _synthetic(tmp_path, n=36)
    train, valid = ds.subset(range(0, 24)), ds.subset(range(24, 36))
    params = dict(seed=0, device="cpu", resolution=64, epochs=8, patience=1, lr=1e-3,
                  head_lr=3e-3, batch_size=8)
    model = create("image-bce", **params).fit(train, valid)

    torch.manual_seed(0)
    net = Network(2, 14).eval()
    with torch.inference_mode():
        cache_train = net.prefix(to_input(read_images(train, 64)))
        cache_valid = net.prefix(to_input(read_images(valid, 64)))
    target = torch.as_tensor(train.Y.toarray(), dtype=torch.float32)
    opt = torch.optim.Adam([{"params": list(net.suffix_parameters()), "lr": 1e-3},
                            {"params": list(net.head.parameters()), "lr": 3e-3}], weight_decay=1e-4)
    gen = torch.Generator().manual_seed(0)
    best, best_state, best_epoch, history, stale = -np.inf, None, 0, [], 0
    for epoch in range(1, 9):
        order = torch.randperm(len(train), generator=gen)
        total = 0.0
        for start in range(0, len(order), 8):
            idx = order[start:start + 8]
            feats = F.dropout(net.features(cache_train[idx].clone()), 0.2, training=True)
            loss = F.binary_cross_entropy_with_logits(net.head(feats), target[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        with torch.inference_mode():
            out = net.head(net.features(cache_valid)).numpy().astype(np.float64)
        entry = {"epoch": epoch, "loss": total / len(train),
                 "valid_mAP": mean_average_precision(valid.Y, 1.0 / (1.0 + np.exp(-out)))}
        if entry["valid_mAP"] > best:
            best, best_epoch, stale = entry["valid_mAP"], epoch, 0
            best_state = copy.deepcopy(net.state_dict())
        else:
            stale += 1
        history.append(entry)
        if stale >= 1:
            break
    net.load_state_dict(best_state)

    assert model.fit_info["best_epoch"] == best_epoch < len(history) == model.fit_info["epochs"]
    assert model.fit_info["history"] == history
    state = model.net.state_dict()
    assert all(torch.equal(state[k], v) for k, v in net.state_dict().items())
