"""environment.yml (conda) must install what pyproject.toml declares, with the same pins."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def name_of(requirement: str) -> str:
    """'scikit-learn>=1.5' -> 'scikit-learn'; PEP 503 normalised."""
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1)
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_packages() -> set[str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return {name_of(r) for r in tomllib.load(f)["project"]["dependencies"]}


def environment_pip_lines() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip: section"
    return pip_sections[0]


def test_environment_names_the_pyproject_packages():
    listed = {name_of(line) for line in environment_pip_lines() if not line.startswith("-")}
    declared = pyproject_packages()
    assert listed - declared == set(), f"in environment.yml but not pyproject.toml: {sorted(listed - declared)}"
    assert declared - listed == set(), f"in pyproject.toml but not environment.yml: {sorted(declared - listed)}"


def test_environment_uses_the_constraints_and_installs_the_package():
    lines = environment_pip_lines()
    assert lines[0] == "torch==2.13.0", "torch must come first with its exact pin"
    assert "-c constraints.txt" in lines
    assert lines[-1] == "-e ."
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]


def test_constraints_pin_every_declared_package():
    pinned = {name_of(line) for line in (ROOT / "constraints.txt").read_text().splitlines()
              if "==" in line and not line.startswith("#")}
    missing = pyproject_packages() - pinned
    assert not missing, f"constraints.txt has no exact pin for {sorted(missing)}"
