"""The claims the cross-paper chapter judges: each paper's "better than the rest", now against
every method of the study on one protocol, and the two claims the papers tested for their own
method only (Rank-AE's robustness to noise, C-GMVAE's lead on few rows), now against all; with
the judges that compute their verdicts (:mod:`xmlstudy.claims`).
"""
from __future__ import annotations

from xmlstudy import claims as claims_
from xmlstudy import methods, stats

from .benchmark import complete, score_matrix, winners
from .fewer import far_stalled, fewer_table
from .experiment_grid import PAPER, SOURCES
from .noise import DROP, noise_table, signed_change
from .sources import benchmark_records, fewer_records, noise_records


def judge_best(method: str, metric: str, what: str):
    """The paper's method has the best average rank on ``metric`` over the data sets where every
    method ran: reproduced when first, partly when within Nemenyi's critical difference of the
    first (not told apart), not reproduced otherwise."""
    def judge(frames: dict) -> claims_.Verdict:
        matrix = complete(score_matrix(benchmark_records(frames), metric))
        if method not in matrix.columns or matrix.shape[0] < 2 or matrix.shape[1] < 3:
            return claims_.Verdict("not testable here", f"{methods.name(method)} lacks records on enough "
                                   "data sets beside the other methods")
        ranks = stats.average_ranks(matrix)
        cd = stats.critical_difference(len(ranks), matrix.shape[0])
        first, mine = ranks.index[0], ranks[method]
        place = list(ranks.index).index(method) + 1
        evidence = (f"{what}: {methods.name(method)} is {place} of {len(ranks)} methods (average rank "
                    f"{mine:.2f} over {matrix.shape[0]} data sets; best {methods.name(first)} "
                    f"{ranks.iloc[0]:.2f}; critical difference {cd:.2f})")
        if first == method:
            return claims_.Verdict("reproduced", evidence)
        return claims_.Verdict("partly" if mine - ranks.iloc[0] < cd else "not reproduced", evidence)
    return judge


def judge_noise(frames: dict) -> claims_.Verdict:
    """Rank-AE keeps the most of its clean P@1 at the highest noise rate, in each (data set,
    noise kind), against every method."""
    table = noise_table(noise_records(frames), "P@1")
    if not len(table) or DROP not in table.columns:
        return claims_.Verdict("not testable here", "no noise records")
    rankae = methods.name("rankae")
    wins, total, parts = 0, 0, []
    for (dataset, kind), group, best in winners(table, ["dataset", "noise"], DROP, lowest=True):
        if rankae not in set(group["method"]):
            continue
        total += 1
        wins += best["method"] == rankae
        mine = group.loc[group["method"] == rankae, DROP].iloc[0]
        parts.append(f"{dataset} {kind}: Rank-AE {signed_change(mine)}, least lost {best['method']} "
                     f"{signed_change(best[DROP])}")
    if not total:
        return claims_.Verdict("not testable here", "Rank-AE has no noise records beside 2 other methods")
    return claims_.Verdict(claims_.share_verdict(wins, total),
                           f"Rank-AE loses the least P@1 in {wins} of {total} settings (data set and noise kind): "
                           + "; ".join(parts))


def judge_fewer(frames: dict) -> claims_.Verdict:
    """C-GMVAE's lead at 10% of train (its Figure 2): ahead of every method on validation-
    threshold macro-F1 at 10% of the rows, per data set."""
    few = fewer_records(frames)
    table = fewer_table(few, "validation/ma-F1")
    if not len(table) or "10%" not in table.columns:
        return claims_.Verdict("not testable here", "no fewer-data records")
    far = far_stalled(few)
    cgmvae = methods.name("cgmvae")
    stuck = set(far.loc[(far["method"] == cgmvae) & (far["share"] == "10%"), "dataset"]) if len(far) else set()
    wins, total, parts = 0, 0, []
    for dataset, group, best in winners(table, "dataset", "10%"):
        if cgmvae not in set(group["method"]):
            continue
        total += 1
        wins += best["method"] == cgmvae
        mine = group.loc[group["method"] == cgmvae, "10%"].iloc[0]
        rank = int((group["10%"] > mine).sum()) + 1
        parts.append(f"{dataset}: C-GMVAE {mine:.2f}, {rank} of {len(group)}, best {best['method']} {best['10%']:.2f}"
                     + (" (C-GMVAE stalled in its first plateau)" if dataset in stuck else ""))
    if not total:
        return claims_.Verdict("not testable here", "C-GMVAE has no 10% records beside 2 other methods")
    return claims_.Verdict(claims_.share_verdict(wins, total),
                           f"C-GMVAE is first at 10% of train in {wins} of {total} data sets ("
                           + "; ".join(parts) + ")")


# Judged on this chapter's records; the chapters' record files are read when they hold records
# (the smoke profile has no C-GMVAE embeddings runs, for one).
BENCHMARK_FILES = (f"{PAPER}/benchmark",)
REUSED_FILES = tuple(n for n in SOURCES if n not in BENCHMARK_FILES)
CLAIMS = (
    claims_.Claim("synthesis-dxml", PAPER, "DXML outperforms the other methods (DXML, Tables 2-5: "
                  "P@k)", "DXML, section 4", BENCHMARK_FILES, judge_best("dxml", "P@1", "P@1"),
                  section="synthesis-ranks", optional=REUSED_FILES),
    claims_.Claim("synthesis-rankae", PAPER, "Rank-AE has the best average rank (Rank-AE, Table 2: "
                  "P@k)", "Rank-AE, Table 2", BENCHMARK_FILES, judge_best("rankae", "P@1", "P@1"),
                  section="synthesis-ranks", optional=REUSED_FILES),
    claims_.Claim("synthesis-cgmvae", PAPER, "C-GMVAE beats the other methods on the set metrics "
                  "(C-GMVAE, Tables 1-3: macro-F1)", "C-GMVAE, Tables 1-3", BENCHMARK_FILES,
                  judge_best("cgmvae", "validation/ma-F1", "macro-F1, validation thresholds"),
                  section="synthesis-ranks", optional=REUSED_FILES),
    claims_.Claim("synthesis-nnae", PAPER, "The non-negative autoencoder's two-step classifier "
                  "predicts as well as the other methods (its paper's many-label claim)",
                  "the non-negative autoencoder paper, section 5", BENCHMARK_FILES,
                  judge_best("nnae", "P@1", "P@1"), section="synthesis-ranks",
                  optional=REUSED_FILES),
    claims_.Claim("synthesis-noise", PAPER, "Rank-AE is the most robust to noisy labels, now against "
                  "every method (Rank-AE, Figure 3)", "Rank-AE, Figure 3",
                  (f"{PAPER}/noise",), judge_noise, section="synthesis-noise",
                  optional=(*REUSED_FILES, *BENCHMARK_FILES, "rankae/noise")),
    claims_.Claim("synthesis-fewer-data", PAPER, "C-GMVAE learns best from few training rows, now "
                  "against every method (C-GMVAE, Figure 2)", "C-GMVAE, Figure 2",
                  (f"{PAPER}/fewer_data",), judge_fewer, section="synthesis-fewer-data",
                  optional=(*REUSED_FILES, *BENCHMARK_FILES, "cgmvae/fewer_data")),
)
