"""The one place that knows HTTP: the shared session, timeouts, proxies,
the token header, and how HTTP failures map onto qwen_spaces errors.

Protocol code calls :meth:`Transport.post_json`, :meth:`Transport.post_files`,
:meth:`Transport.get_json` and :meth:`Transport.open_stream`; it never touches
``requests`` directly.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from email.utils import parsedate_to_datetime
from typing import Any, Dict, Iterable, Iterator, Mapping, NamedTuple, Optional, Sequence, Tuple
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from . import __version__
from .errors import (
    AuthenticationError,
    ProtocolError,
    QueueFullError,
    QwenSpacesError,
    RateLimitError,
    SpaceTimeoutError,
    SpaceUnavailableError,
)
from .protocol.sse import excerpt, iter_chunks

__all__ = [
    "Timeout", "Transport", "check_base_url", "retry_after_seconds", "within_deadline",
]

log = logging.getLogger("qwen_spaces")

USER_AGENT = f"qwen-spaces/{__version__} (+python-requests)"


class Timeout(NamedTuple):
    """Time limits, in seconds.

    ``connect``: to open a connection.  ``read``: the longest silence on a
    socket (Gradio sends a heartbeat every 15 s while a job waits, so keep it
    above that).  ``total``: the whole job, from join to the last token;
    heartbeats do not extend it.  ``None`` disables a limit.
    """

    connect: Optional[float] = 10.0
    read: Optional[float] = 60.0
    total: Optional[float] = 600.0

    @classmethod
    def coerce(cls, value: "Timeout | float | None") -> "Timeout":
        if value is None:
            return cls()
        if isinstance(value, Timeout):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            return cls(read=float(value))
        raise ValueError(f"timeout must be a positive number or a Timeout, not {value!r}")

    @property
    def requests_timeout(self) -> Tuple[Optional[float], Optional[float]]:
        return (self.connect, self.read)


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, *, allow_http: bool) -> str:
    """Validate a Space root URL; return it without a trailing slash."""
    if not isinstance(url, str):
        raise ValueError(f"a base URL must be a string, not {type(url).__name__}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base URL {url!r} must look like https://host[:port]")
    if parts.username or parts.password:
        raise ValueError("base URLs must not carry credentials; pass hf_token instead")
    if parts.scheme == "http" and not allow_http and not _is_loopback(parts.hostname):
        raise ValueError(
            f"base URL {url!r} uses plain http to a non-loopback host; use https, "
            "or pass allow_http=True if you really mean it"
        )
    return url.rstrip("/")


def retry_after_seconds(response: requests.Response) -> Optional[float]:
    """The Retry-After header in seconds (delta or HTTP date), if any."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _detail(response: requests.Response) -> str:
    """The server's own explanation of an error response, shortened."""
    try:
        body = response.json()
    except ValueError:
        return excerpt(response.text or response.reason or "")
    if isinstance(body, dict):
        detail = body.get("detail", body.get("error", body))
        if isinstance(detail, dict):
            detail = detail.get("error", detail)
        return excerpt(str(detail))
    return excerpt(str(body))


def _busy_page(text: str) -> bool:
    """Hugging Face's "This application is currently busy" page (a Space at capacity)."""
    return "currently busy" in text[:20000].lower()


def error_for_response(response: requests.Response, what: str) -> QwenSpacesError:
    """The qwen_spaces error for a failed HTTP response to ``what``."""
    status = response.status_code
    detail = _detail(response)
    message = f"{what} failed: HTTP {status}" + (f": {detail}" if detail else "")
    kw: Dict[str, Any] = {"url": _public_url(response.url), "status_code": status}
    if status in (401, 403):
        return AuthenticationError(
            message + " (the Space is private or the token is wrong; set hf_token or HF_TOKEN)",
            **kw,
        )
    if status == 429:
        return RateLimitError(message, retry_after=retry_after_seconds(response), **kw)
    if _busy_page(response.text):
        return QueueFullError(f"{what} failed: HTTP {status}: the Space is busy (Hugging Face's "
                              "\"application is currently busy\" page)", **kw)
    if status == 503 and "queue is full" in detail.lower():
        return QueueFullError(message, **kw)
    if status >= 500 or status in (408, 425):
        return SpaceUnavailableError(message, **kw)
    if status == 404:
        return SpaceUnavailableError(f"{message} (no {kw['url']}: is the Space URL right?)", **kw)
    return ProtocolError(message, **kw)


def _public_url(url: Optional[str]) -> Optional[str]:
    """A URL without its query string (it may hold a signed token)."""
    return None if url is None else url.split("?", 1)[0]


class Transport:
    """HTTP for one Client: one ``requests.Session`` shared by all threads."""

    def __init__(
        self,
        *,
        hf_token: Optional[str],
        proxies: Optional[Mapping[str, str]],
        timeout: Timeout,
        pool_maxsize: int,
        verify: "bool | str" = True,
    ) -> None:
        if not isinstance(pool_maxsize, int) or pool_maxsize < 1:
            raise ValueError(f"pool_maxsize must be a positive int, not {pool_maxsize!r}")
        self.timeout = timeout
        self._token = hf_token
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=16, pool_maxsize=pool_maxsize)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT
        if proxies:
            self.session.proxies.update(proxies)
        if verify is False:
            log.warning("TLS certificate verification is OFF for this Client (verify=False)")
        self.session.verify = verify
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE and HTTP(S)_PROXY
        # override the session's own verify and proxies; passed per request,
        # what the caller chose wins (the environment still applies to defaults)
        self._request_kw: Dict[str, Any] = {}
        if verify is not True:
            self._request_kw["verify"] = verify
        if proxies:
            self._request_kw["proxies"] = dict(proxies)

    def __repr__(self) -> str:
        return f"<Transport token={'set' if self._token else 'none'}>"

    def _headers(self, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        # The token travels per request, only to the Space being called
        # (requests drops Authorization when a redirect changes host).
        headers = dict(extra or {})
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def _send(self, method: str, url: str, what: str, **kw: Any) -> requests.Response:
        try:
            return self.session.request(
                method, url, headers=self._headers(kw.pop("headers", None)),
                timeout=kw.pop("timeout", self.timeout.requests_timeout), **{**self._request_kw, **kw}
            )
        except requests.exceptions.ReadTimeout as exc:
            raise SpaceTimeoutError(
                f"{what}: no answer within {self.timeout.read} s", url=_public_url(url)
            ) from exc
        except requests.exceptions.SSLError as exc:
            raise SpaceUnavailableError(
                f"{what}: the TLS connection to {_public_url(url)} failed ({_ssl_reason(exc)}); "
                "for a private CA pass verify='/path/to/ca-bundle.pem'",
                url=_public_url(url),
            ) from exc
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise SpaceUnavailableError(
                f"{what}: cannot reach {_public_url(url)} ({type(exc).__name__})",
                url=_public_url(url),
            ) from exc
        except requests.exceptions.RequestException as exc:
            raise SpaceUnavailableError(f"{what}: {type(exc).__name__}", url=_public_url(url)) from exc

    def _json(self, response: requests.Response, what: str) -> Any:
        if response.status_code >= 300:
            error = error_for_response(response, what)
            response.close()
            raise error
        try:
            return response.json()
        except ValueError:
            if _busy_page(response.text):
                raise QueueFullError(
                    f"{what}: the Space is busy (Hugging Face's \"application is currently busy\" page)",
                    url=_public_url(response.url), status_code=response.status_code,
                ) from None
            raise ProtocolError(
                f"{what}: expected JSON, got {response.headers.get('Content-Type', 'no type')}: "
                f"{excerpt(response.text)!r}",
                url=_public_url(response.url),
                status_code=response.status_code,
            ) from None

    def post_json(self, url: str, body: Any, what: str, timeout: Optional[float] = None) -> Any:
        kw: Dict[str, Any] = {"json": body}
        if timeout is not None:
            kw["timeout"] = timeout
        return self._json(self._send("POST", url, what, **kw), what)

    def get_json(self, url: str, what: str) -> Any:
        return self._json(self._send("GET", url, what), what)

    def post_files(
        self, url: str, files: Sequence[Tuple[str, Tuple[str, bytes, str]]], what: str
    ) -> Any:
        return self._json(self._send("POST", url, what, files=list(files)), what)

    def open_stream(
        self, url: str, what: str, params: Optional[Mapping[str, str]] = None
    ) -> requests.Response:
        """GET an event stream; the caller owns (and must close) the response."""
        response = self._send(
            "GET", url, what, params=params, stream=True,
            headers={"Accept": "text/event-stream", "Cache-Control": "no-cache"},
        )
        if response.status_code >= 300:
            error = error_for_response(response, what)
            response.close()
            raise error
        return response

    def ping(self, url: str, what: str) -> int:
        """GET ``url`` and drop the body (waking a sleeping Space); its status."""
        response = self._send("GET", url, what, stream=True)
        status = response.status_code
        response.close()
        return status

    def close(self) -> None:
        self.session.close()



def release(response: requests.Response, budget: float = 0.25) -> None:
    """Close a streamed response whose job is complete, keeping its connection
    for the next request when the rest of the body (Gradio's ``close_stream``
    and the end of the chunked body) arrives within ``budget`` seconds: the
    next join then costs no new connection (one round trip, more with TLS)."""
    sock = _socket_of(response)
    if sock is not None:
        try:
            sock.settimeout(budget)
            for _ in iter_chunks(response):
                pass
        except Exception:  # noqa: BLE001 - not drained in time: the connection is dropped
            response.close()
            return
        release_conn = getattr(response.raw, "release_conn", None)
        if release_conn is not None and not getattr(response.raw, "closed", False):
            release_conn()
            return
    response.close()


def _socket_of(response: requests.Response) -> Optional[socket.socket]:
    connection = getattr(response.raw, "connection", None)  # urllib3 2.x
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def within_deadline(
    response: requests.Response,
    chunks: Iterable[bytes],
    read_timeout: Optional[float],
    deadline: Optional[float],
) -> Iterator[bytes]:
    """``chunks`` (read from ``response``), with every wait for the socket
    limited to the time left before ``deadline`` (a ``time.monotonic()``
    value): a Space that goes silent cannot hold a call past its total
    timeout, however long the read timeout is."""
    if deadline is None:
        yield from chunks
        return
    sock = _socket_of(response)
    # until ``near``, a whole read timeout still ends before the deadline
    near = deadline - read_timeout if read_timeout is not None else float("-inf")

    def limit_wait(now: float) -> None:
        nonlocal sock
        left = deadline - now
        if left <= 0:
            raise SpaceTimeoutError("the reply took longer than the total timeout")
        if sock is not None:
            try:
                sock.settimeout(left)
            except OSError:
                sock = None

    monotonic = time.monotonic
    try:
        now = monotonic()
        if now >= near:
            limit_wait(now)
        for chunk in chunks:
            yield chunk
            now = monotonic()
            if now >= near:
                limit_wait(now)
    except SpaceTimeoutError:
        raise
    except (requests.exceptions.Timeout, urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
        if monotonic() >= deadline - 0.01:
            raise SpaceTimeoutError("the reply took longer than the total timeout") from exc
        raise


def _ssl_reason(exc: BaseException) -> str:
    text = str(exc)
    for reason in ("CERTIFICATE_VERIFY_FAILED", "WRONG_VERSION_NUMBER", "hostname mismatch"):
        if reason in text:
            return reason
    return "TLS error"
