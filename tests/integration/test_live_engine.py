"""The engine end to end: ``qwen_spaces.Client`` chats with Spaces it knows only by URL or
Hub id (reading their /config), on real Gradio replicas of every generic chat layout
(tests/servers/kinds.py) and of Qwen/Qwen3-Demo.

Expected texts come from ``tests/servers/apps/generic_replies.py`` and the Qwen3 replica's
``fake_dashscope.py`` (the functions the apps themselves stream from); what each app
*received* comes from its YIELD_LOG.  "Streaming" is checked as the number of deltas: a
client that waited for the final value would hand out one.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

from qwen_spaces import Client, Delta, ProtocolError, SpaceAppError
from tests.servers import kinds
from tests.servers.apps import generic_replies as gen
from tests.servers.apps.qwen3_demo import fake_dashscope
from tests.servers.launcher import Replica

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
QWEN3_MODELS = ("qwen3-235b-a22b", "qwen3-32b", "qwen3-30b-a3b", "qwen3-14b", "qwen3-8b",
                "qwen3-4b", "qwen3-1.7b", "qwen3-0.6b")
QWEN3 = kinds.QWEN3_VERSION


def _pairs(*names: str) -> List[Any]:
    return [pytest.param(kind, version, id=f"{kind}-{version}")
            for kind in names for version in kinds.kind_versions()[kind]]


def _prompt() -> str:
    return f"Hi 你好 {uuid.uuid4().hex[:8]}"


def _user(text: str) -> List[Dict[str, str]]:
    return [{"role": "user", "content": text}]


def _calls(server: Replica, tag: str, fn: Optional[str] = None) -> List[Dict[str, Any]]:
    """The app's log lines whose received message holds ``tag``."""
    out = []
    for line in gen.read_log(server.yield_log):
        if fn is not None and line.get("fn") != fn:
            continue
        message = line.get("message")
        text = message.get("text") if isinstance(message, dict) else message
        if isinstance(text, str) and tag in text:
            out.append(line)
    return out


def _upstream(server: Replica, tag: str) -> List[Dict[str, Any]]:
    """The Qwen3 replica's upstream calls whose last user message holds ``tag``."""
    return [line for line in gen.read_log(server.yield_log)
            if "model" in line and line["messages"] and tag in line["messages"][-1]["content"]]


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(timeout=30.0) as c:
        yield c


def _drain(stream: Any) -> List[Any]:
    with stream:
        return list(stream)


def _split(deltas: List[Delta]) -> Tuple[str, str, List[str]]:
    """(reasoning, answer, kinds in wire order with repeats collapsed)."""
    order: List[str] = []
    for delta in deltas:
        assert isinstance(delta, Delta) and delta.text
        if not order or order[-1] != delta.kind:
            order.append(delta.kind)
    return ("".join(d.text for d in deltas if d.kind == "reasoning"),
            "".join(d.text for d in deltas if d.kind == "text"), order)


# -- gr.ChatInterface: messages, tuples, additional inputs, multimodal ------------------------


@pytest.mark.parametrize("kind, version", _pairs("ci-messages", "ci-tuples"))
def test_chat_interface_by_url_streams_the_exact_reply(replica: Callable[..., Replica],
                                                      client: Client, kind: str, version: str) -> None:
    server = replica(kind, version)
    prompt = _prompt()
    stream = client.stream(server.url, _user(prompt))
    deltas = _drain(stream)
    expected = gen.ci_reply(prompt, 0)
    assert "".join(deltas) == expected == stream.result.text
    assert stream.result.reasoning == ""
    assert len(deltas) == len(gen.words(expected))  # one delta per streamed word
    assert all(isinstance(d, str) for d in deltas)
    [call] = _calls(server, prompt, "respond")
    assert call["message"] == prompt


@pytest.mark.parametrize("kind, version", _pairs("ci-messages"))
def test_space_id_key_moves_the_space(replica: Callable[..., Replica], kind: str,
                                      version: str) -> None:
    server = replica(kind, version)
    prompt = _prompt()
    with Client(base_urls={"someone/My_Chat.Space": server.url}, timeout=30.0) as c:
        result = c.chat("someone/My_Chat.Space", _user(prompt))
        assert c.space_url("someone/My_Chat.Space") == server.url
    assert result.text == gen.ci_reply(prompt, 0)
    assert result.space_url == server.url


@pytest.mark.parametrize("kind, version", _pairs("ci-additional"))
def test_additional_inputs_have_defaults_and_take_keywords(replica: Callable[..., Replica],
                                                          client: Client, kind: str,
                                                          version: str) -> None:
    server = replica(kind, version)
    defaults = [value for _, value in gen.ADDITIONAL_DEFAULTS]
    prompt = _prompt()
    assert client.chat(server.url, _user(prompt)).text == gen.ci_reply(prompt, 0, defaults)

    prompt = _prompt()
    result = client.chat(server.url, _user(prompt), system="Be brief.", temperature=1.5,
                         model="large")
    assert result.text == gen.ci_reply(prompt, 0, ["Be brief.", 1.5, "large"])
    [call] = _calls(server, prompt, "respond")
    assert call["inputs"] == {"System prompt": "Be brief.", "Temperature": 1.5, "Model": "large"}

    # a system message in `messages` reaches the same input
    prompt = _prompt()
    messages = [{"role": "system", "content": "Speak like a pirate."}, *_user(prompt)]
    result = client.chat(server.url, messages)
    assert result.text == gen.ci_reply(prompt, 0, ["Speak like a pirate.", 0.7, "small"])


@pytest.mark.parametrize("kind, version", _pairs("ci-additional"))
def test_bad_keywords_fail_before_any_request(replica: Callable[..., Replica], client: Client,
                                              kind: str, version: str) -> None:
    server = replica(kind, version)
    prompt = _prompt()
    with pytest.raises(ValueError) as unknown:
        client.stream(server.url, _user(prompt), temprature=0.3)
    assert "temprature" in str(unknown.value) and "temperature" in str(unknown.value)
    with pytest.raises(ValueError) as choice:
        client.stream(server.url, _user(prompt), model="huge")
    assert "huge" in str(choice.value)
    assert all(name in str(choice.value) for name in gen.MODEL_CHOICES)
    assert _calls(server, prompt) == []


@pytest.mark.parametrize("kind, version", _pairs("ci-multimodal"))
def test_multimodal_chat_interface_gets_the_image(replica: Callable[..., Replica], client: Client,
                                                  kind: str, version: str) -> None:
    server = replica(kind, version)
    prompt = _prompt()
    result = client.chat(server.url, _user(prompt), image=PNG)
    assert result.text == gen.ci_reply(prompt, 0, None, [len(PNG)])
    [call] = _calls(server, prompt, "respond")
    assert call["inputs"]["file_sizes"] == [len(PNG)]

    prompt = _prompt()  # no image: an empty file list
    assert client.chat(server.url, _user(prompt)).text == gen.ci_reply(prompt, 0, None, [])


@pytest.mark.parametrize("kind, version", _pairs("ci-messages"))
def test_image_on_a_space_without_image_input_is_a_value_error(
        replica: Callable[..., Replica], client: Client, kind: str, version: str) -> None:
    server = replica(kind, version)
    prompt = _prompt()
    with pytest.raises(ValueError, match="image"):
        client.stream(server.url, _user(prompt), image=PNG)
    assert _calls(server, prompt) == []


# -- Blocks: user step (unqueued) then the streaming bot step ---------------------------------


@pytest.mark.parametrize("kind, version", _pairs("chain-tuples", "chain-messages"))
def test_blocks_chain_runs_like_the_browser(replica: Callable[..., Replica], client: Client,
                                            kind: str, version: str) -> None:
    server = replica(kind, version)
    prompt = _prompt()
    stream = client.stream(server.url, _user(prompt))
    deltas = _drain(stream)
    expected = gen.chain_reply(prompt, 0)
    assert "".join(deltas) == expected == stream.result.text
    assert len(deltas) == len(gen.words(expected))
    [user_call] = _calls(server, prompt, "user")
    assert user_call["message"] == prompt
    # the bot step got the history the user step returned: one user turn, no reply yet
    bot_calls = [line for line in gen.read_log(server.yield_log)
                 if line.get("fn") == "bot" and prompt in str(line.get("history"))]
    assert len(bot_calls) == 1
    history = bot_calls[0]["history"]
    if kind == "chain-tuples":
        assert history == [[prompt, None]]
    else:
        assert [(m["role"], gen.text_of(m["content"])) for m in history] == [("user", prompt)]


# -- reasoning: <think> tags and thought messages ---------------------------------------------


@pytest.mark.parametrize("kind, version", _pairs("think-tags"))
def test_think_tags_become_reasoning(replica: Callable[..., Replica], client: Client, kind: str,
                                     version: str) -> None:
    server = replica(kind, version)
    prompt = _prompt()
    stream = client.stream(server.url, _user(prompt), reasoning=True)
    reasoning, answer, order = _split(_drain(stream))
    assert (reasoning, answer) == (gen.think_reasoning(prompt), gen.think_answer(prompt, 0))
    assert (stream.result.reasoning, stream.result.text) == (reasoning, answer)
    assert order == ["reasoning", "text"]

    prompt = _prompt()  # without reasoning=True: str deltas of the answer only, still streamed
    stream = client.stream(server.url, _user(prompt))
    deltas = _drain(stream)
    assert all(isinstance(d, str) for d in deltas)
    assert "".join(deltas) == gen.think_answer(prompt, 0) == stream.result.text
    assert stream.result.reasoning == gen.think_reasoning(prompt)
    assert len(deltas) > 3


@pytest.mark.parametrize("kind, version", _pairs("thoughts"))
def test_thought_messages_become_reasoning(replica: Callable[..., Replica], client: Client,
                                           kind: str, version: str) -> None:
    server = replica(kind, version)
    prompt = _prompt()
    stream = client.stream(server.url, _user(prompt), reasoning=True)
    deltas = _drain(stream)
    reasoning, answer, order = _split(deltas)
    assert (reasoning, answer) == (gen.thoughts_reasoning(prompt), gen.thoughts_answer(prompt, 0))
    assert order == ["reasoning", "text"]
    assert sum(d.kind == "reasoning" for d in deltas) == len(gen.words(reasoning))
    assert sum(d.kind == "text" for d in deltas) == len(gen.words(answer))
    assert (stream.result.reasoning, stream.result.text) == (reasoning, answer)


# -- no single chat: ambiguity and absence ----------------------------------------------------


@pytest.mark.parametrize("kind, version", _pairs("two-chats"))
def test_two_chats_ask_for_api_name(replica: Callable[..., Replica], client: Client, kind: str,
                                    version: str) -> None:
    server = replica(kind, version)
    prompt = _prompt()
    with pytest.raises(ProtocolError) as error:
        client.stream(server.url, _user(prompt))
    message = str(error.value)
    assert "alpha" in message and "beta" in message and "api_name" in message
    assert _calls(server, prompt) == []

    for api_name, reply in (("/beta", gen.beta_reply), ("alpha", gen.alpha_reply)):
        prompt = _prompt()
        stream = client.stream(server.url, _user(prompt), api_name=api_name)
        deltas = _drain(stream)
        assert "".join(deltas) == reply(prompt, 0)
        assert len(deltas) == len(gen.words(reply(prompt, 0)))
        [call] = _calls(server, prompt)
        assert call["fn"] == api_name.strip("/")


@pytest.mark.parametrize("kind, version", _pairs("no-chat"))
def test_no_chat_is_a_clear_error(replica: Callable[..., Replica], client: Client, kind: str,
                                  version: str) -> None:
    server = replica(kind, version)
    before = len(gen.read_log(server.yield_log))
    with pytest.raises(ProtocolError) as error:
        client.stream(server.url, _user(_prompt()))
    message = str(error.value)
    api = "calculator" if version.startswith("6.") else "predict"
    assert "no chat" in message.lower() and api in message  # says what it found
    assert len(gen.read_log(server.yield_log)) == before  # and ran nothing


# -- Qwen/Qwen3-Demo (Gradio 5.27.0 + modelscope_studio 1.6.1) --------------------------------


@pytest.fixture
def qwen3(replica: Callable[..., Replica]) -> Iterator[Tuple[Replica, Client]]:
    server = replica("qwen3-demo", QWEN3)
    with Client(base_urls={"Qwen/Qwen3-Demo": server.url}, timeout=60.0) as c:
        yield server, c


@pytest.mark.replicas("qwen3-demo")
@pytest.mark.parametrize("version", [QWEN3])
@pytest.mark.parametrize("model", QWEN3_MODELS)
def test_qwen3_models_answer_with_reasoning(qwen3: Tuple[Replica, Client], model: str,
                                            version: str) -> None:
    server, c = qwen3
    prompt = _prompt()
    stream = c.stream(model, _user(prompt), reasoning=True)
    deltas = _drain(stream)
    reasoning, answer, order = _split(deltas)
    expected = fake_dashscope.reply_texts(model, _user(prompt), True, 38 * 1024)
    assert (reasoning, answer) == expected
    assert order == ["reasoning", "text"]
    assert sum(d.kind == "reasoning" for d in deltas) > 5 and sum(d.kind == "text" for d in deltas) > 5
    assert stream.result.model == model and stream.result.space_url == server.url
    [call] = _upstream(server, prompt)
    assert call == {"model": model, "messages": _user(prompt), "enable_thinking": True,
                    "thinking_budget": 38 * 1024}


@pytest.mark.replicas("qwen3-demo")
@pytest.mark.parametrize("version", [QWEN3])
def test_qwen3_answer_only_by_default(qwen3: Tuple[Replica, Client], version: str) -> None:
    server, c = qwen3
    prompt = _prompt()
    stream = c.stream("qwen3-235b-a22b", _user(prompt), thinking_budget=4)
    deltas = _drain(stream)
    reasoning, answer = fake_dashscope.reply_texts("qwen3-235b-a22b", _user(prompt), True, 4096)
    assert all(isinstance(d, str) for d in deltas) and len(deltas) > 5
    assert "".join(deltas) == answer == stream.result.text
    assert stream.result.reasoning == reasoning
    [call] = _upstream(server, prompt)
    assert call["thinking_budget"] == 4096


@pytest.mark.replicas("qwen3-demo")
@pytest.mark.parametrize("version", [QWEN3])
def test_qwen3_thinking_off(qwen3: Tuple[Replica, Client], version: str) -> None:
    server, c = qwen3
    prompt = _prompt()
    stream = c.stream("qwen3-14b", _user(prompt), reasoning=True, thinking=False)
    reasoning, answer, order = _split(_drain(stream))
    assert reasoning == "" and order == ["text"]
    assert answer == fake_dashscope.reply_texts("qwen3-14b", _user(prompt), False)[1]
    [call] = _upstream(server, prompt)
    assert call["enable_thinking"] is False and call["model"] == "qwen3-14b"

    prompt = _prompt()  # a new call is a new session: thinking is on again
    c.chat("qwen3-14b", _user(prompt))
    [call] = _upstream(server, prompt)
    assert call["enable_thinking"] is True


@pytest.mark.replicas("qwen3-demo")
@pytest.mark.parametrize("version", [QWEN3])
def test_qwen3_space_id_and_its_own_model_keyword(qwen3: Tuple[Replica, Client],
                                                  version: str) -> None:
    server, c = qwen3
    prompt = _prompt()
    result = c.chat("Qwen/Qwen3-Demo", _user(prompt), model="qwen3-8b")
    assert result.text == fake_dashscope.reply_texts("qwen3-8b", _user(prompt))[1]
    assert result.model == "qwen3-8b"
    [call] = _upstream(server, prompt)
    assert call["model"] == "qwen3-8b"
    with pytest.raises(ValueError) as error:
        c.stream("Qwen/Qwen3-Demo", _user(prompt), thinking_budget=39)
    assert "thinking_budget" in str(error.value)


@pytest.mark.replicas("qwen3-demo")
@pytest.mark.parametrize("version", [QWEN3])
def test_qwen3_by_url_reads_the_config(qwen3: Tuple[Replica, Client], client: Client,
                                       version: str) -> None:
    server, _ = qwen3
    prompt = _prompt()
    stream = client.stream(server.url, _user(prompt), reasoning=True)
    reasoning, answer, _ = _split(_drain(stream))
    # the form's own default model (qwen3-235b-a22b), thinking on, budget 38k
    assert (reasoning, answer) == fake_dashscope.reply_texts("qwen3-235b-a22b", _user(prompt))
    contract = client.chat_contract(server.url)
    assert contract.reply_format == "pro" and contract.version == QWEN3


@pytest.mark.replicas("qwen3-demo")
@pytest.mark.parametrize("version", [QWEN3])
def test_qwen3_upstream_error(qwen3: Tuple[Replica, Client], version: str) -> None:
    server, c = qwen3
    prompt = f"{_prompt()} {fake_dashscope.ERROR_TRIGGER}"
    stream = c.stream("qwen3-32b", _user(prompt), reasoning=True)
    seen: List[Delta] = []
    with pytest.raises(SpaceAppError) as error:
        with stream:
            for delta in stream:
                seen.append(delta)
    reasoning, answer, _ = fake_dashscope.reply_words("qwen3-32b", _user(prompt), True, 38 * 1024)
    assert fake_dashscope.UPSTREAM_ERROR in str(error.value)
    assert "<span" not in str(error.value)
    assert error.value.partial_reasoning == "".join(reasoning)
    assert error.value.partial_text == "".join(answer)  # exactly what was streamed
    got_reasoning, got_answer, _ = _split(seen)
    assert (got_reasoning, got_answer) == ("".join(reasoning), "".join(answer))
    assert fake_dashscope.UPSTREAM_ERROR not in got_answer
