import copy

import pytest

from qwen_spaces.protocol.diff import DiffError, OutputValue


def test_appends_to_one_path_are_joined_lazily() -> None:
    value = OutputValue([["Hi", "Hel"]])
    for token in ["lo", " the", " the"]:
        value.apply([["append", [0, 1], token]])
    assert value.value == [["Hi", "Hello the the"]]


def test_append_then_other_edit_flushes_in_order() -> None:
    value = OutputValue([["Hi", "a"]])
    value.apply([["append", [0, 1], "b"], ["add", [1], ["Q", None]], ["append", [0, 1], "c"]])
    assert value.value == [["Hi", "abc"], ["Q", None]]


def test_replace_root_and_nested() -> None:
    value = OutputValue({"a": [1, 2]})
    value.apply([["replace", ["a", 0], 9]])
    assert value.value == {"a": [9, 2]}
    value.apply([["replace", [], "new"]])
    assert value.value == "new"


@pytest.mark.parametrize(
    "deletes",
    [
        [["delete", [1], None], ["delete", [2], None], ["delete", [3], None]],  # Gradio <= 5.29.0
        [["delete", [1], None], ["delete", [1], None], ["delete", [1], None]],  # 5.29.1+
    ],
)
def test_list_shrink_deletes_of_every_version(deletes: list) -> None:
    value = OutputValue([0, 1, 2, 3])
    value.apply(deletes)
    assert value.value == [0]


def test_nested_shrink_shifted_twice_by_gradio6() -> None:
    value = OutputValue([[1, 2, 3]])
    value.apply([["delete", [0, 1], None], ["delete", [0, 0], None]])  # what 6.31.0 sends
    assert value.value == [[1]]


def test_dict_delete_and_add() -> None:
    value = OutputValue({"a": 1, "b": 2})
    value.apply([["delete", ["a"], None], ["add", ["c"], 3]])
    assert value.value == {"b": 2, "c": 3}


@pytest.mark.parametrize(
    "edits",
    [
        [["append", [5, 1], "x"]],
        [["frobnicate", [0], 1]],
        [["delete", [9], None]],
        [["add", [7], 1]],
        "not a list",
        [["append"]],
    ],
)
def test_bad_edits_raise_diff_error_and_keep_value(edits: object) -> None:
    original = [["Hi", "Hello"]]
    value = OutputValue(copy.deepcopy(original))
    with pytest.raises(DiffError):
        value.apply(edits)  # type: ignore[arg-type]
    assert value.value == original
