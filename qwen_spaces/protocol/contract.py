"""What one chat turn is on a Gradio app: the steps to run, what each input
of those steps holds, and where the reply comes out.

A :class:`ChatContract` is read from an app's ``/config``
(``protocol.discovery``) or pinned as data (the built-in Spaces).  It knows
Gradio and modelscope_studio components, nothing about any model.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple

__all__ = [
    "Slot", "Step", "ChatContract", "MESSAGE", "HISTORY", "SYSTEM", "STATE", "IMAGE",
    "FORM", "PARAM", "FIXED", "unwrap_update",
]

# What an input holds (Slot.role)
MESSAGE = "message"  # the user's message: a str, or {"text", "files"} (Slot.format "multimodal")
HISTORY = "history"  # earlier turns, in a chatbot's format (Slot.format)
SYSTEM = "system"  # a system prompt text input
STATE = "state"  # a gr.State: kept by the server per session, sent as null
IMAGE = "image"  # an image input (uploaded first)
FORM = "form"  # a settings form whose value is one dict (modelscope antd.Form)
PARAM = "param"  # any other input the user may set by keyword (Slot.name)
FIXED = "fixed"  # an input sent with its /config value (a button, a hidden field...)

EMPTY: Mapping[str, Any] = MappingProxyType({})


class Slot(NamedTuple):
    """One input component of a chat turn."""

    component: int
    role: str
    type: str = ""  # the Gradio component type ("textbox", "state", ...)
    name: str = ""  # the keyword that sets it (PARAM), from its label
    default: Any = None  # its /config value
    choices: Tuple[Any, ...] = ()  # accepted values (Dropdown, Radio)
    minimum: Optional[float] = None  # Slider bounds
    maximum: Optional[float] = None
    format: str = ""  # MESSAGE: "text" | "multimodal"; HISTORY: a chat format
    label: str = ""


class Step(NamedTuple):
    """One event of the chain a turn runs (the browser runs them in order)."""

    fn_index: int
    inputs: Tuple[int, ...]
    outputs: Tuple[int, ...]
    queued: bool = True
    api_name: Optional[str] = None
    trigger_id: Optional[int] = None
    generator: bool = True


class ChatContract(NamedTuple):
    """How to run one chat turn on an app.

    ``steps`` run in order in one session; the last one streams the reply,
    which is output ``reply_component`` (a chatbot in ``reply_format``:
    "tuples", "messages", "parts" (Gradio 6), "pro" (modelscope pro.Chatbot),
    "mgr" (legacy modelscope), "text" or "json").  ``slots`` describe every
    input of every step.  ``events`` are other named events of the app
    (api_name -> fn_index), e.g. a "toggle_thinking" button's event;
    ``system_setter`` is the event that sets a system prompt kept in a
    ``gr.State`` (run first, in the same session), if there is one;
    ``system_field`` the field of a settings form that holds it.
    """

    steps: Tuple[Step, ...]
    slots: Mapping[int, Slot]
    reply_component: int
    reply_format: str
    api_prefix: str = ""
    version: str = ""
    events: Mapping[str, int] = EMPTY
    system_setter: Optional[int] = None
    system_field: Optional[str] = None  # the settings form's field for a system prompt
    field_rules: Mapping[str, Slot] = EMPTY  # constraints on the form's fields, by name
    keeps_history: bool = False  # the app keeps the conversation in session state (pinned data)

    @property
    def reply_step(self) -> Step:
        return self.steps[-1]

    @property
    def reply_output(self) -> int:
        return self.steps[-1].outputs.index(self.reply_component)

    @property
    def api_name(self) -> Optional[str]:
        return self.steps[0].api_name

    def slots_with(self, role: str) -> List[Slot]:
        return [slot for slot in self.slots.values() if slot.role == role]

    def slot(self, role: str) -> Optional[Slot]:
        found = self.slots_with(role)
        return found[0] if found else None

    def params(self) -> Dict[str, Slot]:
        """The keyword-settable inputs by name (PARAM slots)."""
        return {slot.name: slot for slot in self.slots.values() if slot.role == PARAM and slot.name}

    @property
    def history_mode(self) -> str:
        """How the app takes earlier turns: "input" (a chatbot input, in its
        format), "session" (a ``gr.State`` the chat event reads and updates:
        the server keeps the conversation per session) or "none"."""
        if self.slot(HISTORY) is not None:
            return "input"
        if self.keeps_history:
            return "session"
        outputs = {cid for step in self.steps for cid in step.outputs}
        if any(slot.role == STATE and slot.component in outputs for slot in self.slots.values()):
            return "session"
        return "none"

    def form_fields(self) -> Dict[str, Any]:
        """The settings form's fields and their defaults ({} without a form)."""
        form = self.slot(FORM)
        return dict(form.default) if form is not None and isinstance(form.default, dict) else {}

    def moved_to(self, fn_index: int, trigger_id: Optional[int], api_prefix: str) -> "ChatContract":
        """The same contract with the reply step at another fn_index (a
        redeployed Space renumbered its events)."""
        last = self.steps[-1]._replace(fn_index=fn_index, trigger_id=trigger_id)
        return self._replace(steps=self.steps[:-1] + (last,), api_prefix=api_prefix)


def unwrap_update(value: Any) -> Tuple[bool, Any]:
    """``(changed, value)`` of an output value: Gradio's update dicts
    (``{"__type__": "update", ...}``) change the value only with a ``value`` key."""
    if isinstance(value, dict) and value.get("__type__") == "update":
        if "value" in value:
            return True, value["value"]
        return False, None
    return True, value
