"""An OpenAI-compatible HTTP API in front of a :class:`~qwen_spaces.Client`.

:func:`create_app` returns a WSGI application, so any WSGI server runs it
(``gunicorn 'mymodule:app'``, waitress...); ``qwen-spaces serve`` runs it on
a threaded server from the standard library (:func:`serve`).  Routes (also
without the ``/v1`` prefix)::

    GET  /v1/models               the models served
    GET  /v1/models/{id}          one of them
    POST /v1/chat/completions     JSON, or server-sent events with "stream": true

Requests are :meth:`client.chat.completions.create
<qwen_spaces.completions.Completions.create>` calls; a streamed reply ends
with ``data: [DONE]``; a client that goes away mid-stream has its job
cancelled on the Space (the WSGI server closes the response, which closes the
stream).  Errors are OpenAI's error JSON (``{"error": {"message", "type",
"param", "code"}}``) with these statuses: 400 bad request, 401 missing or
wrong API key, 404 unknown model or URL, 405 wrong method, 411/413 body
without a length or too large, 429 rate limit / full queue / GPU quota, 502
the Space failed or answered nonsense, 503 the Space is unavailable, 504 it
took too long, 500 a bug (logged).  A Space that fails after the stream has
begun ends it with a chunk whose ``finish_reason`` is "error", then an
``{"error": ...}`` event (which openai-python raises as ``APIError``).
"""

from __future__ import annotations

import hmac
import json
import logging
import signal
import socket
import socketserver
import threading
from types import FrameType
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Generator,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Tuple,
)
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from .completions import ChatCompletionChunk, ChoiceDelta, ChunkChoice, CompletionStream
from .errors import (
    AuthenticationError,
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
from .spaces import MODELS, get_model, is_space_id

if TYPE_CHECKING:
    from .client import Client

__all__ = ["create_app", "App", "make_server", "serve", "served_models", "DEFAULT_MAX_BODY_BYTES"]

log = logging.getLogger("qwen_spaces.server")

DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
_DRAIN_LIMIT = 64 * 1024 * 1024  # larger bodies are not read at all (the connection is closed)
# Client.stream keywords a remote caller must not reach (a file path, callbacks, event choice)
RESERVED = frozenset({"image", "system", "on_status", "api_name", "reasoning"})

StartResponse = Callable[..., Any]
Environ = Dict[str, Any]

# (error class, HTTP status, OpenAI error type, code); the first match wins
_STATUSES: Tuple[Tuple[type, int, str, str], ...] = (
    (RateLimitError, 429, "rate_limit_error", "rate_limit_exceeded"),
    (QueueFullError, 429, "rate_limit_error", "queue_full"),
    (QuotaExceededError, 429, "rate_limit_error", "quota_exceeded"),
    (SpaceUnavailableError, 503, "server_error", "space_unavailable"),
    (SpaceTimeoutError, 504, "server_error", "timeout"),
    (AuthenticationError, 502, "server_error", "space_refused_access"),
    (SpaceAppError, 502, "server_error", "space_error"),
    (StreamInterruptedError, 502, "server_error", "stream_interrupted"),
    (ProtocolError, 502, "server_error", "protocol_error"),
    (QwenSpacesError, 502, "server_error", "space_error"),
)
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
            411: "Length Required", 413: "Content Too Large", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


class HTTPError(Exception):
    """An answer other than 200, as OpenAI's error JSON."""

    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error",  # noqa: A002
                 code: Optional[str] = None, param: Optional[str] = None,
                 headers: Sequence[Tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = status, message, type, code, param
        self.headers = list(headers)

    def body(self) -> Dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def space_error(exc: QwenSpacesError) -> HTTPError:
    """The HTTP answer for a Space's failure."""
    status, kind, code = next((s, t, c) for cls, s, t, c in _STATUSES if isinstance(exc, cls))
    headers = []
    retry_after = getattr(exc, "retry_after", None)
    if status == 429 and retry_after is not None:
        headers.append(("Retry-After", str(max(0, int(retry_after + 0.999)))))
    return HTTPError(status, f"{type(exc).__name__}: {exc}", type=kind, code=code, headers=headers)


def served_models(extra: Iterable[str] = ()) -> Tuple[str, ...]:
    """The built-in model names, then ``extra`` names (e.g. ``--base-url`` Space ids)."""
    names = [m.name for m in MODELS]
    return tuple(names + [name for name in extra if get_model(name) is None and name not in names])


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _event(data: Any) -> bytes:
    return b"data: " + _json(data) + b"\n\n"


class EventStream:
    """The body of a streamed reply: one server-sent event per chunk, then
    ``data: [DONE]``.  ``close()`` (the WSGI server calls it, also when the
    client went away) cancels the job on the Space if it is still running."""

    def __init__(self, chunks: CompletionStream) -> None:
        self._chunks = chunks
        self._events = self._iterate()

    def __iter__(self) -> Iterator[bytes]:
        return self._events

    def _iterate(self) -> Generator[bytes, None, None]:
        chunks = self._chunks
        try:
            for chunk in chunks:
                yield _event(chunk.to_dict())
        except Exception as exc:  # noqa: BLE001 - reported in the stream, which has begun
            if isinstance(exc, QwenSpacesError):
                error = space_error(exc)
                log.info("the Space failed mid-stream: %s", error.message)
            else:
                log.exception("error while streaming a reply")
                error = HTTPError(500, "the server failed while streaming the reply", type="server_error")
            last = ChatCompletionChunk(chunks.id, [ChunkChoice(ChoiceDelta(), 0, "error")], chunks.created,
                                       chunks.model)
            yield _event(last.to_dict())
            yield _event(error.body())
        yield b"data: [DONE]\n\n"

    def close(self) -> None:
        self._events.close()
        self._chunks.close()


class App:
    """The WSGI application (see the module's documentation).

    :param client: the :class:`~qwen_spaces.Client` that talks to the Spaces.
    :param api_key: when given, every request needs ``Authorization: Bearer <api_key>``.
    :param models: the model names served (default :func:`served_models`);
        a built-in model's aliases and Space id name it too.
    :param max_body_bytes: the largest request body accepted.
    """

    def __init__(self, client: "Client", *, api_key: Optional[str] = None, models: Optional[Iterable[str]] = None,
                 max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        if not isinstance(max_body_bytes, int) or max_body_bytes <= 0:
            raise ValueError(f"max_body_bytes must be a positive int, not {max_body_bytes!r}")
        self.client = client
        self.api_key = api_key or None
        self.models = tuple(served_models() if models is None else models)
        self.max_body_bytes = max_body_bytes

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self._handle(environ, start_response)
        except HTTPError as exc:
            error = exc
        except QwenSpacesError as exc:
            error = space_error(exc)
        except (ValueError, RecursionError) as exc:
            error = HTTPError(400, str(exc) or type(exc).__name__)
        except Exception:  # noqa: BLE001 - one bad request never takes the server down
            log.exception("error while answering %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
            error = HTTPError(500, "the server failed to answer this request", type="server_error")
        if error.status >= 500:
            log.info("%s %s -> %s: %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                     error.status, error.message)
        return self._respond(start_response, error.status, error.body(), error.headers)

    @staticmethod
    def _respond(start_response: StartResponse, status: int, data: Any,
                 headers: Sequence[Tuple[str, str]] = ()) -> List[bytes]:
        body = _json(data)
        start_response(f"{status} {_REASONS.get(status, 'Error')}", [
            ("Content-Type", "application/json"), ("Content-Length", str(len(body))), *headers])
        return [body]

    def _handle(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        self._authorize(environ)
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO") or "/"
        if path == "/v1" or path.startswith("/v1/"):
            path = path[3:]
        path = path.rstrip("/") or "/"
        if path == "/chat/completions":
            self._allow(method, "POST")
            return self._chat(environ, start_response)
        if path == "/models" or path.startswith("/models/"):
            self._allow(method, "GET")
            if path == "/models":
                return self._respond(start_response, 200, {"object": "list", "data": [
                    self._model(name) for name in self.models]})
            name = path[len("/models/"):]
            if not self._served(name):
                raise self._unknown_model(name)
            return self._respond(start_response, 200, self._model(name))
        raise HTTPError(404, f"Invalid URL ({method} {environ.get('PATH_INFO')})", code="unknown_url")

    def _authorize(self, environ: Environ) -> None:
        if self.api_key is None:
            return
        given = str(environ.get("HTTP_AUTHORIZATION", ""))
        scheme, _, key = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(key.strip().encode(), self.api_key.encode()):
            raise HTTPError(401, "Incorrect or missing API key: send Authorization: Bearer <key>",
                            code="invalid_api_key", headers=[("WWW-Authenticate", "Bearer")])

    @staticmethod
    def _allow(method: str, allowed: str) -> None:
        if method != allowed:
            raise HTTPError(405, f"use {allowed} here, not {method}", code="method_not_allowed",
                            headers=[("Allow", allowed)])

    def _served(self, name: str) -> bool:
        if name in self.models:
            return True
        built_in = get_model(name)
        return built_in is not None and built_in.name in self.models

    @staticmethod
    def _unknown_model(name: str) -> HTTPError:
        return HTTPError(404, f"The model {name!r} does not exist here; GET /v1/models lists the models served",
                         param="model", code="model_not_found")

    @staticmethod
    def _model(name: str) -> Dict[str, Any]:
        built_in = get_model(name)
        owner = built_in.space.space_id if built_in else (name.split("/")[0] if is_space_id(name) else "qwen-spaces")
        return {"id": name, "object": "model", "created": 0, "owned_by": owner}

    def _read_body(self, environ: Environ) -> bytes:
        text = str(environ.get("CONTENT_LENGTH") or "").strip()
        if not text:
            raise HTTPError(411, "send the request body with a Content-Length", code="length_required")
        if not text.isdigit():
            raise HTTPError(400, "Content-Length is not a number")
        length, stream = int(text), environ["wsgi.input"]
        if length > self.max_body_bytes:
            if length <= _DRAIN_LIMIT:  # read it, so that the client gets to see the answer
                while length > 0:
                    got = stream.read(min(length, 1 << 16))
                    if not got:
                        break
                    length -= len(got)
            raise HTTPError(413, f"the request body is {text} bytes; the limit is {self.max_body_bytes}",
                            code="request_too_large")
        data = stream.read(length) if length else b""
        if len(data) != length:
            raise HTTPError(400, "the request body ended before its Content-Length")
        return bytes(data)

    def _chat(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        body = self._read_body(environ)
        try:
            request = json.loads(body)
        except (ValueError, RecursionError):
            raise HTTPError(400, "the request body is not valid JSON") from None
        if not isinstance(request, dict):
            raise HTTPError(400, "the request body must be a JSON object")
        model, messages, stream = request.pop("model", None), request.pop("messages", None), request.pop("stream", False)
        if not isinstance(model, str) or not model:
            raise HTTPError(400, "model is required (a model name, see GET /v1/models)", param="model")
        if not self._served(model):
            raise self._unknown_model(model)
        if messages is None:
            raise HTTPError(400, "messages is required", param="messages")
        if stream not in (None, True, False):
            raise HTTPError(400, "stream must be true or false", param="stream")
        reserved = sorted(set(request) & RESERVED)
        if reserved:
            raise HTTPError(400, f"{', '.join(reserved)} cannot be set here (put images in messages, "
                                 "as data: URLs, and the system prompt in a system message)", param=reserved[0])
        completions = self.client.chat.completions
        if not stream:
            completion = completions.create(model=model, messages=messages, stream=False, **request)
            return self._respond(start_response, 200, completion.to_dict())
        chunks = completions.create(model=model, messages=messages, stream=True, **request)
        start_response("200 OK", [("Content-Type", "text/event-stream; charset=utf-8"),
                                  ("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no")])
        return EventStream(chunks)


def create_app(client: "Client", *, api_key: Optional[str] = None, models: Optional[Iterable[str]] = None,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> App:
    """The OpenAI-compatible WSGI application for ``client`` (see :class:`App`)."""
    return App(client, api_key=api_key, models=models, max_body_bytes=max_body_bytes)


# -- a threaded server from the standard library -----------------------------------------------


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a stream in progress does not keep the process alive
    block_on_close = False
    request_queue_size = 128
    allow_reuse_address = True

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # not HTTPServer's: no reverse DNS lookup
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)
        self.setup_environ()


class _Handler(WSGIRequestHandler):
    timeout = 300  # seconds a connection may stall while sending its request or reading ours

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.info("%s %s", self.address_string(), format % args)


def make_server(app: Callable[..., Iterable[bytes]], host: str = "127.0.0.1", port: int = 8000) -> WSGIServer:
    """A threaded WSGI server for ``app`` on ``host:port`` (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server_class = type("Server", (_Server,), {"address_family": family})
    server: WSGIServer = server_class((host, port), _Handler)
    server.set_app(app)
    return server


def serve(app: Callable[..., Iterable[bytes]], host: str = "127.0.0.1", port: int = 8000,
          ready: Optional[Callable[[str], None]] = None) -> None:
    """Serve ``app`` until Ctrl-C or SIGTERM; ``ready`` gets the base URL
    (``http://host:port/v1``) once the socket listens."""
    server = make_server(app, host, port)
    bound_host, bound_port = server.server_name, server.server_port  # set by _Server.server_bind
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    previous: Any = None
    if threading.current_thread() is threading.main_thread():
        def stop(signum: int, frame: Optional[FrameType]) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, stop)
    try:
        if ready is not None:
            ready(f"http://{shown}:{bound_port}/v1")
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)

