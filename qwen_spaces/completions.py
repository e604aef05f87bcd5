"""The OpenAI-shaped face of a Client: ``client.chat.completions.create(...)``.

Code written for openai-python runs unchanged: the values returned have
openai's field names and types (``choices[0].message.content``,
``choices[0].delta.reasoning_content``, ``finish_reason``...), and a streamed
completion is an iterator of chunks that is also a context manager.  What
stays ours: the exceptions (:class:`~qwen_spaces.QwenSpacesError` and its
tree; ``ValueError`` for what a Space cannot do), and closing a stream early
cancels the job on the Space, as :class:`~qwen_spaces.Stream` does.

OpenAI's request parameters fall into four groups (tables below): the ones a
Space honours only through an input of the same name (``temperature``...),
the ones no Space can honour (``n>1``, ``tools``... a ``ValueError`` unless
given their neutral value), bookkeeping that changes nothing about the reply
(ignored), and everything else, which is a Space parameter by name.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import logging
import secrets
import time
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
    overload,
)

from .stream import ChatResult, Delta, StatusCallback, Stream

if TYPE_CHECKING:
    from .client import Client

__all__ = [
    "Chat",
    "Completions",
    "CompletionStream",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "Choice",
    "ChunkChoice",
    "ChoiceDelta",
    "openai_messages",
]

log = logging.getLogger("qwen_spaces")

# A Space input of this name takes the parameter; without one it is ignored (log.info).
SAMPLING: Mapping[str, Tuple[str, ...]] = {
    "temperature": ("temperature",),
    "top_p": ("top_p",),
    "max_tokens": ("max_tokens", "max_new_tokens"),
    "max_completion_tokens": ("max_completion_tokens", "max_tokens", "max_new_tokens"),
    "presence_penalty": ("presence_penalty",),
    "frequency_penalty": ("frequency_penalty",),
    "seed": ("seed",),
    "reasoning_effort": ("reasoning_effort",),
}
# A Space cannot honour these: ValueError unless the value asks for nothing.
# (``stop`` is honoured by a Space input named "stop", if one has it.)
UNSUPPORTED: Mapping[str, Tuple[Any, ...]] = {
    "n": (1,),
    "tools": (),
    "tool_choice": ("none", "auto"),
    "functions": (),
    "function_call": ("none", "auto"),
    "logprobs": (False,),
    "top_logprobs": (0,),
    "logit_bias": (),
    "response_format": ({"type": "text"},),
    "stop": (),
    "audio": (),
    "modalities": (["text"], ("text",)),
    "prediction": (),
    "web_search_options": (),
}
# Bookkeeping about the request, not the reply: accepted and ignored.
IGNORED = frozenset({
    "user", "metadata", "store", "service_tier", "stream_options", "parallel_tool_calls",
    "safety_identifier", "prompt_cache_key", "timeout", "extra_headers", "extra_query",
})


# -- the values (openai-python's field names and types) ---------------------------------


class _Record:
    """``to_dict()`` / ``to_json()``, and openai-python's ``model_dump()`` /
    ``model_dump_json()`` spellings of them."""

    def to_dict(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload, no-any-return]

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    def model_dump(self) -> Dict[str, Any]:
        return self.to_dict()

    def model_dump_json(self) -> str:
        return self.to_json()


@dataclasses.dataclass(frozen=True)
class ChatCompletionMessage(_Record):
    """The reply: ``content`` (the answer), ``reasoning_content`` (the
    model's reasoning, None when there was none)."""

    content: Optional[str]
    role: Literal["assistant"] = "assistant"
    reasoning_content: Optional[str] = None
    refusal: Optional[str] = None
    tool_calls: Optional[List[Any]] = None
    function_call: Optional[Any] = None
    annotations: Optional[List[Any]] = None
    audio: Optional[Any] = None


@dataclasses.dataclass(frozen=True)
class Choice(_Record):
    """``finish_reason`` is "stop" (a Space reports nothing else)."""

    finish_reason: str
    index: int
    message: ChatCompletionMessage
    logprobs: Optional[Any] = None


@dataclasses.dataclass(frozen=True)
class ChatCompletion(_Record):
    """A whole reply, shaped like openai-python's ``ChatCompletion``."""

    id: str
    choices: List[Choice]
    created: int
    model: str
    object: Literal["chat.completion"] = "chat.completion"
    system_fingerprint: Optional[str] = None
    usage: Optional[Any] = None  # a Space does not count tokens
    service_tier: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class ChoiceDelta(_Record):
    """New text of one chunk: answer (``content``) or reasoning
    (``reasoning_content``); ``role`` on the first chunk only."""

    content: Optional[str] = None
    role: Optional[Literal["assistant"]] = None
    reasoning_content: Optional[str] = None
    refusal: Optional[str] = None
    tool_calls: Optional[List[Any]] = None
    function_call: Optional[Any] = None


@dataclasses.dataclass(frozen=True)
class ChunkChoice(_Record):
    """``finish_reason`` is None until the last chunk ("stop"; a server
    reports "error" there when the Space failed mid-reply)."""

    delta: ChoiceDelta
    index: int = 0
    finish_reason: Optional[str] = None
    logprobs: Optional[Any] = None


@dataclasses.dataclass(frozen=True)
class ChatCompletionChunk(_Record):
    """One streamed piece, shaped like openai-python's ``ChatCompletionChunk``."""

    id: str
    choices: List[ChunkChoice]
    created: int
    model: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    system_fingerprint: Optional[str] = None
    usage: Optional[Any] = None
    service_tier: Optional[str] = None


def completion_id() -> str:
    return "chatcmpl-" + secrets.token_hex(12)


def completion_of(result: ChatResult, cid: Optional[str] = None, created: Optional[int] = None) -> ChatCompletion:
    """The :class:`ChatCompletion` of a finished reply."""
    message = ChatCompletionMessage(content=result.text, reasoning_content=result.reasoning or None)
    return ChatCompletion(
        id=cid or completion_id(), choices=[Choice("stop", 0, message)],
        created=int(time.time()) if created is None else created, model=result.model,
    )


# -- the stream --------------------------------------------------------------------------


class CompletionStream:
    """An iterator of :class:`ChatCompletionChunk` that owns its
    :class:`~qwen_spaces.Stream`: the first chunk carries ``role``, each next
    one a piece of reasoning or answer, the last one ``finish_reason="stop"``.

    Use it in a ``for`` loop or as a context manager; ``close()`` (or leaving
    the ``with`` block, or dropping it) before the end cancels the job on the
    Space.  A Space failure is raised as our own error (with
    ``partial_text``).  After the last chunk, :attr:`result` holds the
    :class:`~qwen_spaces.ChatResult`.
    """

    def __init__(self, stream: Stream, cid: Optional[str] = None, created: Optional[int] = None) -> None:
        self._stream = stream
        self.id = cid or completion_id()
        self.created = int(time.time()) if created is None else created
        self._state = "start"  # -> "deltas" -> "end"

    @property
    def model(self) -> str:
        return self._stream.model

    @property
    def result(self) -> Optional[ChatResult]:
        return self._stream.result

    def __iter__(self) -> "CompletionStream":
        return self

    def _chunk(self, delta: ChoiceDelta, finish_reason: Optional[str] = None) -> ChatCompletionChunk:
        return ChatCompletionChunk(self.id, [ChunkChoice(delta, 0, finish_reason)], self.created, self.model)

    def __next__(self) -> ChatCompletionChunk:
        if self._state == "start":
            self._state = "deltas"
            return self._chunk(ChoiceDelta(content="", role="assistant"))
        if self._state != "deltas":
            raise StopIteration
        try:
            piece = next(self._stream)
        except StopIteration:
            self._state = "end"
            return self._chunk(ChoiceDelta(), "stop")
        except BaseException:
            self._state = "end"
            raise
        if isinstance(piece, Delta) and piece.kind == "reasoning":
            return self._chunk(ChoiceDelta(reasoning_content=piece.text))
        return self._chunk(ChoiceDelta(content=piece.text if isinstance(piece, Delta) else piece))

    def close(self) -> None:
        """Stop reading; if the reply is not complete, cancel the job."""
        self._state = "end"
        self._stream.close()

    def __enter__(self) -> "CompletionStream":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<qwen_spaces.CompletionStream {self.id} model={self.model} {self._state}>"


# -- requests in openai's shape ------------------------------------------------------------


def _image_of(part: Mapping[str, Any], where: str) -> bytes:
    ref = part.get("image_url")
    url = ref.get("url") if isinstance(ref, Mapping) else ref
    if not isinstance(url, str) or not url.startswith("data:") or ";base64," not in url:
        raise ValueError(f"{where}: give an image as a data: URL (data:image/png;base64,...); "
                         "the client does not fetch image URLs")
    try:
        return base64.b64decode(url.split(";base64,", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{where}: the image's data: URL is not valid base64") from None


def _content(content: Any, where: str, images: List[bytes]) -> str:
    """A message's text: a str, or the text parts of a list of parts (images set apart)."""
    if isinstance(content, str):
        return content
    if isinstance(content, (list, tuple)):
        texts = []
        for n, part in enumerate(content):
            kind = part.get("type") if isinstance(part, Mapping) else None
            if kind == "text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif kind == "image_url":
                images.append(_image_of(part, f"{where}.content[{n}]"))
            else:
                raise ValueError(f"{where}.content[{n}]: only text and image_url parts are accepted")
        return "\n".join(texts)
    raise ValueError(f"{where}: content must be a str or a list of parts, not {type(content).__name__}")


def openai_messages(messages: Any) -> Tuple[List[Dict[str, str]], Optional[bytes]]:
    """OpenAI-style messages as ours, and the one image among them (or None).

    "developer" messages are system messages; text parts are joined by
    newlines; an image part must be a ``data:`` URL.  Tool and function
    messages raise ValueError (a Space runs no tools).
    """
    if isinstance(messages, (str, bytes)) or not isinstance(messages, Sequence):
        raise ValueError("messages must be a list of {\"role\": ..., \"content\": ...} dicts")
    ours: List[Dict[str, str]] = []
    images: List[bytes] = []
    for n, message in enumerate(messages):
        if not isinstance(message, Mapping) and callable(getattr(message, "to_dict", None)):
            message = message.to_dict()  # a message from an earlier reply
        if not isinstance(message, Mapping):
            raise ValueError(f"messages[{n}] must be a dict, not {type(message).__name__}")
        role = message.get("role")
        if role in ("tool", "function") or message.get("tool_calls") or message.get("function_call"):
            raise ValueError(f"messages[{n}]: tool and function calls need tools, which a Space cannot run")
        role = "system" if role == "developer" else role
        if role not in ("system", "user", "assistant"):
            raise ValueError(f"messages[{n}] has role {role!r}; expected system, developer, user or assistant")
        ours.append({"role": str(role), "content": _content(message.get("content"), f"messages[{n}]", images)})
    if len(images) > 1:
        raise ValueError(f"messages hold {len(images)} images; a Space takes one")
    return ours, (images[0] if images else None)


def _neutral(value: Any, accepted: Tuple[Any, ...]) -> bool:
    """Whether an unsupported parameter's value asks for nothing."""
    return value is None or value in accepted or (isinstance(value, (list, tuple, dict, str)) and not value)


def space_params(params: Mapping[str, Any], keywords: Any) -> Dict[str, Any]:
    """The Space parameters for OpenAI-style ``params``.

    ``keywords()`` gives the Space's keyword inputs (called only when a
    sampling parameter needs it).  Raises ValueError for what no Space can do.
    """
    out: Dict[str, Any] = {}
    known: Optional[Sequence[str]] = None
    for name, value in params.items():
        if name == "extra_body":
            if value is not None and not isinstance(value, Mapping):
                raise ValueError("extra_body must be a dict of Space parameters")
            out.update(value or {})
        elif name in IGNORED:
            log.debug("ignored %s (it does not change a Space's reply)", name)
        elif name in UNSUPPORTED and _neutral(value, UNSUPPORTED[name]):
            continue
        elif name in SAMPLING or name == "stop":
            if value is None:
                continue
            known = keywords() if known is None else known
            target = next((k for k in SAMPLING.get(name, (name,)) if k in known), None)
            if target is not None:
                out.setdefault(target, value)
            elif name == "stop":
                raise ValueError("stop= cannot be honoured: the Space has no stop input")
            else:
                log.info("ignored %s=%r: the Space has no input of that name", name, value)
        elif name in UNSUPPORTED:
            raise ValueError(f"{name}={value!r} cannot be honoured by a Space (it returns one plain reply, "
                             "without tools, log probabilities or formats)")
        else:
            out[name] = value  # the Space's own input, by name
    return out


# -- client.chat and client.chat.completions --------------------------------------------------


class Completions:
    """``client.chat.completions``: ``create()`` in openai-python's shape."""

    def __init__(self, client: "Client") -> None:
        self._client = client

    @overload
    def create(self, *, model: str, messages: Any, stream: Literal[False] = False,
               **params: Any) -> ChatCompletion: ...

    @overload
    def create(self, *, model: str, messages: Any, stream: Literal[True], **params: Any) -> CompletionStream: ...

    @overload
    def create(self, *, model: str, messages: Any, stream: Optional[bool] = None,
               **params: Any) -> Union[ChatCompletion, CompletionStream]: ...

    def create(self, *, model: str, messages: Any, stream: Optional[bool] = False,
               **params: Any) -> Union[ChatCompletion, CompletionStream]:
        """Ask ``model`` for a reply to OpenAI-style ``messages``.

        ``stream=True`` returns a :class:`CompletionStream` of chunks, else a
        :class:`ChatCompletion` once the reply is complete.  ``temperature``,
        ``top_p`` and ``max_tokens`` go to the Space's input of that name if
        it has one (else they are ignored, with a log.info); ``n>1``,
        ``tools`` and the like raise ValueError; any other keyword is a
        Space parameter (``thinking=False``, ``model_size="7B"``), and so is
        each entry of ``extra_body``.
        """
        if stream not in (None, False, True):
            raise ValueError(f"stream must be True or False, not {stream!r}")
        ours, image = openai_messages(messages)
        api_name = params.pop("api_name", None)
        on_status: Optional[StatusCallback] = params.pop("on_status", None)

        def keywords() -> List[str]:
            return self._client.space_keywords(model, api_name=api_name)

        extra = space_params(params, keywords)
        if image is not None:
            extra["image"] = image
        submitted = self._client.stream(
            model, ours, reasoning=bool(stream), api_name=api_name, on_status=on_status, **extra
        )
        if stream:
            return CompletionStream(submitted)
        with submitted:
            for _ in submitted:
                pass
        assert submitted.result is not None  # noqa: S101 - an exhausted stream has its result
        return completion_of(submitted.result)


class Chat:
    """``client.chat``: call it for a whole reply (``client.chat(model,
    messages)``, a :class:`~qwen_spaces.ChatResult`), or use
    ``client.chat.completions.create(...)`` for openai-python's shape."""

    __slots__ = ("_client",)

    def __init__(self, client: "Client") -> None:
        self._client = client

    def __call__(
        self,
        model: str,
        messages: Any,
        /,
        *,
        system: Optional[str] = None,
        image: Any = None,
        on_status: Optional[StatusCallback] = None,
        api_name: Optional[str] = None,
        **space_params: Any,
    ) -> ChatResult:
        """Like :meth:`Client.stream`, but wait for the whole reply (``result.text``,
        and ``result.reasoning`` when the model reasoned)."""
        with self._client.stream(
            model, messages, system=system, image=image, on_status=on_status,
            api_name=api_name, **space_params,
        ) as stream:
            for _ in stream:
                pass
        assert stream.result is not None  # noqa: S101 - exhausted streams have a result
        return stream.result

    @property
    def completions(self) -> Completions:
        """The OpenAI-shaped API: ``create(model=..., messages=..., stream=...)``."""
        return Completions(self._client)

    def __repr__(self) -> str:
        return f"<qwen_spaces chat of {self._client!r}>"
