"""Qwen3-Demo's real transcripts (tests/captures/qwen3-demo, recorded from a
reconstruction of the Space on Gradio 5.27.0 + modelscope_studio 1.6.1) fed
to the client through `responses`: what the user sees, and what goes on the wire."""

import json
from typing import Any, Dict, List, Tuple

import pytest
import responses

from qwen_spaces import Client, Delta, SpaceAppError
from qwen_spaces.protocol.chatbot import locate
from qwen_spaces.protocol.config import AppConfig
from qwen_spaces.protocol.discovery import find_chat
from qwen_spaces.protocol.reply import ReplyText
from qwen_spaces.spaces import QWEN3_DEMO

from .captures import CAPTURES

ROOT = "http://127.0.0.1:9"
JOIN = f"{ROOT}/gradio_api/queue/join"
DATA = f"{ROOT}/gradio_api/queue/data"
DIR = CAPTURES / "qwen3-demo"
MSG = [{"role": "user", "content": "Hi! What is 2 + 2?"}]


def _messages(name: str) -> List[Dict[str, Any]]:
    lines = (DIR / name).read_text(encoding="utf-8").split("\n")
    return [json.loads(line[6:]) for line in lines if line.startswith("data: ")]


def _event_id(name: str) -> str:
    return next(m["event_id"] for m in _messages(name) if m.get("event_id"))


def _final_parts(name: str) -> Tuple[str, str]:
    """The (reasoning, answer) of the capture's final value, read by hand."""
    done = next(m for m in _messages(name) if m["msg"] == "process_completed")
    message = done["output"]["data"][5]["value"][-1]
    tool = "".join(p["content"] for p in message["content"] if p["type"] == "tool")
    text = "".join(p["content"] for p in message["content"] if p["type"] == "text")
    return tool, text


class _Mock(responses.RequestsMock):
    """A RequestsMock whose recorded calls outlive the ``with`` block."""

    def reset(self) -> None:
        self.kept = list(self.calls)
        super().reset()


def _client() -> Client:
    return Client(base_urls={"Qwen/Qwen3-Demo": ROOT}, retry_max_wait=0.01)


def _serve(rsps: _Mock, *names: str) -> None:
    for name in names:
        rsps.add(responses.POST, JOIN, json={"event_id": _event_id(name)})
    for name in names:
        rsps.add(responses.GET, DATA, body=(DIR / name).read_bytes(), content_type="text/event-stream")


def _joins(rsps: _Mock) -> List[Dict[str, Any]]:
    calls = list(rsps.calls) or getattr(rsps, "kept", [])
    return [json.loads(c.request.body) for c in calls if c.request.url.endswith("/queue/join")]


def test_reasoning_and_answer_stream_apart_in_wire_order() -> None:
    with _Mock() as rsps:
        _serve(rsps, "queue_data_turn1.sse")
        with _client() as client:
            with client.stream("qwen3-235b-a22b", MSG, reasoning=True) as stream:
                deltas = list(stream)
    reasoning, answer = _final_parts("queue_data_turn1.sse")
    assert all(isinstance(d, Delta) for d in deltas)
    kinds = [d.kind for d in deltas]
    # all the thinking comes first, then the answer: one delta per word
    assert kinds == sorted(kinds) and kinds.count("reasoning") == len(reasoning.split(" "))
    assert "".join(d.text for d in deltas if d.kind == "reasoning") == reasoning == stream.result.reasoning
    assert "".join(d.text for d in deltas if d.kind == "text") == answer == stream.result.text
    assert answer.startswith("Hello from qwen3-235b-a22b!")
    assert stream.result.model == "qwen3-235b-a22b"
    body = _joins(rsps)[0]
    assert body["fn_index"] == 13 and body["trigger_id"] == 33
    assert body["data"] == [
        "Hi! What is 2 + 2?",
        {"model": "qwen3-235b-a22b", "sys_prompt": "You are a helpful and harmless assistant.",
         "thinking_budget": 38},
        None, None,
    ]


def test_without_reasoning_the_stream_is_the_answer_only() -> None:
    with _Mock() as rsps:
        _serve(rsps, "queue_data_turn1.sse")
        with _client() as client:
            stream = client.stream("Qwen/Qwen3-Demo", MSG)
            deltas = list(stream)
    reasoning, answer = _final_parts("queue_data_turn1.sse")
    assert all(type(d) is str for d in deltas)
    assert "".join(deltas) == answer == stream.result.text
    assert stream.result.reasoning == reasoning  # kept in the result all the same


def test_model_budget_and_system_go_into_the_settings_form() -> None:
    with _Mock() as rsps:
        _serve(rsps, "queue_data_turn1.sse")
        with _client() as client:
            client.chat("qwen3-32b", [{"role": "system", "content": "Be brief."}, *MSG], thinking_budget=4)
    assert _joins(rsps)[0]["data"][1] == {"model": "qwen3-32b", "sys_prompt": "Be brief.", "thinking_budget": 4}


def test_thinking_off_runs_the_toggle_first_in_the_same_session() -> None:
    with _Mock() as rsps:
        _serve(rsps, "queue_data_toggle_thinking.sse", "queue_data_thinking_off.sse")
        with _client() as client:
            result = client.chat("qwen3-8b", [{"role": "user", "content": "Hello without thinking"}],
                                 thinking=False)
    toggle, chat = _joins(rsps)
    assert toggle["fn_index"] == 3 and toggle["data"] == [None]
    assert chat["fn_index"] == 13 and chat["session_hash"] == toggle["session_hash"]
    assert result.reasoning == "" and result.text == _final_parts("queue_data_thinking_off.sse")[1]


def test_thinking_on_is_the_default_and_sends_no_toggle() -> None:
    with _Mock() as rsps:
        _serve(rsps, "queue_data_turn1.sse")
        with _client() as client:
            client.chat("qwen3-8b", MSG, thinking=True)
    assert [j["fn_index"] for j in _joins(rsps)] == [13]


def test_upstream_error_is_a_space_error_with_what_came_before() -> None:
    with _Mock() as rsps:
        _serve(rsps, "queue_data_upstream_error.sse")
        with _client() as client:
            stream = client.stream("qwen3-32b", [{"role": "user", "content": "Please fail: __error__"}])
            got: List[str] = []
            with pytest.raises(SpaceAppError) as caught:
                for delta in stream:
                    got.append(delta)
    error = caught.value
    assert error.message == "<400> InternalError.Algo.InvalidParameter: simulated upstream failure"
    assert "span" not in "".join(got) and "".join(got) == error.partial_text == "Hello from qwen3-32b! "
    assert error.partial_reasoning == "This is user "


@pytest.mark.parametrize(
    "params, match",
    [
        ({"model": "gpt-4"}, "model='gpt-4' is not one of"),
        ({"thinking_budget": 0}, "outside 1"),
        ({"thinking_budget": 39}, "outside 1"),
        ({"thinking_budget": "4"}, "must be a number"),
        ({"temperature": 0.2}, "does not take temperature; its parameters: model, sys_prompt, thinking_budget"),
        ({"thinking": "no"}, "thinking must be True or False"),
    ],
)
def test_bad_settings_are_value_errors_before_any_request(params: Dict[str, Any], match: str) -> None:
    with responses.RequestsMock():  # any request would fail the test
        with _client() as client, pytest.raises(ValueError, match=match):
            client.stream("qwen3-32b", MSG, **params)


def test_the_profile_pins_what_the_live_config_says() -> None:
    raw = json.loads((DIR / "config.json").read_text())
    config = AppConfig(raw["version"], raw["protocol"], raw["api_prefix"], raw)
    live, pinned = find_chat(config), QWEN3_DEMO.contract()
    assert live.reply_step.fn_index == pinned.reply_step.fn_index == 13
    assert live.reply_step.inputs == pinned.reply_step.inputs == (33, 38, 60, 1)
    assert live.reply_step.trigger_id == pinned.reply_step.trigger_id == 33
    assert live.reply_output == pinned.reply_output == 5
    assert live.reply_format == pinned.reply_format == "pro"
    assert [live.slots[c].role for c in live.reply_step.inputs] == [
        pinned.slots[c].role for c in pinned.reply_step.inputs
    ] == ["message", "form", "state", "state"]
    assert live.form_fields() == pinned.form_fields()
    assert live.events["toggle_thinking"] == pinned.events["toggle_thinking"] == 3
    assert live.system_field == pinned.system_field == "sys_prompt"


@pytest.mark.parametrize("name", ["queue_data_turn1.sse", "queue_data_turn2.sse", "queue_data_thinking_off.sse"])
def test_reply_deltas_join_to_the_final_value(name: str) -> None:
    reply, thoughts, texts, first = ReplyText(), [], [], True
    for message in _messages(name):
        if message["msg"] == "process_generating":
            value = message["output"]["data"][5]
            thought, text = reply.full(value) if first else reply.edits(value)
            first = False
        elif message["msg"] == "process_completed":
            thought, text = reply.final(message["output"]["data"][5])
        else:
            continue
        thoughts.append(thought)
        texts.append(text)
    assert ("".join(thoughts), "".join(texts)) == _final_parts(name)
    assert not reply.rewritten and reply.error is None


def test_a_pro_update_without_value_changes_nothing() -> None:
    assert locate({"__type__": "update", "disabled": True}) is None
