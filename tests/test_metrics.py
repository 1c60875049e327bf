"""Metrics against hand-computed cases, brute force, and napkinXC."""
import json
import math

import numpy as np
import pytest
import scipy.sparse as sp

from xmlstudy import metrics as M

LOG3 = 1 / math.log2(3)  # discount of rank 2: 0.6309...
LOG4 = 1 / math.log2(4)  # discount of rank 3: 0.5
LOG5 = 1 / math.log2(5)  # discount of rank 4: 0.4307...


def small_case():
    """3 rows, 6 labels. Row 0 holds {0, 2}; row 1 holds {1, 3, 4, 5}; row 2 holds nothing.
    Top-3 predictions: row 0 [2, 1, 0] -> hits at ranks 1, 3; row 1 [0, 1, 3] -> hits at ranks 2, 3;
    row 2 [4, 5, 0] -> no hits (no true labels)."""
    Y = sp.csr_matrix(np.array([[1, 0, 1, 0, 0, 0],
                                [0, 1, 0, 1, 1, 1],
                                [0, 0, 0, 0, 0, 0]], dtype=np.float32))
    topk = np.array([[2, 1, 0], [0, 1, 3], [4, 5, 0]])
    return Y, topk


# ------------------------------------------------------------------ ranking metrics, by hand

def test_precision_at_k_by_hand():
    Y, topk = small_case()
    # P@1 = (1 + 0 + 0) / 3; P@3 = (2/3 + 2/3 + 0) / 3 = 4/9 (the label-less row counts 0).
    assert M.precision_at_k(Y, topk, 1) == pytest.approx(1 / 3)
    assert M.precision_at_k(Y, topk, 3) == pytest.approx(4 / 9)
    # k = 5 with only 3 predictions: the 2 missing slots are misses: (2 + 2 + 0) / (5 * 3).
    assert M.precision_at_k(Y, topk, 5) == pytest.approx(4 / 15)


def test_ndcg_at_k_by_hand():
    Y, topk = small_case()
    # nDCG@1: row 0 hit at rank 1 -> 1; row 1 miss -> 0; row 2 has no labels -> 0.
    assert M.ndcg_at_k(Y, topk, 1) == pytest.approx(1 / 3)
    # nDCG@3, row 0: DCG = 1 + 1/log2(4); ideal has min(3, 2) = 2 terms: 1 + 1/log2(3).
    row0 = (1 + LOG4) / (1 + LOG3)
    # row 1: DCG = 1/log2(3) + 1/log2(4); ideal has min(3, 4) = 3 terms.
    row1 = (LOG3 + LOG4) / (1 + LOG3 + LOG4)
    assert M.ndcg_at_k(Y, topk, 3) == pytest.approx((row0 + row1 + 0) / 3)
    # nDCG@5 (k larger than row 0's label count): row 0 ideal keeps 2 terms, row 1 ideal 4 terms.
    row1_5 = (LOG3 + LOG4) / (1 + LOG3 + LOG4 + LOG5)
    assert M.ndcg_at_k(Y, topk, 5) == pytest.approx((row0 + row1_5 + 0) / 3)


def test_propensity_scored_metrics_by_hand():
    Y, topk = small_case()
    p = np.array([0.5, 0.25, 1.0, 0.5, 0.2, 1.0])  # inverse propensities 2, 4, 1, 2, 5, 1
    # PSP@1: hits weigh row 0 label 2 -> 1; row 1 miss. Best: row 0 max(2, 1) = 2,
    # row 1 max(4, 2, 5, 1) = 5, row 2 nothing. 1 / (2 + 5).
    assert M.psp_at_k(Y, topk, 1, p) == pytest.approx(1 / 7)
    # PSP@3: hits row 0 labels 2, 0 -> 1 + 2; row 1 labels 1, 3 -> 4 + 2; total 9.
    # Best: row 0 2 + 1 = 3; row 1 5 + 4 + 2 = 11; total 14.
    assert M.psp_at_k(Y, topk, 3, p) == pytest.approx(9 / 14)
    # PSnDCG@3: per row PSDCG / IDCG summed, over the same for the best ranking.
    idcg0, idcg1 = 1 + LOG3, 1 + LOG3 + LOG4
    num = (1 * 1 + 2 * LOG4) / idcg0 + (4 * LOG3 + 2 * LOG4) / idcg1
    den = (2 * 1 + 1 * LOG3) / idcg0 + (5 * 1 + 4 * LOG3 + 2 * LOG4) / idcg1
    assert M.psndcg_at_k(Y, topk, 3, p) == pytest.approx(num / den)
    out = M.ranking_metrics(Y, topk, ks=(1, 3), propensity=p)
    assert set(out) == {"P@1", "P@3", "nDCG@1", "nDCG@3", "PSP@1", "PSP@3", "PSnDCG@1", "PSnDCG@3"}
    assert out["PSP@3"] == pytest.approx(9 / 14) and out["PSnDCG@3"] == pytest.approx(num / den)
    assert out["P@3"] == pytest.approx(4 / 9)


def test_ranking_metrics_without_propensity_has_no_ps_keys():
    Y, topk = small_case()
    out = M.ranking_metrics(Y, topk)
    assert list(out) == ["P@1", "P@3", "P@5", "nDCG@1", "nDCG@3", "nDCG@5"]


def test_perfect_ranking_scores_one():
    # Every row's true labels ranked first: all metrics are 1 (rows with >= 1 label only).
    Y = sp.csr_matrix(np.array([[1, 1, 0, 0], [0, 0, 0, 1]], dtype=np.float32))
    topk = np.array([[1, 0, 2], [3, 0, 1]])
    p = np.array([0.3, 0.6, 0.9, 0.5])
    out = M.ranking_metrics(Y, topk, ks=(1, 2, 3), propensity=p)
    for k in (1, 2, 3):
        assert out[f"nDCG@{k}"] == pytest.approx(1.0)
    # Labels 1 and 0 ranked in the wrong propensity order: row 0 best-first is 0 (1/0.3) then 1.
    assert out["PSP@1"] == pytest.approx((1 / 0.6 + 1 / 0.5) / (1 / 0.3 + 1 / 0.5))
    assert out["PSP@3"] == pytest.approx(1.0)
    # P@2 on row 1 (one label) cannot exceed 1/2: (2/2 + 1/2) / 2.
    assert out["P@2"] == pytest.approx(0.75)


def test_propensities_formula_by_hand():
    # 10 training rows; label 0 in all of them, label 1 in one, label 2 in none.
    Y = sp.csr_matrix(np.array([[1, 1, 0]] + [[1, 0, 0]] * 9, dtype=np.float32))
    C = (math.log(10) - 1) * (1.5 + 1) ** 0.55
    expected = [1 / (1 + C * (n + 1.5) ** -0.55) for n in (10, 1, 0)]
    np.testing.assert_allclose(M.propensities(Y), expected, rtol=1e-12)
    # Other A, B pass through.
    C2 = (math.log(10) - 1) * (2.6 + 1) ** 0.6
    np.testing.assert_allclose(M.propensities(Y, A=0.6, B=2.6)[1], 1 / (1 + C2 * 3.6 ** -0.6), rtol=1e-12)


def test_relevance_ignores_padding_stored_zeros_and_unsorted_indices():
    # Row 0 stores label 3 and an explicit zero for label 1, with column indices unsorted.
    Y = sp.csr_matrix((np.array([1.0, 0.0, 1.0]), np.array([3, 1, 0]), np.array([0, 2, 3])), shape=(2, 4))
    assert not Y.has_sorted_indices
    topk = np.array([[1, 3, -1], [0, -1, -1]])
    np.testing.assert_array_equal(M.topk_relevance(Y, topk), [[False, True, False], [True, False, False]])
    # P@3 = (1/3 + 1/3) / 2: the -1 slots count as misses.
    assert M.precision_at_k(Y, topk, 3) == pytest.approx(1 / 3)


def test_dense_truth_gives_the_same_as_sparse():
    Y, topk = small_case()
    assert M.ranking_metrics(Y.toarray(), topk) == M.ranking_metrics(Y, topk)


def test_ties_in_scores_go_to_the_lowest_label_index():
    scores = np.array([[0.9, 0.9, 0.1], [0.2, 0.7, 0.7]])
    # Row 0 ties labels 0 and 1 -> label 0 is chosen; row 1 ties 1 and 2 -> label 1.
    assert M.precision_at_1_from_scores(np.array([[1, 0, 0], [0, 1, 0]]), scores) == 1.0
    assert M.precision_at_1_from_scores(np.array([[0, 1, 0], [0, 0, 1]]), scores) == 0.0


def test_bad_inputs_name_the_problem():
    Y, topk = small_case()
    with pytest.raises(ValueError, match="N = 3 rows"):
        M.precision_at_k(Y, topk[:2], 1)
    with pytest.raises(ValueError, match=r"outside \[0, 5\]"):
        M.precision_at_k(Y, np.array([[6], [0], [0]]), 1)
    with pytest.raises(ValueError, match="integer label indices"):
        M.precision_at_k(Y, topk.astype(float), 1)
    with pytest.raises(ValueError, match="positive integers"):
        M.ranking_metrics(Y, topk, ks=(0, 3))
    with pytest.raises(ValueError, match="length L = 6"):
        M.psp_at_k(Y, topk, 1, np.ones(5))
    with pytest.raises(ValueError, match="at least 3 training rows"):
        M.propensities(Y[:2])


# ------------------------------------------------------------------ ranking metrics vs napkinXC

def random_case(seed, n=400, n_labels=60, k=5):
    rng = np.random.default_rng(seed)
    Y = sp.random(n, n_labels, density=0.05, random_state=seed, format="csr")
    Y.data[:] = 1.0
    keep = np.ones(n)
    keep[::7] = 0  # some rows with no true label
    Y = sp.csr_matrix(sp.diags(keep) @ Y)
    Y.eliminate_zeros()
    # Predictions: random distinct labels, with a row's first true label planted in a random slot.
    topk = np.argsort(rng.random((n, n_labels)), axis=1)[:, :k]
    for i in np.flatnonzero(rng.random(n) < 0.6):
        t = Y.indices[Y.indptr[i]:Y.indptr[i + 1]]
        if t.size and t[0] not in topk[i]:
            topk[i, rng.integers(k)] = t[0]
    Y_train = sp.random(3 * n, n_labels, density=0.05, random_state=seed + 1, format="csr")
    Y_train.data[:] = 1.0
    return Y, topk, Y_train


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("n_pred", [5, 3])  # 3 predictions scored at k up to 5: napkinXC pads too
def test_matches_napkinxc(seed, n_pred):
    nxm = pytest.importorskip("napkinxc.metrics")
    Y, topk, Y_train = random_case(seed)
    topk = topk[:, :n_pred]
    true_lists = [Y.indices[Y.indptr[i]:Y.indptr[i + 1]].tolist() for i in range(Y.shape[0])]
    pred_lists = topk.tolist()
    inv_ps = nxm.Jain_et_al_inverse_propensity(Y_train)
    prop = M.propensities(Y_train)
    np.testing.assert_allclose(1 / prop, inv_ps, rtol=1e-12)
    ours = M.ranking_metrics(Y, topk, ks=(1, 2, 3, 4, 5), propensity=prop)
    ref = {"P": nxm.precision_at_k(true_lists, pred_lists, k=5),
           "nDCG": nxm.ndcg_at_k(true_lists, pred_lists, k=5),
           "PSP": nxm.psprecision_at_k(true_lists, pred_lists, inv_ps, k=5),
           "PSnDCG": nxm.psndcg_at_k(true_lists, pred_lists, inv_ps, k=5)}
    for name, values in ref.items():
        for k in range(1, 6):
            assert ours[f"{name}@{k}"] == pytest.approx(values[k - 1], abs=1e-9), (name, k)
    # The single-metric functions agree with ranking_metrics.
    assert M.psndcg_at_k(Y, topk, 5, prop) == pytest.approx(ours["PSnDCG@5"], abs=1e-12)
    assert M.psp_at_k(Y, topk, 4, prop) == pytest.approx(ours["PSP@4"], abs=1e-12)


# ------------------------------------------------------------------ set metrics

def set_case():
    Y = np.array([[1, 0, 1],
                  [0, 1, 0],
                  [0, 0, 0],
                  [0, 0, 0]])
    P = np.array([[0.9, 0.6, 0.2],
                  [0.1, 0.7, 0.4],
                  [0.3, 0.2, 0.1],
                  [0.8, 0.1, 0.1]], dtype=np.float32)
    return Y, P


def test_set_metrics_by_hand():
    Y, P = set_case()
    # At 0.5 the predictions are [1,1,0], [0,1,0], [0,0,0], [1,0,0].
    out = M.set_metrics(Y, P, 0.5)
    # ex-F1: row 0 2*1/(2+2) = 0.5, row 1 2*1/(1+1) = 1, row 2 skipped (nothing true or
    # predicted), row 3 0/(0+1) = 0 -> mean(0.5, 1, 0) = 0.5.
    assert out["ex-F1"] == pytest.approx(0.5)
    # tp = 2, fp = 2 (row 0 label 1, row 3 label 0), fn = 1 (row 0 label 2): 4 / (4 + 2 + 1).
    assert out["mi-F1"] == pytest.approx(4 / 7)
    # per label: 0 -> tp 1 fp 1 fn 0; 1 -> tp 1 fp 1 fn 0; 2 -> tp 0 fp 0 fn 1 (counts 0).
    assert out["ma-F1"] == pytest.approx((2 / (3 + 1e-6) * 2 + 0) / 3, rel=1e-12)
    # HA: 3 wrong cells out of 12.
    assert out["HA"] == pytest.approx(0.75)
    # sparse truth gives the same.
    assert M.set_metrics(sp.csr_matrix(Y), P, 0.5) == out


def test_set_metrics_per_label_threshold():
    Y, P = set_case()
    # thresholds (0.95, 0.5, 0.1): predictions [0,1,1], [0,1,1], [0,0,1], [0,0,1].
    out = M.set_metrics(Y, P, np.array([0.95, 0.5, 0.1]))
    # ex-F1: row 0 2*1/(2+2), row 1 2*1/(1+2), rows 2, 3 0 -> (0.5 + 2/3) / 4.
    assert out["ex-F1"] == pytest.approx((0.5 + 2 / 3) / 4)
    # HA: row 0 label 0 fn + label 1 fp, rows 1-3 label 2 fp -> 5 wrong of 12.
    assert out["HA"] == pytest.approx(7 / 12)
    with pytest.raises(ValueError, match="length L = 3"):
        M.set_metrics(Y, P, np.array([0.5, 0.5]))


def test_threshold_is_inclusive_and_unused_labels_count_zero_in_macro_f1():
    # Label 1 is never true and never predicted: its F1 is 0/(0 + 1e-6) = 0, pulling ma-F1 to 1/2.
    Y = np.array([[1, 0], [0, 0]])
    P = np.array([[0.5, 0.0], [0.0, 0.0]])
    out = M.set_metrics(Y, P, 0.5)  # 0.5 >= 0.5 is a positive prediction
    assert out["mi-F1"] == pytest.approx(1.0)
    assert out["ma-F1"] == pytest.approx(2 / (2 + 1e-6) / 2, rel=1e-12)
    assert out["ex-F1"] == pytest.approx(1.0)  # row 1 is skipped
    assert out["HA"] == pytest.approx(1.0)


def brute_force_set_metrics(Y, P, t):
    """The definitions applied cell by cell."""
    n, n_labels = Y.shape
    pred = [[P[i, j] >= t for j in range(n_labels)] for i in range(n)]
    ex = []
    for i in range(n):
        tp = sum(1 for j in range(n_labels) if Y[i, j] and pred[i][j])
        d = sum(Y[i]) + sum(pred[i])
        if d:
            ex.append(2 * tp / d)
    TP = FP = FN = 0
    ma = []
    for j in range(n_labels):
        tp = sum(1 for i in range(n) if Y[i, j] and pred[i][j])
        fp = sum(1 for i in range(n) if not Y[i, j] and pred[i][j])
        fn = sum(1 for i in range(n) if Y[i, j] and not pred[i][j])
        TP, FP, FN = TP + tp, FP + fp, FN + fn
        ma.append(2 * tp / (2 * tp + fp + fn + 1e-6))
    return {"ex-F1": sum(ex) / len(ex), "mi-F1": 2 * TP / (2 * TP + FP + FN),
            "ma-F1": sum(ma) / n_labels, "HA": 1 - (FP + FN) / (n * n_labels)}


@pytest.mark.parametrize("t", [0.1, 0.5, 0.7])
def test_set_metrics_match_brute_force(t):
    rng = np.random.default_rng(3)
    Y = (rng.random((40, 7)) < 0.3).astype(int)
    P = rng.random((40, 7))
    ours, ref = M.set_metrics(Y, P, t), brute_force_set_metrics(Y, P, t)
    for m in M.SET_METRICS:
        assert ours[m] == pytest.approx(ref[m], abs=1e-12), m


def test_set_metrics_reject_bad_probabilities():
    Y, P = set_case()
    with pytest.raises(ValueError, match="shape of Y_true"):
        M.set_metrics(Y, P[:, :2], 0.5)
    P = P.copy()
    P[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        M.set_metrics(Y, P, 0.5)


def test_threshold_protocols_on_a_known_case():
    # One label, four rows. Validation: only t = 0.3 classifies all rows correctly.
    Yv, Pv = np.array([[1], [0], [1], [0]]), np.array([[0.35], [0.25], [0.45], [0.15]])
    # Test: t = 0.5 and 0.6 are perfect; at t = 0.3 row 3 (0.45, false) is a false positive.
    Yt, Pt = np.array([[1], [0], [1], [0]]), np.array([[0.75], [0.25], [0.65], [0.45]])
    out = M.threshold_protocols(Yv, Pv, Yt, Pt)
    assert set(out) == {"fixed-0.5", "validation", "best-on-test"}
    # validation picks 0.3 for every metric; on test at 0.3: tp 2, fp 1, fn 0.
    val = out["validation"]
    assert val["threshold"] == {m: 0.3 for m in M.SET_METRICS}
    assert val["ex-F1"] == pytest.approx(2 / 3)  # rows 0, 2 -> 1; row 3 -> 0; row 1 skipped
    assert val["mi-F1"] == pytest.approx(4 / 5)
    assert val["ma-F1"] == pytest.approx(4 / (5 + 1e-6), rel=1e-12)
    assert val["HA"] == pytest.approx(3 / 4)
    # best on test: 0.5 and 0.6 tie, the smaller wins; everything is perfect there.
    best = out["best-on-test"]
    assert best["threshold"] == {m: 0.5 for m in M.SET_METRICS}
    assert (best["ex-F1"], best["mi-F1"], best["HA"]) == (1.0, 1.0, 1.0)
    assert out["fixed-0.5"]["mi-F1"] == 1.0 and out["fixed-0.5"]["threshold"]["HA"] == 0.5
    # Without validation data the validation protocol is absent, the others unchanged.
    no_val = M.threshold_protocols(None, None, Yt, Pt)
    assert set(no_val) == {"fixed-0.5", "best-on-test"}
    assert no_val["best-on-test"] == best


def test_threshold_protocols_agree_with_set_metrics_on_random_data():
    rng = np.random.default_rng(5)
    Yv, Yt = (rng.random((60, 9)) < 0.25), (rng.random((50, 9)) < 0.25)
    Pv, Pt = rng.random((60, 9)), rng.random((50, 9))
    out = M.threshold_protocols(Yv, Pv, Yt, Pt)
    for m in M.SET_METRICS:
        on_test = [M.set_metrics(Yt, Pt, t)[m] for t in M.THRESHOLD_GRID]
        on_valid = [M.set_metrics(Yv, Pv, t)[m] for t in M.THRESHOLD_GRID]
        assert out["best-on-test"][m] == max(on_test)
        assert out["validation"][m] == on_test[int(np.argmax(on_valid))]
        assert out["fixed-0.5"][m] == M.set_metrics(Yt, Pt, 0.5)[m]
        assert out["best-on-test"][m] >= out["validation"][m]


# ------------------------------------------------------------------ benchmark plumbing

def test_benchmark_data_is_seeded_and_predictions_are_distinct():
    from xmlstudy.benchmarks.metrics import synthetic_xc

    Y1, t1 = synthetic_xc(2000, 500, 5, seed=4)
    Y2, t2 = synthetic_xc(2000, 500, 5, seed=4)
    assert (Y1 != Y2).nnz == 0 and np.array_equal(t1, t2)
    assert all(len(set(row)) == 5 for row in t1.tolist())
    counts = np.bincount(Y1.indices, minlength=500)
    assert counts[:10].sum() > counts[-250:].sum()  # long tail: the head outweighs half the labels
    assert 0.2 < M.precision_at_k(Y1, t1, 5) < 0.8


def test_benchmark_appends_a_record(tmp_path):
    from xmlstudy.benchmarks.metrics import main

    out = tmp_path / "metrics.jsonl"
    out.write_text('{"earlier": 1}\n')
    assert main(["--n", "500", "--labels", "100", "--repeats", "1", "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert json.loads(lines[0]) == {"earlier": 1} and len(lines) == 2
    rec = json.loads(lines[1])
    assert rec["paper"] == "benchmark" and rec["experiment"] == "metrics"
    assert set(rec["timings"]["xmlstudy_s"]) >= {"P@k", "nDCG@k", "PSP@k"}
    assert rec["provenance"]["git_commit"] is None or len(rec["provenance"]["git_commit"].split("-")[0]) == 40
    if rec["reference_metrics"]:
        assert rec["max_abs_diff"] < 1e-9
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind
