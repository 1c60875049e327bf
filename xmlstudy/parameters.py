"""Validation of notebook parameters.

The first code cell of every notebook (tagged ``parameters``) holds literals only; papermill
overwrites them with ``-p name value``. Papermill only *warns* about a name the notebook does not
declare, so a typo such as ``-p seed 1`` (for ``seeds``) would silently run the defaults. The
second cell therefore calls its chapter's ``validate(globals())``, which checks them, e.g.::

    def validate(namespace):   # in the chapter; check: this module's validate
        profile = profile_asked(namespace)   # the grid's data sets depend on it
        return check(namespace, {
            "profile": PROFILE, "device": DEVICE,
            "datasets": optional(datasets_in_grid(grid(profile), "DXML", profile)),
            "seeds": optional(SEEDS), "results_dir": optional(writable_dir),
            "xc_train": optional(existing_file), "xc_test": optional(existing_file)},
            joint=[user_data_files("xc_train", "xc_test")])

which raises a ``ValueError`` naming the bad parameter and the valid choices. Every check that
can fail is made here, before the notebook computes anything: a result folder that cannot be
written (:func:`writable_dir`), a user's data file that does not parse (:func:`user_data_files`,
a rule over two parameters, passed as ``joint=``). Use ``params.NAME``
afterwards, not the bare name: ``papermill -p seeds "[0, 1]"`` passes the *string* "[0, 1]"
(papermill's ``-p`` knows only numbers, booleans, None and strings), and ``validate`` turns such a
bracketed literal into the list it spells. ``-y "seeds: [0, 1]"`` passes a real list.

A rule is one of

* a tuple of allowed values, e.g. ``("smoke", "full")``;
* a type (or tuple of types is *not* accepted: use a callable), e.g. ``int``; ``bool`` is not
  accepted where ``int`` is asked for, and an ``int`` is accepted where ``float`` is;
* a callable ``rule(value) -> str | None`` returning an error message, or ``None`` when the
  value is fine.

A joint rule (``validate(..., joint=[...])``) is a callable ``rule(params: dict) -> str | None``
over all parameters at once, for what no single parameter can tell (two that go together).
"""
from __future__ import annotations

import ast
import tempfile
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


def list_of(rule: Rule, *, min_len: int = 1, distinct: bool = False) -> Callable[[Any], str | None]:
    """Rule: a list (or tuple) of at least ``min_len`` elements, each passing ``rule``; with
    ``distinct``, none repeated."""

    def check(value: Any) -> str | None:
        if not isinstance(value, (list, tuple)):
            return f"got {value!r}; expected a list, e.g. [{_example(rule)}]"
        if len(value) < min_len:
            return f"got {value!r}; expected at least {min_len} element(s)"
        for i, element in enumerate(value):
            problem = _check(element, rule)
            if problem:
                return f"element {i}: {problem}"
        if distinct:
            twice = _repeated(value)
            if twice is not None:
                return f"got {value!r}; {twice!r} appears more than once, each value may appear only once"
        return None

    return check


def _repeated(values) -> Any:
    """The first value that appears a second time in ``values``, or None."""
    seen = []
    for v in values:
        if any(v == s and isinstance(v, bool) == isinstance(s, bool) for s in seen):
            return v
        seen.append(v)
    return None


def one_or_more_of(choices: Iterable) -> Callable[[Any], str | None]:
    """Rule: a non-empty list of distinct values taken from ``choices``."""
    return list_of(tuple(choices), distinct=True)


def seeds(value: Any) -> str | None:
    """Rule: a non-empty list of distinct seeds, integers >= 0 (what numpy's and torch's
    generators take). A seed given twice would run one configuration twice and count it as two
    independent runs in every mean and spread."""
    problem = list_of(int)(value)
    if problem:
        return problem
    negative = [s for s in value if s < 0]
    if negative:
        return f"got {value!r}; a seed is an integer >= 0, not {negative[0]}"
    twice = _repeated(value)
    if twice is not None:
        return (f"got {value!r}; seed {twice} appears more than once, which would count one run "
                f"twice; give each seed once")
    return None


def datasets_in_grid(grid: Iterable, chapter: str,
                     profile: str | None = None) -> Callable[[Any], str | None]:
    """Rule: a non-empty list of distinct data sets that the grid of ``chapter`` runs.

    ``grid``: the chapter's run configurations (their ``dataset``), or the data set names; a
    chapter passes those of its own method in the profile asked for (:func:`profile_asked`),
    named by ``profile`` in the message. A registered data set the grid does not hold would
    select no configuration and leave the chapter's tables empty; the message says so and lists
    the data sets the chapter runs."""
    runs = tuple(dict.fromkeys(getattr(c, "dataset", c) for c in grid))
    where = f"in the {profile} profile the {chapter} chapter runs" if profile else \
        f"the {chapter} chapter runs"
    shape = list_of(str, distinct=True)

    def check(value: Any) -> str | None:
        problem = shape(value)
        if problem:
            return problem
        for i, name in enumerate(value):
            if name not in runs:
                from xmlstudy import data

                why = ("is a registered data set, but the grid of this chapter does not run it"
                       if name in data.names() else "is not a data set of this study")
                return f"element {i}: {name!r} {why}; {where}: {', '.join(runs)}"
        return None

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


def writable_dir(value: Any) -> str | None:
    """Rule: the path of a folder that result records can be written to. A missing folder is
    created (with its parents), so that a path that cannot be made stops here, before any run
    computes, and not when the first record is written."""
    if not isinstance(value, str) or not value.strip():
        return f"got {value!r}; expected the path of a folder, as a string"
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        return (f"{value!r} is a file, not a folder; give a folder for the result records "
                f"(it is created if missing)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return f"cannot create the folder {value!r} ({err.strerror}); give a folder you can write to"
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as err:
        return f"cannot write in the folder {value!r} ({err.strerror}); give a folder you can write to"
    return None


# --- joint rules: over several parameters at once -----------------------------------------------
def both_or_neither(first: str, second: str) -> Callable[[dict], str | None]:
    """Joint rule: parameters ``first`` and ``second`` are both given (not None) or both None."""

    def check(params: dict) -> str | None:
        given = [name for name in (first, second) if params.get(name) is not None]
        if len(given) == 1:
            absent = second if given[0] == first else first
            return (f"{given[0]!r} is given but {absent!r} is not; give both {first!r} and "
                    f"{second!r}, or neither")
        return None

    return check


def user_data_files(train: str = "xc_train", test: str = "xc_test") -> Callable[[dict], str | None]:
    """Joint rule for a user's own data set: the parameters ``train`` and ``test`` are both
    given or both None, and the two files load (:func:`xmlstudy.data.load_user`: Extreme
    Classification Repository text, or Mulan/MEKA ARFF with a Mulan ``.xml`` beside the train
    file). A malformed file stops here with its file and line, not after the chapter's grid has
    run; the converted arrays are cached, so the chapter's own load is then quick."""
    pair = both_or_neither(train, test)

    def check(params: dict) -> str | None:
        problem = pair(params)
        if problem or params.get(train) is None:
            return problem
        from xmlstudy import data

        try:
            data.load_user(params[train], params[test])
        except (data.DataError, ValueError, OSError) as err:
            return f"{train!r} / {test!r}: {err}"
        return None

    return check


def _example(rule: Rule) -> str:
    if isinstance(rule, tuple) and rule:
        return repr(rule[0])
    if rule is int:
        return "0, 1, 2"
    return "..."


# Rules every notebook uses.
PROFILE = ("smoke", "full")
DEVICE = ("auto", "cpu", "cuda")
SEEDS = seeds


def profile_asked(namespace: dict) -> str:
    """The profile a notebook's parameters ask for, for the rules that depend on it (the data
    sets a chapter's grid runs in that profile): ``namespace["profile"]`` when it is one of
    :data:`PROFILE`, otherwise "full" (the ``profile`` rule then reports the bad value)."""
    profile = namespace.get("profile")
    return profile if isinstance(profile, str) and profile in PROFILE else "full"


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


def validate(namespace: dict, rules: dict[str, Rule], joint: Iterable = ()) -> SimpleNamespace:
    """Check the notebook parameters in ``namespace`` against ``rules`` and return them as an
    attribute object. Raises ``ValueError`` for a name without a rule (a typo in ``papermill -p``),
    a parameter the rules expect but the namespace lacks, or a value a rule rejects; then, when
    every value passed, for what a ``joint`` rule rejects."""
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
    values = {name: given[name] for name in rules}
    problems = [problem for rule in joint if (problem := rule(values))]
    if problems:
        raise ValueError("invalid notebook parameters:\n  " + "\n  ".join(problems))
    return SimpleNamespace(**values)
