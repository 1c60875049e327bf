import math
import os
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
    optional,
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


def test_a_repeated_or_negative_seed_stops():
    with pytest.raises(ValueError, match=r"'seeds'.*seed 0 appears more than once, which would count one "
                                         r"run twice"):
        validate(notebook_namespace(seeds=[0, 0]), RULES)
    with pytest.raises(ValueError, match=r"'seeds'.*seed 1 appears more than once"):
        validate(notebook_namespace(seeds="[1, 2, 1]"), RULES)  # as papermill -p passes it
    with pytest.raises(ValueError, match=r"a seed is an integer >= 0, not -1"):
        validate(notebook_namespace(seeds=[0, -1]), RULES)
    assert validate(notebook_namespace(seeds=[2, 0, 1]), RULES).seeds == [2, 0, 1]
    assert list_of(int, distinct=True)([1, True]) is not None  # a flag is not the seed 1
    assert "appears more than once" in list_of(str, distinct=True)(["a", "b", "a"])


def test_a_registered_data_set_outside_the_chapters_grid_stops_with_the_ones_it_runs():
    from xmlstudy.chapters import baselines
    from xmlstudy.parameters import datasets_in_grid

    rule = datasets_in_grid(baselines.grid("full"), "data_and_baselines")
    rules = {"datasets": optional(rule)}
    runs = ", ".join(dict.fromkeys(c.dataset for c in baselines.grid("full")))
    assert runs.startswith("bibtex, delicious, yeast")
    with pytest.raises(ValueError) as err:
        validate({"datasets": ["whats_cooking"]}, rules)
    assert (f"parameter 'datasets': element 0: 'whats_cooking' is a registered data set, but the grid of "
            f"this chapter does not run it; the data_and_baselines chapter runs: {runs}") in str(err.value)
    with pytest.raises(ValueError, match=r"element 1: 'yeest' is not a data set of this study; the "
                                         r"data_and_baselines chapter runs: bibtex"):
        validate({"datasets": ["yeast", "yeest"]}, rules)
    with pytest.raises(ValueError, match="'yeast' appears more than once"):
        validate({"datasets": ["yeast", "yeast"]}, rules)
    with pytest.raises(ValueError, match="at least 1"):
        validate({"datasets": []}, rules)
    assert validate({"datasets": ["yeast", "bibtex"]}, rules).datasets == ["yeast", "bibtex"]
    assert validate({"datasets": None}, rules).datasets is None
    assert datasets_in_grid(["a", "b"], "x")(["b"]) is None  # names work as well as configurations


def test_results_dir_is_a_folder_that_can_be_written(tmp_path):
    from xmlstudy.parameters import writable_dir

    rules = {"results_dir": optional(writable_dir)}
    new = tmp_path / "a" / "b"
    assert validate({"results_dir": str(new)}, rules).results_dir == str(new)
    assert new.is_dir() and not list(new.iterdir())  # created, and the write test left nothing
    a_file = tmp_path / "records.jsonl"
    a_file.write_text("")
    with pytest.raises(ValueError, match=r"'results_dir'.*records.jsonl' is a file, not a folder"):
        validate({"results_dir": str(a_file)}, rules)
    with pytest.raises(ValueError, match=r"cannot create the folder .*records.jsonl/sub' \(Not a directory\)"):
        validate({"results_dir": str(a_file / "sub")}, rules)
    # /proc takes no new files, even from root (who may write in any folder chmod'ed read-only)
    with pytest.raises(ValueError, match=r"cannot write in the folder '/proc'"):
        validate({"results_dir": "/proc"}, rules)
    with pytest.raises(ValueError, match="expected the path of a folder"):
        validate({"results_dir": ""}, rules)
    assert validate({"results_dir": None}, rules).results_dir is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder")
def test_results_dir_in_a_read_only_folder(tmp_path):
    from xmlstudy.parameters import writable_dir

    tmp_path.chmod(0o555)
    try:
        assert "cannot write in the folder" in writable_dir(str(tmp_path))
        assert "cannot create the folder" in writable_dir(str(tmp_path / "new"))
    finally:
        tmp_path.chmod(0o755)


def test_user_data_files_go_together_and_must_load(tmp_path, monkeypatch):
    from xmlstudy.parameters import existing_file, user_data_files

    monkeypatch.setenv("XMLSTUDY_CACHE_DIR", str(tmp_path / "cache"))
    rules = {"xc_train": optional(existing_file), "xc_test": optional(existing_file)}
    joint = [user_data_files("xc_train", "xc_test")]
    train, test = tmp_path / "train.txt", tmp_path / "test.txt"
    train.write_text("2 2 2\n0 0:1\n1 1:2\n")
    test.write_text("1 2 2\n1 0:0.5\n")
    for given, absent in (("xc_test", "xc_train"), ("xc_train", "xc_test")):
        with pytest.raises(ValueError, match=f"'{given}' is given but '{absent}' is not; give both "
                                             f"'xc_train' and 'xc_test', or neither"):
            validate({"xc_train": None, "xc_test": None, given: str(test)}, rules, joint)
    params = validate({"xc_train": str(train), "xc_test": str(test)}, rules, joint)
    assert params.xc_train == str(train)
    assert validate({"xc_train": None, "xc_test": None}, rules, joint).xc_test is None
    test.write_text("1 2 2\n1 0:nan\n")  # a malformed file stops at validation, with its line
    with pytest.raises(ValueError, match=r"'xc_train' / 'xc_test': .*test.txt:2: feature value 'nan'"):
        validate({"xc_train": str(train), "xc_test": str(test)}, rules, joint)
    # joint rules run only once every parameter passed its own rule
    with pytest.raises(ValueError, match="no file at") as err:
        validate({"xc_train": str(tmp_path / "none.txt"), "xc_test": None}, rules, joint)
    assert "is given but" not in str(err.value)
