"""Fault hooks: scripted responses that answer requests before the normal ones."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from .wire import compact

#: The ZeroGPU quota message used by ``quota_error_after``.
QUOTA_MESSAGE = (
    "You have exceeded your GPU quota (60s requested vs. 12s left). Try again in 2:05:11"
)
#: Route names accepted as keys of ``script``.
ROUTES = ("config", "info", "join", "data", "cancel", "upload", "call", "call_data")
#: ``(status, body, headers)``; body: dict/list (JSON), str (text/plain), bytes or None.
ScriptedResponse = tuple[int, Any, Mapping[str, str]]


def check_script(script: Mapping[str, Sequence[ScriptedResponse]]) -> None:
    unknown = sorted(set(script) - set(ROUTES))
    if unknown:
        raise ValueError(f"unknown script routes {unknown}; routes: {', '.join(ROUTES)}")


def scripted_body(body: Any) -> tuple[str, bytes]:
    if isinstance(body, (dict, list)):
        return "application/json", compact(body)
    if isinstance(body, str):
        return "text/plain; charset=utf-8", body.encode("utf-8")
    return "application/octet-stream", body if isinstance(body, bytes) else b""


class Script:
    """Scripted responses per route, each used once, in order."""

    def __init__(self, script: Mapping[str, Sequence[ScriptedResponse]]) -> None:
        self._pending = {k: list(v) for k, v in script.items()}
        self._lock = threading.Lock()

    def next(self, route: str | None) -> ScriptedResponse | None:
        with self._lock:
            pending = self._pending.get(route or "")
            return pending.pop(0) if pending else None
