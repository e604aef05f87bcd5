import pytest

from qwen_spaces.protocol.chatbot import reply_text
from qwen_spaces.protocol.reply import ReplyText

from .captures import VERSIONS, capture_messages, chat_capture, final_reply

REPLY = "Hello! the the answer is:\nLine two 你好 👋 done."


def _deltas(name: str) -> list:
    reply, deltas, first = ReplyText(), [], True
    for message in capture_messages(name):
        if message["msg"] == "process_generating":
            data = message["output"]["data"][1]
            deltas.append(reply.full(data)[1] if first else reply.edits(data)[1])
            first = False
        elif message["msg"] == "process_completed":
            deltas.append(reply.final(message["output"]["data"][1])[1])
    return [d for d in deltas if d]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("kind", ["first", "turn2"])
def test_capture_deltas_join_to_the_final_reply(version: str, kind: str) -> None:
    name = chat_capture(version) if kind == "first" else f"g{version}_queue_data_chat_turn2.sse"
    deltas = _deltas(name)
    assert "".join(deltas) == reply_text(final_reply(name)) == REPLY
    # real streaming: one delta per token (the lone "\n" merges with the next token
    # where Gradio's clean-up hides it), repeated words both kept
    assert deltas[:4] == ["Hello", "!", " the", " the"]
    assert len(deltas) >= 13


@pytest.mark.parametrize(
    "value, text",
    [
        ([["Hi", "Hello"]], "Hello"),
        ([["Hi", "a"], ["Again", None]], ""),
        ([["Hi", {"text": "multi", "files": []}]], "multi"),
        ([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "yo"}], "yo"),
        (
            [
                {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
                {"role": "assistant", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
            ],
            "ab",
        ),
        (
            [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "thinking...", "metadata": {"title": "Thinking"}},
                {"role": "assistant", "content": "answer"},
            ],
            "answer",
        ),
        ("plain textbox", "plain textbox"),
        ([], ""),
        (None, ""),
        ([["Hi", {"file": {"path": "/x.png"}, "alt_text": None}]], ""),
    ],
)
def test_reply_text_of_every_format(value: object, text: str) -> None:
    assert reply_text(value) == text


def test_token_appends_are_passed_through_without_rebuilding() -> None:
    reply = ReplyText()
    assert reply.full([["Hi", "a"]])[1] == "a"
    assert reply.edits([["append", [0, 1], "b"]])[1] == "b"
    assert reply.edits([])[1] == ""
    assert reply.edits([["append", [0, 1], "b"]])[1] == "b"  # a repeated token is not dropped
    assert reply.final([["Hi", "abb"]])[1] == ""
    assert reply.text == "abb"


def test_replace_that_extends_gives_the_suffix() -> None:
    reply = ReplyText()
    reply.full([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "x"}])[1]
    assert reply.edits([["replace", [1, "content"], "xyz"]])[1] == "yz"


def test_new_user_turn_in_value_resets_nothing_that_was_streamed() -> None:
    reply = ReplyText()
    reply.full([["Hi", "one"]])[1]
    # a malformed diff is ignored until the final value arrives
    assert reply.edits([["append", [7, 1], "?"]])[1] == ""
    assert reply.edits([["append", [0, 1], " two"]])[1] == ""
    assert reply.final([["Hi", "one two"]])[1] == " two"


def test_rewrite_of_streamed_text_is_flagged() -> None:
    reply = ReplyText()
    reply.full("Line\nindented")[1]
    assert reply.final("Line\n    indented\nback")[1] == ""
    assert reply.rewritten
