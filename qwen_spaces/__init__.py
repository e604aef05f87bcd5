"""Chat with Qwen models hosted on Hugging Face Spaces from synchronous Python.

>>> from qwen_spaces import Client
>>> with Client() as client:                                  # doctest: +SKIP
...     for delta in client.stream("qwen-2-5-max", [{"role": "user", "content": "Hi"}]):
...         print(delta, end="", flush=True)

Only the errors load with the package; each other name loads its module on
first use (``import qwen_spaces`` stays as cheap as its dependencies).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, List

from .errors import (
    AllAttemptsFailedError,
    AuthenticationError,
    ConversationBusyError,
    ConversationLostError,
    ProtocolError,
    QueueFullError,
    QuotaExceededError,
    QwenSpacesError,
    RateLimitError,
    SpaceAppError,
    SpaceBrokenError,
    SpaceNotFoundError,
    SpaceNotReadyError,
    SpacePausedError,
    SpaceTimeoutError,
    SpaceUnavailableError,
    StreamInterruptedError,
)

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .client import Client
    from .completions import ChatCompletion, ChatCompletionChunk, CompletionStream
    from .conversation import Conversation
    from .http import Timeout
    from .spaces import Param, Space, get_space, models
    from .stream import ChatResult, Delta, Status, Stream, Timings

_LAZY = {
    "Client": ".client",
    "ChatCompletion": ".completions",
    "ChatCompletionChunk": ".completions",
    "CompletionStream": ".completions",
    "Conversation": ".conversation",
    "Timeout": ".http",
    "Param": ".spaces",
    "Space": ".spaces",
    "get_space": ".spaces",
    "models": ".spaces",
    "ChatResult": ".stream",
    "Delta": ".stream",
    "Status": ".stream",
    "Stream": ".stream",
    "Timings": ".stream",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'qwen_spaces' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> List[str]:
    return sorted(__all__)


__all__ = [
    "Client",
    "Stream",
    "Conversation",
    "ChatCompletion",
    "ChatCompletionChunk",
    "CompletionStream",
    "ChatResult",
    "Delta",
    "Timings",
    "Status",
    "Timeout",
    "Space",
    "Param",
    "models",
    "get_space",
    "QwenSpacesError",
    "SpaceUnavailableError",
    "QueueFullError",
    "SpaceNotFoundError",
    "SpacePausedError",
    "SpaceBrokenError",
    "SpaceNotReadyError",
    "RateLimitError",
    "AuthenticationError",
    "SpaceAppError",
    "QuotaExceededError",
    "StreamInterruptedError",
    "ProtocolError",
    "SpaceTimeoutError",
    "ConversationLostError",
    "ConversationBusyError",
    "AllAttemptsFailedError",
    "__version__",
]
