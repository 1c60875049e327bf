"""The landing page's reproducibility summary (xmlstudy.chapters.report)."""
import pandas as pd

from xmlstudy import chapters
from xmlstudy.chapters import report


def test_every_finding_names_claims_the_book_has():
    ids = {c.id for key in chapters.PAPERS for c in chapters.claims_of(key)}
    ids |= {c.id for key in ("synthesis", "scale") for c in chapters.module(key).CLAIMS}
    for finding in report.FINDINGS:
        missing = set(finding.claim_ids) - ids
        assert not missing, f"finding {finding.key!r} names unknown claims {missing}"


def test_scorecard_and_findings_on_a_hand_made_card():
    card = pd.DataFrame({
        "id": ["rankae-table2", "rankae-loss", "x"], "paper": ["Rank-AE", "Rank-AE", "at extreme scale"],
        "claim": ["a", "b", "c"], "verdict": ["not reproduced", "partly", "not testable here"],
        "rule": ["matches-paper", "beats", ""], "margin": ["0 of 6", "2 of 4", ""],
        "evidence": ["e1", "e2", "no data"]})
    counts = report.scorecard(card)
    assert counts.loc["Rank-AE", "claims"] == 2 and counts.loc["Rank-AE", "partly"] == 1
    assert counts.loc["at extreme scale", "not testable here"] == 1
    findings = report.key_findings(card)
    assert list(findings["claim"]) == ["a", "b"]          # published, then components
    assert findings.iloc[0]["verdict"] == "not reproduced (matches-paper)"
    assert list(report.untestable(card)["why"]) == ["no data"]
