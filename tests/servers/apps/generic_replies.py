"""What the generic replica apps answer, as plain data (no Gradio import).

The apps ``chat_interface.py``, ``blocks_chain.py``, ``think_tags.py``, ``thoughts.py``,
``two_chats.py`` and ``no_chat.py`` stream these texts word by word; the tests import this
module (as ``tests.servers.apps.generic_replies``) to know the exact final text.  Every reply
is one line without leading or trailing whitespace, so Gradio's ``inspect.cleandoc`` on chat
strings leaves it unchanged, and holds a repeated word and non-ASCII text.

Each app also appends one JSON line per call of its function to ``$YIELD_LOG`` (see
:func:`log_call`): ``{"fn": name, "message": ..., "history": ..., "inputs": {...}}``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

# Fixed words after every reply: a repeated word, CJK and an emoji.
TAIL = " the the 你好 👋 done."
DEFAULT_PACE = 0.02  # seconds between streamed words (env PACE)

# ChatInterface CI_ADDITIONAL=1: labels and defaults of the additional inputs, in order.
ADDITIONAL_DEFAULTS: Tuple[Tuple[str, Any], ...] = (
    ("System prompt", "You are terse."),
    ("Temperature", 0.7),
    ("Model", "small"),
)
MODEL_CHOICES = ("small", "large")

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
THOUGHTS_TITLE = "Thinking"


def pace() -> float:
    return float(os.environ.get("PACE", DEFAULT_PACE))


def words(text: str) -> List[str]:
    """Word tokens that keep their leading whitespace ("a b" -> ["a", " b"]); they re-join exactly."""
    return re.findall(r"\s*\S+|\s+", text)


def prefixes(text: str) -> List[str]:
    """The growing texts a streaming app yields for ``text``: one per word."""
    out, acc = [], ""
    for word in words(text):
        acc += word
        out.append(acc)
    return out or [""]


def text_of(content: Any) -> str:
    """Plain text of a chat message's content: a str; a list of 6.x parts
    (``{"type": "text", "text": ...}``) or, as 6.x ChatInterface hands a multimodal history to
    its function, of file dicts and strs; a file/component dict or tuple of paths (no text)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part if isinstance(part, str) else part.get("text", "") for part in content
                       if isinstance(part, str) or (isinstance(part, dict) and part.get("type") == "text"))
    return ""


def count_turns(history: Optional[Sequence[Any]]) -> int:
    """Completed turns in a chat history: tuples count pairs with a reply (a multimodal
    message's files take a pair of their own, reply None); messages count user entries with
    text (file-only entries are not turns)."""
    if not history:
        return 0
    if isinstance(history[0], (list, tuple)):
        return sum(1 for pair in history if pair[1] is not None)
    return sum(1 for item in history
               if isinstance(item, dict) and item.get("role") == "user" and text_of(item.get("content")))


def _fmt(value: Any) -> str:
    return str(value)


# --- chat_interface.py --------------------------------------------------------------------

def ci_reply(message: str, turns: int, additional: Optional[Sequence[Any]] = None,
             file_sizes: Optional[Sequence[int]] = None) -> str:
    """ChatInterface reply.  ``additional`` = (system prompt, temperature, model) as received;
    ``file_sizes`` (multimodal only, maybe empty) = size in bytes of each file received."""
    text = f"Echo: {message} | turns={turns}"
    if additional is not None:
        system, temperature, model = additional
        text += f" | temperature={_fmt(temperature)} | model={model} | system={system}"
    if file_sizes is not None:
        text += f" | files={len(file_sizes)}"
        text += "".join(f" | file{i}={size}B" for i, size in enumerate(file_sizes))
    return text + TAIL


# --- blocks_chain.py ----------------------------------------------------------------------

def chain_reply(message: str, turns: int) -> str:
    """The chain's bot step: ``turns`` = completed turns before this one."""
    return f"Bot: {message} | turns={turns}" + TAIL


# --- think_tags.py ------------------------------------------------------------------------

def think_reasoning(message: str) -> str:
    return f"The user wrote {message}. I think the the answer is an echo."


def think_answer(message: str, turns: int) -> str:
    return f"Answer: {message} | turns={turns}" + TAIL


def think_reply(message: str, turns: int) -> str:
    """The whole streamed text: ``<think>reasoning</think>answer``."""
    return THINK_OPEN + think_reasoning(message) + THINK_CLOSE + think_answer(message, turns)


def think_steps(message: str, turns: int) -> List[str]:
    """The growing texts think_tags.py yields (the tags are tokens of their own)."""
    steps = [THINK_OPEN]
    steps += [THINK_OPEN + p for p in prefixes(think_reasoning(message))]
    head = THINK_OPEN + think_reasoning(message) + THINK_CLOSE
    steps.append(head)
    steps += [head + p for p in prefixes(think_answer(message, turns))]
    return steps


# --- thoughts.py --------------------------------------------------------------------------

def thoughts_reasoning(message: str) -> str:
    return f"Considering {message}: the the user wants an echo."


def thoughts_answer(message: str, turns: int) -> str:
    return f"Final: {message} | turns={turns}" + TAIL


# --- two_chats.py -------------------------------------------------------------------------

def alpha_reply(message: str, turns: int) -> str:
    return f"Alpha: {message} | turns={turns}" + TAIL


def beta_reply(message: str, turns: int) -> str:
    return f"Beta: {message} | turns={turns}" + TAIL


# --- no_chat.py ---------------------------------------------------------------------------

def calculate(x: float, y: float, op: str) -> float:
    """no_chat.py's calculator: op is one of "add", "subtract", "multiply", "divide"."""
    if op == "add":
        return x + y
    if op == "subtract":
        return x - y
    if op == "multiply":
        return x * y
    return x / y if y else float("nan")


# --- the yield log ------------------------------------------------------------------------

def log_call(fn: str, message: Any = None, history: Any = None, **inputs: Any) -> None:
    """Append what an app function received to $YIELD_LOG as one JSON line:
    ``{"fn": fn, "message": message, "history": history, "inputs": {name: value}}``
    (values that are not JSON become their ``str``)."""
    path = os.environ.get("YIELD_LOG")
    if not path:
        return
    line = json.dumps({"fn": fn, "message": message, "history": history, "inputs": inputs},
                      ensure_ascii=False, default=str)
    with open(path, "a", encoding="utf-8") as log:
        log.write(line + "\n")


def read_log(path: Path) -> List[Dict[str, Any]]:
    """Every JSON line of a yield log (non-JSON lines, e.g. from other apps, are skipped)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out
