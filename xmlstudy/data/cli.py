"""``python -m xmlstudy data list | verify``: what data the study has, and whether it is intact."""
from __future__ import annotations

import argparse
import sys

from xmlstudy import data


def _statistics(name: str, data_dir) -> dict:
    """Sizes measured on the loaded data (train and test as the study uses them)."""
    splits = data.load(name, valid_fraction=0.0, data_dir=data_dir)
    rows = len(splits.train) + len(splits.test)
    positives = splits.train.Y.sum() + splits.test.Y.sum()
    return {"train": len(splits.train), "test": len(splits.test), "features": splits.train.n_features,
            "labels": splits.train.n_labels, "cardinality": float(positives / max(rows, 1))}


def _expected(name: str) -> dict:
    exp = data.spec(name).expected
    return {k: exp.get(k, "?") for k in ("train", "test", "features", "labels", "cardinality")}


def _short(text: str, width: int = 72) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def list_datasets(measure: bool, data_dir=None, out=None) -> int:
    out = out or sys.stdout
    header = f"{'name':<14}{'train':>8}{'test':>8}{'features':>10}{'labels':>8}{'card.':>8}  source"
    print(header, file=out)
    print("-" * len(header), file=out)
    for name in data.names():
        stats = _statistics(name, data_dir) if measure else _expected(name)
        card = stats["cardinality"]
        card = f"{card:.2f}" if isinstance(card, float) else str(card)
        print(f"{name:<14}{stats['train']:>8}{stats['test']:>8}{stats['features']:>10}"
              f"{stats['labels']:>8}{card:>8}  {_short(data.spec(name).source)}", file=out)
    if not measure:
        print("\n(statistics from the registry; drop --expected to measure them on the loaded data)",
              file=out)
    return 0


def verify_files(names, data_dir=None, out=None) -> int:
    out = out or sys.stdout
    report = data.verify(names or None, data_dir=data_dir)
    for row in report:
        status = "OK" if row["ok"] else "FAILED"
        line = f"{status:<7}{row['dataset']:<14}{row['path']}"
        print(line if row["ok"] else f"{line}\n       {row['message']}", file=out)
    failed = sum(not r["ok"] for r in report)
    print(f"\n{len(report) - failed} of {len(report)} files OK", file=out)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xmlstudy data", description=__doc__)
    parser.add_argument("--data-dir", default=None,
                        help="folder with the mirror layout of the raw files (default: XMLSTUDY_DATA_DIR "
                             "or ../shared/data)")
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="a table of the datasets (loads each one)")
    listing.add_argument("--expected", action="store_true",
                         help="print the registry's expected statistics instead of loading the data")
    check = sub.add_parser("verify", help="check every raw file's sha256; exit code 1 on failure")
    check.add_argument("names", nargs="*", help="datasets to check (default: all)")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            return list_datasets(measure=not args.expected, data_dir=args.data_dir)
        return verify_files(args.names, data_dir=args.data_dir)
    except (data.DataError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
