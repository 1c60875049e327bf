import math
import types

import pytest

from xmlstudy.parameters import (
    DEVICE,
    PROFILE,
    SEEDS,
    in_range,
    list_of,
    one_of,
    one_or_more_of,
    parameters_in,
    validate,
)

DATASETS = ("bibtex", "delicious", "yeast")
RULES = {
    "profile": PROFILE,
    "datasets": one_or_more_of(DATASETS),
    "seeds": SEEDS,
    "device": DEVICE,
    "lr": float,
}


def notebook_namespace(**overrides):
    """What globals() looks like after a parameters cell: literals plus IPython's and imported
    names, which are not parameters."""
    ns = {
        "profile": "smoke", "datasets": ["bibtex"], "seeds": [0, 1], "device": "auto", "lr": 1e-3,
        "In": [""], "Out": {}, "get_ipython": lambda: None, "exit": None, "quit": None,
        "_": None, "__name__": "__main__", "_i1": "x = 1",
        "math": math, "validate": validate, "SomeClass": int, "PROFILE": PROFILE, "DEVICE": DEVICE,
    }
    ns.update(overrides)
    return ns


def test_valid_parameters_come_back_as_attributes():
    params = validate(notebook_namespace(), RULES)
    assert isinstance(params, types.SimpleNamespace)
    assert vars(params) == {"profile": "smoke", "datasets": ["bibtex"], "seeds": [0, 1],
                            "device": "auto", "lr": 1e-3}


def test_only_literal_public_names_are_parameters():
    found = parameters_in(notebook_namespace())
    assert set(found) == {"profile", "datasets", "seeds", "device", "lr"}


def test_unknown_name_lists_the_valid_names():
    with pytest.raises(ValueError) as err:
        validate(notebook_namespace(seed=1), RULES)
    message = str(err.value)
    assert "'seed'" in message
    for name in RULES:
        assert name in message


def test_missing_parameter_is_reported():
    ns = notebook_namespace()
    del ns["lr"]
    with pytest.raises(ValueError, match="'lr' missing"):
        validate(ns, RULES)


def test_bad_choice_names_value_and_choices():
    with pytest.raises(ValueError) as err:
        validate(notebook_namespace(profile="fast"), RULES)
    message = str(err.value)
    assert "'profile'" in message and "'fast'" in message
    assert "'smoke'" in message and "'full'" in message


def test_list_parameters_are_checked_element_wise():
    with pytest.raises(ValueError, match=r"'datasets'.*element 1.*'bibtx'.*'bibtex', 'delicious', 'yeast'"):
        validate(notebook_namespace(datasets=["yeast", "bibtx"]), RULES)
    with pytest.raises(ValueError, match=r"'seeds'.*element 2.*'2'"):
        validate(notebook_namespace(seeds=[0, 1, "2"]), RULES)
    # A bare string where a list is expected (papermill -p datasets bibtex) is an error, not a
    # list of characters.
    with pytest.raises(ValueError, match=r"'datasets'.*expected a list"):
        validate(notebook_namespace(datasets="bibtex"), RULES)
    with pytest.raises(ValueError, match="only once"):
        validate(notebook_namespace(datasets=["yeast", "yeast"]), RULES)
    with pytest.raises(ValueError, match="at least 1"):
        validate(notebook_namespace(seeds=[]), RULES)


def test_all_problems_are_reported_together():
    with pytest.raises(ValueError) as err:
        validate(notebook_namespace(profile="x", device="tpu"), RULES)
    assert "'profile'" in str(err.value) and "'device'" in str(err.value)


def test_types_do_not_mix_bool_and_numbers():
    assert list_of(int)([True]) is not None          # a flag is not a seed
    assert one_of((0, 1))(True) is not None
    assert one_of((True, False))(1) is not None
    assert one_of((True, False))(True) is None
    # an int is a fine float (papermill -p lr 1 gives an int)
    assert validate(notebook_namespace(lr=1), RULES).lr == 1
    with pytest.raises(ValueError, match=r"'lr'.*expected a float"):
        validate(notebook_namespace(lr="0.1"), RULES)


def test_callable_rules_and_ranges():
    rule = in_range(0.0, 1.0)
    assert rule(0.5) is None
    assert "in [0.0, 1.0]" in rule(1.5)
    assert rule(True) is not None
    rules = {"rate": lambda v: None if v in (0.1, 0.2) else f"got {v!r}; use 0.1 or 0.2"}
    with pytest.raises(ValueError, match="use 0.1 or 0.2"):
        validate({"rate": 0.3}, rules)


def test_invalid_rule_is_a_programming_error():
    with pytest.raises(TypeError, match="invalid rule"):
        validate({"x": 1}, {"x": 3})


def test_papermill_list_strings_become_lists():
    # papermill -p seeds "[0, 1, 2]" injects the string "[0, 1, 2]"
    params = validate(notebook_namespace(seeds="[0, 1, 2]", datasets="['yeast', 'bibtex']"), RULES)
    assert params.seeds == [0, 1, 2]
    assert params.datasets == ["yeast", "bibtex"]
    with pytest.raises(ValueError, match=r"'seeds'.*expected a list"):
        validate(notebook_namespace(seeds="[0, 1"), RULES)
    # plain strings stay strings
    assert validate(notebook_namespace(profile="full"), RULES).profile == "full"


def test_optional_file_parameters(tmp_path):
    from xmlstudy.parameters import existing_file, optional

    there = tmp_path / "train.txt"
    there.write_text("1 1 1\n0 0:1\n")
    rules = {"xc_train": optional(existing_file)}
    assert validate({"xc_train": None}, rules).xc_train is None
    assert validate({"xc_train": str(there)}, rules).xc_train == str(there)
    with pytest.raises(ValueError, match="no file at .*missing.txt"):
        validate({"xc_train": str(tmp_path / "missing.txt")}, rules)
    with pytest.raises(ValueError, match="expected the path of a file"):
        validate({"xc_train": 3}, rules)
