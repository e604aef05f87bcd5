"""The replicas of generic (non-Qwen-layout) Gradio chat apps that the engine is tested
against: kind -> (app script under apps/, env switches, Gradio versions it runs on).

Plain data, no pytest: ``tests/integration/conftest.py`` adds these to its KINDS table and
``record_configs.py`` records each kind x version's /config.
"""

from __future__ import annotations

from typing import Dict, Tuple

from tests.servers.gradio_envs import QWEN3_VERSION, VERSIONS

Env = Tuple[Tuple[str, str], ...]
ALL3: Tuple[str, ...] = VERSIONS  # 4.44.1, 5.23.3, 6.31.0
V4_5: Tuple[str, ...] = tuple(v for v in VERSIONS if not v.startswith("6."))  # tuples exist
V5_6: Tuple[str, ...] = tuple(v for v in VERSIONS if not v.startswith("4."))

GENERIC_KINDS: Dict[str, Tuple[str, Env, Tuple[str, ...]]] = {
    # Qwen/Qwen3-Demo (modelscope_studio), its own Gradio stack only
    "qwen3-demo": ("qwen3_demo/app.py", (), (QWEN3_VERSION,)),
    # Qwen/Qwen3-VL-Demo (modelscope_studio, multimodal input), the same stack
    "qwen3-vl-demo": ("qwen3_vl_demo/app.py", (), (QWEN3_VERSION,)),
    # gr.ChatInterface
    "ci-messages": ("chat_interface.py", (("CI_TYPE", "messages"),), ALL3),
    "ci-tuples": ("chat_interface.py", (("CI_TYPE", "tuples"),), V4_5),
    "ci-additional": ("chat_interface.py", (("CI_TYPE", "messages"), ("CI_ADDITIONAL", "1")), ALL3),
    "ci-multimodal": ("chat_interface.py", (("CI_TYPE", "messages"), ("CI_MULTIMODAL", "1")), ALL3),
    # Blocks: user step (queue=False) .then(bot step streaming)
    "chain-tuples": ("blocks_chain.py", (("CHATBOT", "tuples"),), V4_5),
    "chain-messages": ("blocks_chain.py", (("CHATBOT", "messages"),), ALL3),
    # reasoning in the reply text / as a separate "thought" message
    "think-tags": ("think_tags.py", (("CI_TYPE", "messages"),), ALL3),
    "thoughts": ("thoughts.py", (), V5_6),
    # no single chat: two chat events, or none
    "two-chats": ("two_chats.py", (), ALL3),
    "no-chat": ("no_chat.py", (), ALL3),
}


def kind_versions() -> Dict[str, Tuple[str, ...]]:
    return {kind: versions for kind, (_, _, versions) in GENERIC_KINDS.items()}


def pairs() -> Tuple[Tuple[str, str], ...]:
    """Every (kind, version) a generic replica runs on."""
    return tuple((kind, version) for kind, (_, _, versions) in GENERIC_KINDS.items()
                 for version in versions)
