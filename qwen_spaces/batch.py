"""Many chats at once: :meth:`Client.map <qwen_spaces.Client.map>` and the
``qwen-spaces batch`` command's resumable JSONL runs.

Each input is one task on an executor: our own pool of daemon threads by
default, or any :class:`concurrent.futures.Executor` (a Dask or Ray executor
included: the task and its Client are picklable, and a Client unpickled in a
worker process opens its own connections there, once per process).  A task
returns its :class:`~qwen_spaces.ChatResult` or its
:class:`~qwen_spaces.QwenSpacesError`: one failure never stops the run.

Stopping a run early (Ctrl-C, an error in the caller) cancels the tasks that
have not started and makes the running ones (in this process) close their
streams at their next delta or status, which cancels their jobs on the Space.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import queue
import secrets
import sys
import threading
import weakref
from concurrent.futures import Executor, Future
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Generator,
    Iterable,
    List,
    Optional,
    Sequence,
    Set,
    TextIO,
    Tuple,
    Union,
)

from .errors import QwenSpacesError
from .prompt import split_messages
from .stream import ChatResult, Status

if TYPE_CHECKING:
    from .client import Client

__all__ = ["map_chats", "iter_chats", "Progress", "BatchItem", "read_batch", "BatchFile", "client_reference"]

Outcome = Union[ChatResult, QwenSpacesError]
Messages = List[Dict[str, Any]]


# -- a Client across processes ---------------------------------------------------------------

_refs_lock = threading.Lock()
_keys: "weakref.WeakKeyDictionary[Client, str]" = weakref.WeakKeyDictionary()
_live: "weakref.WeakValueDictionary[str, Client]" = weakref.WeakValueDictionary()
_rebuilt: Dict[str, "Client"] = {}


def client_reference(client: "Client", settings: Dict[str, Any]) -> Tuple[Any, Tuple[Any, ...]]:
    """``Client.__reduce__``: unpickled in this process, the same Client;
    in another, one Client per original, built from its settings."""
    with _refs_lock:
        key = _keys.get(client)
        if key is None:
            key = _keys[client] = secrets.token_hex(8)
            _live[key] = client
    return restore_client, (key, settings)


def restore_client(key: str, settings: Dict[str, Any]) -> "Client":
    from .client import Client

    with _refs_lock:
        client = _live.get(key) or _rebuilt.get(key)
        if client is None:
            client = _rebuilt[key] = Client(**settings)  # lives as long as the worker process
        return client


# -- one task ------------------------------------------------------------------------------

_stopped: Set[str] = set()  # runs being stopped (in this process)
STOP_GRACE = 3.0  # seconds a stopped run waits for its running tasks to cancel their jobs


class _Stopped(Exception):
    """Raised inside a task of a run that is being stopped (never leaves it)."""


def chat_task(client: "Client", model: str, messages: Messages, params: Dict[str, Any], run: str) -> Outcome:
    """One chat of a run: its result, or its QwenSpacesError."""
    on_status: Optional[Callable[[Status], None]] = params.pop("on_status", None)

    def check(status: Optional[Status] = None) -> None:
        if run in _stopped:
            raise _Stopped(run)
        if status is not None and on_status is not None:
            on_status(status)

    check()
    try:
        with client.stream(model, messages, on_status=check, **params) as stream:
            for _ in stream:
                check()  # leaving the with block closes the stream: the job is cancelled
    except QwenSpacesError as exc:
        return exc
    assert stream.result is not None  # noqa: S101 - an exhausted stream has its result
    return stream.result


# -- executors and runs ---------------------------------------------------------------------


class _ThreadPool(Executor):
    """A pool of daemon threads: a stopped run never keeps the interpreter
    from exiting (a task stuck in a silent queue is simply abandoned, and its
    connection closes with the process)."""

    def __init__(self, max_workers: int) -> None:
        self._work: "queue.SimpleQueue[Optional[Tuple[Future[Any], Callable[..., Any], Tuple[Any, ...]]]]"
        self._work = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._worker, name=f"qwen-spaces-map-{n}", daemon=True)
                         for n in range(max_workers)]
        for thread in self._threads:
            thread.start()

    def _worker(self) -> None:
        while True:
            item = self._work.get()
            if item is None:
                return
            future, fn, args = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
                future.set_exception(exc)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> "Future[Any]":
        future: "Future[Any]" = Future()
        self._work.put((future, lambda *a: fn(*a, **kwargs), args))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for _ in self._threads:
            self._work.put(None)
        if wait:
            for thread in self._threads:
                thread.join()


def as_messages(item: Any, where: str, system: Optional[str]) -> Messages:
    """One input of a run as messages (a prompt is one user message); checked now."""
    messages = [{"role": "user", "content": item}] if isinstance(item, str) else item
    try:
        split_messages(messages, system)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return list(messages)


def iter_chats(
    client: "Client",
    model: str,
    inputs: Sequence[Messages],
    *,
    max_workers: int = 8,
    executor: Optional[Executor] = None,
    **space_params: Any,
) -> Generator[Tuple[int, Outcome], None, None]:
    """``(index, result or error)`` of each input, as each finishes.

    Closing the iterator early (or an exception in the caller's loop) stops
    the run: tasks not started are cancelled, running ones cancel their jobs.
    """
    if executor is None and (not isinstance(max_workers, int) or isinstance(max_workers, bool)
                             or max_workers < 1):
        raise ValueError(f"max_workers must be an int >= 1, not {max_workers!r}")
    run = secrets.token_hex(8)
    pool = executor if executor is not None else _ThreadPool(min(max_workers, max(1, len(inputs))))
    done: "queue.SimpleQueue[int]" = queue.SimpleQueue()
    futures: List[Any] = []
    try:
        for index, messages in enumerate(inputs):
            future = pool.submit(chat_task, client, model, messages, dict(space_params), run)
            future.add_done_callback(_signal(done, index))
            futures.append(future)
        for _ in range(len(futures)):
            index = done.get()
            yield index, futures[index].result()
    finally:
        _stop(run, futures)
        if executor is None:
            pool.shutdown(wait=False)


def _signal(done: "queue.SimpleQueue[int]", index: int) -> Callable[[Any], None]:
    def finished(_: Any) -> None:
        done.put(index)

    return finished


def _stop(run: str, futures: List[Any]) -> None:
    """Cancel what has not started; give the running tasks (in this process)
    up to STOP_GRACE seconds to cancel their jobs on the Space."""
    if all(f.done() for f in futures):
        return
    _stopped.add(run)
    for future in futures:
        future.cancel()
    remaining = [f for f in futures if not f.done()]
    counter = [len(remaining)]
    lock = threading.Lock()
    all_done = threading.Event()

    def finished(_: Any) -> None:
        with lock:
            counter[0] -= 1
            if counter[0] == 0:
                _stopped.discard(run)
                all_done.set()

    for future in remaining:
        future.add_done_callback(finished)
    all_done.wait(STOP_GRACE)


# -- progress -------------------------------------------------------------------------------


class Progress:
    """A progress bar on ``stream`` (stderr): tqdm's when tqdm is installed,
    else a one-line counter.  ``advance()`` from one thread only."""

    def __init__(self, total: int, enabled: bool = True, stream: Optional[TextIO] = None,
                 done: int = 0) -> None:
        self.total, self.done, self.failed = total, done, 0
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self._bar: Any = None
        if enabled:
            try:
                tqdm = importlib.import_module("tqdm").tqdm  # optional: never a dependency
            except ImportError:
                self._draw()
            else:
                self._bar = tqdm(total=total, initial=done, file=self.stream, unit="chat",
                                 desc="qwen-spaces", dynamic_ncols=True)

    def advance(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += bool(failed)
        if not self.enabled:
            return
        if self._bar is None:
            self._draw()
            return
        if failed:
            self._bar.set_postfix(failed=self.failed, refresh=False)
        self._bar.update(1)

    def _draw(self) -> None:
        failed = f", {self.failed} failed" if self.failed else ""
        self.stream.write(f"\r{self.done}/{self.total} chats done{failed}")
        self.stream.flush()

    def close(self) -> None:
        if not self.enabled:
            return
        self.enabled = False
        if self._bar is not None:
            self._bar.close()
        else:
            self.stream.write("\n")
            self.stream.flush()


def map_chats(
    client: "Client",
    model: str,
    inputs: Iterable[Any],
    *,
    max_workers: int = 8,
    executor: Optional[Executor] = None,
    progress: bool = False,
    **space_params: Any,
) -> List[Outcome]:
    """:meth:`Client.map <qwen_spaces.Client.map>`: each input's result (or
    error) in input order; bad inputs raise ValueError before any request."""
    if isinstance(inputs, (str, bytes)):
        raise ValueError("inputs must be a list of prompts or message lists, not one str")
    system = space_params.get("system")
    checked = [as_messages(item, f"inputs[{n}]", system) for n, item in enumerate(inputs)]
    results: List[Optional[Outcome]] = [None] * len(checked)
    bar = Progress(len(checked), enabled=bool(progress))
    run = iter_chats(client, model, checked, max_workers=max_workers, executor=executor, **space_params)
    try:
        with contextlib.closing(run):
            for index, outcome in run:
                results[index] = outcome
                bar.advance(failed=isinstance(outcome, QwenSpacesError))
    finally:
        bar.close()
    return [r for r in results if r is not None]


# -- qwen-spaces batch: JSONL in, JSONL out ---------------------------------------------------


class BatchItem:
    """One input line: its ``id`` (as given) and its messages."""

    __slots__ = ("id", "key", "messages")

    def __init__(self, id: Any, messages: Messages) -> None:  # noqa: A002 - the JSON field's name
        self.id = id
        self.key = json.dumps(id)
        self.messages = messages


def read_batch(lines: Iterable[str], system: Optional[str] = None) -> List[BatchItem]:
    """The items of an input file: one JSON object per line with ``id`` and
    ``prompt`` (a str) or ``messages`` (a list); blank lines are skipped.
    Raises ValueError naming the first bad line."""
    items: List[BatchItem] = []
    seen: Set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise ValueError(f"line {number} is not JSON") from None
        if not isinstance(record, dict):
            raise ValueError(f"line {number} is not a JSON object")
        item_id = record.get("id")
        if isinstance(item_id, bool) or not isinstance(item_id, (str, int)):
            raise ValueError(f"line {number}: id must be a string or an integer")
        if ("prompt" in record) == ("messages" in record):
            raise ValueError(f"line {number}: give prompt or messages (one of them)")
        body = record["prompt"] if "prompt" in record else record["messages"]
        if "prompt" in record and not isinstance(body, str):
            raise ValueError(f"line {number}: prompt must be a string")
        item = BatchItem(item_id, as_messages(body, f"line {number}", system))
        if item.key in seen:
            raise ValueError(f"line {number}: id {item_id!r} appears twice")
        seen.add(item.key)
        items.append(item)
    return items


def result_line(item_id: Any, outcome: Outcome) -> str:
    """One output line: ``id``, ``text``, ``reasoning``, ``error`` (null on
    success; else the error's class and message, with the text that arrived
    before it in ``text`` and ``reasoning``)."""
    if isinstance(outcome, QwenSpacesError):
        record = {"id": item_id, "text": outcome.partial_text, "reasoning": outcome.partial_reasoning,
                  "error": f"{type(outcome).__name__}: {outcome}"}
    else:
        record = {"id": item_id, "text": outcome.text, "reasoning": outcome.reasoning, "error": None}
    return json.dumps(record, ensure_ascii=False) + "\n"


class BatchFile:
    """The output file of a batch run: the ids it already holds, and new
    lines appended one at a time, each flushed as it is written.

    A line cut short by a crash (no final newline) is dropped when the file
    is opened again, so its item runs again: nothing is duplicated or lost.
    """

    def __init__(self, path: "str | os.PathLike[str]") -> None:
        self.path = path
        self.done: Set[str] = set()
        self._file: Optional[IO[str]] = None
        self._recover()

    def _recover(self) -> None:
        try:
            with open(self.path, "rb") as existing:
                content = existing.read()
            end = content.rfind(b"\n") + 1
            if end < len(content):  # a partial last line
                with open(self.path, "r+b") as existing:
                    existing.truncate(end)
        except FileNotFoundError:
            content, end = b"", 0
        except OSError as exc:
            raise ValueError(f"cannot use {os.fspath(self.path)}: {exc.strerror or exc}") from None
        for number, raw in enumerate(content[:end].splitlines(), 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                key = json.dumps(record["id"])
            except (ValueError, TypeError, KeyError):
                raise ValueError(f"{os.fspath(self.path)} line {number} is not a batch result; "
                                 "give another output file") from None
            self.done.add(key)

    def open(self) -> None:
        """Open the file for appending (before any chat, so that a file we cannot write fails first)."""
        if self._file is None:
            try:
                self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
            except OSError as exc:
                raise ValueError(f"cannot write {os.fspath(self.path)}: {exc.strerror or exc}") from None

    def write(self, item_id: Any, outcome: Outcome) -> None:
        self.open()
        assert self._file is not None  # noqa: S101 - opened just now
        self._file.write(result_line(item_id, outcome))
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _read_lines(source: str) -> List[str]:
    if source == "-":
        return sys.stdin.read().splitlines()
    try:
        with open(source, encoding="utf-8") as handle:
            return handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {source}: {getattr(exc, 'strerror', None) or exc}") from None


def run_file(
    client: "Client",
    model: str,
    source: str,
    target: str,
    *,
    system: Optional[str] = None,
    params: Optional[Dict[str, Any]] = None,
    max_workers: int = 8,
    progress: bool = False,
) -> Tuple[int, int, int]:
    """``qwen-spaces batch``: chat about every item of the JSONL file
    ``source`` ("-": stdin) that the JSONL file ``target`` does not hold yet,
    appending one line per item as it finishes.  Returns ``(written, failed,
    skipped)``.  Bad input raises ValueError before any request."""
    if source != "-" and os.path.exists(target) and os.path.samefile(source, target):
        raise ValueError("the output file must not be the input file")
    items = read_batch(_read_lines(source), system)
    out = BatchFile(target)
    todo = [item for item in items if item.key not in out.done]
    out.open()
    bar = Progress(len(items), enabled=progress, done=len(items) - len(todo))
    extra: Dict[str, Any] = dict(params or {})
    if system is not None:
        extra["system"] = system
    written = failed = 0
    run = iter_chats(client, model, [item.messages for item in todo], max_workers=max_workers, **extra)
    try:
        with contextlib.closing(run):
            for index, outcome in run:
                out.write(todo[index].id, outcome)
                written += 1
                failed += isinstance(outcome, QwenSpacesError)
                bar.advance(failed=isinstance(outcome, QwenSpacesError))
    finally:
        bar.close()
        out.close()
    return written, failed, len(items) - len(todo)
