"""The Hugging Face Hub, as huggingface_hub knows it: the user's token, the
endpoint, and a Space's runtime stage (asked only when a Space fails to
answer, never on the happy path).

Token: ``hf_token=`` (``False``: none), else ``HF_TOKEN``, else the file
``$HF_TOKEN_PATH``, else ``$HF_HOME/token`` (``HF_HOME`` defaults to
``$XDG_CACHE_HOME/huggingface``, then ``~/.cache/huggingface``): so ``hf auth
login`` is enough.  Endpoint: ``HF_ENDPOINT`` or ``https://huggingface.co``.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any, NamedTuple, Optional, Tuple, Union

from .errors import ProtocolError, QwenSpacesError, SpaceNotFoundError

__all__ = [
    "Runtime", "resolve_token", "hub_endpoint", "runtime_url", "read_runtime", "parse_quota",
    "WAKE_STAGES", "START_STAGES", "BROKEN_STAGES", "RUNNING",
]

log = logging.getLogger("qwen_spaces")

DEFAULT_ENDPOINT = "https://huggingface.co"
RUNNING = "RUNNING"
WAKE_STAGES = frozenset({"SLEEPING", "STOPPED"})  # a request to the Space wakes it
START_STAGES = frozenset({"BUILDING", "RUNNING_BUILDING", "APP_STARTING", "RUNNING_APP_STARTING"})
BROKEN_STAGES = frozenset({"RUNTIME_ERROR", "BUILD_ERROR", "CONFIG_ERROR", "NO_APP_FILE", "DELETING"})
PAUSED = "PAUSED"


def _token_file() -> Path:
    path = os.environ.get("HF_TOKEN_PATH")
    if path:
        return Path(path).expanduser()
    home = os.environ.get("HF_HOME")
    if not home:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        home = os.path.join(cache, "huggingface")
    return Path(home).expanduser() / "token"


def resolve_token(hf_token: Union[str, bool, None]) -> Optional[str]:
    """The token to send: ``hf_token`` itself, None for ``False`` or ``""``,
    else the environment's / the token file's (None if there is none)."""
    if hf_token is False or hf_token == "":
        return None
    if isinstance(hf_token, str):
        return hf_token.strip() or None
    if hf_token is not None and hf_token is not True:
        raise ValueError(f"hf_token must be a str, False or None, not {type(hf_token).__name__}")
    env = os.environ.get("HF_TOKEN", "").strip()
    if env:
        return env
    path = _token_file()
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if token:
        log.debug("using the Hugging Face token from %s", path)
    return token or None


def hub_endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def runtime_url(space_id: str) -> str:
    return f"{hub_endpoint()}/api/spaces/{space_id}/runtime"


class Runtime(NamedTuple):
    """A Space's runtime as the Hub reports it."""

    stage: str
    hardware: Optional[str]


def read_runtime(get_json: Any, space_id: str) -> Runtime:
    """``GET {endpoint}/api/spaces/{id}/runtime`` through ``get_json(url, what)``;
    a 404 is :class:`SpaceNotFoundError`."""
    url = runtime_url(space_id)
    try:
        body = get_json(url, f"asking the Hub about {space_id}")
    except QwenSpacesError as exc:
        if exc.status_code == 404:
            raise SpaceNotFoundError(
                f"no Space {space_id} on {hub_endpoint()} (check the id, or pass hf_token for a "
                "private Space)", url=url, status_code=404,
            ) from None
        raise
    if not isinstance(body, dict) or not isinstance(body.get("stage"), str):
        raise ProtocolError(f"the Hub's runtime of {space_id} has no stage", url=url)
    hardware = body.get("hardware")
    current = hardware.get("current") if isinstance(hardware, dict) else None
    return Runtime(body["stage"], current if isinstance(current, str) else None)


_QUOTA = re.compile(
    r"\((?P<requested>\d+(?:\.\d+)?)\s*s\s+requested\s+vs\.?\s+(?P<left>\d+(?:\.\d+)?)\s*s\s+left\)", re.I
)
_RETRY = re.compile(r"try again in\s+(?:(?P<days>\d+)\s+days?,\s*)?(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2})", re.I)


def parse_quota(message: str) -> Tuple[Optional[float], Optional[float], Optional[float]]:
    """``(requested, left, retry_after)`` seconds from a ZeroGPU quota message
    ("You have exceeded your GPU quota (60s requested vs. 12s left). Try again
    in 0:09:48"); None for what the message does not say."""
    requested = left = retry = None
    match = _QUOTA.search(message)
    if match:
        requested, left = float(match["requested"]), float(match["left"])
    again = _RETRY.search(message)
    if again:
        days = int(again["days"] or 0)
        retry = float(days * 86400 + int(again["h"]) * 3600 + int(again["m"]) * 60 + int(again["s"]))
    return requested, left, retry
