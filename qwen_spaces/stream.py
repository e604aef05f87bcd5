"""A streamed reply: :class:`Stream` (the iterator users hold), the
:class:`ChatResult` it ends with, and the job bookkeeping behind it.

A token travels: socket -> SSE event (``protocol.sse``) -> queue message
(``protocol.queue`` / ``protocol.call``) -> reply delta
(``protocol.chatbot``) -> ``yield`` in :func:`_run`.  Nothing here re-parses
what an earlier hop parsed.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any, Callable, Dict, Generator, Iterator, List, NamedTuple, Optional, Tuple, Union

import requests
import urllib3

from .errors import (
    ConversationLostError,
    ProtocolError,
    QwenSpacesError,
    SpaceAppError,
    SpaceTimeoutError,
    StreamInterruptedError,
    reword,
)
from .http import Timeout, Transport, release, within_deadline
from .protocol import call as call_api
from .protocol import queue
from .protocol.events import CANCELLED, DIFF, DONE, FULL, STATUS
from .protocol.history import user_turns
from .protocol.reply import ReplyText
from .protocol.sse import excerpt, iter_chunks, iter_events
from .protocol.think import REASONING, TEXT, ThinkSplitter, split_think

__all__ = ["Stream", "ChatResult", "Delta", "Timings", "Status", "Submission", "Job", "read_events"]

log = logging.getLogger("qwen_spaces")


class Timings(NamedTuple):
    """Seconds from the start of the call: waiting in the queue until the
    Space started the job, until the first text, and in total."""

    queue_wait: Optional[float]
    first_delta: Optional[float]
    total: float


class ChatResult(NamedTuple):
    """A finished reply.  ``str(result)`` is its text (the answer);
    ``reasoning`` is the model's reasoning ("" when there was none)."""

    text: str
    model: str
    space_url: str
    timings: Timings
    reasoning: str = ""

    def __str__(self) -> str:
        return self.text


class Delta(NamedTuple):
    """A piece of a reply streamed with ``reasoning=True``: ``kind`` is
    "reasoning" or "text" (the answer)."""

    kind: str
    text: str


class Status(NamedTuple):
    """Progress of a call, for ``on_status`` callbacks.

    ``kind``: "retrying" (the Space was unavailable; ``eta`` is the wait),
    "waking" (the Space was asleep: woken, waiting for it) or "starting" (it
    is building or starting; ``message`` says its stage), "queued" (``rank``
    0-based, ``queue_size``, ``eta`` seconds), "running", "progress" or "log"
    (``message``).
    """

    kind: str
    rank: Optional[int] = None
    queue_size: Optional[int] = None
    eta: Optional[float] = None
    message: Optional[str] = None


StatusCallback = Callable[[Status], None]


class Submission(NamedTuple):
    """A job the Space accepted: where to read it and how to cancel it."""

    api_base: str  # root + API prefix
    fn_index: Optional[int]  # None for the /call API
    api_name: str
    session_hash: str
    event_id: str


def deadline_of(timeout: Timeout, started: float) -> Optional[float]:
    return None if timeout.total is None else started + timeout.total


_NETWORK_ERRORS = (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError)
_TIMEOUTS = (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError)
_SHAPE_ERRORS = (IndexError, TypeError, KeyError, AttributeError, ValueError)


def read_events(
    response: requests.Response, timeout: Timeout, deadline: Optional[float]
) -> Iterator[Tuple[str, str]]:
    """The SSE events of a streamed response, read within the deadline."""
    return iter_events(within_deadline(response, iter_chunks(response), timeout.read, deadline))


def network_error(exc: BaseException) -> BaseException:
    """Our error for a network failure while reading a stream (others as is)."""
    if isinstance(exc, QwenSpacesError):
        return exc
    if isinstance(exc, _TIMEOUTS):
        return SpaceTimeoutError("the Space sent nothing within the read timeout")
    if isinstance(exc, _NETWORK_ERRORS):
        return StreamInterruptedError(
            f"the connection broke before the reply completed ({type(exc).__name__})"
        )
    return exc


def _shape_error(exc: BaseException) -> ProtocolError:
    return ProtocolError(
        f"the Space's reply has an unexpected shape ({type(exc).__name__}: {excerpt(str(exc))})"
    )


class Job:
    """One submitted job: everything a Stream needs, and nothing that refers
    back to the Stream (so dropping a Stream collects it at once).

    ``repair``, when given, is asked once, if the job ends without any text
    in a way that suggests the Space's built-in facts named the wrong event;
    it returns a new submission (after checking the Space's /config) or None.
    """

    def __init__(
        self,
        *,
        transport: Transport,
        timeout: Timeout,
        model: str,
        reply_output: int,
        root: str,
        submission: Submission,
        started: float,
        on_status: Optional[StatusCallback],
        repair: Optional[Callable[[], Optional[Submission]]] = None,
        think_tags: bool = True,
        expect_turns: Optional[Tuple[int, ...]] = None,
    ) -> None:
        self.transport = transport
        self.timeout = timeout
        self.model = model
        self.reply_output = reply_output
        self.think = ThinkSplitter() if think_tags else None
        self.root = root
        self.submission = submission
        self.started = started
        self.on_status = on_status
        self.repair = repair
        self.expect_turns = expect_turns  # user turns the reply's chatbot may show (a conversation)
        self.shown_turns: Optional[int] = None  # ... and what it showed
        self.on_end: Optional[Callable[["Job", Optional[BaseException]], None]] = None  # once, at the end
        self._ended = False
        self.on_result: Optional[Callable[["Job"], None]] = None  # told once the reply completed
        self.response: Optional[requests.Response] = None
        self.finished = False
        self.completed = False  # the Space said the job is over (its final value is in)
        self.reply = ReplyText()
        self.result: Optional[ChatResult] = None
        self.queue_wait: Optional[float] = None
        self.first_delta: Optional[float] = None

    def open(self) -> Iterator[Tuple[str, Any]]:
        """Open the job's event stream; return its ``(kind, payload)`` items.
        If the stream cannot be opened, the job is cancelled."""
        sub = self.submission
        if sub.fn_index is None:
            url, params = f"{sub.api_base}/call/{sub.api_name}/{sub.event_id}", None
        else:
            url, params = f"{sub.api_base}/queue/data", {"session_hash": sub.session_hash}
        try:
            self.response = self.transport.open_stream(url, "reading the reply stream", params)
        except BaseException:
            self.cancel()
            raise
        deadline = deadline_of(self.timeout, self.started)
        events = read_events(self.response, self.timeout, deadline)
        if sub.fn_index is None:
            return call_api.read_call(events, deadline)
        return queue.read_job(events, sub.event_id, deadline)

    def try_repair(self) -> Optional[Iterator[Tuple[str, Any]]]:
        """New items if the job was resubmitted to the right event, else None."""
        repair, self.repair = self.repair, None
        if repair is None or self.reply.text:
            return None
        self.close_response()
        submission = repair()
        if submission is None:
            return None
        log.info("resubmitted to fn_index %s after checking the Space's /config", submission.fn_index)
        self.submission = submission
        return self.open()

    def cancel(self) -> None:
        """Ask the Space to stop the job (best effort)."""
        sub = self.submission
        if sub.fn_index is None:
            return  # /call jobs stop when their stream is dropped
        queue.cancel(
            self.transport, sub.api_base, session_hash=sub.session_hash,
            fn_index=sub.fn_index, event_id=sub.event_id,
        )

    def ended(self, error: Optional[BaseException] = None) -> None:
        """The stream is over (completed, failed or closed): tell ``on_end``, once."""
        if self._ended:
            return
        self._ended = True
        if self.on_end is not None:
            self.on_end(self, error)

    def close_response(self) -> None:
        response, self.response = self.response, None
        if response is None:
            return
        if self.result is not None and self.submission.fn_index is not None:
            release(response)  # complete: its connection may serve the next join
        else:
            response.close()

    def status(self, message: Dict[str, Any]) -> None:
        kind = message.get("msg")
        if kind == "process_starts" and self.queue_wait is None:
            self.queue_wait = time.monotonic() - self.started
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

    def finish(self) -> None:
        self.finished = True
        reply = self.reply
        text, reasoning = reply.text, reply.reasoning
        final = reply.final_located
        if reply.rewritten and final is not None:  # Gradio re-cleaned streamed text: keep the Space's
            text, reasoning = final.text, final.reasoning
        if self.think is not None:
            thought, text = split_think(text)
            reasoning += thought
        self.result = ChatResult(
            text=text,
            model=self.model,
            space_url=self.root,
            timings=Timings(self.queue_wait, self.first_delta, time.monotonic() - self.started),
            reasoning=reasoning,
        )
        if self.on_result is not None:
            self.on_result(self)


def _values(job: Job, kind: str, payload: Any) -> Tuple[str, str]:
    """The new reasoning and answer of a full value or of the final value."""
    if kind is CANCELLED:  # by someone else
        raise StreamInterruptedError("the job was cancelled on the Space")
    try:
        value = payload[job.reply_output]
        if job.expect_turns is not None:
            _check_history(job, value)
        if kind is FULL:
            if job.queue_wait is None:
                job.queue_wait = time.monotonic() - job.started
            return job.reply.full(value)
        return job.reply.final(value)
    except _SHAPE_ERRORS as exc:
        raise _shape_error(exc) from exc


def _check_history(job: Job, value: Any) -> None:
    """A conversation kept on the Space: its chatbot must show every turn we
    hold plus this one; fewer means the Space forgot the conversation."""
    shown = user_turns(value)
    if shown is None:
        return
    expected = job.expect_turns or ()
    if shown not in expected:
        raise ConversationLostError(
            f"the Space no longer holds this conversation (its chat shows {shown} user turn(s), "
            f"expected {' or '.join(map(str, expected))}): it restarted or the session expired; "
            "start a new conversation (the error's .messages hold this one's)"
        )
    job.shown_turns = shown


Piece = Union[str, Delta]


def _pieces(job: Job, thought: str, text: str, reasoning: bool) -> Iterator[Piece]:
    """What the user sees of one step's new reasoning and answer (``<think>``
    tags at the start of an answer become reasoning)."""
    if thought and reasoning:
        yield Delta(REASONING, thought)
    if not text:
        return
    think = job.think
    if think is None or think.passing:
        yield Delta(TEXT, text) if reasoning else text
        return
    for kind, piece in think.feed(text):
        if reasoning:
            yield Delta(kind, piece)
        elif kind is TEXT:
            yield piece


def _ending(job: Job, reasoning: bool) -> Iterator[Piece]:
    if job.think is not None:
        for kind, piece in job.think.finish():
            if reasoning:
                yield Delta(kind, piece)
            elif kind is TEXT:
                yield piece


def _run(job: Job, items: Iterator[Tuple[str, Any]], reasoning: bool) -> Generator[Piece, None, None]:
    """The stream loop: one pass per message, one yield per delta.

    If the job ends without any text in a way that suggests the Space's
    built-in facts named the wrong event, it is resubmitted once to the right
    one (``Job.try_repair``) and the loop reads the new job's items.
    """
    reply, index, think = job.reply, job.reply_output, job.think
    fast = False  # a plain answer token may go out as is (the token step)
    last: List[Piece] = []  # the final value's deltas, held back until the result is ready
    try:
        while not job.completed:
            try:
                for kind, payload in items:
                    if kind is DIFF:
                        try:
                            thought, text = reply.edits(payload[index])
                        except _SHAPE_ERRORS as exc:
                            raise _shape_error(exc) from exc
                        if fast and text and not thought:
                            yield text  # the token step
                            continue
                    elif kind is STATUS:
                        job.status(payload)
                        continue
                    elif kind is DONE:
                        thought, text = _values(job, kind, payload)
                        if not (thought or text or reply.text or reply.reasoning):
                            retry = job.try_repair()  # an empty reply: the wrong event?
                            if retry is not None:
                                items = retry
                                break
                        job.completed = True
                    else:
                        thought, text = _values(job, kind, payload)
                    if thought or text:
                        if job.first_delta is None:
                            job.first_delta = time.monotonic() - job.started
                        if job.completed:
                            last.extend(_pieces(job, thought, text, reasoning))
                        else:
                            yield from _pieces(job, thought, text, reasoning)
                            fast = not reasoning and (think is None or think.passing)
                    if job.completed:
                        break
                else:
                    raise StreamInterruptedError("the event stream ended before the reply completed")
            except (SpaceAppError, ProtocolError):
                retry = job.try_repair()  # nothing came: was it the wrong event?
                if retry is None:
                    raise
                items = retry
        if reply.error is not None:
            raise SpaceAppError(reply.error)
        last.extend(_ending(job, reasoning))
        # finished before the last delta goes out, so a consumer that stops
        # right after it finds the result and closing cancels nothing
        job.finish()
        yield from last
    except Exception as exc:
        error = network_error(exc)
        # release the connection first, then tell the Space (a job that may
        # still run there is cancelled; a job that failed there is over)
        job.close_response()
        if isinstance(error, QwenSpacesError):
            reply = job.reply
            if isinstance(error, SpaceAppError) and reply.error is not None:
                reword(error, reply.error)  # the Space's message, shown in the chat
            partial, partial_reasoning = reply.text, reply.reasoning
            if job.think is not None:  # what the splitter still held back was never handed out
                held = len(job.think.held)
                thought, partial = split_think(partial[:len(partial) - held] if held else partial)
                partial_reasoning += thought
            error.partial_text, error.partial_reasoning = partial, partial_reasoning
            error.url = error.url or job.root
        if not isinstance(error, SpaceAppError):
            job.cancel()
        job.finished = True
        job.ended(error)
        if error is exc:
            raise
        raise error from exc
    finally:
        job.close_response()
        job.ended()


class Stream:
    """An iterator of reply deltas that owns its HTTP response: ``str``
    answer deltas, or :class:`Delta` values (reasoning and answer, in wire
    order) for a stream opened with ``reasoning=True``.

    Use it in a ``for`` loop or as a context manager.  Closing it before the
    reply is complete (``close()``, leaving the ``with`` block, a WSGI server
    closing the response, or garbage collection) releases the connection and
    asks the Space to cancel the job.  After the last delta, :attr:`result`
    holds the :class:`ChatResult`.
    """

    def __init__(
        self, job: Job, items: Optional[Iterator[Tuple[str, Any]]] = None, reasoning: bool = False
    ) -> None:
        self._job = job
        self._closed = True  # until the stream is open (job.open() may raise): nothing for __del__
        self._deltas = _run(job, job.open() if items is None else items, reasoning)
        self._closed = False

    def __iter__(self) -> "Stream":
        return self

    def fall_back_with(self, after: Callable[[QwenSpacesError], "Stream"]) -> None:
        """Until the first delta, a failure of the job hands over to the stream
        ``after(error)`` opens (which raises when there is nothing to fall back to)."""
        self._deltas = self._falling_back(self._deltas, after)

    def _falling_back(self, deltas: Iterator[Any],
                      after: Callable[[QwenSpacesError], "Stream"]) -> Generator[Any, None, None]:
        while True:
            try:
                first = next(deltas)
            except StopIteration:
                return
            except QwenSpacesError as exc:
                replacement = after(exc)
                replacement._closed = True  # its job is ours now: its finalizer must not cancel it
                self._job, deltas = replacement._job, replacement._deltas
                continue
            yield first
            yield from deltas
            return

    def __next__(self) -> Any:
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
        """All answer text received so far."""
        return self._job.reply.text

    @property
    def reasoning_so_far(self) -> str:
        """All reasoning received so far."""
        return self._job.reply.reasoning

    @property
    def model(self) -> str:
        return self._job.model

    def close(self) -> None:
        """Stop reading; if the reply is not complete, cancel the job."""
        if self._closed:
            return
        self._closed = True
        self._deltas.close()
        self._job.close_response()
        if not self._job.finished:
            self._job.cancel()
        self._job.ended()

    def __del__(self) -> None:
        if self._closed or sys.is_finalizing():
            return
        self._closed = True
        job = self._job
        job.close_response()
        if not job.finished:
            # not in the collecting thread: a finalizer must not block on HTTP
            threading.Thread(target=job.cancel, name="qwen-spaces-cancel", daemon=True).start()
        job.ended()

    def __repr__(self) -> str:
        state = "done" if self._job.finished else ("closed" if self._closed else "open")
        return f"<qwen_spaces.Stream model={self._job.model} {state}>"
