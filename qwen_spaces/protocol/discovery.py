"""Finding the chat in an app's ``/config``: :func:`find_chat` returns the
:class:`~.contract.ChatContract` of the event that takes the user's message
and streams the reply.

The rules (GRADIO_PROTOCOL.md sections 2, 14 and 15):

- a chat starts with an event (not a ``.then`` step) whose inputs hold a
  message input (Textbox, MultimodalTextbox, modelscope Sender or
  MultimodalInput) and whose chain (the events that ``trigger_after`` it)
  writes a chatbot; or, as a ChatInterface's public API does, a named event
  that answers in a text/JSON output and keeps the history in a ``gr.State``;
- the browser runs the chain in order: the steps up to the one that writes
  the chatbot are the turn, that last one streams the reply;
- public, named, queued, generating events are preferred; events that run
  on the same inputs and outputs (a Textbox submit and a Send button) are
  one chat; two different chats that fit equally are an error naming them.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from ..errors import ProtocolError
from .config import AppConfig
from .contract import (
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

__all__ = ["find_chat", "keyword_of"]

Dep = Dict[str, Any]
Component = Dict[str, Any]

_TEXT_INPUTS = frozenset(("textbox", "antdxsender", "antdinput", "antdinputtextarea"))
_MULTIMODAL_INPUTS = frozenset((
    "multimodaltextbox", "modelscopepromultimodalinput", "modelscopemultimodalinput",
))
_IMAGE_INPUTS = frozenset(("image", "imageeditor"))
_FORMS = frozenset(("antdform",))
_PARAM_INPUTS = frozenset((
    "dropdown", "radio", "slider", "checkbox", "checkboxgroup", "number", "textbox",
    "antdselect", "antdinputnumber", "antdswitch", "antdslider",
))
_TEXT_OUTPUTS = frozenset(("textbox", "markdown", "json"))


def keyword_of(label: Any) -> str:
    """The keyword for an input's label: "Model size" -> "model_size"."""
    if not isinstance(label, str):
        return ""
    return re.sub(r"[^0-9a-zA-Z]+", "_", label).strip("_").lower()


def _is_system(component: Component) -> bool:
    props = component.get("props") or {}
    names = (props.get("label"), props.get("elem_id"), props.get("placeholder"))
    return any(isinstance(n, str) and "system" in n.lower() for n in names)


def _chat_format(component: Component, version: str) -> Optional[str]:
    kind = str(component.get("type", ""))
    if kind == "modelscopeprochatbot":
        return "pro"
    if kind == "chatbot":
        if version[:1].isdigit() and int(version.split(".")[0]) >= 6:
            return "parts"
        return "messages" if (component.get("props") or {}).get("type") == "messages" else "tuples"
    if "chatbot" in kind:
        return "mgr"
    return None


class _App:
    """An app's /config, indexed."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        self.components: Dict[int, Component] = {
            c["id"]: c for c in config.raw.get("components") or [] if isinstance(c, dict) and "id" in c
        }
        self.deps: Dict[int, Dep] = {}
        for index, dep in enumerate(config.raw.get("dependencies") or []):
            if isinstance(dep, dict):
                fn = dep.get("id", index)
                self.deps[fn if isinstance(fn, int) else index] = dep
        self.children: Dict[int, List[int]] = {}
        for fn, dep in self.deps.items():
            parent = dep.get("trigger_after")
            if isinstance(parent, int):
                self.children.setdefault(parent, []).append(fn)

    def type_of(self, component_id: Any) -> str:
        return str(self.components.get(component_id, {}).get("type", ""))

    def chat_format(self, component_id: Any) -> Optional[str]:
        component = self.components.get(component_id)
        return None if component is None else _chat_format(component, self.config.version)

    def message_input(self, dep: Dep) -> Optional[int]:
        inputs = [i for i in dep.get("inputs") or [] if self._is_message(i)]
        trigger = _trigger_of(dep)
        return trigger if trigger in inputs else (inputs[0] if inputs else None)

    def _is_message(self, component_id: Any) -> bool:
        kind = self.type_of(component_id)
        if kind in _MULTIMODAL_INPUTS:
            return True
        return kind in _TEXT_INPUTS and not _is_system(self.components[component_id])

    def step(self, fn: int) -> Step:
        dep = self.deps[fn]
        api_name = dep.get("api_name")
        return Step(
            fn_index=fn, inputs=tuple(dep.get("inputs") or ()), outputs=tuple(dep.get("outputs") or ()),
            queued=dep.get("queue") is not False,
            api_name=api_name if isinstance(api_name, str) and api_name else None,
            trigger_id=_trigger_of(dep), generator=bool((dep.get("types") or {}).get("generator")),
        )


def _trigger_of(dep: Dep) -> Optional[int]:
    targets = dep.get("targets") or []
    if targets and isinstance(targets[0], (list, tuple)) and targets[0]:
        first = targets[0][0]
        return first if isinstance(first, int) else None
    return None


def _is_public(dep: Dep) -> bool:
    named = isinstance(dep.get("api_name"), str) and bool(dep.get("api_name"))
    visibility = dep.get("api_visibility")
    if visibility is not None:
        return named and visibility == "public"
    return named and dep.get("show_api", True) is not False


def _reply_in(app: _App, fn: int) -> Optional[int]:
    for output in app.deps[fn].get("outputs") or []:
        if app.chat_format(output) is not None:
            return int(output)
    return None


def _chain_to_reply(app: _App, root: int) -> Optional[List[int]]:
    """The events from ``root`` to the first one (breadth first, generators
    preferred) that writes a chatbot."""
    paths: List[List[int]] = [[root]]
    found: List[List[int]] = []
    while paths:
        path = paths.pop(0)
        if _reply_in(app, path[-1]) is not None:
            found.append(path)
            if app.step(path[-1]).generator:
                continue
        paths.extend(path + [child] for child in app.children.get(path[-1], []) if len(path) < 8)
    generating = [p for p in found if app.step(p[-1]).generator]
    return (generating or found or [None])[0]  # type: ignore[list-item]


def _text_reply(app: _App, fn: int, named: bool) -> Optional[int]:
    """A ChatInterface-style API event: the reply in a text/JSON output."""
    dep = app.deps[fn]
    outputs = dep.get("outputs") or []
    keeps_history = any(
        app.type_of(i) == "state" and i in outputs for i in dep.get("inputs") or []
    )
    if not (named or keeps_history):
        return None
    for output in outputs:
        if app.type_of(output) in _TEXT_OUTPUTS:
            return int(output)
    return None


class _Candidate:
    def __init__(self, app: _App, chain: List[int], reply: int) -> None:
        self.chain = chain
        self.reply = reply
        first, last = app.deps[chain[0]], app.step(chain[-1])
        self.score = (_is_public(first), last.generator, last.queued)
        self.key = (tuple(first.get("inputs") or ()), tuple(first.get("outputs") or ()),
                    tuple(chain[1:]), reply)
        self.triggered_by_message = _trigger_of(first) == app.message_input(first)

    def describe(self, app: _App) -> str:
        first = app.deps[self.chain[0]]
        name = first.get("api_name")
        label = f"/{name}" if isinstance(name, str) and name else "(unnamed)"
        return f"{label} (fn_index {self.chain[0]}, reply in component {self.reply})"


def _candidate(app: _App, fn: int, named: bool) -> Optional[_Candidate]:
    if app.message_input(app.deps[fn]) is None:
        return None
    chain = _chain_to_reply(app, fn)
    if chain is not None:
        return _Candidate(app, chain, _reply_in(app, chain[-1]) or 0)
    reply = _text_reply(app, fn, named)
    return None if reply is None else _Candidate(app, [fn], reply)


def _by_api_name(app: _App, api_name: str) -> _Candidate:
    wanted = api_name.lstrip("/")
    for fn, dep in app.deps.items():
        if dep.get("api_name") == wanted:
            # the chain starts at the first event that reads the message: the
            # named one, or the event it follows (a chat's "add the user turn")
            start: Any = fn
            while app.message_input(app.deps[start]) is None and app.deps[start].get("trigger_after") in app.deps:
                start = app.deps[start]["trigger_after"]
            found = _candidate(app, start, named=True)
            if found is not None:
                return found
            raise ProtocolError(
                f"the event /{wanted} takes no chat message or gives no reply ({_summary(app, fn)})"
            )
    names = sorted(f"/{d['api_name']}" for d in app.deps.values() if isinstance(d.get("api_name"), str))
    raise ProtocolError(f"the app has no event /{wanted}; its named events: {', '.join(names) or 'none'}")


def _best(app: _App) -> _Candidate:
    groups: Dict[Any, _Candidate] = {}
    for fn, dep in app.deps.items():
        if (dep.get("types") or {}).get("cancel"):
            continue
        # a public streaming event that answers in text counts too (a gr.Interface chat)
        found = _candidate(app, fn, named=_is_public(dep) and app.step(fn).generator)
        if found is None:
            continue
        held = groups.get(found.key)
        if held is None or (found.score, found.triggered_by_message) > (held.score, held.triggered_by_message):
            groups[found.key] = found
    if not groups:
        raise ProtocolError(
            "found no chat event in the app: no event takes a message and answers in a chatbot "
            f"or a text output. Events: {_events(app)}. Pass api_name= to pick one."
        )
    ranked = sorted(groups.values(), key=lambda c: c.score, reverse=True)
    tied = [c for c in ranked if c.score == ranked[0].score]
    if len(tied) > 1:
        raise ProtocolError(
            "the app has several chat events: " + "; ".join(c.describe(app) for c in tied)
            + ". Pass api_name= to pick one."
        )
    return ranked[0]


def _summary(app: _App, fn: int) -> str:
    dep = app.deps[fn]
    ins = ", ".join(app.type_of(i) or "?" for i in dep.get("inputs") or [])
    outs = ", ".join(app.type_of(o) or "?" for o in dep.get("outputs") or [])
    return f"inputs [{ins}] -> outputs [{outs}]"


def _events(app: _App) -> str:
    shown = []
    for fn, dep in list(app.deps.items())[:12]:
        name = dep.get("api_name")
        label = f"/{name}" if isinstance(name, str) and name else f"fn_index {fn}"
        shown.append(f"{label}: {_summary(app, fn)}")
    return "; ".join(shown) or "none"


def _slot(app: _App, component_id: int, message: Optional[int]) -> Slot:
    component = app.components.get(component_id, {"type": ""})
    kind = str(component.get("type", ""))
    props = component.get("props") or {}
    label = str(props["label"]) if isinstance(props.get("label"), str) else ""
    base = Slot(component_id, FIXED, kind, keyword_of(label or props.get("elem_id")),
                props.get("value"), label=label)
    if kind == "state":
        return base._replace(role=STATE)
    if component_id == message:
        return base._replace(role=MESSAGE, format="multimodal" if kind in _MULTIMODAL_INPUTS else "text")
    chat = app.chat_format(component_id)
    if chat is not None:
        return base._replace(role=HISTORY, format=chat)
    if kind in _FORMS:
        return base._replace(role=FORM)
    if kind in _IMAGE_INPUTS:
        return base._replace(role=IMAGE)
    if kind in _TEXT_INPUTS and _is_system(component):
        return base._replace(role=SYSTEM)
    if kind in _PARAM_INPUTS and base.name:
        return base._replace(role=PARAM, choices=_choices(props.get("choices")),
                             minimum=_number(props.get("minimum")), maximum=_number(props.get("maximum")))
    return base


def _choices(raw: Any) -> Tuple[Any, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(c[1] if isinstance(c, (list, tuple)) and len(c) == 2 else c for c in raw)


def _number(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _system_setter(app: _App, states: List[int], exclude: List[int]) -> Optional[int]:
    """An event that writes one of the chat's States from one system text input."""
    for fn, dep in app.deps.items():
        inputs = dep.get("inputs") or []
        if fn in exclude or len(inputs) != 1 or inputs[0] not in app.components:
            continue
        if _is_system(app.components[inputs[0]]) and any(s in (dep.get("outputs") or []) for s in states):
            return fn
    return None


def find_chat(config: AppConfig, api_name: Optional[str] = None) -> ChatContract:
    """The chat contract of an app: the event named ``api_name`` (with or
    without a leading "/"), else the one chat event the app has."""
    app = _App(config)
    found = _by_api_name(app, api_name) if api_name else _best(app)
    message = app.message_input(app.deps[found.chain[0]])
    steps = tuple(app.step(fn) for fn in found.chain)
    slots = {c: _slot(app, c, message) for step in steps for c in step.inputs}
    reply_format = app.chat_format(found.reply) or (
        "json" if app.type_of(found.reply) == "json" else "text"
    )
    states = [c for c, slot in slots.items() if slot.role == STATE]
    setter = None if any(s.role == SYSTEM for s in slots.values()) else _system_setter(app, states, found.chain)
    events = {
        str(dep["api_name"]): fn for fn, dep in app.deps.items()
        if isinstance(dep.get("api_name"), str) and dep.get("api_name")
    }
    form = next((s for s in slots.values() if s.role == FORM and isinstance(s.default, dict)), None)
    field = next((k for k in (form.default if form else {}) if "sys" in k.lower()), None)
    return ChatContract(
        steps=steps, slots=slots, reply_component=found.reply, reply_format=reply_format,
        api_prefix=config.api_prefix, version=config.version, events=events, system_setter=setter,
        system_field=field,
    )
