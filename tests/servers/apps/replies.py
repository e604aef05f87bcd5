"""What the replica chat apps answer, as plain data (no Gradio import).

The apps execute a :class:`Plan`; the integration tests import the same module
to know what the server was told to send, then apply Gradio's own whitespace
rules (``expected_text``) on their side.  The prompt text picks the behaviour:

==================  ============================================================
prompt contains     behaviour
==================  ============================================================
``early-error``     gr.Error("Bad input: early") before the first yield
``quota``           3 tokens, then gr.Error(QUOTA_MESSAGE)
``crash``           3 tokens, then ValueError (hidden by show_error=False)
``empty``           one yield whose assistant reply is ""
``echo``            echoes prompt, system (and model size), token by token
``slow``            40 tokens 0.5 s apart (cancel / disconnect tests)
``pace``            20 tokens 0.15 s apart (arrival-time tests)
``many N``          N short tokens, no delay
anything else       DEFAULT_TOKENS, 0.02 s apart
==================  ============================================================
"""

from __future__ import annotations

import hashlib
import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

QUOTA_MESSAGE = (
    "You have exceeded your GPU quota (60s requested vs. 12s left). Try again in 2:05:11"
)
EARLY_MESSAGE = "Bad input: early"
CRASH_MESSAGE = "upstream API returned status 500"
CHAT_DEFAULT_SYSTEM = "You are a helpful assistant."
QWEN25_DEFAULT_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
MODEL_SIZES = ("72B", "32B", "14B", "7B", "3B", "1.5B", "0.5B")

# Repeated words (" the", " the"), a lone newline token, a token with leading
# spaces, and non-ASCII text: each once broke a naive client.
DEFAULT_TOKENS = ("Hello", "!", " the", " the", " answer", " is", ":", "\n",
                  "   spaced", " line", " 你好", " 👋", " done", ".")


@dataclass(frozen=True)
class Plan:
    tokens: List[str]
    delay: float = 0.02
    fail_at: Optional[int] = None  # raise before yielding tokens[fail_at]
    failure: str = ""  # "quota" | "crash" | "early"
    empty: bool = False


def echo_text(prompt: str, system: Optional[str], model_size: Optional[str] = None) -> str:
    """The raw (pre-Gradio) reply of an ``echo`` prompt."""
    text = f"prompt: {prompt}\nsystem: {system}"
    return text + (f"\nsize: {model_size}" if model_size is not None else "")


def split_tokens(text: str) -> List[str]:
    """Word tokens that keep their leading whitespace (so they re-join exactly)."""
    return re.findall(r"\s*\S+|\s+", text)


def plan_for(prompt: str, system: Optional[str] = None, model_size: Optional[str] = None) -> Plan:
    many = re.search(r"\bmany (\d+)\b", prompt)
    if "early-error" in prompt:
        return Plan(list(DEFAULT_TOKENS), fail_at=0, failure="early")
    if "quota" in prompt:
        return Plan(list(DEFAULT_TOKENS), fail_at=3, failure="quota")
    if "crash" in prompt:
        return Plan(list(DEFAULT_TOKENS), fail_at=3, failure="crash")
    if "empty" in prompt:
        return Plan([], empty=True)
    if "echo" in prompt:
        return Plan(split_tokens(echo_text(prompt, system, model_size)), delay=0.01)
    if "slow" in prompt:
        return Plan([f" tok{i}" for i in range(40)], delay=0.5)
    if "pace" in prompt:
        return Plan([f" p{i}" for i in range(20)], delay=0.15)
    if many:
        return Plan([f" m{i}" for i in range(int(many.group(1)))], delay=0.0)
    return Plan(list(DEFAULT_TOKENS))


def raw_text(plan: Plan) -> str:
    """Everything the app yields for a plan that runs to completion."""
    return "".join(plan.tokens)


def partial_text(plan: Plan) -> str:
    """What the app had yielded before it failed (the whole text if it does not)."""
    end = plan.fail_at if plan.fail_at is not None else len(plan.tokens)
    return "".join(plan.tokens[:end])


def cleans_chat_text(version: str, chatbot_format: str) -> bool:
    """Whether Gradio runs inspect.cleandoc on chatbot strings (checked on real servers):
    4.x in both formats, 5.x on messages only, 6.x always."""
    major = int(version.split(".")[0])
    return major == 4 or major >= 6 or chatbot_format == "messages"


def chatbot_format(version: str) -> str:
    """The replicas use tuples on Gradio 4/5 (like the real Spaces) and messages on 6."""
    return "messages" if int(version.split(".")[0]) >= 6 else "tuples"


def expected_text(raw: str, version: str, fmt: Optional[str] = None) -> str:
    """The chat reply text a client must end with, given what the app yielded
    (``fmt``: the replica's chatbot format, by default the version's usual one)."""
    if cleans_chat_text(version, fmt or chatbot_format(version)):
        return inspect.cleandoc(raw)
    return raw


def pixel_hash(rgb_bytes: bytes) -> str:
    """Short hash of an image's RGB pixel bytes (as PIL's ``convert("RGB").tobytes()``)."""
    return hashlib.sha256(rgb_bytes).hexdigest()[:12]


def qvq_tokens(image: Optional[Tuple[int, int, str]], question: str) -> List[str]:
    """The QVQ replica's reply tokens; ``image`` is (width, height, pixel_hash) or None."""
    head = ["no", " image"] if image is None else [
        "Image", f" {image[0]}x{image[1]}", f" rgb:{image[2]}"]
    return head + [" the", " the", "\n", "你好", " 👋", f" (q={question})"]


def log_key(prompt: str) -> str:
    """One-line form of a prompt for the yield log (prompts may hold newlines/tabs)."""
    return prompt.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def append_yield(log_path: Optional[str], prompt: str, index: int) -> None:
    if log_path:
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"{log_key(prompt)}\t{index}\n")


def count_yields(log_path: Path, prompt: str) -> int:
    """How many times a generator yielded for ``prompt`` so far."""
    try:
        lines = Path(log_path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return 0
    key = log_key(prompt)
    return sum(1 for line in lines if line.rsplit("\t", 1)[0] == key)
