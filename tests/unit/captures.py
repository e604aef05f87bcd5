"""Helpers to read the real Gradio transcripts in tests/captures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, List, Tuple

CAPTURES = Path(__file__).resolve().parent.parent / "captures"
VERSIONS = ("4.44.1", "5.23.3", "6.31.0")


def capture_bytes(name: str) -> bytes:
    return (CAPTURES / name).read_bytes()


def capture_messages(name: str) -> List[dict]:
    """The JSON messages of a /queue/data capture, in order."""
    out = []
    for line in capture_bytes(name).split(b"\n"):
        if line.startswith(b"data: "):
            out.append(json.loads(line[6:]))
    return out


def split_every(data: bytes, size: int) -> Iterator[bytes]:
    """The bytes cut into fixed-size pieces (cuts fall inside messages and
    inside multi-byte characters)."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def final_reply(name: str, output: int = 1) -> Any:
    """The reply value of the process_completed message of a capture."""
    for message in capture_messages(name):
        if message["msg"] == "process_completed":
            return message["output"]["data"][output]
    raise AssertionError(f"{name} has no process_completed")


def chat_capture(version: str) -> str:
    return f"g{version}_queue_data_chat_" + ("messages" if version.startswith("6") else "tuples") + ".sse"


def pairs(items: Iterator[Tuple[str, Any]]) -> List[Tuple[str, Any]]:
    return list(items)
