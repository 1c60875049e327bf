"""The reproducibility summary on the book's landing page: scope, the scorecard of every paper,
the findings that matter most, and what could not be tested here.

Everything here is read from the verdicts (:func:`xmlstudy.chapters.all_verdicts`) and the
records behind them; the landing page (``book/intro.md``) writes the prose around it. A finding
is a group of claims whose verdicts, margins and evidence are shown together, so that a finding
says only what its claims' judges checked.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from xmlstudy import chapters, claims, experiments, methods, rules

ORDER = ("reproduced", "partly", "not reproduced", "not testable here")


@dataclass(frozen=True)
class Finding:
    """One of the landing page's key findings: a headline in words and the claims (by id) whose
    verdicts make it."""

    key: str
    headline: str
    claim_ids: tuple


# The headlines are questions: the verdicts beside them, computed from the records, answer them.
FINDINGS = (
    Finding("common-ground", "Is each paper's method the best of all the study's methods, under "
            "one protocol, on its own metric?", ("synthesis-dxml", "synthesis-rankae",
                                                 "synthesis-cgmvae", "synthesis-nnae")),
    Finding("published", "Are the published numbers reached on the public data, under the "
            "papers' own split protocols?", ("dxml-numbers-paper-split", "rankae-table2",
                                              "cgmvae-numbers-paper-split")),
    Finding("components", "Does each component a paper credits beat the model without it, "
            "beyond seed noise?", ("dxml-nonlinear", "rankae-attention", "rankae-loss",
                                    "cgmvae-ablation")),
    Finding("robustness", "Does the method a paper calls robust to noise, or to few training "
            "rows, lose least against every method?", ("synthesis-noise", "synthesis-fewer-data")),
    Finding("scale", "Do the papers' accuracy and cost claims hold at Wiki10-31K's scale, on a "
            "real data set no paper tuned for (debian-deps)?",
            ("scale-dxml", "scale-rankae", "scale-cgmvae", "scale-c2ae", "scale-one-vs-all")),
)


def scorecard(card: pd.DataFrame) -> pd.DataFrame:
    """Per part of the book (each paper, then on common ground and at extreme scale), how many
    claims got each verdict."""
    counts = card.groupby(["paper", "verdict"], sort=False).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(ORDER), fill_value=0)
    counts.insert(0, "claims", counts.sum(axis=1))
    return counts.rename_axis(index=None, columns=None)


def key_findings(card: pd.DataFrame) -> pd.DataFrame:
    """One row per claim of each finding of :data:`FINDINGS` that the book judges: the finding,
    the claim, its verdict (with its rule) and its margin."""
    by_id = card.set_index("id")
    rows = []
    for number, finding in enumerate(FINDINGS, start=1):
        for claim_id in finding.claim_ids:
            if claim_id not in by_id.index:
                continue
            row = by_id.loc[claim_id]
            rows.append({"finding": f"{number}. {finding.headline}", "claim": row["claim"],
                         "verdict": row["verdict"] + (f" ({row['rule']})" if row["rule"] else ""),
                         "margin": row["margin"] or row["evidence"]})
    return pd.DataFrame(rows, columns=["finding", "claim", "verdict", "margin"])


def findings_markdown(card: pd.DataFrame) -> str:
    """:func:`key_findings` as a MyST table, the finding named once per group."""
    table = key_findings(card)
    lines = ["| finding | claim | verdict | margin |", "|---|---|---|---|"]
    previous = None
    for row in table.itertuples(index=False):
        finding = row.finding if row.finding != previous else ""
        previous = row.finding
        lines.append("| " + " | ".join(claims._cell(x) for x in (finding, row.claim, f"**{row.verdict}**",
                                                               row.margin)) + " |")
    return "\n".join(lines)


def untestable(card: pd.DataFrame) -> pd.DataFrame:
    """The claims the book cannot test, with the reason each gives."""
    part = card[card["verdict"] == "not testable here"]
    return pd.DataFrame({"part": part["paper"], "claim": part["claim"], "why": part["evidence"]}).reset_index(drop=True)


def numbers(card: pd.DataFrame, profile: str = "full") -> dict:
    """The glued numbers of the landing page's prose, as text."""
    from xmlstudy.data import registry

    papers = card[card["paper"].isin([p.name for p in chapters.PAPERS.values()])]
    reached = chapters.published_numbers(papers)
    out = {
        "report_n_papers": str(len(chapters.PAPERS)),
        "report_n_claims": str(len(papers)),
        "report_n_verdicts": str(len(card)),
        "report_n_reproduced": str(int((papers["verdict"] == "reproduced").sum())),
        "report_n_partly": str(int((papers["verdict"] == "partly").sum())),
        "report_n_untestable": str(int((papers["verdict"] == "not testable here").sum())),
        "report_n_datasets": str(len(registry.names())),
        "report_n_methods": str(len(methods.METHODS)),
        "report_tolerance": f"{rules.DECLARED.tolerance:g}",
        "report_min_runs": str(rules.MIN_RUNS),
        "report_numbers_reached": str(int(reached["reached"].fillna(0).sum())),
        "report_numbers_compared": str(int(reached["compared"].fillna(0).sum())),
    }
    n_records = sum(len(experiments.load_records(paper, profile=profile))
                    for paper in ("baselines", *chapters.PAPERS, "synthesis", "scale"))
    out["report_n_records"] = f"{n_records:,}"
    return out
