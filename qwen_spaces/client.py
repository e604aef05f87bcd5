"""The public face: :class:`Client`, :class:`Stream`, :class:`ChatResult`.

A Client owns one ``requests.Session`` (thread-safe for our use: every call
has its own session hash and its own streamed response) and remembers, per
Space, what it learned from the Space's ``/config`` when the built-in facts
were wrong.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, Generator, Iterator, List, Mapping, Optional, Tuple

import requests
import urllib3

from .errors import (
    AuthenticationError,
    ProtocolError,
    QwenSpacesError,
    SpaceAppError,
    SpaceTimeoutError,
    StreamInterruptedError,
)
from .http import Timeout, Transport, check_base_url, retry_policy, within_deadline
from .images import load_image
from .prompt import split_messages
from .protocol import call as call_api
from .protocol import queue
from .protocol.chatbot import ReplyText, reply_text
from .protocol.config import AppConfig, fetch_config
from .protocol.events import CANCELLED, DIFF, DONE, FULL, STATUS
from .protocol.files import file_data, upload
from .protocol.sse import excerpt, iter_chunks, iter_events
from .spaces import Space, get_space

__all__ = ["Client", "Stream", "ChatResult", "Timings", "Status"]

log = logging.getLogger("qwen_spaces")

DEFAULT_MAX_IMAGE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Timings:
    """Seconds from the start of the call: waiting in the queue until the
    Space started the job, until the first text, and in total."""

    queue_wait: Optional[float]
    first_delta: Optional[float]
    total: float


@dataclass(frozen=True)
class ChatResult:
    """A finished reply.  ``str(result)`` is its text."""

    text: str
    model: str
    space_url: str
    timings: Timings

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Status:
    """Progress of a call, for ``on_status`` callbacks.

    ``kind``: "retrying" (the Space was unavailable; ``eta`` is the wait),
    "queued" (``rank`` 0-based, ``queue_size``, ``eta`` seconds), "running",
    "progress" or "log" (``message``).
    """

    kind: str
    rank: Optional[int] = None
    queue_size: Optional[int] = None
    eta: Optional[float] = None
    message: Optional[str] = None


StatusCallback = Callable[[Status], None]


@dataclass(frozen=True)
class _Endpoint:
    """Where and how to submit a Space's chat event."""

    api_base: str  # root + api prefix
    fn_index: Optional[int]
    trigger_id: Optional[int]
    api_name: str


class _SpaceState:
    """What one Client knows about one Space (guarded by ``lock``)."""

    def __init__(self, space: Space, root: str) -> None:
        self.space = space
        self.root = root
        self.endpoint = _Endpoint(
            root + space.api_prefix, space.fn_index, space.trigger_id, space.api_name
        )
        self.config: Optional[AppConfig] = None
        self.lock = threading.Lock()


class Client:
    """Chat with the Qwen Spaces.  Safe to share between threads.

    :param hf_token: Hugging Face token for private or duplicated Spaces
        (default: the ``HF_TOKEN`` environment variable).  Sent as
        ``Authorization: Bearer`` to the Space's own host only.
    :param proxies: requests-style proxies, e.g. ``{"https": "http://proxy:3128"}``.
    :param timeout: a :class:`Timeout`, or a number (the read timeout).
    :param max_retries: retries of the queue join on connection errors, 5xx,
        429 and a full queue (0 disables).  A job is never submitted twice.
    :param base_urls: ``{model name: root URL}`` to use another copy of a
        Space (a duplicate, a local server).  Plain ``http`` only to loopback
        hosts unless ``allow_http=True``.
    :param pool_maxsize: connections kept per host; size it to the number of
        threads streaming at once.
    :param max_image_bytes: the largest image accepted for upload.
    :param verify: TLS verification (``True``, or a CA bundle path).
    """

    def __init__(
        self,
        *,
        hf_token: Optional[str] = None,
        proxies: Optional[Mapping[str, str]] = None,
        timeout: "Timeout | float | None" = None,
        max_retries: int = 3,
        base_urls: Optional[Mapping[str, str]] = None,
        pool_maxsize: int = 256,
        max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES,
        verify: "bool | str" = True,
        allow_http: bool = False,
        retry_max_wait: float = 30.0,
    ) -> None:
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise ValueError(f"max_retries must be an int >= 0, not {max_retries!r}")
        if not isinstance(max_image_bytes, int) or max_image_bytes <= 0:
            raise ValueError(f"max_image_bytes must be a positive int, not {max_image_bytes!r}")
        self.timeout = Timeout.coerce(timeout)
        self.max_retries = max_retries
        self.max_image_bytes = max_image_bytes
        self.retry_max_wait = retry_max_wait
        roots = {space.name: space.url for space in _all_spaces()}
        for name, url in (base_urls or {}).items():
            roots[get_space(name).name] = check_base_url(url, allow_http=allow_http)
        self._roots = roots
        token = hf_token if hf_token is not None else os.environ.get("HF_TOKEN") or None
        self._transport = Transport(
            hf_token=token, proxies=proxies, timeout=self.timeout,
            pool_maxsize=pool_maxsize, verify=verify,
        )
        self._states: Dict[str, _SpaceState] = {}
        self._states_lock = threading.Lock()

    def __repr__(self) -> str:
        moved = sorted(s.name for s in _all_spaces() if self._roots[s.name] != s.url)
        return f"<qwen_spaces.Client base_urls={moved or 'defaults'}>"

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool.  Streams still open keep working until
        they end; new calls open new connections."""
        self._transport.close()

    def space_url(self, model: str) -> str:
        """The root URL this Client uses for ``model``."""
        return self._roots[get_space(model).name]

    # -- calls ---------------------------------------------------------------

    def stream(
        self,
        model: str,
        messages: Any,
        *,
        system: Optional[str] = None,
        image: Any = None,
        on_status: Optional[StatusCallback] = None,
        **space_params: Any,
    ) -> "Stream":
        """Submit a chat and return a :class:`Stream` of text deltas.

        Input is validated before any request; the job is submitted (with
        retries) before this returns, so Space errors at submission time are
        raised here.  Iterate the stream for the reply.
        """
        space = get_space(model)
        params = space.resolve_params(space_params)
        prompt, system_text = split_messages(messages, system)
        if system_text is not None and not space.supports_system_message:
            raise ValueError(f"{space.name} has no system prompt input; drop system= and system messages")
        if image is not None and not space.supports_vision:
            raise ValueError(f"{space.name} does not take images; use one of {', '.join(_vision_names())}")
        picture = load_image(image, self.max_image_bytes) if image is not None else None
        started = time.monotonic()
        state = self._state(space)
        if space.protocol == "call":
            return self._submit_call(state, prompt, picture, on_status, started)
        return self._submit_queue(state, prompt, system_text, params, on_status, started)

    def chat(
        self,
        model: str,
        messages: Any,
        *,
        system: Optional[str] = None,
        image: Any = None,
        on_status: Optional[StatusCallback] = None,
        **space_params: Any,
    ) -> ChatResult:
        """Like :meth:`stream`, but wait for the whole reply."""
        with self.stream(
            model, messages, system=system, image=image, on_status=on_status, **space_params
        ) as stream:
            for _ in stream:
                pass
        assert stream.result is not None  # noqa: S101 - exhausted streams have a result
        return stream.result

    # -- submission ----------------------------------------------------------

    def _state(self, space: Space) -> _SpaceState:
        with self._states_lock:
            state = self._states.get(space.name)
            if state is None:
                state = self._states[space.name] = _SpaceState(space, self._roots[space.name])
            return state

    def _config(self, state: _SpaceState) -> AppConfig:
        """The Space's /config, fetched at most once per Client (and Space)."""
        with state.lock:
            if state.config is None:
                config = fetch_config(self._transport, state.root)
                dep = config.dependency(state.space.api_name)
                if dep is None:
                    raise ProtocolError(
                        f"{state.root} has no event named {state.space.api_name!r}; "
                        "is this the right Space?", url=state.root,
                    )
                targets = dep.get("targets") or [[None]]
                trigger = targets[0][0] if targets and isinstance(targets[0], list) else None
                state.endpoint = _Endpoint(
                    state.root + config.api_prefix, dep["id"], trigger, state.space.api_name
                )
                state.config = config
                log.info("discovered %s: prefix %r, fn_index %s", state.root, config.api_prefix, dep["id"])
            return state.config

    def _retrying(self, on_status: Optional[StatusCallback]) -> Any:
        def on_retry(exc: BaseException, delay: float) -> None:
            if on_status is not None:
                on_status(Status("retrying", eta=delay, message=str(exc)))

        return retry_policy(self.max_retries, max_wait=self.retry_max_wait, on_retry=on_retry)

    def _with_discovery(
        self,
        state: _SpaceState,
        attempt: Callable[[_Endpoint], Any],
        on_status: Optional[StatusCallback],
    ) -> Tuple[_Endpoint, Any]:
        """Run ``attempt`` (with retries); if the Space's built-in facts look
        wrong (404, or 500 for an unknown event), read /config once and try
        again with what it says."""
        retrying = self._retrying(on_status)
        endpoint = state.endpoint
        try:
            return endpoint, retrying(attempt, endpoint)
        except QwenSpacesError as exc:
            if exc.status_code not in (404, 500):
                raise
            try:
                self._config(state)  # fetched once; other threads reuse it
            except AuthenticationError:
                raise  # the real cause: the Space wants a (different) token
            except QwenSpacesError as discovery_error:
                log.debug("discovery failed: %s", discovery_error)
                raise exc from None
            if state.endpoint == endpoint:
                raise
            return state.endpoint, retrying(attempt, state.endpoint)

    def _submit_queue(
        self,
        state: _SpaceState,
        prompt: str,
        system_text: Optional[str],
        params: Dict[str, str],
        on_status: Optional[StatusCallback],
        started: float,
    ) -> "Stream":
        space = state.space
        session_hash = secrets.token_hex(6)
        system_value = system_text if system_text is not None else space.default_system
        if system_text is not None and system_text != space.default_system:
            self._deliver_system(state, session_hash, system_text, on_status)
        data = space.build_data(prompt, system_value, params)

        def attempt(endpoint: _Endpoint) -> str:
            assert endpoint.fn_index is not None  # noqa: S101 - queue Spaces have one
            return queue.join(
                self._transport, endpoint.api_base, data=data, fn_index=endpoint.fn_index,
                trigger_id=endpoint.trigger_id, session_hash=session_hash,
            )

        endpoint, event_id = self._with_discovery(state, attempt, on_status)
        job = _Job(self, state, endpoint, session_hash, event_id, started, on_status)
        return job.open_queue_stream()

    def _deliver_system(
        self,
        state: _SpaceState,
        session_hash: str,
        system_text: str,
        on_status: Optional[StatusCallback],
    ) -> None:
        """If the Space keeps its system prompt in a ``gr.State`` (ignored
        when sent in ``data``), set it through the Space's own "set system
        prompt" event in this session first."""
        config = self._config(state)
        dep = config.dependency(state.space.api_name) or {}
        inputs = dep.get("inputs") or []
        slot = state.space.inputs.index("system")
        if slot >= len(inputs) or config.component_type(inputs[slot]) != "state":
            return  # a (hidden) textbox: the data slot delivers it
        setter = config.setter_of(inputs[slot], exclude=dep.get("id"))
        if setter is None:
            raise ProtocolError(
                f"{state.root} keeps its system prompt in session state and has no event to set it"
            )
        endpoint = state.endpoint

        def attempt(ep: _Endpoint) -> str:
            return queue.join(
                self._transport, ep.api_base, data=[system_text], fn_index=setter,
                trigger_id=None, session_hash=session_hash,
            )

        event_id = self._retrying(on_status)(attempt, endpoint)
        response = self._transport.open_stream(
            f"{endpoint.api_base}/queue/data", "reading the queue", {"session_hash": session_hash}
        )
        try:
            deadline = _deadline(self.timeout, time.monotonic())
            chunks = within_deadline(response, iter_chunks(response), self.timeout.read, deadline)
            for kind, _ in _guard(queue.read_job(iter_events(chunks), event_id, deadline)):
                if kind in (DONE, CANCELLED):
                    break
        finally:
            response.close()

    def _submit_call(
        self,
        state: _SpaceState,
        prompt: str,
        picture: Optional[Tuple[str, bytes, str]],
        on_status: Optional[StatusCallback],
        started: float,
    ) -> "Stream":
        space = state.space

        def attempt(endpoint: _Endpoint) -> Tuple[str, List[Any]]:
            image_ref = None
            if picture is not None:
                name, content, mime = picture
                path = upload(self._transport, endpoint.api_base, name, content, mime)
                image_ref = file_data(path, name, mime, len(content))
            data = space.build_data(prompt, None, {}, image_ref)
            return call_api.submit(self._transport, endpoint.api_base, endpoint.api_name, data), data

        endpoint, (event_id, _) = self._with_discovery(state, attempt, on_status)
        job = _Job(self, state, endpoint, event_id, event_id, started, on_status)
        return job.open_call_stream()


def _all_spaces() -> Tuple[Space, ...]:
    from .spaces import SPACES

    return SPACES


def _vision_names() -> Tuple[str, ...]:
    return tuple(s.name for s in _all_spaces() if s.supports_vision)


def _deadline(timeout: Timeout, started: float) -> Optional[float]:
    return None if timeout.total is None else started + timeout.total


_NETWORK_ERRORS = (
    requests.exceptions.RequestException,
    urllib3.exceptions.HTTPError,
    OSError,
)


def _guard(items: Iterator[Tuple[str, Any]]) -> Iterator[Tuple[str, Any]]:
    """Turn network failures while reading a stream into our errors."""
    try:
        yield from items
    except QwenSpacesError:
        raise
    except (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
        raise SpaceTimeoutError("the Space sent nothing within the read timeout") from exc
    except _NETWORK_ERRORS as exc:
        raise StreamInterruptedError(
            f"the connection broke before the reply completed ({type(exc).__name__})"
        ) from exc


class _Job:
    """One submitted job: everything a Stream needs, and nothing that refers
    back to the Stream (so dropping a Stream collects it at once)."""

    def __init__(
        self,
        client: Client,
        state: _SpaceState,
        endpoint: _Endpoint,
        session_hash: str,
        event_id: str,
        started: float,
        on_status: Optional[StatusCallback],
    ) -> None:
        self.transport = client._transport
        self.timeout = client.timeout
        self.space = state.space
        self.root = state.root
        self.endpoint = endpoint
        self.session_hash = session_hash
        self.event_id = event_id
        self.started = started
        self.on_status = on_status
        self.response: Optional[requests.Response] = None
        self.finished = False
        self.reply = ReplyText()
        self.result: Optional[ChatResult] = None
        self.queue_wait: Optional[float] = None
        self.first_delta: Optional[float] = None

    def _open(self, url: str, params: Optional[Dict[str, str]]) -> None:
        try:
            self.response = self.transport.open_stream(url, "reading the reply stream", params)
        except BaseException:
            self.cancel()
            raise

    def _events(self) -> Iterator[Tuple[str, str]]:
        assert self.response is not None  # noqa: S101
        deadline = _deadline(self.timeout, self.started)
        chunks = within_deadline(self.response, iter_chunks(self.response), self.timeout.read, deadline)
        return iter_events(chunks)

    def open_queue_stream(self) -> "Stream":
        self._open(f"{self.endpoint.api_base}/queue/data", {"session_hash": self.session_hash})
        items = queue.read_job(self._events(), self.event_id, _deadline(self.timeout, self.started))
        return Stream(self, items)

    def open_call_stream(self) -> "Stream":
        url = f"{self.endpoint.api_base}/call/{self.endpoint.api_name}/{self.event_id}"
        self._open(url, None)
        items = call_api.read_call(self._events(), _deadline(self.timeout, self.started))
        return Stream(self, items)

    def cancel(self) -> None:
        """Ask the Space to stop the job (best effort)."""
        if self.endpoint.fn_index is None or self.space.protocol == "call":
            return  # /call jobs stop when their stream is dropped
        queue.cancel(
            self.transport, self.endpoint.api_base, session_hash=self.session_hash,
            fn_index=self.endpoint.fn_index, event_id=self.event_id,
        )

    def close_response(self) -> None:
        response, self.response = self.response, None
        if response is not None:
            response.close()

    def status(self, message: Dict[str, Any]) -> None:
        kind = message.get("msg")
        now = time.monotonic()
        if kind == "process_starts" and self.queue_wait is None:
            self.queue_wait = now - self.started
        if self.on_status is None:
            return
        if kind == "estimation":
            status = Status("queued", message.get("rank"), message.get("queue_size"), message.get("rank_eta"))
        elif kind == "process_starts":
            status = Status("running", eta=message.get("eta"))
        elif kind == "log":
            status = Status("log", message=str(message.get("log", "")))
        else:
            status = Status("progress", message=excerpt(str(message.get("progress_data", ""))))
        self.on_status(status)

    def finish(self) -> ChatResult:
        now = time.monotonic()
        self.finished = True
        self.result = ChatResult(
            text=self.reply.text,
            model=self.space.name,
            space_url=self.root,
            timings=Timings(self.queue_wait, self.first_delta, now - self.started),
        )
        return self.result


def _run(job: _Job, items: Iterator[Tuple[str, Any]]) -> Generator[str, None, None]:
    """The stream loop: one pass per message, one yield per text delta."""
    reply = job.reply
    try:
        for kind, payload in _guard(items):
            if kind is STATUS:
                job.status(payload)
                continue
            if kind is CANCELLED:  # by someone else
                raise StreamInterruptedError("the job was cancelled on the Space")
            delta = _reply_delta(job, kind, payload)
            if delta and job.first_delta is None:
                job.first_delta = time.monotonic() - job.started
            if kind is DONE:
                result = job.finish()
                if reply.rewritten:
                    job.result = replace(result, text=reply_text(payload[job.space.reply_output]))
                if delta:
                    yield delta
                return
            if delta:
                yield delta
    except Exception as exc:
        # release the connection first, then tell the Space (a job that may
        # still run there is cancelled; a job that failed there is over)
        job.close_response()
        if isinstance(exc, QwenSpacesError):
            exc.partial_text = reply.text
            exc.url = exc.url or job.root
        if not isinstance(exc, SpaceAppError):
            job.cancel()
        job.finished = True
        raise
    finally:
        job.close_response()


def _reply_delta(job: _Job, kind: str, payload: Any) -> str:
    """The new reply text in one output message (a full value, a diff or the
    final value); a value of the wrong shape is a :class:`ProtocolError`."""
    reply = job.reply
    try:
        value = payload[job.space.reply_output]
        if kind is DIFF:
            return reply.edits(value)
        if kind is FULL:
            if job.queue_wait is None:
                job.queue_wait = time.monotonic() - job.started
            return reply.full(value)
        return reply.final(value)
    except (IndexError, TypeError, KeyError, AttributeError, ValueError) as exc:
        raise ProtocolError(
            f"the Space's reply has an unexpected shape ({type(exc).__name__}: {excerpt(str(exc))})",
        ) from exc


class Stream:
    """An iterator of reply text deltas that owns its HTTP response.

    Use it in a ``for`` loop or as a context manager.  Closing it before the
    reply is complete (``close()``, leaving the ``with`` block, a WSGI server
    closing the response, or garbage collection) releases the connection and
    asks the Space to cancel the job.  After the last delta, :attr:`result`
    holds the :class:`ChatResult`.
    """

    def __init__(self, job: _Job, items: Iterator[Tuple[str, Any]]) -> None:
        self._job = job
        self._deltas = _run(job, items)
        self._closed = False

    def __iter__(self) -> "Stream":
        return self

    def __next__(self) -> str:
        return next(self._deltas)

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    @property
    def result(self) -> Optional[ChatResult]:
        """The finished reply, once the stream is exhausted (else None)."""
        return self._job.result

    @property
    def text_so_far(self) -> str:
        """All text yielded so far."""
        return self._job.reply.text

    @property
    def model(self) -> str:
        return self._job.space.name

    def close(self) -> None:
        """Stop reading; if the reply is not complete, cancel the job."""
        if self._closed:
            return
        self._closed = True
        self._deltas.close()
        self._job.close_response()
        if not self._job.finished:
            self._job.cancel()

    def __del__(self) -> None:
        if self._closed or sys.is_finalizing():
            return
        self._closed = True
        job = self._job
        job.close_response()
        if not job.finished:
            # not in the collecting thread: a finalizer must not block on HTTP
            threading.Thread(target=job.cancel, name="qwen-spaces-cancel", daemon=True).start()

    def __repr__(self) -> str:
        state = "done" if self._job.finished else ("closed" if self._closed else "open")
        return f"<qwen_spaces.Stream model={self._job.space.name} {state}>"
