"""Server-sent events from a streamed HTTP response, decoded as JSON.

This module knows the SSE framing and nothing of what the messages mean.
``sseclient-py`` does the parsing; we only make sure it is fed chunks that
keep its work linear (it concatenates ``bytes`` per line, so a single huge
event split over many small reads would cost quadratic time: we hand it
whole lines instead).
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Tuple

import requests
import sseclient

from ..errors import ProtocolError

__all__ = ["iter_chunks", "iter_events", "decode_json", "excerpt"]

_READ_SIZE = 64 * 1024


def iter_chunks(response: requests.Response) -> Iterator[bytes]:
    """Yield body bytes as soon as they arrive.

    ``read1`` returns whatever is available (a whole HTTP chunk, or the bytes
    already received on a connection-delimited body), so a streamed reply is
    never held back waiting to fill a fixed-size buffer.
    """
    raw = response.raw
    read1 = getattr(raw, "read1", None)
    if read1 is None:  # urllib3 1.x
        yield from response.iter_content(chunk_size=None)
        return
    while True:
        chunk = read1(_READ_SIZE)
        if not chunk:
            return
        yield chunk


def _whole_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-join reads so that every piece handed on ends inside a line break
    or at the end of the body: pieces without a line break are collected and
    joined once, keeping a multi-megabyte event linear."""
    pending = []
    for chunk in chunks:
        if b"\n" not in chunk and b"\r" not in chunk:
            pending.append(chunk)
            continue
        if pending:
            pending.append(chunk)
            chunk = b"".join(pending)
            pending = []
        yield chunk
    if pending:
        yield b"".join(pending)


def iter_events(chunks: Iterable[bytes]) -> Iterator[Tuple[str, str]]:
    """Yield ``(event_name, data)`` for each SSE event in the byte stream.

    Bytes that are not UTF-8 are a :class:`ProtocolError`.
    """
    try:
        for event in sseclient.SSEClient(_whole_lines(chunks)).events():
            yield event.event, event.data
    except UnicodeDecodeError as exc:
        bad = exc.object[max(0, exc.start - 60) : exc.end + 20]
        raise ProtocolError(f"the Space sent an event that is not UTF-8: {excerpt(repr(bad))}") from None


def excerpt(text: str, limit: int = 200) -> str:
    """A short, single-line excerpt of ``text`` for error messages."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def decode_json(data: str) -> Any:
    """Parse one event's data, turning any failure into :class:`ProtocolError`."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"the Space sent an event that is not JSON: {excerpt(data)!r}") from exc
