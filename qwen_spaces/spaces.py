"""The built-in Spaces and models, as data.

Each :class:`Space` row pins what the Space's ``/config`` would say about its
chat (root URL, API prefix, the chat event's fn_index / trigger_id / api_name,
what each input holds, which output is the reply and in what format), so that
a known Space needs no ``/config`` round trip on its happy path.  A redeployed
Space may renumber its events; the client then repairs from ``/config``.

Each model name maps to the Space that serves it and the settings that pick
the model there (Qwen3-Demo serves eight models through its settings form).
Any other Space is reached by its Hub id or URL and read from its ``/config``
(``protocol.discovery``).  Nothing here knows HTTP.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple

from .protocol.contract import (
    FIXED,
    FORM,
    HISTORY,
    IMAGE,
    MESSAGE,
    PARAM,
    STATE,
    SYSTEM,
    ChatContract,
    Slot,
    Step,
)

__all__ = [
    "Param", "Space", "Model", "SPACES", "MODELS", "models", "get_space", "get_model",
    "space_root", "is_space_id", "find_space_by_id",
]

HELPFUL = "You are a helpful assistant."
QWEN3_SYSTEM = "You are a helpful and harmless assistant."


class Param(NamedTuple):
    """An extra input a Space offers (e.g. a model-size radio)."""

    default: Any
    choices: Tuple[Any, ...] = ()
    doc: str = ""
    minimum: Optional[float] = None
    maximum: Optional[float] = None


class Space(NamedTuple):
    """One Hugging Face Space with a built-in profile.

    ``inputs`` names each input of the chat event, in order: ``"prompt"``,
    ``"history"`` (a chatbot input), ``"system"``, ``"image"``, ``"state"``
    (a ``gr.State``), ``"settings"`` (a form whose value is a dict of
    ``settings``), ``"multimodal"`` (the message with its files) or the name of
    an entry of ``params``.  ``components`` gives their component ids when
    known (the trigger and the reply matter on the wire; others are labels).
    ``thinking``: whether the Space thinks in a new session, when a
    ``toggle_thinking`` event (``toggle_fn``) switches it; None if it has none.
    """

    name: str
    url: str
    api_prefix: str
    protocol: str  # "queue" (queue/join + SSE) or "call" (/call/{api_name})
    api_name: str
    inputs: Tuple[str, ...]
    reply_output: int
    fn_index: Optional[int] = None
    trigger_id: Optional[int] = None
    aliases: Tuple[str, ...] = ()
    default_system: Optional[str] = None
    params: Mapping[str, Param] = MappingProxyType({})
    supports_stream: bool = True
    supports_system_message: bool = True
    supports_message_history: bool = False
    supports_vision: bool = False
    space_id: str = ""
    reply_format: str = "tuples"
    outputs: int = 3
    settings: Mapping[str, Any] = MappingProxyType({})
    thinking: Optional[bool] = None
    toggle_fn: Optional[int] = None
    components: Tuple[int, ...] = ()
    reply_component: Optional[int] = None
    system_setting: Optional[str] = None  # the settings key that holds the system prompt
    keeps_history: bool = False  # the conversation lives in the session's gr.State

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[-1].split("/", 1)[0]

    def contract(self, fn_index: Optional[int] = None, trigger_id: Optional[int] = None,
                 api_prefix: Optional[str] = None) -> ChatContract:
        """The chat contract this row pins (its fn_index, or the given one)."""
        ids = self.components or tuple(-(i + 1) for i in range(len(self.inputs)))
        slots = {cid: self._slot(cid, name) for cid, name in zip(ids, self.inputs)}
        reply = self.reply_component if self.reply_component is not None else -100
        outputs = tuple(reply if i == self.reply_output else -(101 + i) for i in range(self.outputs))
        fn = self.fn_index if fn_index is None else fn_index
        step = Step(
            fn_index=-1 if fn is None else fn, inputs=ids, outputs=outputs, api_name=self.api_name,
            trigger_id=self.trigger_id if trigger_id is None else trigger_id,
        )
        events = {"toggle_thinking": self.toggle_fn} if self.toggle_fn is not None else {}
        rules = {name: self._slot(-1, name)._replace(role=FORM) for name in self.settings if name in self.params}
        return ChatContract(
            steps=(step,), slots=slots, reply_component=reply, reply_format=self.reply_format,
            api_prefix=self.api_prefix if api_prefix is None else api_prefix,
            events=MappingProxyType(events), system_field=self.system_setting,
            field_rules=MappingProxyType(rules), keeps_history=self.keeps_history,
        )

    def _slot(self, cid: int, name: str) -> Slot:
        if name == "prompt":
            return Slot(cid, MESSAGE, format="text")
        if name == "multimodal":
            return Slot(cid, MESSAGE, format="multimodal")
        if name == "history":
            return Slot(cid, HISTORY, format=self.reply_format, default=[])
        if name == "system":
            return Slot(cid, SYSTEM, default=self.default_system)
        if name == "state":
            return Slot(cid, STATE)
        if name == "image":
            return Slot(cid, IMAGE)
        if name == "settings":
            return Slot(cid, FORM, default=dict(self.settings))
        param = self.params.get(name)
        if param is None:
            return Slot(cid, FIXED)
        return Slot(cid, PARAM, name=name, default=param.default, choices=param.choices,
                    minimum=param.minimum, maximum=param.maximum)


class Model(NamedTuple):
    """A built-in model name: the Space serving it and the settings that pick it."""

    name: str
    space: Space
    aliases: Tuple[str, ...] = ()
    settings: Mapping[str, Any] = MappingProxyType({})


def _frozen(**values: Any) -> Mapping[str, Any]:
    return MappingProxyType(dict(values))


QWEN3_MODELS: Tuple[Tuple[str, str], ...] = (
    ("qwen3-235b-a22b", "Qwen3-235B-A22B"),
    ("qwen3-32b", "Qwen3-32B"),
    ("qwen3-30b-a3b", "Qwen3-30B-A3B"),
    ("qwen3-14b", "Qwen3-14B"),
    ("qwen3-8b", "Qwen3-8B"),
    ("qwen3-4b", "Qwen3-4B"),
    ("qwen3-1.7b", "Qwen3-1.7B"),
    ("qwen3-0.6b", "Qwen3-0.6B"),
)

QWEN3_DEMO = Space(
    name="qwen3-demo",
    space_id="Qwen/Qwen3-Demo",
    url="https://qwen-qwen3-demo.hf.space",
    api_prefix="/gradio_api",
    protocol="queue",
    api_name="add_message",
    fn_index=13,
    trigger_id=33,
    inputs=("prompt", "settings", "state", "state"),
    components=(33, 38, 60, 1),
    reply_output=5,
    reply_component=29,
    outputs=7,
    reply_format="pro",
    default_system=QWEN3_SYSTEM,
    system_setting="sys_prompt",
    settings=_frozen(model=QWEN3_MODELS[0][0], sys_prompt=QWEN3_SYSTEM, thinking_budget=38),
    params=_frozen(
        model=Param(QWEN3_MODELS[0][0], tuple(m for m, _ in QWEN3_MODELS), "the model the Space calls"),
        thinking_budget=Param(38, (), "thinking budget, thousands of tokens", 1, 38),
    ),
    thinking=True,
    toggle_fn=3,
    supports_message_history=True,
    keeps_history=True,
)

QWEN3_VL_DEMO = Space(
    name="qwen3-vl-demo",
    space_id="Qwen/Qwen3-VL-Demo",
    url="https://qwen-qwen3-vl-demo.hf.space",
    api_prefix="/gradio_api",
    protocol="queue",
    api_name="add_message",
    fn_index=11,
    trigger_id=31,
    inputs=("multimodal", "state", "state"),
    components=(31, 38, 1),
    reply_output=5,
    reply_component=29,
    outputs=7,
    reply_format="pro",
    thinking=False,
    toggle_fn=1,
    supports_system_message=False,
    supports_message_history=True,
    keeps_history=True,
    supports_vision=True,
)

SPACES: Tuple[Space, ...] = (
    Space(
        name="qwen-qwen2-5-max",
        space_id="Qwen/Qwen2.5-Max-Demo",
        aliases=("qwen-2-5-max",),
        url="https://qwen-qwen2-5-max-demo.hf.space",
        api_prefix="/gradio_api",
        protocol="queue",
        fn_index=0,
        trigger_id=11,
        api_name="model_chat",
        inputs=("prompt", "history", "system"),
        reply_output=1,
        default_system=HELPFUL,
    ),
    Space(
        name="qwen-qwen2-5",
        space_id="Qwen/Qwen2.5",
        aliases=("qwen-2.5",),
        url="https://qwen-qwen2-5.hf.space",
        api_prefix="",
        protocol="queue",
        fn_index=3,
        trigger_id=25,
        api_name="model_chat",
        inputs=("prompt", "history", "system", "model_size"),
        reply_output=1,
        default_system="You are Qwen, created by Alibaba Cloud. You are a helpful assistant.",
        params=_frozen(
            model_size=Param(
                default="72B",
                choices=("72B", "32B", "14B", "7B", "3B", "1.5B", "0.5B"),
                doc="the model-size radio of the Space",
            )
        ),
    ),
    Space(
        name="qwen-qwen2-72b-instruct",
        space_id="Qwen/Qwen2-72B-Instruct",
        aliases=("qwen-2-72b",),
        url="https://qwen-qwen2-72b-instruct.hf.space",
        api_prefix="",
        protocol="queue",
        fn_index=0,
        trigger_id=11,
        api_name="model_chat",
        inputs=("prompt", "history", "system"),
        reply_output=1,
        default_system=HELPFUL,
    ),
    Space(
        name="qwen-qvq-72b-preview",
        space_id="Qwen/QVQ-72B-preview",
        aliases=("qvq-72b",),
        url="https://qwen-qvq-72b-preview.hf.space",
        api_prefix="/gradio_api",
        protocol="call",
        api_name="generate",
        inputs=("image", "prompt"),
        reply_output=0,
        outputs=1,
        reply_format="text",
        supports_system_message=False,
        supports_vision=True,
    ),
    QWEN3_DEMO,
    QWEN3_VL_DEMO,
)

MODELS: Tuple[Model, ...] = (
    *(Model(s.name, s, s.aliases) for s in SPACES[:4]),
    *(Model(name, QWEN3_DEMO, settings=_frozen(model=name)) for name, _ in QWEN3_MODELS),
    Model("qwen3-vl", QWEN3_VL_DEMO, ("qwen3-vl-demo",)),
)

_BY_NAME: Dict[str, Model] = {alias: m for m in MODELS for alias in (m.name, *m.aliases)}
_BY_ID: Dict[str, Space] = {s.space_id.lower(): s for s in SPACES}
_SPACE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")


def models() -> List[str]:
    """Every built-in model name: each model's name, then its aliases, then
    the Space ids of the built-in Spaces."""
    names = [alias for m in MODELS for alias in (m.name, *m.aliases)]
    return names + [s.space_id for s in SPACES if s.space_id]


def get_model(name: str) -> Optional[Model]:
    """The built-in model ``name`` (a name, an alias or a built-in Space id), or None."""
    if not isinstance(name, str):
        return None
    model = _BY_NAME.get(name)
    if model is not None:
        return model
    space = _BY_ID.get(name.lower())
    if space is None:
        return None
    for candidate in MODELS:  # a Space id means the Space's default model
        if candidate.space is space:
            return candidate
    return None  # pragma: no cover - every built-in Space serves a model


def get_space(name: str) -> Space:
    """The Space serving ``name`` (a built-in model name, alias or Space id)."""
    model = get_model(name)
    if model is None:
        raise ValueError(f"unknown model {name!r}; accepted names: {', '.join(models())}")
    return model.space


def is_space_id(name: str) -> bool:
    """Whether ``name`` looks like a Hub Space id ``owner/name``."""
    return bool(_SPACE_ID.fullmatch(name)) and "://" not in name


def find_space_by_id(space_id: str) -> Optional[Space]:
    return _BY_ID.get(space_id.lower())


def space_root(space_id: str) -> str:
    """``owner/name`` -> ``https://owner-name.hf.space`` (lower case; "." and "_" become "-")."""
    owner, name = space_id.split("/", 1)
    host = re.sub(r"[._]", "-", f"{owner}-{name}".lower())
    return f"https://{host}.hf.space"
