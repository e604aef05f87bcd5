"""Filling a chat turn's inputs: the value each input component gets, and
the keywords a user may set, checked before any request.

Values: the message (a str, or ``{"text", "files"}`` for a multimodal input),
the history (in the chatbot's format), the system prompt, the settings form
(its ``/config`` value with the user's fields), keyword parameters (by the
input's label: ``temperature=0.2``), images (FileData), ``null`` for every
``gr.State`` (the server keeps those per session), and ``/config`` values for
the rest.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from .contract import (
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
    unwrap_update,
)

__all__ = ["accepted_keywords", "check_value", "fill_inputs", "step_data", "take_outputs"]


def accepted_keywords(contract: ChatContract) -> List[str]:
    """The keyword parameters a chat on this contract accepts."""
    return sorted(set(contract.params()) | set(contract.form_fields()))


def check_value(owner: str, name: str, rule: Slot, value: Any) -> Any:
    """``value`` if ``rule`` (choices, bounds, the input's kind) accepts it, else ValueError."""
    if rule.choices:
        if value not in rule.choices:
            accepted = ", ".join(repr(c) for c in rule.choices)
            raise ValueError(f"{owner}: {name}={value!r} is not one of {accepted}")
        return value
    if rule.minimum is not None or rule.maximum is not None or rule.type in ("slider", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{owner}: {name} must be a number, not {type(value).__name__}")
        low = -float("inf") if rule.minimum is None else rule.minimum
        high = float("inf") if rule.maximum is None else rule.maximum
        if not low <= value <= high:
            raise ValueError(f"{owner}: {name}={value!r} is outside {rule.minimum}..{rule.maximum}")
        if isinstance(rule.default, int) and not isinstance(value, int):
            raise ValueError(f"{owner}: {name} must be an int, not {value!r}")
        return value
    if rule.type == "checkbox" and not isinstance(value, bool):
        raise ValueError(f"{owner}: {name} must be True or False, not {value!r}")
    if rule.type == "textbox" and not isinstance(value, str):
        raise ValueError(f"{owner}: {name} must be a str, not {type(value).__name__}")
    return value


def _form_value(
    owner: str, contract: ChatContract, slot: Slot, given: Mapping[str, Any], system: Optional[str]
) -> Dict[str, Any]:
    value = dict(slot.default) if isinstance(slot.default, dict) else {}
    for name in value:
        if name in given:
            rule = contract.field_rules.get(name)
            value[name] = check_value(owner, name, rule, given[name]) if rule else given[name]
    if system is not None and contract.system_field in value:
        value[str(contract.system_field)] = system
    return value


def fill_inputs(
    contract: ChatContract,
    owner: str,
    *,
    message: str,
    params: Mapping[str, Any],
    system: Optional[str] = None,
    files: Sequence[Any] = (),
    history: Any = None,
) -> Dict[int, Any]:
    """The value of every input component of the turn (``component -> value``).

    ``owner`` names the Space in error messages.  Raises ValueError for a
    keyword the Space does not take or a value it does not accept.
    """
    accepted = accepted_keywords(contract)
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise ValueError(
            f"{owner} does not take {', '.join(unknown)}; its parameters: {', '.join(accepted) or 'none'}"
        )
    values: Dict[int, Any] = {}
    for cid, slot in contract.slots.items():
        role = slot.role
        if role == MESSAGE:
            values[cid] = {"text": message, "files": list(files)} if slot.format == "multimodal" else message
        elif role == HISTORY:
            values[cid] = [] if history is None else history
        elif role == SYSTEM:
            values[cid] = system if system is not None else slot.default
        elif role == FORM:
            values[cid] = _form_value(owner, contract, slot, params, system)
        elif role == PARAM:
            values[cid] = check_value(owner, slot.name, slot, params[slot.name]) if slot.name in params else slot.default
        elif role == IMAGE:
            values[cid] = files[0] if files else None
        elif role == STATE:
            values[cid] = None
        else:
            values[cid] = slot.default
    return values


def step_data(step: Step, slots: Mapping[int, Slot], values: Mapping[int, Any]) -> List[Any]:
    """The positional ``data`` of one step (``null`` for States)."""
    return [
        None if (cid in slots and slots[cid].role == STATE) else values.get(cid)
        for cid in step.inputs
    ]


def take_outputs(step: Step, outputs: Sequence[Any], values: Dict[int, Any]) -> None:
    """A finished step's outputs become the values of those components for
    the next step (as in the browser); update dicts without a value change nothing."""
    for cid, output in zip(step.outputs, outputs):
        changed, value = unwrap_update(output)
        if changed:
            values[cid] = value
