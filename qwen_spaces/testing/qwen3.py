"""LocalSpace's imitation of Hugging Face Space Qwen/Qwen3-Demo: its layout, sessions and events.

Byte-compatible with the transcripts recorded from the Space's reconstruction (Gradio 5.27.0,
modelscope_studio 1.6.1; ``captures/qwen3-demo``): ``add_message`` (fn_index 13) streams a
``pro.Chatbot`` value whose assistant message holds the thinking (a ``tool`` part) and the answer
(a ``text`` part); ``toggle_thinking`` (fn_index 3) flips the session's thinking switch; the
conversation lives on the server, per session hash.  The model behind it is the fake of
:mod:`.upstream`; what it received is kept as :class:`~.upstream.ModelRequest` records.
"""

from __future__ import annotations

import copy
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .jobs import TOKEN, Job, Plan, Settings, echo_reply
from .layouts import Dependency
from .qwen3_data import CONFIG_JSON
from .upstream import ModelRequest, Reply, reply_to

ADD_MESSAGE, TOGGLE_THINKING = 13, 3  # fn_index (= dependency id) of the two events served
THINKING_STATE, CONVERSATION_STATE = 60, 1  # the gr.State components
#: The form's models and the labels the assistant message's ``header`` shows.
MODEL_LABELS = {
    "qwen3-235b-a22b": "Qwen3-235B-A22B", "qwen3-32b": "Qwen3-32B", "qwen3-30b-a3b": "Qwen3-30B-A3B",
    "qwen3-14b": "Qwen3-14B", "qwen3-8b": "Qwen3-8B", "qwen3-4b": "Qwen3-4B",
    "qwen3-1.7b": "Qwen3-1.7B", "qwen3-0.6b": "Qwen3-0.6B",
}
# Where Gradio's file cache put the avatar on the recording machine (a name, not a file we write).
_AVATAR = "/tmp/gradio/7d93755bf459f71cdc9b7da268c71cfac792fbc2e93c559df844a89aa6eceb6a/qwen.png"  # nosec B108
_MESSAGE_FIELDS = ("actions", "disabled_actions", "header", "footer", "avatar", "variant", "shape",
                   "placement", "loading", "typing", "elem_style", "elem_classes", "styles",
                   "class_names", "role", "key", "status", "content", "meta")
_POPCONFIRM_DELETE = {"title": "Delete the message", "description": "Are you sure to delete this message?",
                      "okButtonProps": {"danger": True}}
_POPCONFIRM_RETRY = {"title": "Regenerate the message",
                     "description": "Regenerate the message will also delete all subsequent messages.",
                     "okButtonProps": {"danger": True}}
_ADD_MESSAGE_INFO = {
    "parameters": [
        {"label": "parameter_33", "parameter_name": "input_value", "parameter_has_default": False,
         "parameter_default": None, "type": {"type": "string"},
         "python_type": {"type": "str", "description": ""}, "component": "Antdxsender",
         "example_input": None},
        {"label": "parameter_38", "parameter_name": "settings_form_value", "parameter_has_default": True,
         "parameter_default": {"model": "qwen3-235b-a22b",
                               "sys_prompt": "You are a helpful and harmless assistant.",
                               "thinking_budget": 38},
         "type": {"anyOf": [{"additionalProperties": True, "type": "object"}, {"type": "null"}],
                  "default": None, "title": "AntdFormData", "additional_description": None},
         "python_type": {"type": "dict(str, Any) | None", "description": None},
         "component": "Antdform", "example_input": {}},
    ],
    "returns": [
        {"label": "value_33", "type": {"type": "string"},
         "python_type": {"type": "str", "description": ""}, "component": "Antdxsender"},
        {"label": "value_29", "type": {"items": {}, "title": "ChatbotDataMessages", "type": "array"},
         "python_type": {"type": "list[ChatbotDataMessage]", "description": ""},
         "component": "Modelscopeprochatbot"},
    ],
    "show_api": True,
}


class Qwen3Layout:
    """The Space's components and dependencies (its captured /config), and /info.
    A layout of the same app family (Qwen3-VL-Demo) overrides the class data."""

    fn_index, trigger_id = ADD_MESSAGE, 33
    served = (ADD_MESSAGE, TOGGLE_THINKING)  # the events this imitation runs; the rest are no-ops
    config_json = CONFIG_JSON

    def __init__(self) -> None:
        config = json.loads(self.config_json)
        self.deps = [self._dependency(d) for d in config["dependencies"]]

    def _dependency(self, dep: dict[str, Any]) -> Dependency:
        kind = dep["api_name"] if dep["id"] in self.served else "noop"
        return Dependency(kind, dep["api_name"], dep["targets"], dep["inputs"], dep["outputs"],
                          dep["types"]["generator"], dep["id"])

    def add_message_info(self) -> dict[str, Any]:
        return copy.deepcopy(_ADD_MESSAGE_INFO)

    def config(self, root: str) -> dict[str, Any]:
        config: dict[str, Any] = json.loads(self.config_json.replace("@ROOT@", root))
        return config

    def info(self) -> dict[str, Any]:
        named: dict[str, Any] = {}
        for dep in self.deps:
            if dep.api_name and dep.api_name != "unnamed":
                named["/" + dep.api_name] = {"parameters": [], "returns": [], "show_api": True}
        named["/add_message"] = self.add_message_info()
        return {"named_endpoints": named, "unnamed_endpoints": {}}

    def dep(self, fn_index: Any) -> Dependency | None:
        if isinstance(fn_index, int) and 0 <= fn_index < len(self.deps):
            return self.deps[fn_index]
        return None

    def dep_by_api(self, api_name: str) -> Dependency | None:
        return next((d for d in self.deps if d.api_name == api_name), None)


@dataclass
class Chat:
    """One session's state: the thinking switch (State 60) and the conversation (State 1)."""

    enable_thinking: bool = True
    conversation_id: str = ""
    conversations: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    settings: Any = None


def _update(**props: Any) -> dict[str, Any]:
    return {**props, "__type__": "update"}


def _message(**fields: Any) -> dict[str, Any]:
    """A pro.Chatbot message as it goes on the wire: every field, unset ones None."""
    return {name: fields.get(name) for name in _MESSAGE_FIELDS}


def _tool(content: str) -> dict[str, Any]:
    return {"type": "tool", "copyable": False, "editable": False, "content": content,
            "options": {"title": "Thinking...", "status": "pending"}}


def _text(content: str) -> dict[str, Any]:
    return {"type": "text", "copyable": True, "editable": True, "content": content, "options": None}


def _model_messages(history: list[dict[str, Any]]) -> tuple[dict[str, str], ...]:
    """What the Space sends upstream: user turns, and earlier answers without their thinking."""
    messages = []
    for item in history:
        if item["role"] == "user":
            messages.append({"role": "user", "content": item["content"]})
        elif item["role"] == "assistant":
            texts = [part["content"] for part in item["content"] or () if part["type"] == "text"]
            messages.append({"role": "assistant", "content": texts[0] if texts else ""})
    return tuple(messages)


class _Turn:
    """Builds the yields of one ``add_message`` event, as the Space's generator makes them."""

    def __init__(self, chat: Chat, avatar_url: str, step_seconds: float) -> None:
        self.chat, self.step_seconds = chat, step_seconds
        self.avatar = {"path": _AVATAR, "url": avatar_url, "size": None, "orig_name": None,
                       "mime_type": None, "is_stream": False, "meta": {"_type": "gradio.FileData"}}
        self.yields: list[list[Any]] = []
        self.changed: list[list[int]] = []
        self.states: list[Chat] = []
        self._last = copy.deepcopy(chat)

    def _emit(self, outputs: list[Any]) -> None:
        state = copy.deepcopy(self.chat)
        self.changed.append([CONVERSATION_STATE] if state != self._last else [])
        self.yields.append(copy.deepcopy(outputs))
        self.states.append(state)
        self._last = state

    def _bot_config(self, disabled: list[str] | None) -> dict[str, Any]:
        actions = ["copy", "edit", _action("retry", _POPCONFIRM_RETRY), _action("delete", _POPCONFIRM_DELETE)]
        return _config(actions, disabled, self.avatar, "start", None)

    @staticmethod
    def _user_config(disabled: list[str] | None) -> dict[str, Any]:
        actions = ["copy", "edit", _action("delete", _POPCONFIRM_DELETE)]
        return _config(actions, disabled, None, "end", {"content": "user-message-content"})

    def start(self, text: str, form: dict[str, Any]) -> None:
        """``add_message`` up to its first yield (the UI locked, the user message shown)."""
        chat = self.chat
        if not chat.conversation_id:
            chat.conversation_id = str(uuid.uuid4())
            chat.history = []
            chat.conversations.append({"label": text, "key": chat.conversation_id})
        chat.settings = copy.deepcopy(form)
        chat.history.append(_message(role="user", content=text, key=str(uuid.uuid4())))
        cid = chat.conversation_id
        items = [{**item, "disabled": item["key"] != cid} for item in chat.conversations]
        self._emit([_update(loading=True, value=None), _update(disabled=True), _update(disabled=True),
                    _update(disabled=True), _update(active_key=cid, items=items),
                    _update(bot_config=self._bot_config(["edit", "retry", "delete"]),
                            user_config=self._user_config(["edit", "delete"]), value=chat.history),
                    None])

    def _submit(self) -> None:
        blank = _update()
        self._emit([blank, blank, blank, blank, blank, _update(value=self.chat.history), None])

    def stream(self, reply: Reply, header: str | None) -> None:
        """The Space's ``submit``: the assistant message, filled chunk by chunk."""
        message = _message(role="assistant", content=[], key=str(uuid.uuid4()), header=header,
                           loading=True, status="pending")
        self.chat.history.append(message)
        self._submit()
        tool: dict[str, Any] | None = None
        text: dict[str, Any] | None = None
        for step, chunk in enumerate(reply.chunks, 1):
            if chunk.reasoning:
                tool = tool or _tool("")
                tool["content"] += chunk.reasoning
            if chunk.answer:
                if text is None and tool is not None:
                    tool["options"].update(title=f"End of Thought ({step * self.step_seconds:.2f}s)",
                                           status="done")
                text = text or _text("")
                text["content"] += chunk.answer
            message.update(content=[part for part in (tool, text) if part], loading=False)
            self._submit()
        message.update(loading=False, status="done")
        if reply.error is not None:
            message["content"].append(_text(f'<span style="color: var(--color-red-500)">{reply.error}</span>'))
        else:
            message["footer"] = f"{(len(reply.chunks) + 1) * self.step_seconds:.2f}s"
        self._submit()

    def finish(self) -> None:
        """The generator's ``finally``: the UI unlocked, a last full snapshot."""
        chat = self.chat
        self._emit([_update(loading=False), _update(disabled=False), _update(disabled=False),
                    _update(disabled=False), _update(items=chat.conversations),
                    _update(bot_config=self._bot_config(None), user_config=self._user_config(None),
                            value=chat.history),
                    None])


def _action(name: str, popconfirm: dict[str, Any]) -> dict[str, Any]:
    return {"action": name, "disabled": None, "tooltip": None, "popconfirm": popconfirm}


def _config(actions: list[Any], disabled: list[str] | None, avatar: Any, placement: str,
            class_names: Any) -> dict[str, Any]:
    return {"actions": actions, "disabled_actions": disabled, "header": None, "footer": None,
            "avatar": avatar, "variant": None, "shape": None, "placement": placement, "loading": None,
            "typing": None, "elem_style": None, "elem_classes": None, "styles": None,
            "class_names": class_names}


class Qwen3Demo:
    """The Space's events: per-session state, plans, and what reached the fake model."""

    chat_class: type[Chat] = Chat  # a session's state
    thinking_state = THINKING_STATE  # the thinking switch's gr.State component

    def __init__(self, settings: Settings, root: Callable[[], str]) -> None:
        self.settings, self.root = settings, root
        self.lock = threading.Lock()
        self.chats: dict[str, Chat] = {}
        self.model_requests: list[ModelRequest] = []
        self._ran: set[int] = set()

    def plan(self, job: Job) -> Plan:
        with self.lock:  # Gradio gives null etas until the function has run once
            eta = 0.05 if job.dep.id in self._ran else None
            self._ran.add(job.dep.id)
            chat = self.chats.setdefault(job.session.session_hash, self.chat_class())
            if job.dep.kind == "toggle_thinking":
                chat.enable_thinking = not chat.enable_thinking
                return Plan([], [None], eta=eta, final_changed=[self.thinking_state])
        if job.dep.kind == "add_message":
            return self._add_message(job, chat, eta)
        return Plan([], [], eta=eta)

    def _add_message(self, job: Job, chat: Chat, eta: float | None) -> Plan:
        data = job.data
        if len(data) != 4 or not isinstance(data[0], str) or not isinstance(data[1], dict):
            return Plan.crash()
        budget = data[1].get("thinking_budget", 1)
        if isinstance(budget, bool) or not isinstance(budget, (int, float)):
            return Plan.crash()
        with self.lock:
            work = copy.deepcopy(chat)
        turn = _Turn(work, f"{self.root()}/gradio_api/file={_AVATAR}", self.settings.token_delay)
        turn.start(data[0], data[1])
        request = ModelRequest(job.session.session_hash, data[1].get("model"),
                               _model_messages(work.history), work.enable_thinking, budget * 1024,
                               data[1].get("sys_prompt"))
        with self.lock:
            self.model_requests.append(request)
        reply = reply_to(request, self._answer(data[0], request))
        turn.stream(reply, MODEL_LABELS.get(str(request.model)))
        turn.finish()
        return self._plan(job, turn, reply, eta)

    def _answer(self, text: str, request: ModelRequest) -> list[str] | None:
        """The answer's chunks when LocalSpace was given ``reply=`` or ``tokens=`` (else None)."""
        s = self.settings
        if s.tokens is not None:
            return list(s.tokens)
        if s.reply is echo_reply:
            return None
        params = {"model": request.model, "thinking_budget": request.thinking_budget,
                  "enable_thinking": request.enable_thinking}
        answer = s.reply if isinstance(s.reply, str) else s.reply(
            text, request.sys_prompt if isinstance(request.sys_prompt, str) else None,
            MappingProxyType(params))
        if not isinstance(answer, str):
            raise TypeError(f"reply must return str, not {type(answer).__name__}")
        return TOKEN.findall(answer)

    def _plan(self, job: Job, turn: _Turn, reply: Reply, eta: float | None) -> Plan:
        def commit(i: int) -> None:
            with self.lock:
                self.chats[job.session.session_hash] = turn.states[i]

        s = self.settings
        plan = Plan(turn.yields, turn.yields[-1], eta=eta, changed=turn.changed, on_step=commit)
        if reply.error is not None:  # the generator re-raises after its last yield: {"error": null}
            plan.fail, plan.fail_after = True, len(turn.yields)
        elif s.fail:
            plan.fail, plan.fail_message, plan.fail_after = True, s.fail_message, s.fail_after
        return plan
