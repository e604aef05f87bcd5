"""The benchmark's work: a reply of N streamed events, rendered as Gradio would send it.

Shared by the replay server (which pre-renders the bytes) and by ``run.py`` (which
computes the text every client must reconstruct).  Message shapes are copied from the
captures in ``tests/captures/`` (``g6.31.0_queue_data_chat_messages.sse`` and
``g4.44.1_queue_data_chat_tuples.sse``): compact JSON, raw UTF-8, one ``data: ...\\n\\n``
SSE message per HTTP chunk, as uvicorn writes each item a Starlette StreamingResponse
yields.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

CAPTURES = Path(__file__).resolve().parent.parent / "tests" / "captures"
SYSTEM = "You are a helpful assistant."
PROMPT = "Hi"
# Same length as a uuid4().hex, so chunk sizes stay valid after substitution.
EVENT_PLACEHOLDER = "e" * 32

# Short tokens: words, repeated words, newlines, indentation, JSON escapes, non-ASCII.
TOKENS: List[str] = [
    " the",
    " the",
    " answer",
    " is",
    ":",
    "\n",
    "Line",
    " two",
    " 你好",
    " 👋",
    " done",
    ".",
    "\n\n",
    "- ",
    "item",
    " résumé",
    " naïve",
    " über",
    " 数据",
    " 模型",
    " code",
    "```",
    "python",
    "\n",
    "    ",
    "print",
    "(",
    '"x"',
    ")",
    " and",
    " so",
    " on",
    ",",
    " with",
    " numbers",
    " 42",
    " 3.14",
    " café",
    "\t",
    "\\",
    " the",
]


@dataclass(frozen=True)
class Variant:
    """One server flavour: a Gradio version's wire shapes and URL layout."""

    name: str
    gradio: str
    api_prefix: str
    model: str  # the qwen_spaces model name whose built-in prefix matches

    @property
    def config_file(self) -> Path:
        return CAPTURES / f"g{self.gradio}_config_chat.json"

    @property
    def info_file(self) -> Path:
        return CAPTURES / f"g{self.gradio}_info_chat.json"


VARIANTS: Dict[str, Variant] = {
    "g6": Variant("g6", "6.31.0", "/gradio_api", "qwen-2-5-max"),
    "g4": Variant("g4", "4.44.1", "", "qwen-2-72b"),
}


def tokens(n: int) -> List[str]:
    """The N tokens of the reply (deterministic)."""
    if n <= 0:
        return []
    rng = random.Random(n)
    return ["Hello"] + [rng.choice(TOKENS) for _ in range(n - 1)]


def expected_text(n: int) -> str:
    return "".join(tokens(n))


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _chatbot(variant: str, text: Optional[str]) -> List[Any]:
    if variant == "g4":
        return [[PROMPT, text]]
    user = {"role": "user", "metadata": None, "content": [{"text": PROMPT, "type": "text"}], "options": None}
    bot = {
        "role": "assistant",
        "metadata": None,
        "content": [{"text": text, "type": "text"}],
        "options": None,
    }
    return [user, bot]


def _append_edit(variant: str, token: str) -> List[Any]:
    path: List[Any] = [0, 1] if variant == "g4" else [1, "content", 0, "text"]
    return [["append", path, token]]


def _output(variant: str, data: List[Any], generating: bool, rng: random.Random) -> Dict[str, Any]:
    out: Dict[str, Any] = {
        "data": data,
        "is_generating": generating,
        "duration": rng.uniform(0.04, 0.06),
        "average_duration": rng.uniform(0.08, 0.09),
        "render_config": None,
        "changed_state_ids": [],
    }
    if variant == "g6":
        out["used_cache"] = None
    return out


def _generating(variant: str, data: List[Any], rng: random.Random) -> Dict[str, Any]:
    msg = {
        "msg": "process_generating",
        "event_id": EVENT_PLACEHOLDER,
        "output": _output(variant, data, True, rng),
        "success": True,
    }
    if variant == "g6":
        msg["time_limit"] = None
    return msg


def _completed(variant: str, text: str, rng: random.Random) -> Dict[str, Any]:
    data = ["", _chatbot(variant, text), SYSTEM]
    msg = {
        "msg": "process_completed",
        "event_id": EVENT_PLACEHOLDER,
        "output": _output(variant, data, False, rng),
        "success": True,
    }
    if variant == "g6":
        msg.update(
            title=None,
            used_cache=None,
            cache_duration=rng.uniform(0, 0.001),
            avg_time=rng.uniform(0.08, 0.09),
        )
    return msg


def event_messages(variant: str, n: int) -> Iterator[Dict[str, Any]]:
    """estimation, process_starts, N process_generating (full value, then N-1 appends),
    process_completed (full value).  close_stream is per session, not per event."""
    rng = random.Random(0)
    toks = tokens(n)
    eta = 0.7569144566853842
    yield {"msg": "estimation", "event_id": EVENT_PLACEHOLDER, "rank": 0, "queue_size": 1, "rank_eta": eta}
    yield {"msg": "process_starts", "event_id": EVENT_PLACEHOLDER, "eta": eta}
    for i, tok in enumerate(toks):
        first = i == 0
        data = ["", _chatbot(variant, tok), SYSTEM] if first else [[], _append_edit(variant, tok), []]
        yield _generating(variant, data, rng)
    yield _completed(variant, "".join(toks), rng)


def sse_message(obj: Dict[str, Any]) -> bytes:
    return b"data: " + _dumps(obj) + b"\n\n"


def http_chunk(payload: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(payload), payload)


CLOSE_STREAM = sse_message({"msg": "close_stream", "event_id": None})


def render_blocks(variant: str, n: int, block_bytes: int = 256 * 1024) -> List[bytes]:
    """The event's chunk-framed bytes, cut at message boundaries into ~block_bytes
    blocks (so the event-id placeholder never straddles two blocks)."""
    blocks: List[bytes] = []
    pending: List[bytes] = []
    size = 0
    for msg in event_messages(variant, n):
        framed = http_chunk(sse_message(msg))
        pending.append(framed)
        size += len(framed)
        if size >= block_bytes:
            blocks.append(b"".join(pending))
            pending, size = [], 0
    if pending:
        blocks.append(b"".join(pending))
    return blocks
