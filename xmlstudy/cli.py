"""The command line: ``python -m xmlstudy <command> ...``.

Each command lives in the module that owns the concept; this file only dispatches, so that
``python -m xmlstudy --help`` lists everything there is.
"""
from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "data": ("xmlstudy.data.cli", "list the datasets, verify their files (data list | data verify)"),
    "bench": ("xmlstudy.benchmarks", "time and size benchmarks (bench metrics | evaluate | dxml | rankae | cgmvae | grid | nnae | scale | synthetic)"),
    "run": ("xmlstudy.chapters", "run a grid of experiments and write result records (run --paper dxml)"),
    "records": ("xmlstudy.records", "move bulky arrays of record files to sidecars, check them (records migrate | verify)"),
}


def _usage() -> str:
    lines = ["usage: python -m xmlstudy <command> [options]", "", "commands:"]
    lines += [f"  {name:<8} {help_}" for name, (_, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"unknown command {command!r}; valid: {', '.join(COMMANDS)}\n\n{_usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[command][0])
    return int(module.main(rest) or 0)
