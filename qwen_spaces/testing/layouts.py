"""The Space layouts LocalSpace imitates: components, dependencies, /config and /info.

The layout data of the four 2024 Qwen Spaces is kept here (not read from
:mod:`qwen_spaces.spaces`) so that the test double stays what it is even when
the client's own table of Spaces changes.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple, Optional, Protocol

from .wire import VERSIONS

HELPFUL = "You are a helpful assistant."


class Param(NamedTuple):
    """An extra input a Space offers (e.g. a model-size radio)."""

    default: str
    choices: tuple[str, ...] = ()
    doc: str = ""


class SpaceLayout(NamedTuple):
    """What LocalSpace needs to know about one imitated Space.

    ``inputs`` names each slot of the chat event's ``data`` list, in order:
    ``"prompt"``, ``"history"``, ``"system"``, ``"image"`` or a key of ``params``.
    """

    name: str
    url: str
    api_prefix: str
    protocol: str  # "queue" (queue/join + SSE) or "call" (/call/{api_name})
    api_name: str
    inputs: tuple[str, ...]
    reply_output: int
    fn_index: Optional[int] = None
    trigger_id: Optional[int] = None
    aliases: tuple[str, ...] = ()
    default_system: Optional[str] = None
    params: Mapping[str, Param] = MappingProxyType({})
    #: which imitation serves it: "classic" (built from the fields above), "qwen3-demo" or "qwen3-vl-demo"
    app: str = "classic"


#: The models of Qwen/Qwen3-Demo's form: names of its layout too.
QWEN3_MODELS = ("qwen3-235b-a22b", "qwen3-32b", "qwen3-30b-a3b", "qwen3-14b", "qwen3-8b", "qwen3-4b",
                "qwen3-1.7b", "qwen3-0.6b")

LAYOUTS: tuple[SpaceLayout, ...] = (
    SpaceLayout(
        name="qwen-qwen2-5-max", aliases=("qwen-2-5-max",),
        url="https://qwen-qwen2-5-max-demo.hf.space", api_prefix="/gradio_api", protocol="queue",
        fn_index=0, trigger_id=11, api_name="model_chat", inputs=("prompt", "history", "system"),
        reply_output=1, default_system=HELPFUL),
    SpaceLayout(
        name="qwen-qwen2-5", aliases=("qwen-2.5",),
        url="https://qwen-qwen2-5.hf.space", api_prefix="", protocol="queue",
        fn_index=3, trigger_id=25, api_name="model_chat",
        inputs=("prompt", "history", "system", "model_size"), reply_output=1,
        default_system="You are Qwen, created by Alibaba Cloud. You are a helpful assistant.",
        params=MappingProxyType({"model_size": Param(
            "72B", ("72B", "32B", "14B", "7B", "3B", "1.5B", "0.5B"),
            "the model-size radio of the Space")})),
    SpaceLayout(
        name="qwen-qwen2-72b-instruct", aliases=("qwen-2-72b",),
        url="https://qwen-qwen2-72b-instruct.hf.space", api_prefix="", protocol="queue",
        fn_index=0, trigger_id=11, api_name="model_chat", inputs=("prompt", "history", "system"),
        reply_output=1, default_system=HELPFUL),
    SpaceLayout(
        name="qwen-qvq-72b-preview", aliases=("qvq-72b",),
        url="https://qwen-qvq-72b-preview.hf.space", api_prefix="/gradio_api", protocol="call",
        api_name="generate", inputs=("image", "prompt"), reply_output=0),
    SpaceLayout(
        name="qwen3-demo", aliases=("Qwen/Qwen3-Demo", "qwen-qwen3-demo", *QWEN3_MODELS),
        url="https://qwen-qwen3-demo.hf.space", api_prefix="/gradio_api", protocol="queue",
        fn_index=13, trigger_id=33, api_name="add_message",
        inputs=("prompt", "settings", "thinking", "conversation"), reply_output=5,
        default_system="You are a helpful and harmless assistant.", app="qwen3-demo"),
    SpaceLayout(
        name="qwen3-vl-demo", aliases=("qwen3-vl", "Qwen/Qwen3-VL-Demo", "qwen-qwen3-vl-demo"),
        url="https://qwen-qwen3-vl-demo.hf.space", api_prefix="/gradio_api", protocol="queue",
        fn_index=11, trigger_id=31, api_name="add_message",
        inputs=("multimodal", "thinking", "conversation"), reply_output=5,
        default_system="You are a helpful and harmless assistant.", app="qwen3-vl-demo"),
)

_BY_NAME = {alias: lay for lay in LAYOUTS for alias in (lay.name, *lay.aliases)}


def get_layout(name: str) -> SpaceLayout:
    """The imitated Space named ``name`` (a default name or an alias)."""
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown model {name!r}; accepted names: {', '.join(_BY_NAME)}"
        ) from None

# ---------------------------------------------------------------------- layout


class Served(Protocol):
    """What the server asks of a layout (the classic :class:`Layout`, or Qwen3-Demo's)."""

    fn_index: int
    trigger_id: int

    def config(self, root: str) -> dict[str, Any]: ...

    def info(self) -> dict[str, Any]: ...

    def dep(self, fn_index: Any) -> Dependency | None: ...

    def dep_by_api(self, api_name: str) -> Dependency | None: ...


@dataclass
class Component:
    id: int
    type: str
    label: str | None = None
    props: dict[str, Any] = field(default_factory=dict)
    param: str | None = None  # parameter_name in /info


@dataclass
class Dependency:
    kind: str  # "main", "clear", "set_system", "noop"
    api_name: str | None
    targets: list[list[Any]]
    inputs: list[int]
    outputs: list[int]
    generator: bool = False
    id: int = -1


_PY_TYPES = {"textbox": ("Textbox", "str"), "radio": ("Radio", "str"),
             "image": ("Image", "filepath"), "chatbot": ("Chatbot", "list")}


class Layout:
    """Components and dependencies of the mimicked Space, and /config, /info."""

    def __init__(self, spec: SpaceLayout, major: int, system_state: bool) -> None:
        self.spec, self.major, self.system_state = spec, major, system_state
        self.chat = "history" in spec.inputs
        self.comps: dict[str, Component] = {}
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
        self.comps[key] = Component(self._id(key), ctype, label, dict(props), param)

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

    def _dependencies(self) -> list[Dependency]:
        api = self.spec.api_name
        inputs = [self._slot_comp(s) for s in self.spec.inputs]
        c = {k: v.id for k, v in self.comps.items()}
        if not self.chat:
            return [Dependency("main", api, [[c["submit"], "click"], [c["input"], "submit"]],
                         inputs, [c["output"]], True)]
        outputs = [c["input"], c["chatbot"], c["system"]]
        return [
            Dependency("main", api, [[c["input"], "submit"]], inputs, outputs, True),
            Dependency("main", f"{api}_1", [[c["send"], "click"]], inputs, outputs, True),
            Dependency("clear", "clear_session", [[c["clear"], "click"]], [], [c["input"], c["chatbot"]]),
            Dependency("set_system", "modify_system_session", [[c["set_system"], "click"]],
                 [c["system"]], [c["state"], c["system"], c["chatbot"]]),
        ]

    def _number(self, deps: list[Dependency]) -> list[Dependency]:
        """Give the chat event the Space's fn_index, the others the free ids."""
        main_id = self.spec.fn_index if self.spec.fn_index is not None else 0
        first = next(iter(self.comps.values())).id
        while len(deps) <= main_id:
            deps.append(Dependency("noop", None, [[first, "change"]], [], []))
        free = (i for i in range(len(deps)) if i != main_id)
        for n, dep in enumerate(deps):
            dep.id = main_id if n == 0 else next(free)
        return sorted(deps, key=lambda d: d.id)

    def dep(self, fn_index: Any) -> Dependency | None:
        if isinstance(fn_index, int) and 0 <= fn_index < len(self.deps):
            return self.deps[fn_index]
        return None

    def dep_by_api(self, api_name: str) -> Dependency | None:
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
        return [message("user", prompt), message("assistant", text)]

    # /config and /info -----------------------------------------------------
    def config(self, root: str) -> dict[str, Any]:
        cfg: dict[str, Any] = {
            "version": VERSIONS[str(self.major)], "mode": "blocks",
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

    def _api_info(self, comp: Component) -> dict[str, Any] | None:
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

    def _render(self, comp: Component) -> dict[str, Any]:
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

    def _example(self, comp: Component) -> Any:
        if comp.type == "chatbot":
            return [["Hello!", None]] if self.major < 6 else [message("user", "Hello!")]
        if comp.type == "image":
            return {"path": "https://example.invalid/bus.png", "orig_name": "bus.png",
                    "meta": {"_type": "gradio.FileData"}}
        return comp.props.get("value", "Hello!!")

    def _render_dep(self, dep: Dependency) -> dict[str, Any]:
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

    def _endpoint(self, dep: Dependency, by_id: Mapping[int, Component]) -> dict[str, Any]:
        params = [self._parameter(by_id[i]) for i in dep.inputs if by_id[i].type != "state"]
        returns = [self._described(by_id[i]) for i in dep.outputs if by_id[i].type != "state"]
        out: dict[str, Any] = {"parameters": params, "returns": returns}
        if self.major >= 6:
            out.update(api_visibility="public", description="")
        else:
            out["show_api"] = True
        return out

    def _described(self, comp: Component) -> dict[str, Any]:
        cls, pytype = _PY_TYPES.get(comp.type, (comp.type.title(), "Any"))
        return {"label": comp.label, "type": self._api_info(comp),
                "python_type": {"type": pytype, "description": ""}, "component": cls}

    def _parameter(self, comp: Component) -> dict[str, Any]:
        default = comp.props.get("value")
        out = {"label": comp.label, "parameter_name": comp.param,
               "parameter_has_default": default is not None, "parameter_default": default}
        out.update(self._described(comp))
        out["example_input"] = self._example(comp)
        return out


def message(role: str, text: str) -> dict[str, Any]:
    return {"role": role, "metadata": None, "content": [{"text": text, "type": "text"}],
            "options": None}

