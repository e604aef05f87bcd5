"""Chat with Qwen models hosted on Hugging Face Spaces from synchronous Python.

>>> from qwen_spaces import Client
>>> with Client() as client:                                  # doctest: +SKIP
...     for delta in client.stream("qwen-2-5-max", [{"role": "user", "content": "Hi"}]):
...         print(delta, end="", flush=True)
"""

__version__ = "0.1.0"

from .client import Client  # noqa: E402
from .completions import ChatCompletion, ChatCompletionChunk, CompletionStream  # noqa: E402
from .conversation import Conversation  # noqa: E402
from .errors import (  # noqa: E402
    AuthenticationError,
    ConversationBusyError,
    ConversationLostError,
    ProtocolError,
    QueueFullError,
    QuotaExceededError,
    QwenSpacesError,
    RateLimitError,
    SpaceAppError,
    SpaceTimeoutError,
    SpaceUnavailableError,
    StreamInterruptedError,
)
from .http import Timeout  # noqa: E402
from .spaces import Param, Space, get_space, models  # noqa: E402
from .stream import ChatResult, Delta, Status, Stream, Timings  # noqa: E402

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
    "RateLimitError",
    "AuthenticationError",
    "SpaceAppError",
    "QuotaExceededError",
    "StreamInterruptedError",
    "ProtocolError",
    "SpaceTimeoutError",
    "ConversationLostError",
    "ConversationBusyError",
    "__version__",
]
