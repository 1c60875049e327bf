"""Benchmarks: ``python -m xmlstudy bench <name>``. One module per benchmark, each with
``main(argv)``; they print a table and write a record to ``results/benchmark/<name>.jsonl``."""
from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "metrics": "xmlstudy.benchmarks.metrics",
    "dxml": "xmlstudy.benchmarks.dxml",
    "cgmvae": "xmlstudy.benchmarks.cgmvae",
    "grid": "xmlstudy.benchmarks.grid",
    "rankae": "xmlstudy.benchmarks.rankae",
    "nnae": "xmlstudy.benchmarks.nnae",
    "scale": "xmlstudy.benchmarks.scale",
    "synthetic": "xmlstudy.benchmarks.synthetic",
    "evaluate": "xmlstudy.benchmarks.evaluate",
    "budget": "xmlstudy.benchmarks.budget",
    "cost": "xmlstudy.benchmarks.cost",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHMARKS:
        got = repr(argv[0]) if argv else "nothing"
        print(f"bench: got {got}; valid benchmarks: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    from xmlstudy.benchmarks import limits

    limits.RUN_START = limits.snapshot()   # what else ran is recorded with every record
    return int(importlib.import_module(BENCHMARKS[argv[0]]).main(argv[1:]) or 0)


def provenance(name: str, argv: list[str], packages: tuple, device: str = "cpu",
               cpu: dict | None = None) -> dict:
    """Where, when and how benchmark ``name`` ran: git commit, the versions of ``packages``, the
    device and CPU, the date and the command line that reruns it."""
    from xmlstudy import records

    return {"git_commit": records.git_commit(), "versions": records.versions(packages),
            "device": device, "cpu": cpu or records.cpu(), "date": records.utc_now(),
            "command": " ".join([f"python -m xmlstudy bench {name}", *argv])}
