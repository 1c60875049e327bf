"""The registry: every dataset of the study by name, collected from the source modules.

Each source module (``xmlstudy/data/<module>.py``) exposes ``SPECS: list[DatasetSpec]``. A module
that is not installed yet is skipped, so the registry lists what is there; any other import error
is a bug and is raised.
"""
from __future__ import annotations

import importlib
from functools import cache

from xmlstudy.data.dataset import DatasetSpec

SOURCE_MODULES = ("mulan", "reuters", "sider", "recipes", "ucmerced", "debian")


@cache
def specs() -> dict[str, DatasetSpec]:
    """All registry entries by name, in source-module order."""
    found: dict[str, DatasetSpec] = {}
    origin: dict[str, str] = {}
    for module_name in SOURCE_MODULES:
        qualified = f"xmlstudy.data.{module_name}"
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as err:
            if err.name == qualified:
                continue
            raise
        for spec in getattr(module, "SPECS", []):
            if not isinstance(spec, DatasetSpec):
                raise TypeError(f"{qualified}.SPECS holds {type(spec).__name__}; expected DatasetSpec")
            if spec.name in found:
                raise ValueError(f"dataset name {spec.name!r} is defined twice: in "
                                 f"xmlstudy.data.{origin[spec.name]} and {qualified}")
            found[spec.name] = spec
            origin[spec.name] = module_name
    return found


def names() -> list[str]:
    return list(specs())


def spec(name: str) -> DatasetSpec:
    """The registry entry ``name``; an unknown name raises ValueError listing the valid ones."""
    registry = specs()
    if name not in registry:
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(registry)} "
                         f"(for your own files: xmlstudy.data.load_arff(...) for Mulan/MEKA ARFF, "
                         f"load_xc(...) for Extreme Classification Repository text, load_user(...) for either)")
    return registry[name]
