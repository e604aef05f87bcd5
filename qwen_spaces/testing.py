"""``LocalSpace``: a local stand-in for a Qwen Space, for tests.

**This is a test double, not a model.**  It runs no model and needs no
network: it answers with a configured text (by default ``"Echo: " + prompt``),
split into tokens and streamed over the same Gradio protocol the real Spaces
speak (Gradio 4.44, 5.23 and 6.31 style, byte-compatible with the wire
captures in ``tests/captures``).  It uses the standard library only: an
``http.server.ThreadingHTTPServer`` on 127.0.0.1 (a free port by default) in
daemon threads.

Example::

    from qwen_spaces import Client
    from qwen_spaces.testing import LocalSpace

    with LocalSpace("qwen-2-5-max", reply="Hello there!") as space:
        with Client(base_urls={"qwen-2-5-max": space.url}) as client:
            reply = client.chat("qwen-2-5-max", [{"role": "user", "content": "Hi"}])
            assert reply.text == "Hello there!"
        assert space.joins == 1

What is served (``P`` is ``""`` on Gradio 4 style, ``"/gradio_api"`` on 5/6):

- ``GET /config`` (always at the root), ``GET {P}/info``;
- ``POST {P}/queue/join`` and ``GET {P}/queue/data?session_hash=`` (several
  events per session, diffs after the first ``process_generating``,
  ``heartbeat`` every ``heartbeat`` seconds, ``close_stream``);
- ``POST {P}/cancel``; ``POST {P}/upload`` (multipart field ``files``);
- ``POST {P}/call/{api_name}`` and ``GET {P}/call/{api_name}/{event_id}``.

The layout (fn_index, trigger id, api_name, inputs, which output holds the
reply) mimics the Space named by ``model`` (see :mod:`qwen_spaces.spaces`).
Chat Spaces get a ``gr.Blocks`` chat layout (input textbox, chatbot, system
textbox, a ``gr.State``, model-size radio...); the QVQ Space an
``gr.Interface`` layout (image + textbox -> textbox).

Whitespace: like real Gradio, chatbot messages go through
``inspect.cleandoc`` on Gradio 4 and 6 style (not on 5 style tuples), so a
reply's leading spaces on its first line and trailing newline are not sent
(``cleandoc=`` overrides this).  Textbox outputs are sent as they are.

Fault hooks (for fault-injection tests): ``join_status`` / ``script`` answer
requests with scripted ``(status, body, headers)`` responses before the normal
ones (no validation, nothing counted); ``cut_after`` aborts every stream (no
final chunk) after K messages, heartbeats included, and drops the session's
events as a real disconnect does; ``error``/``error_after``/``error_hidden``/
``quota_error_after`` make the app fail; ``queue_wait`` keeps events queued;
``token_delay`` slows the reply.  Closing a /queue/data stream early also
drops its events (the generator stops), like Gradio.

Not emulated: queue ranks across events and concurrency limits (every event
runs at once), ``/heartbeat/{hash}`` (the config says
``connect_heartbeat: false``), ``/file=``, ``/login`` and Gradio auth,
``/call/v2``, ``progress``/``log`` messages.  A cancelled ``/call`` event ends
with ``event: complete`` and ``data: null`` (not verified against Gradio).
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import logging
import math
import posixpath
import queue
import re
import select
import socket
import socketserver
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType, TracebackType
from typing import Any, Union
from urllib.parse import parse_qsl, unquote, urlsplit

from .spaces import Space, get_space

__all__ = [
    "QUOTA_MESSAGE",
    "ROUTES",
    "EventRecord",
    "LocalSpace",
    "RecordedRequest",
    "ReplyFn",
    "ScriptedResponse",
    "echo_reply",
]

log = logging.getLogger("qwen_spaces.testing")

#: The ZeroGPU quota message used by ``quota_error_after``.
QUOTA_MESSAGE = (
    "You have exceeded your GPU quota (60s requested vs. 12s left). Try again in 2:05:11"
)
#: Route names accepted as keys of ``script``.
ROUTES = ("config", "info", "join", "data", "cancel", "upload", "call", "call_data")

# Runtime aliases: written for Python 3.9 (no ``X | None`` outside annotations).
ReplyFn = Callable[[str, Union[str, None], Mapping[str, Any]], str]  # noqa: UP007
#: ``(status, body, headers)``; body: dict/list (JSON), str (text/plain), bytes or None.
ScriptedResponse = tuple[int, Any, Mapping[str, str]]

_VERSIONS = {"4": "4.44.1", "5": "5.23.3", "6": "6.31.0"}
_REDACTED = frozenset({"authorization", "x-hf-authorization", "proxy-authorization", "cookie"})
_TOKEN = re.compile(r"\s*\S+|\s+")
_TICK = 0.05  # how often streams look at the stop flag and the peer


def echo_reply(prompt: str, system: str | None, params: Mapping[str, Any]) -> str:
    """The default reply: ``"Echo: " + prompt``."""
    return f"Echo: {prompt}"


# --------------------------------------------------------------------- records


@dataclass(frozen=True)
class RecordedRequest:
    """One request LocalSpace received.

    ``path`` has no query string; ``json`` is the parsed JSON body (None if
    the body was empty, not JSON or multipart); header names are lower-case
    and credentials (Authorization, X-HF-Authorization, Cookie) keep only
    their scheme: ``"Bearer <redacted>"``.
    """

    method: str
    path: str
    query: Mapping[str, str]
    json: Any
    headers: Mapping[str, str]


@dataclass(frozen=True)
class EventRecord:
    """A snapshot of one event (a queue join or a /call).

    ``outcome``: "pending", "running", "completed", "error", "cancelled"
    (by /cancel), "dropped" (its stream was closed or cut), "stopped" (server
    stopped) or "crashed" (a bug in LocalSpace, logged).  ``yields`` counts
    the generator steps the event produced.
    """

    event_id: str
    session_hash: str
    fn_index: int
    via: str
    data: Any
    outcome: str
    yields: int


def _redact(name: str, value: str) -> str:
    if name not in _REDACTED:
        return value
    scheme = value.split(" ", 1)[0] if " " in value else ""
    return f"{scheme} <redacted>".strip()


# ------------------------------------------------------------------ wire format


def _compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _queue_sse(msg: Any) -> bytes:
    return b"data: " + _compact(msg) + b"\n\n"


def _call_sse(event: Any) -> bytes:
    name, data = event
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode("ascii")


class _Wire:
    """The /queue/data messages exactly as one Gradio major version sends them."""

    def __init__(self, major: int) -> None:
        self.major = major

    def estimation(self, eid: str, rank: int, eta: float) -> dict[str, Any]:
        return {"msg": "estimation", "event_id": eid, "rank": rank,
                "queue_size": rank + 1, "rank_eta": eta}

    def starts(self, eid: str, eta: float) -> dict[str, Any]:
        return {"msg": "process_starts", "event_id": eid, "eta": eta}

    def _output(self, data: Any, generating: bool, duration: float, avg: float) -> dict[str, Any]:
        out = {"data": data, "is_generating": generating, "duration": duration,
               "average_duration": avg, "render_config": None, "changed_state_ids": []}
        if self.major >= 6:
            out["used_cache"] = None
        return out

    def generating(self, eid: str, data: Any, duration: float, avg: float) -> dict[str, Any]:
        msg = {"msg": "process_generating", "event_id": eid,
               "output": self._output(data, True, duration, avg), "success": True}
        if self.major >= 5:
            msg["time_limit"] = None
        return msg

    def _completed(self, eid: str, output: Any, success: bool, title: str | None = None,
                   cache_duration: float | None = None,
                   avg: float | None = None) -> dict[str, Any]:
        msg = {"msg": "process_completed", "event_id": eid, "output": output, "success": success}
        if self.major >= 5:
            msg["title"] = title
        if self.major >= 6:
            msg.update(used_cache=None, cache_duration=cache_duration, avg_time=avg)
        return msg

    def done(self, eid: str, data: Any, duration: float, avg: float) -> dict[str, Any]:
        output = self._output(data, False, duration, avg)
        return self._completed(eid, output, True, None, duration, avg)

    def failed(self, eid: str, message: str | None, first: bool) -> dict[str, Any]:
        """gr.Error(message) (message None: a hidden exception, show_error=False)."""
        title = "Error" if first else None
        if message is None:
            return self._completed(eid, {"error": None}, False, title)
        output: dict[str, Any] = {"error": repr(message) if self.major == 4 else message,
                                  "duration": 10, "visible": True}
        if self.major >= 5:
            output["title"] = "Error"
        return self._completed(eid, output, False, title, 10.0)

    def cancelled(self, eid: str) -> dict[str, Any]:
        return self._completed(eid, {}, True)

    def heartbeat(self) -> dict[str, Any]:
        return {"msg": "heartbeat", "event_id": None}

    def close_stream(self) -> dict[str, Any]:
        return {"msg": "close_stream", "event_id": None}

    def not_found_text(self) -> str:
        return "404: Not Found" if self.major >= 6 else "404: Session not found."

    def unexpected_error(self) -> dict[str, Any]:
        msg: dict[str, Any] = {"msg": "unexpected_error", "event_id": None,
                               "message": self.not_found_text()}
        if self.major >= 6:
            msg["session_not_found"] = True
        msg["success"] = False
        return msg

    def call_event(self, msg: Mapping[str, Any]) -> tuple[str, Any] | None:
        """The /call stream event for a queue message (None: not sent on /call)."""
        if msg["msg"] == "process_generating":
            return ("generating", msg["output"]["data"])
        if msg["msg"] != "process_completed":
            return None
        if msg["success"]:
            return ("complete", msg["output"].get("data"))
        return ("error", msg["output"] if self.major >= 6 else None)


def _diff(old: Any, new: Any, shift_deletes: bool) -> list[list[Any]]:
    """Gradio's ``utils.diff``: the edits that turn ``old`` into ``new``."""
    edits: list[list[Any]] = []
    _diff_into(old, new, [], edits, shift_deletes)
    return edits


def _diff_into(old: Any, new: Any, path: list[Any], edits: list[list[Any]], shift: bool) -> None:
    if old == new and type(old) is type(new):
        return
    if type(old) is not type(new):
        edits.append(["replace", path, new])
    elif isinstance(old, str) and new.startswith(old):
        edits.append(["append", path, new[len(old):]])
    elif isinstance(old, list):
        _diff_list(old, new, path, edits, shift)
    elif isinstance(old, dict):
        _diff_dict(old, new, path, edits, shift)
    else:
        edits.append(["replace", path, new])


def _diff_list(old: list[Any], new: list[Any], path: list[Any],
               edits: list[list[Any]], shift: bool) -> None:
    common = min(len(old), len(new))
    for i in range(common):
        _diff_into(old[i], new[i], path + [i], edits, shift)
    for i in range(common, len(old)):  # 4.x-5.29.0: original indices; later: shifted
        edits.append(["delete", path + [common if shift else i], None])
    for i in range(common, len(new)):
        edits.append(["add", path + [i], new[i]])


def _diff_dict(old: dict[str, Any], new: dict[str, Any], path: list[Any],
               edits: list[list[Any]], shift: bool) -> None:
    for key, value in old.items():
        if key in new:
            _diff_into(value, new[key], path + [key], edits, shift)
        else:
            edits.append(["delete", path + [key], None])
    for key, value in new.items():
        if key not in old:
            edits.append(["add", path + [key], value])


# ---------------------------------------------------------------------- layout


@dataclass
class _Comp:
    id: int
    type: str
    label: str | None = None
    props: dict[str, Any] = field(default_factory=dict)
    param: str | None = None  # parameter_name in /info


@dataclass
class _Dep:
    kind: str  # "main", "clear", "set_system", "noop"
    api_name: str | None
    targets: list[list[Any]]
    inputs: list[int]
    outputs: list[int]
    generator: bool = False
    id: int = -1


_PY_TYPES = {"textbox": ("Textbox", "str"), "radio": ("Radio", "str"),
             "image": ("Image", "filepath"), "chatbot": ("Chatbot", "list")}


class _Layout:
    """Components and dependencies of the mimicked Space, and /config, /info."""

    def __init__(self, spec: Space, major: int, system_state: bool) -> None:
        self.spec, self.major, self.system_state = spec, major, system_state
        self.chat = "history" in spec.inputs
        self.comps: dict[str, _Comp] = {}
        self._next_id = itertools.count(1)
        self._add_components()
        deps = self._dependencies()
        self.main = deps[0]
        self.deps = self._number(deps)
        self.fn_index, self.trigger_id = self.main.id, int(self.main.targets[0][0])

    # components ------------------------------------------------------------
    def _id(self, key: str) -> int:
        if key == self._trigger_key() and self.spec.trigger_id is not None:
            return self.spec.trigger_id
        cid = next(self._next_id)
        return next(self._next_id) if cid == self.spec.trigger_id else cid

    def _trigger_key(self) -> str:
        return "input" if self.chat else "submit"

    def _add(self, key: str, ctype: str, label: str | None = None,
             param: str | None = None, **props: Any) -> None:
        self.comps[key] = _Comp(self._id(key), ctype, label, dict(props), param)

    def _add_components(self) -> None:
        if self.chat:
            self._add_chat_components()
        else:
            self._add_interface_components()

    def _add_chat_components(self) -> None:
        system = self.spec.default_system or ""
        self._add("title", "markdown", value=f"<center>{self.spec.name} (LocalSpace)</center>")
        self._add("system", "textbox", "System", "system", value=system, lines=1)
        self._add("set_system", "button", value="Set system prompt and clear history")
        self._add("state", "state", value=system)
        self._add_slot_extras()
        chatbot_props = {} if self.major >= 6 else {"type": "tuples"}
        self._add("chatbot", "chatbot", self.spec.name, "history", value=[], **chatbot_props)
        self._add("input", "textbox", "Input", "query", lines=1)
        self._add("clear", "button", value="Clear History")
        self._add("send", "button", value="Send")

    def _add_interface_components(self) -> None:
        for slot in self.spec.inputs:
            if slot == "prompt":
                self._add("input", "textbox", "prompt", "query", lines=1)
            elif slot == "system":
                self._add("system", "textbox", "system", "system", lines=1)
        self._add_slot_extras()
        self._add("output", "textbox", "output", lines=1)
        self._add("submit", "button", value="Submit")
        self._add("clear", "button", value="Clear")

    def _add_slot_extras(self) -> None:
        if "image" in self.spec.inputs:
            self._add("image", "image", "image", "image", type="filepath")
        for name, param in self.spec.params.items():
            choices = [[c, c] for c in param.choices]
            self._add(f"param:{name}", "radio", name, name, value=param.default, choices=choices)

    # dependencies ----------------------------------------------------------
    def _slot_comp(self, slot: str) -> int:
        key = {"prompt": "input", "history": "chatbot", "image": "image"}.get(slot, f"param:{slot}")
        if slot == "system":
            key = "state" if self.system_state and self.chat else "system"
        return self.comps[key].id

    def _dependencies(self) -> list[_Dep]:
        api = self.spec.api_name
        inputs = [self._slot_comp(s) for s in self.spec.inputs]
        c = {k: v.id for k, v in self.comps.items()}
        if not self.chat:
            return [_Dep("main", api, [[c["submit"], "click"], [c["input"], "submit"]],
                         inputs, [c["output"]], True)]
        outputs = [c["input"], c["chatbot"], c["system"]]
        return [
            _Dep("main", api, [[c["input"], "submit"]], inputs, outputs, True),
            _Dep("main", f"{api}_1", [[c["send"], "click"]], inputs, outputs, True),
            _Dep("clear", "clear_session", [[c["clear"], "click"]], [], [c["input"], c["chatbot"]]),
            _Dep("set_system", "modify_system_session", [[c["set_system"], "click"]],
                 [c["system"]], [c["state"], c["system"], c["chatbot"]]),
        ]

    def _number(self, deps: list[_Dep]) -> list[_Dep]:
        """Give the chat event the Space's fn_index, the others the free ids."""
        main_id = self.spec.fn_index if self.spec.fn_index is not None else 0
        first = next(iter(self.comps.values())).id
        while len(deps) <= main_id:
            deps.append(_Dep("noop", None, [[first, "change"]], [], []))
        free = (i for i in range(len(deps)) if i != main_id)
        for n, dep in enumerate(deps):
            dep.id = main_id if n == 0 else next(free)
        return sorted(deps, key=lambda d: d.id)

    def dep(self, fn_index: Any) -> _Dep | None:
        if isinstance(fn_index, int) and 0 <= fn_index < len(self.deps):
            return self.deps[fn_index]
        return None

    def dep_by_api(self, api_name: str) -> _Dep | None:
        return next((d for d in self.deps if d.api_name == api_name), None)

    # values ----------------------------------------------------------------
    def main_outputs(self, prompt: str, history: list[Any], system: str | None,
                     text: str, cleandoc: bool) -> list[Any]:
        if not self.chat:
            return [text]
        if cleandoc:
            prompt, text = inspect.cleandoc(prompt), inspect.cleandoc(text)
        system_out = system if isinstance(system, str) else (self.spec.default_system or "")
        return ["", history + self._turn(prompt, text), system_out]

    def _turn(self, prompt: str, text: str) -> list[Any]:
        if self.major < 6:
            return [[prompt, text]]
        return [_message("user", prompt), _message("assistant", text)]

    # /config and /info -----------------------------------------------------
    def config(self, root: str) -> dict[str, Any]:
        cfg: dict[str, Any] = {
            "version": _VERSIONS[str(self.major)], "mode": "blocks",
            "app_id": int(hashlib.sha256(self.spec.name.encode()).hexdigest()[:15], 16),
            "dev_mode": False, "analytics_enabled": False,
            "components": [self._render(c) for c in self.comps.values()],
            "css": None, "connect_heartbeat": False, "js": None, "head": None,
            "title": "Gradio", "space_id": None, "enable_queue": True, "show_error": False,
            "is_colab": False, "max_file_size": None, "stylesheets": [], "theme": "default",
            "protocol": "sse_v3", "fill_height": False, "fill_width": False,
            "layout": self._tree(), "dependencies": [self._render_dep(d) for d in self.deps],
            "root": root, "username": None, "theme_hash": "localspace",
            "body_css": {"body_background_fill": "white", "body_text_color": "#1f2937",
                         "body_background_fill_dark": "#0b0f19", "body_text_color_dark": "#f3f4f6"},
        }
        cfg.update(self._config_extras())
        return cfg

    def _config_extras(self) -> dict[str, Any]:
        if self.major == 4:
            return {"show_api": True}
        page = {"layout": self._tree(), "components": [c.id for c in self.comps.values()],
                "dependencies": [d.id for d in self.deps]}
        extras: dict[str, Any] = {"api_prefix": "/gradio_api", "pwa": False, "page": {"": page}}
        if self.major == 5:
            extras.update(show_api=True, pages=[["", "Home"]])
        else:
            extras.update(pages=[["", "Home", True]], mcp_server=False, vibe_mode=False,
                          footer_links=["api", "gradio", "settings"], run_history=False,
                          i18n_translations=None)
        return extras

    def _tree(self) -> dict[str, Any]:
        return {"id": 0, "children": [{"id": c.id} for c in self.comps.values()]}

    def _api_info(self, comp: _Comp) -> dict[str, Any] | None:
        if comp.type in ("textbox", "markdown"):
            return {"type": "string"}
        if comp.type == "radio":
            choices = [c[1] for c in comp.props["choices"]]
            return {"enum": choices, "title": "Radio", "type": "string"}
        if comp.type == "image":
            return {"properties": {"path": {"type": "string"}, "url": {"type": "string"},
                                   "orig_name": {"type": "string"}, "meta": {"type": "object"}},
                    "required": ["path"], "title": "ImageData", "type": "object"}
        if comp.type == "chatbot":
            title = "ChatbotDataMessages" if self.major >= 6 else "ChatbotDataTuples"
            return {"items": {}, "title": title, "type": "array"}
        return None

    def _render(self, comp: _Comp) -> dict[str, Any]:
        props = dict(comp.props)
        if comp.label is not None:
            props.update(label=comp.label, show_label=True)
        props.update(visible=True, elem_classes=[], name=comp.type, _selectable=False)
        api = self._api_info(comp)
        out = {"id": comp.id, "type": comp.type, "props": props, "skip_api": api is None,
               "component_class_id": hashlib.md5(comp.type.encode(), usedforsecurity=False).hexdigest(), "key": None}
        if api is not None:
            out["api_info"] = api
            if self.major >= 5:
                out.update(api_info_as_input=api, api_info_as_output=api)
            out["example_inputs"] = self._example(comp)
        return out

    def _example(self, comp: _Comp) -> Any:
        if comp.type == "chatbot":
            return [["Hello!", None]] if self.major < 6 else [_message("user", "Hello!")]
        if comp.type == "image":
            return {"path": "https://example.invalid/bus.png", "orig_name": "bus.png",
                    "meta": {"_type": "gradio.FileData"}}
        return comp.props.get("value", "Hello!!")

    def _render_dep(self, dep: _Dep) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": dep.id, "targets": dep.targets, "inputs": dep.inputs, "outputs": dep.outputs,
            "backend_fn": True, "js": None, "queue": True, "api_name": dep.api_name,
            "scroll_to_output": False, "show_progress": "full", "batch": False,
            "max_batch_size": 4, "cancels": [],
            "types": {"generator": dep.generator, "cancel": False},
            "collects_event_data": False, "trigger_after": None,
            "trigger_only_on_success": False, "trigger_mode": "once",
        }
        if self.major >= 6:
            out.update(api_visibility="public" if dep.api_name else "private", connection="sse")
        else:
            out["show_api"] = dep.api_name is not None
            if self.major == 5:
                out["connection"] = "sse"
        return out

    def info(self) -> dict[str, Any]:
        by_id = {c.id: c for c in self.comps.values()}
        named = {}
        for dep in self.deps:
            if dep.api_name:
                named["/" + dep.api_name] = self._endpoint(dep, by_id)
        return {"named_endpoints": named, "unnamed_endpoints": {}}

    def _endpoint(self, dep: _Dep, by_id: Mapping[int, _Comp]) -> dict[str, Any]:
        params = [self._parameter(by_id[i]) for i in dep.inputs if by_id[i].type != "state"]
        returns = [self._described(by_id[i]) for i in dep.outputs if by_id[i].type != "state"]
        out: dict[str, Any] = {"parameters": params, "returns": returns}
        if self.major >= 6:
            out.update(api_visibility="public", description="")
        else:
            out["show_api"] = True
        return out

    def _described(self, comp: _Comp) -> dict[str, Any]:
        cls, pytype = _PY_TYPES.get(comp.type, (comp.type.title(), "Any"))
        return {"label": comp.label, "type": self._api_info(comp),
                "python_type": {"type": pytype, "description": ""}, "component": cls}

    def _parameter(self, comp: _Comp) -> dict[str, Any]:
        default = comp.props.get("value")
        out = {"label": comp.label, "parameter_name": comp.param,
               "parameter_has_default": default is not None, "parameter_default": default}
        out.update(self._described(comp))
        out["example_input"] = self._example(comp)
        return out


def _message(role: str, text: str) -> dict[str, Any]:
    return {"role": role, "metadata": None, "content": [{"text": text, "type": "text"}],
            "options": None}


# ------------------------------------------------------------------------ jobs


@dataclass(frozen=True)
class _Settings:
    reply: str | ReplyFn
    tokens: tuple[str, ...] | None
    token_delay: float
    fail: bool
    fail_message: str | None
    fail_after: int
    queue_wait: float
    heartbeat: float
    cut_after: int | None
    cleandoc: bool
    system_state: bool


@dataclass
class _Plan:
    """What one event will produce: output values per yield, then the end."""

    yields: list[list[Any]]
    final: list[Any]
    fail: bool = False
    fail_message: str | None = None
    fail_after: int = 0
    eta: float = 0.05

    @classmethod
    def crash(cls) -> _Plan:
        """The app raised before yielding (shown as ``{"error": null}``)."""
        return cls([], [], True)


class _Session:
    def __init__(self, session_hash: str) -> None:
        self.session_hash = session_hash
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.pending: set[str] = set()


class _Job:
    """One event: a worker thread feeds its messages to ``sink``."""

    def __init__(self, session: _Session, dep: _Dep, data: list[Any], via: str) -> None:
        self.event_id = uuid.uuid4().hex
        self.session, self.dep, self.data, self.via = session, dep, data, via
        self.sink = session.messages if via == "queue" else queue.Queue()
        self.halt = threading.Event()
        self.reason: str | None = None
        self.outcome, self.yields = "pending", 0
        self.prev: list[Any] | None = None
        self.last = time.monotonic()
        self.thread: threading.Thread | None = None

    def stop(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        self.halt.set()

    def emit(self, msg: dict[str, Any]) -> None:
        self.sink.put(msg)

    def record(self) -> EventRecord:
        return EventRecord(self.event_id, self.session.session_hash, self.dep.id, self.via,
                           self.data, self.outcome, self.yields)


class _Runner:
    """Runs one event: estimation(s), process_starts, the yields, the end."""

    def __init__(self, settings: _Settings, wire: _Wire) -> None:
        self.settings, self.wire = settings, wire

    def run(self, job: _Job, plan: _Plan) -> None:
        job.outcome = "running"
        try:
            job.outcome = self._run(job, plan)
        except Exception:  # a bug here must not kill the server
            log.exception("LocalSpace event %s crashed", job.event_id)
            job.outcome = "crashed"

    def _run(self, job: _Job, plan: _Plan) -> str:
        if not self._queue_wait(job, plan.eta):
            return self._halted(job)
        job.emit(self.wire.starts(job.event_id, plan.eta))
        job.last = time.monotonic()
        for i, outputs in enumerate(plan.yields):
            if plan.fail and i == plan.fail_after:
                return self._fail(job, plan)
            if job.halt.wait(self.settings.token_delay) or job.halt.is_set():
                return self._halted(job)
            self._yield(job, outputs)
        if plan.fail:
            return self._fail(job, plan)
        job.emit(self.wire.done(job.event_id, plan.final, self._lap(job), plan.eta))
        return "completed"

    @staticmethod
    def _lap(job: _Job) -> float:
        """Seconds since the previous step (Gradio's ``duration``)."""
        now = time.monotonic()
        lap, job.last = now - job.last, now
        return lap

    def _queue_wait(self, job: _Job, eta: float) -> bool:
        deadline = time.monotonic() + self.settings.queue_wait
        while True:
            left = max(0.0, deadline - time.monotonic())
            job.emit(self.wire.estimation(job.event_id, math.ceil(left), left + eta))
            if left <= 0:
                return not job.halt.is_set()
            if job.halt.wait(min(1.0, left)):
                return False

    def _yield(self, job: _Job, outputs: list[Any]) -> None:
        data: list[Any] = outputs
        if job.via == "queue" and job.prev is not None:
            shift = self.wire.major >= 6
            data = [_diff(a, b, shift) for a, b in zip(job.prev, outputs)]
        job.prev = outputs
        job.emit(self.wire.generating(job.event_id, data, self._lap(job), 0.05))
        job.yields += 1

    def _fail(self, job: _Job, plan: _Plan) -> str:
        job.emit(self.wire.failed(job.event_id, plan.fail_message, job.yields == 0))
        return "error"

    def _halted(self, job: _Job) -> str:
        if job.reason == "cancel":
            job.emit(self.wire.cancelled(job.event_id))
            return "cancelled"
        return "dropped" if job.reason == "drop" else "stopped"


# ------------------------------------------------------------------------ HTTP


class _StreamGone(Exception):
    """A streaming response must end without its final chunk."""


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    raw: bytes
    json: Any
    json_ok: bool


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # the default 5 makes bursts of connects wait 1 s (SYN retry)

    def __init__(self, address: tuple[str, int], app: _App) -> None:
        self.app = app
        super().__init__(address, _Handler)

    def server_bind(self) -> None:  # skip HTTPServer's slow getfqdn()
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log instead of printing a traceback (clients that go away are normal)."""
        # socketserver calls this inside its except block
        log.debug("LocalSpace: error serving %s", client_address, exc_info=True)  # noqa: LOG014


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _app(self) -> _App:
        server = self.server
        assert isinstance(server, _Server)
        return server.app

    def setup(self) -> None:
        super().setup()
        # small writes (one SSE message each) must leave at once, not wait for Nagle
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._app().track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._app().track(self.connection, False)

    def do_GET(self) -> None:
        self._app().handle(self)

    def do_POST(self) -> None:
        self._app().handle(self)

    def version_string(self) -> str:
        return "uvicorn"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def read_body(self) -> bytes:
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_body(self, status: int, body: bytes, ctype: str,
                  headers: Mapping[str, str] = MappingProxyType({})) -> None:
        self.send_response(status)
        self.send_header("content-length", str(len(body)))
        self.send_header("content-type", ctype)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: int, value: Any) -> None:
        self.send_body(status, _compact(value), "application/json")

    def send_text(self, status: int, text: str) -> None:
        self.send_body(status, text.encode("utf-8"), "text/plain; charset=utf-8")

    def send_scripted(self, scripted: ScriptedResponse) -> None:
        status, body, headers = scripted
        ctype, raw = _scripted_body(body)
        extra = dict(headers)
        for name in [k for k in extra if k.lower() == "content-type"]:
            ctype = extra.pop(name)
        self.send_body(status, raw, ctype, extra)

    def start_stream(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def abort(self) -> None:
        """End the response without its final chunk (the client sees a broken body)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def peer_closed(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True


def _scripted_body(body: Any) -> tuple[str, bytes]:
    if isinstance(body, (dict, list)):
        return "application/json", _compact(body)
    if isinstance(body, str):
        return "text/plain; charset=utf-8", body.encode("utf-8")
    return "application/octet-stream", body if isinstance(body, bytes) else b""


class _Pump:
    """Writes messages from one source to one streaming response."""

    def __init__(self, h: _Handler, app: _App, encode: Callable[[Any], bytes],
                 heartbeat: Any) -> None:
        self.h, self.encode, self.heartbeat = h, encode, heartbeat
        self.cut_after, self.every = app.settings.cut_after, app.settings.heartbeat
        self.stopping = app.stopping
        self.sent, self.last_beat = 0, time.monotonic()
        self.check()

    def check(self) -> None:
        if self.cut_after is not None and self.sent >= self.cut_after:
            raise _StreamGone(f"cut after {self.sent} messages")

    def send(self, msg: Any) -> None:
        try:
            self.h.chunk(self.encode(msg))
        except OSError as exc:
            raise _StreamGone(f"write failed: {exc}") from exc
        self.sent += 1
        self.check()

    def next(self, source: queue.Queue[Any]) -> Any:
        """The next message; sends heartbeats while waiting."""
        while True:
            if self.stopping.is_set():
                raise _StreamGone("server stopping")
            try:
                return source.get(timeout=_TICK)
            except queue.Empty:
                pass
            if time.monotonic() - self.last_beat >= self.every:
                self.last_beat = time.monotonic()
                self.send(self.heartbeat)
            elif self.h.peer_closed():
                raise _StreamGone("client went away")


def _multipart_files(ctype: str, raw: bytes) -> list[tuple[str, bytes]]:
    """``(filename, bytes)`` of each multipart part named ``files``."""
    if not ctype.lower().startswith("multipart/form-data"):
        return []
    head = b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    files = []
    for part in message.walk():
        if part.get_param("name", header="content-disposition") == "files":
            name = posixpath.basename(part.get_filename() or "file") or "file"
            payload = part.get_payload(decode=True)
            files.append((name, payload if isinstance(payload, bytes) else b""))
    return files


def _unprocessable(kind: str, field_name: str, body: Any) -> dict[str, Any]:
    msgs = {"missing": "Field required", "list_type": "Input should be a valid list",
            "json_invalid": "JSON decode error", "model_attributes_type":
            "Input should be a valid dictionary or object to extract fields from"}
    return {"detail": [{"type": kind, "loc": ["body", field_name], "msg": msgs[kind],
                        "input": body}]}


class _App:
    """Everything LocalSpace serves: state, routes, streams."""

    def __init__(self, spec: Space, major: int, settings: _Settings,
                 script: Mapping[str, Sequence[ScriptedResponse]]) -> None:
        self.spec, self.settings, self.wire = spec, settings, _Wire(major)
        self.prefix = "" if major == 4 else "/gradio_api"
        self.layout = _Layout(spec, major, settings.system_state)
        self.runner = _Runner(settings, self.wire)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.script = {k: list(v) for k, v in script.items()}
        self.sessions: dict[str, _Session] = {}
        self.states: dict[str, str] = {}  # session_hash -> system prompt (gr.State)
        self.jobs: dict[str, _Job] = {}
        self.call_jobs: dict[str, _Job] = {}
        self.records: list[RecordedRequest] = []
        self.uploads: dict[str, bytes] = {}
        self.counters = {"joins": 0, "calls": 0, "cancels": 0}
        self.connections: set[socket.socket] = set()
        self.url = ""

    def track(self, conn: socket.socket, add: bool) -> None:
        with self.lock:
            (self.connections.add if add else self.connections.discard)(conn)

    # dispatch --------------------------------------------------------------
    def handle(self, h: _Handler) -> None:
        req = self._read(h)
        route, args = self._route(req.method, req.path)
        scripted = self._scripted(route)
        try:
            if scripted is not None:
                h.send_scripted(scripted)
            elif route is None:
                h.send_json(404, {"detail": "Not Found"})
            else:
                getattr(self, "_r_" + route)(h, req, *args)
        except OSError as exc:
            log.debug("LocalSpace: connection error on %s %s: %s", req.method, req.path, exc)
            h.close_connection = True
        except Exception:
            log.exception("LocalSpace: error while answering %s %s", req.method, req.path)
            h.close_connection = True

    def _read(self, h: _Handler) -> _Request:
        parts = urlsplit(h.path)
        raw = h.read_body()
        headers = {k.lower(): v for k, v in h.headers.items()}
        try:
            body, ok = (json.loads(raw) if raw else None), True
        except ValueError:
            body, ok = None, False
        req = _Request(h.command, unquote(parts.path), dict(parse_qsl(parts.query)),
                       headers, raw, body, ok)
        record = RecordedRequest(
            req.method, req.path, MappingProxyType(dict(req.query)), body,
            MappingProxyType({k: _redact(k, v) for k, v in headers.items()}))
        with self.lock:
            self.records.append(record)
        return req

    def _route(self, method: str, path: str) -> tuple[str | None, tuple[str, ...]]:
        if method == "GET" and path == "/config":
            return "config", ()
        if not path.startswith(self.prefix + "/"):
            return None, ()
        rel = path[len(self.prefix):]
        simple = {("GET", "/info"): "info", ("POST", "/queue/join"): "join",
                  ("GET", "/queue/data"): "data", ("POST", "/cancel"): "cancel",
                  ("POST", "/upload"): "upload"}
        if (method, rel) in simple:
            return simple[(method, rel)], ()
        match = re.fullmatch(r"/call/([^/]+)(?:/([^/]+))?", rel)
        if match and method == "POST" and match.group(2) is None:
            return "call", (match.group(1),)
        if match and method == "GET" and match.group(2) is not None:
            return "call_data", (match.group(1), match.group(2))
        return None, ()

    def _scripted(self, route: str | None) -> ScriptedResponse | None:
        with self.lock:
            pending = self.script.get(route or "")
            return pending.pop(0) if pending else None

    # simple routes ---------------------------------------------------------
    def _r_config(self, h: _Handler, req: _Request) -> None:
        host = req.headers.get("host")
        h.send_json(200, self.layout.config(f"http://{host}" if host else self.url))

    def _r_info(self, h: _Handler, req: _Request) -> None:
        h.send_json(200, self.layout.info())

    def _r_cancel(self, h: _Handler, req: _Request) -> None:
        event_id = req.json.get("event_id") if isinstance(req.json, dict) else None
        with self.lock:
            self.counters["cancels"] += 1
            job = self.jobs.get(event_id) if isinstance(event_id, str) else None
        if job is not None:
            job.stop("cancel")
        h.send_json(200, {"success": True})

    def _r_upload(self, h: _Handler, req: _Request) -> None:
        paths = []
        for name, data in _multipart_files(req.headers.get("content-type", ""), req.raw):
            # a made-up server path shaped like Gradio's; the bytes stay in memory
            path = f"/tmp/gradio/{hashlib.sha256(data).hexdigest()}/{name}"  # nosec B108
            with self.lock:
                self.uploads[path] = data
            paths.append(path)
        h.send_json(200, paths)

    # joins -----------------------------------------------------------------
    def _bad_body(self, h: _Handler, req: _Request) -> bool:
        """Answers 422 like FastAPI when the body is not a PredictBody."""
        body = req.json
        if not req.json_ok:
            h.send_json(422, _unprocessable("json_invalid", "0", {}))
        elif not isinstance(body, dict):
            h.send_json(422, _unprocessable("model_attributes_type", "0", body))
        elif "data" not in body:
            h.send_json(422, _unprocessable("missing", "data", body))
        elif not isinstance(body["data"], list):
            h.send_json(422, _unprocessable("list_type", "data", body["data"]))
        else:
            return False
        return True

    def _r_join(self, h: _Handler, req: _Request) -> None:
        if self._bad_body(h, req):
            return
        session_hash, dep = req.json.get("session_hash"), self.layout.dep(req.json.get("fn_index"))
        if not isinstance(session_hash, str):
            h.send_json(400, {"detail": "Session hash not found."})
        elif dep is None:
            h.send_text(500, "Internal Server Error")
        else:
            job = self._start_job(self._session(session_hash), dep, req.json["data"], "queue")
            h.send_json(200, {"event_id": job.event_id})

    def _r_call(self, h: _Handler, req: _Request, api_name: str) -> None:
        dep = self.layout.dep_by_api(api_name)
        if dep is None:
            h.send_text(500, "Internal Server Error")
        elif not self._bad_body(h, req):
            session = _Session(uuid.uuid4().hex)
            job = self._start_job(session, dep, req.json["data"], "call")
            h.send_json(200, {"event_id": job.event_id})

    def _session(self, session_hash: str) -> _Session:
        with self.lock:
            if session_hash not in self.sessions:
                self.sessions[session_hash] = _Session(session_hash)
            return self.sessions[session_hash]

    def _start_job(self, session: _Session, dep: _Dep, data: list[Any], via: str) -> _Job:
        job = _Job(session, dep, data, via)
        job.thread = threading.Thread(target=self._work, args=(job,), daemon=True,
                                      name=f"LocalSpace-event-{job.event_id[:8]}")
        with self.lock:
            self.jobs[job.event_id] = job
            self.counters["joins" if via == "queue" else "calls"] += 1
            if via == "queue":
                session.pending.add(job.event_id)
            else:
                self.call_jobs[job.event_id] = job
        job.thread.start()
        return job

    def _work(self, job: _Job) -> None:
        try:
            plan = self.plan(job)
        except Exception:
            log.exception("LocalSpace: could not plan event %s", job.event_id)
            plan = _Plan.crash()
        self.runner.run(job, plan)

    # plans -----------------------------------------------------------------
    def plan(self, job: _Job) -> _Plan:
        kind = job.dep.kind
        if kind == "main":
            return self._main_plan(job)
        if kind == "clear":
            return _Plan([], ["", []])
        if kind == "set_system":
            value = job.data[0] if job.data and isinstance(job.data[0], str) else ""
            with self.lock:  # gr.State lives apart from the message queue
                self.states[job.session.session_hash] = value
            return _Plan([], [None, value, []])
        return _Plan([], [])

    def _main_plan(self, job: _Job) -> _Plan:
        slots = dict(zip(self.spec.inputs, job.data))
        prompt = slots.get("prompt", "")
        if len(job.data) != len(self.spec.inputs) or not isinstance(prompt, str):
            return _Plan.crash()
        if not self._file_ok(slots.get("image")):
            return _Plan.crash()
        system = slots.get("system")
        if self.settings.system_state and self.layout.chat:
            with self.lock:
                system = self.states.get(job.session.session_hash, self.spec.default_system)
        system = system if isinstance(system, str) else None
        params = {k: v for k, v in slots.items() if k not in ("prompt", "history", "system")}
        tokens = self._tokens(prompt, system, params)
        history = slots.get("history")
        history = list(history) if isinstance(history, list) else []
        texts = list(itertools.accumulate(tokens))
        s = self.settings
        yields = [self.layout.main_outputs(prompt, history, system, t, s.cleandoc) for t in texts]
        return _Plan(yields, yields[-1], s.fail, s.fail_message, s.fail_after,
                     max(0.05, s.token_delay * len(yields)))

    def _tokens(self, prompt: str, system: str | None, params: dict[str, Any]) -> list[str]:
        if self.settings.tokens is not None:
            return list(self.settings.tokens) or [""]
        reply = self.settings.reply
        text = reply if isinstance(reply, str) else reply(prompt, system, MappingProxyType(params))
        if not isinstance(text, str):
            raise TypeError(f"reply must return str, not {type(text).__name__}")
        return _TOKEN.findall(text) or [""]

    def _file_ok(self, value: Any) -> bool:
        """Like Gradio: a FileData must name an uploaded file (or a URL)."""
        if value is None:
            return True
        if not isinstance(value, dict) or not isinstance(value.get("path"), str):
            return False
        path = value["path"]
        with self.lock:
            return path in self.uploads or path.startswith(("http://", "https://"))

    # streams ---------------------------------------------------------------
    def _r_data(self, h: _Handler, req: _Request) -> None:
        with self.lock:
            session = self.sessions.get(req.query.get("session_hash", ""))
        h.start_stream()
        if session is None:
            h.chunk(_queue_sse(self.wire.unexpected_error()))
            h.abort()
            return
        try:
            self._pump_session(h, session)
        except _StreamGone as gone:
            log.debug("LocalSpace: /queue/data of %s ended: %s", session.session_hash, gone)
            self._drop_session(session)
            h.abort()

    def _pump_session(self, h: _Handler, session: _Session) -> None:
        pump = _Pump(h, self, _queue_sse, self.wire.heartbeat())
        while True:
            msg = pump.next(session.messages)
            pump.send(msg)
            if msg["msg"] == "process_completed" and self._last_event(session, msg["event_id"]):
                pump.send(self.wire.close_stream())
                h.end_stream()
                return

    def _last_event(self, session: _Session, event_id: str) -> bool:
        with self.lock:
            session.pending.discard(event_id)
            return not session.pending

    def _drop_session(self, session: _Session) -> None:
        """A dropped stream ends the session and stops its events (as Gradio does)."""
        with self.lock:
            if self.sessions.get(session.session_hash) is session:
                del self.sessions[session.session_hash]
            jobs = [self.jobs[e] for e in session.pending if e in self.jobs]
        for job in jobs:
            job.stop("drop")

    def _r_call_data(self, h: _Handler, req: _Request, api_name: str, event_id: str) -> None:
        with self.lock:
            job = self.call_jobs.pop(event_id, None)
        h.start_stream()
        if job is None:
            h.chunk(_call_sse(("error", self.wire.not_found_text())))
            h.abort()
            return
        try:
            self._pump_call(h, job)
        except _StreamGone as gone:
            log.debug("LocalSpace: /call stream of %s ended: %s", event_id, gone)
            job.stop("drop")
            h.abort()

    def _pump_call(self, h: _Handler, job: _Job) -> None:
        pump = _Pump(h, self, _call_sse, ("heartbeat", None))
        while True:
            event = self.wire.call_event(pump.next(job.sink))
            if event is None:
                continue
            pump.send(event)
            if event[0] != "generating":
                h.end_stream()
                return

    # lifecycle -------------------------------------------------------------
    def shutdown_connections(self) -> None:
        self.stopping.set()
        with self.lock:
            jobs, conns = list(self.jobs.values()), list(self.connections)
        for job in jobs:
            job.stop("stop")
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


# ------------------------------------------------------------------ LocalSpace


def _major(gradio: str | int | None, spec: Space) -> int:
    if gradio is None:
        return 5 if spec.api_prefix == "/gradio_api" else 4
    if str(gradio) not in _VERSIONS:
        raise ValueError(f"gradio must be '4', '5' or '6', not {gradio!r}")
    return int(str(gradio))


def _check_script(script: Mapping[str, Sequence[ScriptedResponse]]) -> None:
    unknown = sorted(set(script) - set(ROUTES))
    if unknown:
        raise ValueError(f"unknown script routes {unknown}; routes: {', '.join(ROUTES)}")


class LocalSpace:
    """A local Gradio-protocol server that mimics one Qwen Space (test double, not a model).

    Args:
        model: a name accepted by :func:`qwen_spaces.get_space`; LocalSpace
            copies that Space's layout (fn_index, trigger id, api_name, inputs,
            reply output).
        reply: the reply text, or ``reply(prompt, system, params) -> str``
            called once per event (``system`` is the system prompt that reached
            the Space or None; ``params`` holds the other inputs, e.g.
            ``model_size`` or ``image``).  Default :func:`echo_reply`.
            It is split into tokens at word starts (``"a b"`` -> ``"a"``, ``" b"``).
        tokens: explicit tokens (one generator yield each); overrides ``reply``.
        token_delay: seconds before each yield.
        gradio: ``"4"``, ``"5"`` or ``"6"`` wire style (path prefix, chatbot
            format, message fields, error quoting).  Default: 5 if the Space
            uses ``/gradio_api``, else 4.
        error: make the app raise ``gr.Error(error)`` after ``error_after``
            yields (0: before the first one).
        error_hidden: the app raises a plain exception instead (show_error is
            False, so the stream carries ``{"error": null}``).
        quota_error_after: shortcut for ``error=QUOTA_MESSAGE``,
            ``error_after=quota_error_after``.
        queue_wait: seconds the event waits in the queue (an ``estimation``
            message about every second) before ``process_starts``.
        heartbeat: seconds between ``heartbeat`` messages on idle streams.
        join_status: scripted responses for the next queue joins (route "join").
        script: scripted responses per route name (see :data:`ROUTES`), each
            used once, in order, before normal handling.
        cut_after: abort every /queue/data and /call stream after this many
            messages (no final chunk; the session's events are dropped).
        fn_index, trigger_id, api_name: override the Space's values (e.g. to
            emulate a redeployed Space).
        system_state: the chat event's system input is a ``gr.State`` (the sent
            value is ignored; the session's value, set with the
            ``modify_system_session`` event, is used) instead of a textbox.
        cleandoc: apply ``inspect.cleandoc`` to chatbot messages (default: as
            the chosen Gradio version does: 4 and 6 yes, 5 tuples no).
        host, port: where to listen (port 0: a free port).

    Attributes: ``url``, ``model``, ``gradio`` ("4"/"5"/"6"), ``version``,
    ``api_prefix``, ``spec`` (the :class:`~qwen_spaces.spaces.Space` served,
    with the local URL), ``requests``, ``joins``, ``calls``, ``cancels``,
    ``uploads``, ``events``.  All are safe to read from any thread.
    """

    def __init__(
        self,
        model: str = "qwen-2-5-max",
        *,
        reply: str | ReplyFn = echo_reply,
        tokens: Sequence[str] | None = None,
        token_delay: float = 0.0,
        gradio: str | int | None = None,
        error: str | None = None,
        error_after: int = 0,
        error_hidden: bool = False,
        quota_error_after: int | None = None,
        queue_wait: float = 0.0,
        heartbeat: float = 15.0,
        join_status: Sequence[ScriptedResponse] = (),
        script: Mapping[str, Sequence[ScriptedResponse]] | None = None,
        cut_after: int | None = None,
        fn_index: int | None = None,
        trigger_id: int | None = None,
        api_name: str | None = None,
        system_state: bool = False,
        cleandoc: bool | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        base = get_space(model)
        major = _major(gradio, base)
        if quota_error_after is not None:
            if error is not None:
                raise ValueError("give error= or quota_error_after=, not both")
            error, error_after = QUOTA_MESSAGE, quota_error_after
        if min(token_delay, queue_wait, error_after) < 0 or heartbeat <= 0:
            raise ValueError("delays and counts must not be negative (heartbeat > 0)")
        self.model, self.gradio, self.version = model, str(major), _VERSIONS[str(major)]
        self.api_prefix = "" if major == 4 else "/gradio_api"
        self.host, self._port = host, port
        spec = base._replace(
            api_prefix=self.api_prefix,
            fn_index=base.fn_index if fn_index is None else fn_index,
            trigger_id=base.trigger_id if trigger_id is None else trigger_id,
            api_name=base.api_name if api_name is None else api_name)
        settings = _Settings(
            reply, None if tokens is None else tuple(tokens), token_delay,
            error is not None or error_hidden, None if error_hidden else error, error_after,
            queue_wait, heartbeat, cut_after,
            (major != 5) if cleandoc is None else cleandoc, system_state)
        scripts = {k: list(v) for k, v in (script or {}).items()}
        _check_script(scripts)
        scripts["join"] = list(join_status) + scripts.get("join", [])
        self._app = _App(spec, major, settings, scripts)
        layout = self._app.layout
        self._spec = spec._replace(fn_index=layout.fn_index, trigger_id=layout.trigger_id)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle ---------------------------------------------------------------
    def start(self) -> LocalSpace:
        """Start serving (in a daemon thread); returns self."""
        if self._server is not None:
            raise RuntimeError("LocalSpace is already running")
        self._app.stopping.clear()
        server = _Server((self.host, self._port), self._app)
        self._server = server
        self._app.url = f"http://{self.host}:{server.server_port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": _TICK},
            daemon=True, name=f"LocalSpace-{server.server_port}")
        self._thread.start()
        log.info("LocalSpace %s (Gradio %s style) serving at %s", self.model, self.gradio, self.url)
        return self

    def stop(self) -> None:
        """Stop serving: open streams are aborted, events stopped. Returns quickly."""
        server, self._server = self._server, None
        if server is None:
            return
        self._app.shutdown_connections()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        log.info("LocalSpace %s stopped", self.model)

    def __enter__(self) -> LocalSpace:  # noqa: PYI034 (typing.Self needs 3.11)
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until every event's worker has finished; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._app.lock:
            threads = [j.thread for j in self._app.jobs.values() if j.thread is not None]
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in threads)

    # attributes --------------------------------------------------------------
    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (RuntimeError before start())."""
        if not self._app.url:
            raise RuntimeError("LocalSpace is not started; use start() or a with block")
        return self._app.url

    @property
    def spec(self) -> Space:
        """The Space as served: local URL, prefix, fn_index, trigger id, api_name."""
        return self._spec._replace(url=self._app.url or self._spec.url)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._app.lock:
            return list(self._app.records)

    @property
    def joins(self) -> int:
        """Accepted ``/queue/join`` requests."""
        return self._count("joins")

    @property
    def calls(self) -> int:
        """Accepted ``POST /call/{api_name}`` requests."""
        return self._count("calls")

    @property
    def cancels(self) -> int:
        """``/cancel`` requests received."""
        return self._count("cancels")

    @property
    def uploads(self) -> dict[str, bytes]:
        """Uploaded files: server path (as returned by /upload) -> bytes."""
        with self._app.lock:
            return dict(self._app.uploads)

    @property
    def events(self) -> list[EventRecord]:
        """Snapshots of every event, in join order."""
        with self._app.lock:
            return [job.record() for job in self._app.jobs.values()]

    def _count(self, name: str) -> int:
        with self._app.lock:
            return self._app.counters[name]

    def __repr__(self) -> str:
        where = self._app.url or "not started"
        return f"<LocalSpace {self.model} gradio={self.gradio} {where}>"
