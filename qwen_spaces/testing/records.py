"""What LocalSpace remembers: the requests it received and its events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_REDACTED = frozenset({"authorization", "x-hf-authorization", "proxy-authorization", "cookie"})


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


def redact(name: str, value: str) -> str:
    if name not in _REDACTED:
        return value
    scheme = value.split(" ", 1)[0] if " " in value else ""
    return f"{scheme} <redacted>".strip()

