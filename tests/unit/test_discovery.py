"""Finding the chat in real /config documents (tests/captures/configs, recorded
from the replicas in tests/servers/apps on each Gradio version)."""

import json
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from qwen_spaces.errors import ProtocolError
from qwen_spaces.protocol.config import AppConfig
from qwen_spaces.protocol.discovery import find_chat, keyword_of

from .captures import CAPTURES

CONFIGS = CAPTURES / "configs"


def _config(name: str) -> AppConfig:
    raw = json.loads((CONFIGS / f"{name}.json").read_text())["config"]
    return AppConfig(str(raw["version"]), raw["protocol"], (raw.get("api_prefix") or "").rstrip("/"), raw)


def _dep(config: AppConfig, api_name: str) -> Dict[str, Any]:
    found = config.dependency(api_name)
    assert found is not None, api_name
    return found


def _component(config: AppConfig, cid: int) -> Dict[str, Any]:
    return next(c for c in config.raw["components"] if c["id"] == cid)


def _names() -> list:
    return sorted(p.stem for p in CONFIGS.glob("*.json"))


# the public API event of a ChatInterface, by Gradio version (GRADIO_PROTOCOL.md 14)
CI_API = {"4.44.1": "chat", "5.23.3": "chat", "6.31.0": "respond"}


@pytest.mark.parametrize("name", [n for n in _names() if n.startswith(("ci-", "think-tags", "thoughts"))])
def test_chat_interface_uses_its_public_api_event(name: str) -> None:
    version = name.rsplit("-", 1)[1]
    config = _config(name)
    contract = find_chat(config)
    api = _dep(config, CI_API[version])
    assert [s.fn_index for s in contract.steps] == [api["id"]]
    assert contract.reply_component == api["outputs"][0] and contract.reply_output == 0
    expected = "json" if _component(config, api["outputs"][0])["type"] == "json" else "text"
    assert contract.reply_format == expected
    message = api["inputs"][0]
    assert contract.slots[message].role == "message"
    assert contract.slots[message].format == ("multimodal" if name.startswith("ci-multimodal") else "text")
    assert contract.slots[api["inputs"][1]].role == "state"  # server-side history


@pytest.mark.parametrize("version", ["4.44.1", "5.23.3", "6.31.0"])
def test_additional_inputs_are_keywords_named_by_label(version: str) -> None:
    contract = find_chat(_config(f"ci-additional-{version}"))
    assert contract.slot("system") is not None and contract.slot("system").default == "You are terse."
    params = contract.params()
    assert sorted(params) == ["model", "temperature"]
    assert params["model"].choices == ("small", "large") and params["model"].default == "small"
    assert (params["temperature"].minimum, params["temperature"].maximum) == (0, 2)
    assert params["temperature"].default == 0.7


@pytest.mark.parametrize("name", [n for n in _names() if n.startswith("chain-")])
def test_submit_then_chain_is_one_turn(name: str) -> None:
    config = _config(name)
    contract = find_chat(config)
    user, bot = _dep(config, "user"), _dep(config, "bot")
    assert [s.fn_index for s in contract.steps] == [user["id"], bot["id"]]
    assert contract.steps[0].queued is False and contract.steps[1].generator
    assert bot["trigger_after"] == user["id"]
    chatbot = _component(config, bot["outputs"][0])
    assert contract.reply_component == chatbot["id"]
    version = name.rsplit("-", 1)[1]
    expected = "parts" if version.startswith("6") else chatbot["props"]["type"]
    assert contract.reply_format == expected
    assert contract.slots[chatbot["id"]].role == "history"


@pytest.mark.parametrize("name", [n for n in _names() if n.startswith("two-chats")])
def test_two_different_chats_is_an_error_naming_both(name: str) -> None:
    with pytest.raises(ProtocolError, match=r"several chat events: /alpha .*; /beta .*api_name="):
        find_chat(_config(name))
    assert find_chat(_config(name), "/beta").steps[0].api_name == "beta"
    assert find_chat(_config(name), "alpha").steps[0].api_name == "alpha"


@pytest.mark.parametrize("name", [n for n in _names() if n.startswith("no-chat")])
def test_no_chat_is_an_error_that_lists_the_events(name: str) -> None:
    with pytest.raises(ProtocolError, match=r"no chat event.*Events: /(predict|calculator).*api_name="):
        find_chat(_config(name))


def test_unknown_api_name_lists_the_named_events() -> None:
    with pytest.raises(ProtocolError, match=r"no event /nope; its named events: .*/alpha, /beta"):
        find_chat(_config("two-chats-6.31.0"), "/nope")


def test_seed_layout_events_with_the_same_inputs_are_one_chat() -> None:
    raw = json.loads((CAPTURES / "g5.23.3_config_chat.json").read_text())
    contract = find_chat(AppConfig(raw["version"], raw["protocol"], raw["api_prefix"], raw))
    # model_chat (Textbox submit) and model_chat_1 (Send button): the same chat
    assert contract.steps[0].api_name == "model_chat" and contract.steps[0].trigger_id == 10
    # its system prompt is a gr.State set by the Space's own event
    assert contract.slot("system") is None and contract.system_setter == 3


def test_qwen3_demo_contract() -> None:
    contract = find_chat(_config("qwen3-demo-5.27.0"))
    assert contract.reply_step.fn_index == 13 and contract.reply_format == "pro"
    assert contract.form_fields() == {
        "model": "qwen3-235b-a22b", "sys_prompt": "You are a helpful and harmless assistant.",
        "thinking_budget": 38,
    }


@pytest.mark.parametrize("label, keyword", [
    ("Model size", "model_size"), ("Temperature", "temperature"), ("Max new tokens!", "max_new_tokens"),
    (None, ""), ("  ", ""),
])
def test_keywords_from_labels(label: Optional[str], keyword: str) -> None:
    assert keyword_of(label) == keyword


def test_configs_were_recorded() -> None:
    assert len(_names()) >= 20 and all(Path(CONFIGS / f"{n}.json").stat().st_size > 1000 for n in _names())
