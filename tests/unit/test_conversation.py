"""Conversations against LocalSpaces: history the Space's own way (a chatbot input on the seed
layouts, the session's State on Qwen3-Demo), recorded only when a turn completed, one turn at a
time, isolated across threads, saved and resumed, and a forgotten session detected."""

from __future__ import annotations

import json
import threading
from typing import Any, Callable, Dict, List, Mapping, Optional

import pytest

from qwen_spaces import (
    AuthenticationError,
    Client,
    Conversation,
    ConversationBusyError,
    ConversationLostError,
    Delta,
)
from qwen_spaces import conversation as conversation_module
from qwen_spaces.prompt import split_turns
from qwen_spaces.protocol.history import history_value, user_turns
from qwen_spaces.testing import LocalSpace


def numbered() -> Callable[[str, Optional[str], Mapping[str, Any]], str]:
    count = [0]

    def reply(prompt: str, system: Optional[str], params: Mapping[str, Any]) -> str:
        count[0] += 1
        return f"R{count[0]} to {prompt}"

    return reply


def seed_histories(space: LocalSpace) -> List[Any]:
    return [event.data[1] for event in space.events if event.fn_index == space.spec.fn_index]


# -- the history formats ----------------------------------------------------------------------


def test_history_value_in_each_format() -> None:
    pairs = [("q1", "a1"), ("q2", "a2")]
    assert history_value("tuples", pairs) == [["q1", "a1"], ["q2", "a2"]]
    assert history_value("messages", pairs[:1]) == [
        {"role": "user", "content": "q1"}, {"role": "assistant", "content": "a1"}]
    assert history_value("parts", pairs[:1]) == [
        {"role": "user", "content": [{"type": "text", "text": "q1"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "a1"}]}]
    assert history_value("pro", pairs[:1])[1] == {
        "role": "assistant", "content": [{"type": "text", "content": "a1"}]}
    assert history_value("mgr", pairs[:1]) == [[{"text": "q1"}, {"text": "a1"}]]
    assert history_value("tuples", []) == []


def test_user_turns_counts_what_a_chatbot_shows() -> None:
    assert user_turns("just text") is None
    assert user_turns({"__type__": "update"}) is None
    assert user_turns([]) == 0
    assert user_turns([["q1", "a1"], ["q2", None]]) == 2
    assert user_turns([[("f.png",), None], ["q1", "a1"]]) == 1  # a file's pair is not a turn
    messages = [{"role": "user", "content": "q1"}, {"role": "user", "content": {"path": "f"}},
                {"role": "assistant", "content": "a1"}, {"role": "user", "content": "q2"}]
    assert user_turns({"__type__": "update", "value": messages}) == 2
    assert user_turns([{"role": "assistant", "content": "hello"}]) == 0


def test_split_turns_takes_alternating_turns_only() -> None:
    messages = [{"role": "system", "content": "S"}, {"role": "user", "content": "q1"},
                {"role": "assistant", "content": "a1"}, {"role": "user", "content": "q2"}]
    assert split_turns(messages) == ([("q1", "a1")], "q2", "S")
    odd = [{"role": "user", "content": "q1"}, {"role": "user", "content": "q2"}]
    pairs, prompt, _ = split_turns(odd)
    assert pairs is None and prompt == "User: q1\nUser: q2\nAssistant:"


# -- a Space with a history input -------------------------------------------------------------


@pytest.mark.parametrize("gradio, expected", [
    (4, [["q1", "R1 to q1"], ["q2", "R2 to q2"]]),
    (5, [["q1", "R1 to q1"], ["q2", "R2 to q2"]]),
    (6, [{"role": "user", "content": [{"type": "text", "text": "q1"}]},
         {"role": "assistant", "content": [{"type": "text", "text": "R1 to q1"}]},
         {"role": "user", "content": [{"type": "text", "text": "q2"}]},
         {"role": "assistant", "content": [{"type": "text", "text": "R2 to q2"}]}]),
])
def test_history_input_gets_the_earlier_turns_in_its_format(local: Callable[..., LocalSpace],
                                                            gradio: int, expected: Any) -> None:
    space = local(gradio=gradio, reply=numbered())
    with Client(base_urls={"qwen-2-5-max": space.url}) as client:
        conversation = client.conversation("qwen-2-5-max", system="Be brief.")
        assert conversation.history_mode == "input" and conversation.native_history
        for prompt in ("q1", "q2", "q3"):
            conversation.chat(prompt)
    histories = seed_histories(space)
    assert histories[0] == [] and histories[2] == expected
    assert [e.data[0] for e in space.events if e.fn_index == space.spec.fn_index] == ["q1", "q2", "q3"]
    assert conversation.messages == [
        {"role": "user", "content": "q1"}, {"role": "assistant", "content": "R1 to q1"},
        {"role": "user", "content": "q2"}, {"role": "assistant", "content": "R2 to q2"},
        {"role": "user", "content": "q3"}, {"role": "assistant", "content": "R3 to q3"},
    ]


def test_stateless_calls_send_native_history_too(local: Callable[..., LocalSpace]) -> None:
    space = local(reply=numbered())
    messages = [{"role": "user", "content": "q1"}, {"role": "assistant", "content": "a1"},
                {"role": "user", "content": "q2"}]
    with Client(base_urls={"qwen-2-5-max": space.url}) as client:
        assert client.chat("qwen-2-5-max", messages).text == "R1 to q2"
    assert seed_histories(space) == [[["q1", "a1"]]]


def test_a_failed_turn_leaves_the_conversation_unchanged(local: Callable[..., LocalSpace]) -> None:
    space = local(reply=numbered(), join_status=[(401, {"detail": "no"}, {})])
    with Client(base_urls={"qwen-2-5-max": space.url}) as client:
        conversation = client.conversation("qwen-2-5-max")
        with pytest.raises(AuthenticationError) as error:
            conversation.chat("q1")
        assert "conversation is unchanged" in str(error.value)
        assert conversation.messages == []
        assert conversation.chat("q1 again").text == "R1 to q1 again"
        assert conversation.messages[0] == {"role": "user", "content": "q1 again"}


def test_a_closed_turn_is_not_recorded_and_the_next_works(local: Callable[..., LocalSpace]) -> None:
    space = local(tokens=[f" t{i}" for i in range(40)], token_delay=0.02)
    with Client(base_urls={"qwen-2-5-max": space.url}) as client:
        conversation = client.conversation("qwen-2-5-max")
        stream = conversation.stream("q1")
        next(stream)
        stream.close()
        assert conversation.messages == []
        text = conversation.chat("q2").text
        assert text.split() == [f"t{i}" for i in range(40)]
        assert [m["content"] for m in conversation.messages if m["role"] == "user"] == ["q2"]


def test_one_turn_at_a_time(local: Callable[..., LocalSpace]) -> None:
    space = local(tokens=[f" t{i}" for i in range(20)], token_delay=0.02)
    with Client(base_urls={"qwen-2-5-max": space.url}) as client:
        conversation = client.conversation("qwen-2-5-max")
        with conversation.stream("q1") as stream:
            next(stream)
            with pytest.raises(ConversationBusyError):
                conversation.stream("q2")
            list(stream)
        conversation.chat("q2")  # free again once the first turn ended
        assert len(conversation.messages) == 4


def test_bad_arguments(local: Callable[..., LocalSpace]) -> None:
    space = local()
    with Client(base_urls={"qwen-2-5-max": space.url}) as client:
        with pytest.raises(ValueError):
            client.conversation("no-such-model")
        with pytest.raises(ValueError):
            client.conversation()
        conversation = client.conversation("qwen-2-5-max")
        with pytest.raises(ValueError):
            conversation.stream("   ")
        with pytest.raises(ValueError):
            client.conversation(resume={"model": "qwen-2-5-max"})
        with pytest.raises(ValueError):
            client.conversation("qwen-2-5-max", resume=conversation.to_dict())
    assert space.joins == 0


# -- a Space that keeps the conversation in its session (Qwen3-Demo) --------------------------


def test_qwen3_conversation_lives_in_one_session(local: Callable[..., LocalSpace]) -> None:
    space = local("qwen3-demo")
    with Client(base_urls={"Qwen/Qwen3-Demo": space.url}) as client:
        conversation = client.conversation("qwen3-32b", thinking_budget=2)
        assert conversation.history_mode == "session"
        for prompt in ("q1", "q2", "q3"):
            with conversation.stream(prompt, reasoning=True) as stream:
                deltas = list(stream)
            assert all(isinstance(d, Delta) for d in deltas)
    requests = space.model_requests
    assert [[m["content"] for m in r.messages if m["role"] == "user"] for r in requests] == [
        ["q1"], ["q1", "q2"], ["q1", "q2", "q3"]]
    assert len({r.session_hash for r in requests}) == 1
    assert all(r.model == "qwen3-32b" and r.thinking_budget == 2048 for r in requests)
    joined = [e for e in space.events if e.fn_index == 13]
    assert [e.data[0] for e in joined] == ["q1", "q2", "q3"]  # only the new message each turn
    messages = conversation.messages
    assert [m["role"] for m in messages] == ["user", "assistant"] * 3
    assert all(m["reasoning"] and m["content"] for m in messages[1::2])
    assert "3 user messages" in messages[-1]["content"]


def test_qwen3_thinking_off_toggles_once(local: Callable[..., LocalSpace]) -> None:
    space = local("qwen3-demo")
    with Client(base_urls={"Qwen/Qwen3-Demo": space.url}) as client:
        conversation = client.conversation("qwen3-8b", thinking=False)
        for prompt in ("q1", "q2", "q3"):
            assert conversation.chat(prompt).reasoning == ""
    assert [r.enable_thinking for r in space.model_requests] == [False, False, False]
    assert "reasoning" not in conversation.messages[1]


def test_resume_continues_the_same_session(local: Callable[..., LocalSpace]) -> None:
    space = local("qwen3-demo")
    with Client(base_urls={"Qwen/Qwen3-Demo": space.url}) as client:
        conversation = client.conversation("qwen3-14b", system="Be brief.")
        conversation.chat("q1")
        conversation.chat("q2")
        saved = json.loads(json.dumps(conversation.to_dict()))
    with Client(base_urls={"Qwen/Qwen3-Demo": space.url}) as client:
        later = client.conversation(resume=saved)
        assert later.messages == conversation.messages
        assert "3 user messages" in later.chat("q3").text
    assert len({r.session_hash for r in space.model_requests}) == 1


def test_a_forgotten_session_is_a_lost_conversation(local: Callable[..., LocalSpace]) -> None:
    space = local("qwen3-demo")
    with Client(base_urls={"Qwen/Qwen3-Demo": space.url}) as client:
        conversation = client.conversation("qwen3-4b")
        conversation.chat("q1")
        conversation.chat("q2")
        held = conversation.messages
        space.forget_sessions()  # as a restarted Space does
        with pytest.raises(ConversationLostError) as error:
            conversation.chat("q3")
        assert error.value.messages == held == conversation.messages
        assert len(held) == 4


def test_a_closed_qwen3_turn_then_the_next_turn(local: Callable[..., LocalSpace]) -> None:
    space = local("qwen3-demo", token_delay=0.02)
    with Client(base_urls={"Qwen/Qwen3-Demo": space.url}) as client:
        conversation = client.conversation("qwen3-4b")
        conversation.chat("q1")
        stream = conversation.stream("q2")
        next(stream)
        stream.close()
        assert len(conversation.messages) == 2
        conversation.chat("q3")  # the Space may keep the closed turn: not a lost conversation
        assert [m["content"] for m in conversation.messages if m["role"] == "user"] == ["q1", "q3"]


def test_the_turn_after_a_closed_one_waits_for_the_space_to_drop_the_old_stream(
    local: Callable[..., LocalSpace], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Gradio notices a dropped /queue/data stream at its next 50 ms poll and then ends every
    # event of the session: a turn joined in the same session before that would be lost.
    waits: List[float] = []
    monkeypatch.setattr(conversation_module, "_sleep", waits.append)
    space = local("qwen3-demo", tokens=["one ", "two ", "three"], token_delay=0.05)
    with Client(base_urls={"Qwen/Qwen3-Demo": space.url}) as client:
        conversation = client.conversation("qwen3-4b")
        conversation.chat("q1")
        conversation.chat("q2")
        assert waits == []  # completed turns leave nothing to clean up
        stream = conversation.stream("q3")
        next(stream)
        stream.close()
        assert conversation.chat("q4").text == "one two three"
        assert len(waits) == 1 and 0.1 < waits[0] <= conversation_module._DROP_SETTLE
        conversation.chat("q5")
        assert len(waits) == 1
    assert [m["content"] for m in conversation.messages if m["role"] == "user"] == ["q1", "q2", "q4", "q5"]


def test_threads_do_not_mix_their_conversations(local: Callable[..., LocalSpace]) -> None:
    space = local("qwen3-demo")
    results: Dict[int, Conversation] = {}
    errors: List[BaseException] = []
    with Client(base_urls={"Qwen/Qwen3-Demo": space.url}, pool_maxsize=32) as client:

        def run(n: int) -> None:
            try:
                conversation = client.conversation("qwen3-0.6b", thinking=False)
                for turn in range(4):
                    conversation.chat(f"thread {n} turn {turn}")
                results[n] = conversation
            except BaseException as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert errors == [] and len(results) == 16
    by_session: Dict[str, List[List[str]]] = {}
    for request in space.model_requests:
        users = [m["content"] for m in request.messages if m["role"] == "user"]
        by_session.setdefault(request.session_hash, []).append(users)
    assert len(by_session) == 16
    for calls in by_session.values():
        n = calls[0][0].split()[1]
        assert calls == [[f"thread {n} turn {t}" for t in range(k + 1)] for k in range(4)]
    for n, conversation in results.items():
        assert [m["content"] for m in conversation.messages if m["role"] == "user"] == [
            f"thread {n} turn {t}" for t in range(4)]


def test_reset_starts_over(local: Callable[..., LocalSpace]) -> None:
    space = local("qwen3-demo")
    with Client(base_urls={"Qwen/Qwen3-Demo": space.url}) as client:
        conversation = client.conversation("qwen3-1.7b")
        conversation.chat("q1")
        fresh = conversation.reset()
        assert fresh.messages == [] and fresh.model == "qwen3-1.7b"
        assert "1 user message." in fresh.chat("q2").text
    assert len({r.session_hash for r in space.model_requests}) == 2
