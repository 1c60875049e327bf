"""Validation of notebook parameters.

The first code cell of every notebook (tagged ``parameters``) holds literals only; papermill
overwrites them with ``-p name value``. Papermill only *warns* about a name the notebook does not
declare, so a typo such as ``-p seed 1`` (for ``seeds``) would silently run the defaults. The
second cell therefore calls::

    from xmlstudy.parameters import validate, PROFILE, DEVICE, one_or_more_of, list_of
    params = validate(globals(), {"profile": PROFILE, "device": DEVICE,
                                  "datasets": one_or_more_of(["bibtex", "delicious"]),
                                  "seeds": list_of(int)})

which raises a ``ValueError`` naming the bad parameter and the valid choices. Use ``params.NAME``
afterwards, not the bare name: ``papermill -p seeds "[0, 1]"`` passes the *string* "[0, 1]"
(papermill's ``-p`` knows only numbers, booleans, None and strings), and ``validate`` turns such a
bracketed literal into the list it spells. ``-y "seeds: [0, 1]"`` passes a real list.

A rule is one of

* a tuple of allowed values, e.g. ``("smoke", "full")``;
* a type (or tuple of types is *not* accepted: use a callable), e.g. ``int``; ``bool`` is not
  accepted where ``int`` is asked for, and an ``int`` is accepted where ``float`` is;
* a callable ``rule(value) -> str | None`` returning an error message, or ``None`` when the
  value is fine.
"""
from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterable

# Names IPython puts into a notebook's namespace that are not parameters.
_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}
# Only values a papermill parameter cell can produce count as parameters; imported modules,
# functions and classes in the namespace are ignored.
_LITERAL_TYPES = (str, int, float, bool, type(None), list, tuple, dict)

Rule = Any  # tuple of allowed values | type | callable(value) -> str | None


def _type_ok(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _check(value: Any, rule: Rule) -> str | None:
    """Error message for ``value`` under ``rule``, or None when it passes."""
    if isinstance(rule, tuple):
        # True == 1 in Python; a flag must not pass for a number or the other way round.
        if any(v == value and isinstance(v, bool) == isinstance(value, bool) for v in rule):
            return None
        return f"got {value!r}; valid: {', '.join(repr(v) for v in rule)}"
    if isinstance(rule, type):
        if _type_ok(value, rule):
            return None
        return f"got {value!r} ({type(value).__name__}); expected a {rule.__name__}"
    if callable(rule):
        return rule(value)
    raise TypeError(f"invalid rule {rule!r}: use a tuple of allowed values, a type or a callable")


def one_of(choices: Iterable) -> Callable[[Any], str | None]:
    """Rule: the value is one of ``choices``."""
    allowed = tuple(choices)
    return lambda value: _check(value, allowed)


def list_of(rule: Rule, *, min_len: int = 1) -> Callable[[Any], str | None]:
    """Rule: a list (or tuple) of at least ``min_len`` elements, each passing ``rule``."""

    def check(value: Any) -> str | None:
        if not isinstance(value, (list, tuple)):
            return f"got {value!r}; expected a list, e.g. [{_example(rule)}]"
        if len(value) < min_len:
            return f"got {value!r}; expected at least {min_len} element(s)"
        for i, element in enumerate(value):
            problem = _check(element, rule)
            if problem:
                return f"element {i}: {problem}"
        return None

    return check


def one_or_more_of(choices: Iterable) -> Callable[[Any], str | None]:
    """Rule: a non-empty list of distinct values taken from ``choices``."""
    allowed = tuple(choices)
    inner = list_of(allowed)

    def check(value: Any) -> str | None:
        problem = inner(value)
        if problem is None and len(set(value)) != len(value):
            return f"got {value!r}; each value may appear only once"
        return problem

    return check


def in_range(low: float, high: float, kind: type = float) -> Callable[[Any], str | None]:
    """Rule: a number of type ``kind`` with ``low <= value <= high``."""

    def check(value: Any) -> str | None:
        if not _type_ok(value, kind):
            return f"got {value!r}; expected a {kind.__name__} in [{low}, {high}]"
        if not low <= value <= high:
            return f"got {value!r}; expected a value in [{low}, {high}]"
        return None

    return check


def optional(rule: Rule) -> Callable[[Any], str | None]:
    """Rule: ``None``, or a value that passes ``rule``."""
    return lambda value: None if value is None else _check(value, rule)


def existing_file(value: Any) -> str | None:
    """Rule: the path of a file that exists."""
    if not isinstance(value, str):
        return f"got {value!r}; expected the path of a file, as a string"
    if not Path(value).expanduser().is_file():
        return f"no file at {value!r}; give the path of an existing file"
    return None


def _example(rule: Rule) -> str:
    if isinstance(rule, tuple) and rule:
        return repr(rule[0])
    if rule is int:
        return "0, 1, 2"
    return "..."


# Rules every notebook uses.
PROFILE = ("smoke", "full")
DEVICE = ("auto", "cpu", "cuda")
SEEDS = list_of(int)


def parameters_in(namespace: dict) -> dict:
    """The notebook parameters in ``namespace`` (usually ``globals()``): public names bound to
    literal-typed values, except the ready-made rules of this module (``from
    xmlstudy.parameters import PROFILE`` puts a tuple into the namespace, but not a parameter)."""
    own_rules = [PROFILE, DEVICE]
    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_")
        and name not in _IPYTHON_NAMES
        and isinstance(value, _LITERAL_TYPES)
        and not any(value is rule for rule in own_rules)
    }


def _literal(value: Any) -> Any:
    """A string spelling a list, tuple or dict literal (papermill -p NAME "[0, 1]") as that value;
    anything else unchanged."""
    if isinstance(value, str):
        text = value.strip()
        if text[:1] + text[-1:] in ("[]", "()", "{}"):
            try:
                return ast.literal_eval(text)
            except (ValueError, SyntaxError):
                return value
    return value


def validate(namespace: dict, rules: dict[str, Rule]) -> SimpleNamespace:
    """Check the notebook parameters in ``namespace`` against ``rules`` and return them as an
    attribute object. Raises ``ValueError`` for a name without a rule (a typo in ``papermill -p``),
    a parameter the rules expect but the namespace lacks, or a value a rule rejects."""
    given = {name: _literal(value) for name, value in parameters_in(namespace).items()}
    unknown = sorted(set(given) - set(rules))
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))}; valid parameters: "
            f"{', '.join(rules)}. (Check the spelling in 'papermill -p NAME VALUE'.)"
        )
    missing = [name for name in rules if name not in given]
    if missing:
        raise ValueError(
            f"parameter(s) {', '.join(map(repr, missing))} missing from the parameters cell; "
            f"it must define: {', '.join(rules)}"
        )
    problems = []
    for name, rule in rules.items():
        problem = _check(given[name], rule)
        if problem:
            problems.append(f"parameter {name!r}: {problem}")
    if problems:
        raise ValueError("invalid notebook parameters:\n  " + "\n  ".join(problems))
    return SimpleNamespace(**{name: given[name] for name in rules})
