"""The cross-data-set statistics on worked examples with known answers."""
import numpy as np
import pandas as pd
import pytest

from xmlstudy import stats


def test_average_ranks_and_friedman_on_a_hand_computed_example():
    # Three data sets where method a always beats b, which always beats c: ranks 1, 2, 3.
    scores = pd.DataFrame({"a": [0.9, 0.8, 0.7], "b": [0.5, 0.6, 0.4], "c": [0.1, 0.2, 0.3]})
    assert stats.average_ranks(scores).to_dict() == {"a": 1.0, "b": 2.0, "c": 3.0}
    # chi2_F = 12 N / (k (k + 1)) * (sum R_j^2 - k (k + 1)^2 / 4) = 3 * (14 - 12) = 6
    result = stats.friedman(scores)
    assert result["statistic"] == pytest.approx(6.0)
    assert result["p"] == pytest.approx(np.exp(-3.0))          # chi2 with 2 dof: P(X > 6) = e^-3


def test_ties_share_the_mean_rank_and_lower_can_be_better():
    scores = pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, 3.0], "c": [0.5, 1.0]})
    assert stats.average_ranks(scores).to_dict() == {"b": 1.25, "a": 1.75, "c": 3.0}
    assert stats.average_ranks(scores, higher_is_better=False)["c"] == 1.0


def test_missing_cells_are_refused_with_the_methods_named():
    with pytest.raises(ValueError, match=r"missing cells for \['b'\]"):
        stats.average_ranks(pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, None]}))


def test_critical_difference_matches_demsars_worked_example():
    # Demšar (2006), section 3.2.2: four methods on fourteen data sets, CD = 1.25 at alpha 0.05.
    assert stats.critical_difference(4, 14) == pytest.approx(1.25, abs=0.005)
    with pytest.raises(ValueError, match="at least 2 methods"):
        stats.critical_difference(1, 14)


def test_nemenyi_q_reproduces_demsars_table_and_grows_beyond_it():
    for k, q in stats.NEMENYI_Q_05.items():
        assert stats.nemenyi_q(k) == pytest.approx(q, abs=0.0015)
    # Beyond the table (the study compares 11 methods): q keeps growing with k.
    assert stats.NEMENYI_Q_05[10] < stats.nemenyi_q(11) < stats.nemenyi_q(12)


def test_paired_bootstrap_of_a_constant_lead_is_that_lead():
    rng = np.random.default_rng(0)
    b = rng.random(500)
    r = stats.paired_bootstrap(b + 0.1, b, resamples=2000)
    assert r["difference"] == pytest.approx(0.1) and r["low"] == pytest.approx(0.1)
    assert r["high"] == pytest.approx(0.1) and r["ahead"] == 1.0


def test_paired_bootstrap_interval_covers_a_coin_flip_lead_of_zero():
    # a right on rows 0..49 and b on 50..99: equal means, and the interval must straddle 0 with
    # a half-width near 1.96 * sd(diff) / sqrt(n) = 1.96 * 1 / 10.
    a = np.r_[np.ones(50), np.zeros(50)]
    b = 1 - a
    r = stats.paired_bootstrap(a, b, resamples=10_000, seed=1)
    assert r["difference"] == 0.0 and r["low"] < 0 < r["high"]
    assert (r["high"] - r["low"]) / 2 == pytest.approx(0.196, abs=0.02)
    assert 0.4 < r["ahead"] < 0.6


def test_pareto_front_on_a_hand_made_set():
    cost = [1, 2, 3, 2, 5]
    accuracy = [0.5, 0.7, 0.6, 0.7, 0.9]
    # (3, 0.6) is beaten by (2, 0.7); the two (2, 0.7) tie and both stay.
    assert stats.pareto_front(cost, accuracy).tolist() == [True, True, False, True, True]
