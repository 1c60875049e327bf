"""A paper's claims as data, and their verdicts computed from result records.

A :class:`Claim` names what a paper says (in short), where it says it (table, figure or
section), the record files it is judged on ("dxml/main" = ``results/dxml/main.jsonl``) and a
function that turns those records into a :class:`Verdict`. A claim that this study cannot test
(its data are not public, its rival is not available) has no judge and says why. Every chapter
opens with the table of its claims; the summary page gathers the claims of every paper. Nothing
here knows any paper: the claims themselves live in the chapter modules, and how a verdict is
decided (one rule per kind of claim) in :mod:`xmlstudy.rules`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd

VERDICTS = ("reproduced", "partly", "not reproduced", "not testable here")
# The split protocols a claim on published numbers can be judged under (Claim.protocol).
PAPER_SPLIT = "the paper's own split protocol"
OWN_SPLIT = "the data set's own split (not the paper's protocol)"


@dataclass(frozen=True)
class Verdict:
    """The outcome of a claim and the numbers that decide it (``evidence``, one sentence), the
    rule that decided it and its margin (:mod:`xmlstudy.rules`); a claim judged by counting
    checks also gives ``hits`` of ``checks``."""

    verdict: str
    evidence: str
    hits: int | None = None
    checks: int | None = None
    rule: str = ""      # the key of the rule in xmlstudy.rules.RULES that decided it
    margin: str = ""    # how far the evidence is from the rule's line, in words

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"Verdict: got {self.verdict!r}; valid: {', '.join(VERDICTS)}")


@dataclass(frozen=True)
class Claim:
    """One claim of a paper.

    ``judge`` receives ``{record file: DataFrame}`` for exactly the files in ``records`` (frames
    of :func:`xmlstudy.experiments.records_frame`) and returns a :class:`Verdict`. ``section``
    is the label of the chapter section that holds the evidence; ``reason`` says why a claim
    without a judge cannot be tested here. A claim that the paper's published numbers are
    reached names the split ``protocol`` its records follow (the paper's own, or not), so the
    summary can count matched numbers protocol by protocol. ``optional`` names record files the
    judge also reads when they exist (an empty one does not make the claim untestable). ``rule``
    is the key of the rulebook's rule that judges it (:data:`xmlstudy.rules.RULES`; the judge's
    verdict must name the same rule); ``test_tuned`` says that its evidence rests on thresholds
    tuned on the test set (a paper's protocol), which the claims table states."""

    id: str
    paper: str
    claim: str
    where: str
    records: tuple = ()
    judge: Callable[[dict], Verdict] | None = None
    section: str = ""
    reason: str = ""
    protocol: str = ""
    optional: tuple = ()
    rule: str = ""
    test_tuned: bool = False

    def __post_init__(self) -> None:
        if self.judge is None and (self.records or not self.reason):
            raise ValueError(f"claim {self.id!r}: a claim without a judge has no records and "
                             "must give the reason it cannot be tested here")
        if self.judge is not None and not self.records:
            raise ValueError(f"claim {self.id!r}: a judged claim must name the record files "
                             "it is judged on, e.g. records=('dxml/main',)")

    def evaluate(self, frames: dict) -> Verdict:
        """The verdict on the records in ``frames``; "not testable here" when the claim has no
        judge or one of its record files holds no record."""
        if self.judge is None:
            return Verdict("not testable here", self.reason, rule=self.rule)
        empty = [name for name in self.records if name not in frames or len(frames[name]) == 0]
        if empty:
            return Verdict("not testable here", f"no records in {', '.join(empty)}", rule=self.rule)
        given = {name: frames[name] for name in self.records}
        given.update({name: frames[name] for name in self.optional if name in frames})
        verdict = self.judge(given)
        if self.rule and verdict.verdict != "not testable here" and verdict.rule != self.rule:
            raise ValueError(f"claim {self.id!r} declares the rule {self.rule!r} but its judge "
                             f"decided by {verdict.rule!r}; judge it with xmlstudy.rules")
        return verdict if verdict.rule else Verdict(**{**verdict.__dict__, "rule": self.rule})


def evaluate(claims, frames: dict) -> pd.DataFrame:
    """One row per claim: id, paper, claim, where, verdict, evidence, section, and for claims
    on published numbers the split protocol and how many numbers were reached (hits of
    checks)."""
    columns = ["id", "paper", "claim", "where", "verdict", "evidence", "section", "protocol",
               "hits", "checks", "rule", "margin", "test_tuned"]
    rows = []
    for claim in claims:
        v = claim.evaluate(frames)
        rows.append({"id": claim.id, "paper": claim.paper, "claim": claim.claim,
                     "where": claim.where, "verdict": v.verdict, "evidence": v.evidence,
                     "section": claim.section, "protocol": claim.protocol, "hits": v.hits,
                     "checks": v.checks, "rule": v.rule, "margin": v.margin,
                     "test_tuned": claim.test_tuned})
    return pd.DataFrame(rows, columns=columns)


def _cell(text: str) -> str:
    # Markdown table cells: a pipe or a line break would end the cell. A comma between words
    # ("--methods a,b,c" in a command) gets a zero-width space, a place the line may break, so
    # that one long token does not push the table past the text column.
    text = str(text).replace("|", "\\|").replace("\n", " ")
    return re.sub(r",(?=[A-Za-z])", ",\u200b", text)


TEST_TUNED = "judged under thresholds tuned on the test set, as the paper's protocol does"


def markdown_table(table: pd.DataFrame, link_sections: bool = True) -> str:
    """The rows of :func:`evaluate` as a MyST Markdown table (rendered by the book): the
    verdict in bold with a link to its rule on the rulebook page ("How a verdict is decided"),
    the margin, and, with ``link_sections``, a link to the section with the evidence."""
    lines = ["| claim | where | verdict, by the rule | margin | the numbers that decide it |",
             "|---|---|---|---|---|"]
    for row in table.itertuples(index=False):
        where = _cell(row.where)
        if link_sections and row.section:
            where = f"{{ref}}`{where} <{row.section}>`"
        rule = getattr(row, "rule", "")
        verdict = f"**{row.verdict}**" + (f" ({{ref}}`{rule} <rule-{rule}>`)" if rule else "")
        claim = _cell(row.claim) + (f" *({TEST_TUNED})*" if getattr(row, "test_tuned", False) else "")
        lines.append(f"| {claim} | {where} | {verdict} | {_cell(getattr(row, 'margin', ''))} | "
                     f"{_cell(row.evidence)} |")
    return "\n".join(lines)
