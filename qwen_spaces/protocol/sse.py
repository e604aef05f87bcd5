"""Server-sent events from a byte stream, and their JSON payloads.

This module knows the SSE framing and nothing of what the messages mean.

``sseclient-py`` implements the SSE grammar (``event:``/``id:`` fields,
comments, multi-line ``data``, CR/CRLF line ends).  Its general parser costs
about as much per event as everything else the client does for a token put
together (measured: ``benchmarks/``), and Gradio's ``/queue/data`` sends only
one shape, ``data: <one line of JSON>\\n\\n``.  So events are cut on blank
lines here and that one shape is read directly; every other block is handed
to sseclient-py, and a stream that uses CR line ends goes to sseclient-py
whole.  Both paths give the same events (checked by property tests).
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Callable, Iterable, Iterator, List, Tuple

import requests

from ..errors import ProtocolError

__all__ = ["iter_chunks", "iter_events", "decode_json", "excerpt"]

Event = Tuple[str, str]

_READ_SIZE = 64 * 1024


def iter_chunks(response: requests.Response) -> Iterator[bytes]:
    """Yield a streamed response's body bytes as soon as they arrive.

    A chunked body (what Gradio sends) is read chunk by chunk; any other body
    with ``read1``, which returns what has arrived instead of waiting to fill
    a buffer (``iter_content`` would hold a connection-delimited stream back
    until the end).
    """
    raw = response.raw
    if getattr(raw, "chunked", False) and raw.supports_chunked_reads():
        # urllib3 directly: requests would report a read timeout as ConnectionError
        yield from raw.read_chunked(decode_content=True)
        return
    read1 = getattr(raw, "read1", None)
    if read1 is None:  # urllib3 1.x
        yield from response.iter_content(chunk_size=None)
        return
    while True:
        chunk = read1(_READ_SIZE)
        if not chunk:
            return
        yield chunk


def _parse_block(block: bytes) -> Iterator[Event]:
    """Events of one blank-line-terminated block, by sseclient-py."""
    import sseclient  # loaded by the first event not in Gradio's one shape

    for event in sseclient.SSEClient(iter((block + b"\n\n",))).events():
        yield event.event, event.data


def _by_sseclient(chunks: Iterable[bytes]) -> Iterator[Event]:
    import sseclient

    for event in sseclient.SSEClient(_whole_lines(chunks)).events():
        yield event.event, event.data


def _whole_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-join reads so that each piece handed to sseclient-py (which joins
    ``bytes`` line by line) ends at a line break: linear for huge events."""
    pending: List[bytes] = []
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


def iter_events(chunks: Iterable[bytes]) -> Iterator[Event]:
    """Yield ``(event_name, data)`` for each SSE event in the byte stream.

    Bytes that are not UTF-8 are a :class:`ProtocolError`.
    """
    iterator = iter(chunks)
    pending: List[bytes] = []  # bytes of an event not yet terminated
    try:
        for chunk in iterator:
            if b"\r" in chunk:  # CR line ends: the general parser, from here on
                yield from _by_sseclient(itertools.chain(pending, (chunk,), iterator))
                return
            if b"\n" not in chunk:
                pending.append(chunk)  # a piece of a long event: join once, later
                continue
            if pending:
                pending.append(chunk)
                chunk = b"".join(pending)
            blocks = chunk.split(b"\n\n")
            tail = blocks.pop()
            pending = [tail] if tail else []
            for block in blocks:
                if block[:6] == b"data: " and b"\n" not in block:
                    yield "message", block[6:].decode("utf-8")
                elif block:
                    yield from _parse_block(block)
        if pending:
            yield from _parse_block(b"".join(pending))
    except UnicodeDecodeError as exc:
        bad = exc.object[max(0, exc.start - 60) : exc.end + 20]
        raise ProtocolError(f"the Space sent an event that is not UTF-8: {excerpt(repr(bad))}") from None


def excerpt(text: str, limit: int = 200) -> str:
    """A short, single-line excerpt of ``text`` for error messages."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# json.loads without the two whitespace regex matches it spends on every message
_scan: Callable[[str, int], Tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def decode_json(data: str) -> Any:
    """Parse one event's data, turning any failure into :class:`ProtocolError`."""
    try:
        value, end = _scan(data, 0)
        if end == len(data):  # Gradio's shape: one JSON value, nothing around it
            return value
    except (StopIteration, ValueError, RecursionError):
        pass  # json.loads gives the error (or accepts surrounding whitespace)
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"the Space sent an event that is not JSON: {excerpt(data)!r}") from exc
