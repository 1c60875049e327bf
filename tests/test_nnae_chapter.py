"""The non-negative autoencoder chapter's numbers for its prose, from hand-made records: means,
maxima and ranges over seeds and data sets come out as computed by hand, and a number without
records reads "not run" instead of a made-up value."""
from xmlstudy.chapters import nnae
from xmlstudy.experiments import records_frame

IMAGE_KEYS = ("nnae_img_two_map", "nnae_img_two_fit_s", "nnae_img_bce_map", "nnae_img_bce_fit_s",
              "nnae_img_units", "nnae_lime_s", "nnae_explain_images", "nnae_explain_samples",
              "nnae_explain_seeds")


def _record(method, units, dataset, seed, hits, coverage=0.5, loss=None, fit_s=1.0):
    info = {"completion": {"hits@10": hits}, "spread": {"coverage": coverage}}
    if loss is not None:
        info["final_loss"] = loss
    return {"paper": "nnae", "experiment": "hierarchy", "method": method, "dataset": dataset,
            "seed": seed, "profile": "full", "params": {"units": list(units)}, "fit_info": info,
            "timings": {"fit_s": fit_s}}


def _frames(hierarchy=()):
    empty = records_frame([])
    frames = {f"nnae/{name}": empty for name in ("many_labels", *nnae.IMAGE_EXPERIMENTS)}
    frames["nnae/hierarchy"] = records_frame(list(hierarchy))
    frames["baselines/main"] = empty
    return frames


def test_numbers_from_hand_made_records():
    hierarchy = [
        _record("nnae", (64, 16), "bbc_food", 0, hits=0.30, coverage=0.00, loss=0.70, fit_s=40),
        _record("nnae", (64, 16), "bbc_food", 1, hits=0.36, coverage=0.00, loss=0.80, fit_s=53),
        _record("nnae", (64, 16), "corel5k", 0, hits=0.50, coverage=0.05, loss=0.90, fit_s=12),
        _record("nmf", (64, 16), "bbc_food", 0, hits=0.28),
        _record("nmf", (16,), "bbc_food", 0, hits=0.99),       # another size: not the two-level NMF
        _record("random-groups", (16,), "bbc_food", 0, hits=0.01),
    ]
    out = nnae.numbers(_frames(hierarchy), params=None)
    assert out["nnae_bbc_hits"] == "0.33"              # (0.30 + 0.36) / 2, BBC Food only
    assert out["nnae_bbc_hits_nmf2"] == "0.28"
    assert out["nnae_bbc_hits_random"] == "0.01"
    assert out["nnae_loss"] == "0.800"                 # mean over every autoencoder run
    assert out["nnae_fit_s"] == "53"                   # the slowest fit
    assert out["nnae_coverage"] == "0-5%"              # per data set means: 0.00 and 0.05
    assert out["nnae_loss_softplus"] == "not run"      # no softplus record
    assert all(out[k] == "not run" for k in IMAGE_KEYS)


def test_numbers_without_records_say_not_run():
    out = nnae.numbers(_frames(), params=None)
    record_keys = ("nnae_bbc_hits", "nnae_bbc_hits_nmf2", "nnae_bbc_hits_random", "nnae_loss",
                   "nnae_loss_softplus", "nnae_fit_s", "nnae_coverage", *IMAGE_KEYS)
    assert {k: out[k] for k in record_keys} == {k: "not run" for k in record_keys}
    # settings and published numbers need no record
    assert out["nnae_img_resolution"] == str(nnae.RESOLUTION)
    assert out["nnae_img_other_resolutions"] == "224"
    assert (out["nnae_aitlas_vgg"], out["nnae_aitlas_effnet"]) == ("92.8", "95.4")
