"""The parsers under fuzzing (hypothesis).

- The diff applier (:class:`OutputValue`) against a reference: random JSON
  documents are changed at random, the change is written as Gradio's
  ``diff`` writes it (both index styles of list deletes: original positions
  up to Gradio 5.29.0, shifted positions from 5.29.1 on), and applying the
  edits must rebuild the new document exactly.  Random append/replace/add
  sequences are checked against a naive deep-copy applier, and garbage
  edits may only raise :class:`DiffError`.
- The SSE/message layer (``iter_events`` + ``read_job`` + the stream loop,
  and :class:`ReplyText`) on arbitrary bytes and arbitrary JSON: only
  :class:`QwenSpacesError` subclasses (or a clean result) come out, never
  another exception, never a hang.

Structured inputs come from hand-written generators driven by a
``random.Random`` whose seed hypothesis picks (``SeededRandom(seed)`` in a
failure report replays it).  Nested hypothesis strategies (or
``st.randoms()``) spend most of a CI budget generating data; seeds leave it
for running examples, and the generators favour the shapes that matter
(nested lists that shrink, appends to strings, Gradio-shaped messages).
"""

from __future__ import annotations

import copy
import io
import json
import random
import signal
import warnings
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, TypeVar

import pytest
import requests
import requests.adapters
import requests.structures
import urllib3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qwen_spaces import Client
from qwen_spaces.errors import QwenSpacesError
from qwen_spaces.protocol import queue
from qwen_spaces.protocol.chatbot import locate, reply_text
from qwen_spaces.protocol.diff import DiffError, OutputValue
from qwen_spaces.protocol.events import app_error
from qwen_spaces.protocol.reply import ReplyText

from .helpers import MODEL, MSG

T = TypeVar("T", bound=Callable[..., None])


def fuzz(examples: int) -> Callable[[T], T]:
    """Hypothesis settings for this suite: few examples (CI time), no deadline."""
    chosen = settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    return chosen


class SeededRandom(random.Random):
    """A ``random.Random`` that shows its seed in hypothesis reports."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.seed_value = seed

    def __repr__(self) -> str:
        return f"SeededRandom({self.seed_value})"


RANDOMS = st.integers(min_value=0, max_value=2**64 - 1).map(SeededRandom)


class Hang(BaseException):
    """Raised by the alarm: the code under test did not finish in time."""


@contextmanager
def no_hang(seconds: float = 10.0) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- random JSON documents and how they change ----------------------------------------------

KEYS = ["role", "content", "text", "type", "metadata", "a", "0"]


def scalar(rnd: random.Random) -> Any:
    return rnd.choice([
        None, True, False, 0, 1, -3, 2.5, "", "a", "ab", " x", "你好", "👋", "line\n",
    ])


def doc(rnd: random.Random, depth: int = 0) -> Any:
    """A JSON document, nested up to 4 levels, mostly lists (as chat values are)."""
    roll = rnd.random()
    if depth >= 4 or roll < 0.3:
        return scalar(rnd)
    if roll < 0.75:
        return [doc(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]
    return {rnd.choice(KEYS): doc(rnd, depth + 1) for _ in range(rnd.randint(0, 3))}


def mutate(rnd: random.Random, value: Any, depth: int = 0) -> Any:
    """A later version of ``value``, changed the ways a streaming app
    changes its outputs: strings grow (or are rewritten), lists grow and
    shrink (by one or many, at any level), dict keys come and go, and
    anything may be replaced."""
    roll = rnd.random()
    if roll < 0.08:
        return doc(rnd, depth)  # replaced, often by another type
    if roll < 0.2:
        return copy.deepcopy(value)  # unchanged
    if isinstance(value, str):
        if roll < 0.85:
            return value + rnd.choice(["x", " y", "你", "👋", "\n", "  "])  # append
        return rnd.choice(["", "b", "rewritten"])
    if isinstance(value, list):
        items = [mutate(rnd, item, depth + 1) if rnd.random() < 0.6 else copy.deepcopy(item) for item in value]
        if items and rnd.random() < 0.45:
            del items[rnd.randint(0, len(items) - 1):]  # shrink
        if rnd.random() < 0.3:
            items += [doc(rnd, depth + 1) for _ in range(rnd.randint(1, 3))]  # grow
        return items
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if rnd.random() < 0.2:
                continue  # deleted
            out[key] = mutate(rnd, item, depth + 1) if rnd.random() < 0.6 else copy.deepcopy(item)
        if rnd.random() < 0.3:
            out[rnd.choice(KEYS)] = doc(rnd, depth + 1)  # added (or replaced)
        return out
    return doc(rnd, depth) if roll > 0.7 else value


def history(rnd: random.Random) -> List[Any]:
    versions = [doc(rnd)]
    for _ in range(rnd.randint(1, 5)):
        versions.append(mutate(rnd, versions[-1]))
    return versions


def gradio_diff(old: Any, new: Any, style: str) -> List[List[Any]]:
    """The edits Gradio's ``utils.diff`` sends to turn ``old`` into ``new``.

    Written from the description in GRADIO_PROTOCOL.md section 5 and the
    outputs observed from Gradio 4.44.1/5.23.3/6.31.0: equal (Python ``==``)
    -> nothing; another type -> replace; a string that extends the old one
    -> append of the suffix; lists -> recurse over the common prefix, then a
    delete per old tail element, then an add per new tail element; dicts ->
    recurse, delete, add; else replace.

    ``style`` is how list-delete indices are written: ``"original"`` (Gradio
    up to 5.29.0: the original positions) or ``"shifted"`` (5.29.1 and
    later: once a list level is diffed, every delete in its edits whose last
    path step is an index, nested ones included, is lowered by the number of
    such deletes before it, so nested deletes are shifted once per level).
    """

    def compare(a: Any, b: Any, path: List[Any]) -> List[List[Any]]:
        if a == b:
            return []
        if type(a) is not type(b):
            return [["replace", path, b]]
        if isinstance(a, str) and b.startswith(a):
            return [["append", path, b[len(a):]]]
        if isinstance(a, list):
            common = min(len(a), len(b))
            edits: List[List[Any]] = []
            for i in range(common):
                edits += compare(a[i], b[i], path + [i])
            edits += [["delete", path + [i], None] for i in range(common, len(a))]
            edits += [["add", path + [i], b[i]] for i in range(common, len(b))]
            if style == "shifted":
                seen = 0
                for edit in edits:
                    if edit[0] == "delete" and isinstance(edit[1][-1], int):
                        edit[1][-1] -= seen
                        seen += 1
            return edits
        if isinstance(a, dict):
            edits = []
            for key in a:
                if key in b:
                    edits += compare(a[key], b[key], path + [key])
                else:
                    edits.append(["delete", path + [key], None])
            edits += [["add", path + [key], b[key]] for key in b if key not in a]
            return edits
        return [["replace", path, b]]

    return compare(old, new, [])


def wire(value: Any) -> Any:
    """``value`` as the client receives it (through JSON)."""
    return json.loads(json.dumps(value))


@fuzz(1000)
@given(RANDOMS, st.sampled_from(["original", "shifted"]))
def test_gradio_diffs_rebuild_every_version(rnd: random.Random, style: str) -> None:
    versions = history(rnd)
    value = OutputValue(wire(versions[0]))
    for old, new in zip(versions, versions[1:]):
        edits = gradio_diff(old, new, style)
        value.apply(wire(edits))
        assert value.value == new, (old, new, edits)


@pytest.mark.parametrize(
    "old, new",
    [
        ([0, 1, 2, 3], [0]),  # one level: [1] [2] [3] or [1] [1] [1]
        ([[1, 2, 3]], [[1]]),  # what 6.31.0 sends: [0, 1] [0, 0]
        ([[1, 2], 5, 6], [[1]]),  # nested delete, then the outer tail: shifted to [0] [0]
        ([[1, 2, 3], 5], [[1]]),  # shifted to a negative index
        ([[1, 2], [3, 4]], [[1], [3]]),  # two sibling lists shrink: the second one is shifted
        ([[[1, 2]], [0, 1]], [[[1]], [0]]),  # three levels
        ([{"a": [1, 2]}, 1, 2], [{"a": [1]}]),  # through a dict
        ([[1, 2], [3, 4]], [[1], [3], 9]),  # shrink and grow
    ],
)
@pytest.mark.parametrize("style", ["original", "shifted"])
def test_list_shrinks_of_both_gradio_styles(old: Any, new: Any, style: str) -> None:
    value = OutputValue(copy.deepcopy(old))
    value.apply(gradio_diff(old, new, style))
    assert value.value == new


# -- append/replace/add sequences against a naive applier -------------------------------------


def _paths(value: Any, path: Tuple[Any, ...] = ()) -> Iterator[Tuple[Any, ...]]:
    yield path
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, path + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))


def _get(value: Any, path: Tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def naive_apply(root: List[Any], op: str, path: List[Any], arg: Any) -> None:
    """One edit on ``root[0]``, the obvious way (a reference, not fast)."""
    parent: Any = root
    key: Any = 0
    for step in path:
        parent, key = parent[key], step
    if op == "replace":
        parent[key] = arg
    elif op == "append":
        parent[key] = parent[key] + arg
    elif isinstance(parent, list):  # add
        parent.insert(key, arg)
    else:
        parent[key] = arg


def edit_run(rnd: random.Random) -> Tuple[Any, List[List[List[Any]]], Any]:
    """A document, messages of valid append/replace/add edits (appends to
    several strings interleaved: the lazy-append path's hard case) and the
    document they lead to."""
    start = doc(rnd)
    state = [copy.deepcopy(start)]
    messages = []
    for _ in range(rnd.randint(1, 6)):
        edits = []
        for _ in range(rnd.randint(1, 6)):
            paths = list(_paths(state[0]))
            strings = [p for p in paths if isinstance(_get(state[0], p), str)]
            containers = [p for p in paths if isinstance(_get(state[0], p), (list, dict))]
            kind = rnd.choice(["append", "append", "append", "replace", "add"])
            if kind == "append" and strings:
                path, arg = list(rnd.choice(strings)), rnd.choice(["x", "", " y", "你"])
            elif kind == "add" and containers:
                where = rnd.choice(containers)
                target = _get(state[0], where)
                step = rnd.randint(0, len(target)) if isinstance(target, list) else rnd.choice(KEYS)
                path, arg = list(where) + [step], doc(rnd, 2)
            else:
                kind, path, arg = "replace", list(rnd.choice(paths)), doc(rnd, 2)
            naive_apply(state, kind, path, copy.deepcopy(arg))
            edits.append([kind, path, arg])
        messages.append(edits)
    return start, messages, state[0]


@fuzz(500)
@given(RANDOMS)
def test_append_replace_add_match_a_naive_applier(rnd: random.Random) -> None:
    start, messages, _ = edit_run(rnd)
    naive = [copy.deepcopy(start)]
    value = OutputValue(copy.deepcopy(start))
    for edits in messages:
        for op, path, arg in edits:
            naive_apply(naive, op, path, copy.deepcopy(arg))
        value.apply(copy.deepcopy(edits))
        assert json.dumps(value.value) == json.dumps(naive[0])


def garbage_edit(rnd: random.Random, value: Any) -> Any:
    """An edit that may or may not make sense for ``value``."""
    roll = rnd.random()
    if roll < 0.1:
        return doc(rnd)  # not even an edit
    paths = [list(p) for p in _paths(value)]
    path = rnd.choice(paths) if paths and rnd.random() < 0.7 else [rnd.choice([0, 1, -1, 5, "a", None, True, [0]])]
    if path and rnd.random() < 0.3:
        path = path[:-1] + [rnd.choice([0, -1, 7, "text", None])]
    op = rnd.choice(["append", "append", "replace", "add", "delete", "delete", "frob", None])
    arg = rnd.choice([doc(rnd, 3), "x", 1, None, [1], {"a": 1}])
    edit: List[Any] = [op, path, arg]
    if rnd.random() < 0.05:
        edit = edit[: rnd.randint(0, 2)]
    return edit


@fuzz(1000)
@given(RANDOMS)
def test_garbage_edits_only_raise_diff_error(rnd: random.Random) -> None:
    value = OutputValue(doc(rnd))
    for _ in range(rnd.randint(1, 5)):
        current = value.value
        edits: Any = [garbage_edit(rnd, current) for _ in range(rnd.randint(0, 6))]
        if rnd.random() < 0.05:
            edits = doc(rnd)
        try:
            value.apply(edits)
        except DiffError:
            pass
        json.dumps(value.value)  # still a plain JSON document


# -- the reply text -----------------------------------------------------------------------------


def chat_value(rnd: random.Random) -> Any:
    """A chatbot value in one of Gradio's shapes, sometimes a bit broken."""
    shape = rnd.choice(["tuples", "messages", "parts", "text", "doc"])
    if shape == "text":
        return rnd.choice(["", "Hi", "Hello"])
    if shape == "doc":
        return doc(rnd)
    turns: List[Any] = []
    for _ in range(rnd.randint(0, 3)):
        if shape == "tuples":
            turns.append([rnd.choice(["Hi", None]), rnd.choice(["Hel", "", None, doc(rnd, 3)])])
        else:
            for role in ("user", "assistant"):
                text = rnd.choice(["Hi", "He", "", "你好"])
                content = [{"type": "text", "text": text}] if shape == "parts" else text
                if rnd.random() < 0.1:
                    content = doc(rnd, 3)
                meta = rnd.choice([None, None, {"title": "thinking"}, doc(rnd, 3)])
                turns.append({"role": rnd.choice([role, role, role, "system", 1]), "content": content,
                              "metadata": meta})
    return turns


@fuzz(500)
@given(RANDOMS)
def test_reply_text_never_raises_and_deltas_add_up(rnd: random.Random) -> None:
    reply = ReplyText()
    value = chat_value(rnd)
    handed_out = []
    for _ in range(rnd.randint(1, 8)):
        method = rnd.choice(["full", "edits", "edits", "edits", "final"])
        if method == "edits":
            new = mutate(rnd, value) if rnd.random() < 0.8 else chat_value(rnd)
            if rnd.random() < 0.8:
                arg: Any = gradio_diff(value, new, rnd.choice(["original", "shifted"]))
            else:
                arg = [garbage_edit(rnd, value) for _ in range(rnd.randint(0, 3))]
            value = new
        else:
            value = arg = chat_value(rnd) if rnd.random() < 0.5 else mutate(rnd, value)
        reasoning, answer = getattr(reply, method)(wire(arg))
        assert isinstance(reasoning, str) and isinstance(answer, str)
        handed_out.append((reasoning, answer))
    assert reply.reasoning == "".join(r for r, _ in handed_out)
    assert reply.text == "".join(a for _, a in handed_out)


@fuzz(500)
@given(RANDOMS, st.sampled_from(["original", "shifted"]))
def test_reply_text_follows_gradio_diffs(rnd: random.Random, style: str) -> None:
    versions = [chat_value(rnd)]
    for _ in range(rnd.randint(1, 6)):
        versions.append(mutate(rnd, versions[-1]))
    reply = ReplyText()
    out = [reply.full(wire(versions[0]))]

    def joined() -> Tuple[str, str]:
        return "".join(r for r, _ in out), "".join(a for _, a in out)

    for old, new in zip(versions, versions[1:]):
        out.append(reply.edits(wire(gradio_diff(old, new, style))))
        if not reply.rewritten:  # the Space only extended the text: every delta is exact
            located = locate(new)
            assert located is not None
            assert joined() == (located.reasoning, located.text) == (reply.reasoning, reply.text)
            assert located.text == reply_text(new)
    out.append(reply.final(wire(versions[-1])))
    if not reply.rewritten:
        located = locate(versions[-1])
        assert located is not None and joined() == (located.reasoning, located.text)


# -- the SSE and message layer ------------------------------------------------------------------


class Pieces(io.RawIOBase):
    """A response body that arrives in the given pieces, one per read."""

    def __init__(self, pieces: List[bytes]) -> None:
        super().__init__()
        self.pieces = [p for p in pieces if p]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.pieces:
            return 0
        piece = self.pieces[0][: len(buffer)]
        self.pieces[0] = self.pieces[0][len(piece):]
        if not self.pieces[0]:
            self.pieces.pop(0)
        buffer[: len(piece)] = piece
        return len(piece)

    def read1(self, size: int = -1) -> bytes:
        return self.read(size if size and size > 0 else 1 << 30) or b""


class InMemorySpace(requests.adapters.BaseAdapter):
    """A requests transport adapter that plays a Space from memory: the join
    answers event id "e", the stream is the given pieces, anything else 404.
    Fast enough for hundreds of examples, and it drives the real Client,
    Stream and stream loop (whatever their internals)."""

    def __init__(self, pieces: List[bytes]) -> None:
        super().__init__()
        self.pieces = pieces

    def send(self, request: requests.PreparedRequest, *args: Any, **kw: Any) -> requests.Response:
        url = request.url or ""
        kind = "application/json"
        if url.endswith("/queue/join"):
            status, body = 200, [b'{"event_id":"e"}']
        elif "/queue/data" in url:
            status, body, kind = 200, self.pieces, "text/event-stream"
        elif url.endswith("/cancel"):
            status, body = 200, [b'{"success":true}']
        else:
            status, body = 404, [b'{"detail":"Not Found"}']
        response = requests.Response()
        response.status_code = status
        response.url = url
        response.request = request
        response.headers = requests.structures.CaseInsensitiveDict({"content-type": kind})
        response.raw = urllib3.HTTPResponse(
            body=Pieces(list(body)), headers={"content-type": kind}, status=status, preload_content=False,
        )
        return response

    def close(self) -> None:
        pass


def through_stream(chunks: List[bytes]) -> Optional[Tuple[List[str], Any]]:
    """Run bytes through the whole client reading path (SSE parsing, the
    queue reader, the stream loop) as the reply stream of a real Client.
    Returns (deltas, result), or None if a QwenSpacesError came out; any
    other exception fails the test."""
    client = Client(base_urls={MODEL: "http://127.0.0.1:9"}, max_retries=0)
    client._transport.session.mount("http://", InMemorySpace(chunks))
    deltas: List[str] = []
    try:
        with no_hang():
            with client.stream(MODEL, MSG) as stream:
                for delta in stream:
                    deltas.append(delta)
    except QwenSpacesError as exc:
        assert exc.partial_text == "".join(deltas)
        return None
    finally:
        client.close()
    return deltas, stream.result


def split(data: bytes, cuts: List[int]) -> List[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)])]


@fuzz(200)
@given(st.binary(max_size=800), st.lists(st.integers(0, 10_000), max_size=6))
def test_arbitrary_bytes_only_give_qwen_spaces_errors(data: bytes, cuts: List[int]) -> None:
    through_stream(split(data, cuts))


SSE_PIECES = [b"data: ", b"\n", b"\r\n", b"\n\n", b"\r", b": c\n", b"event: x\n", b"data:", b"{", b"}", b"[",
              b'"msg"', b":", b",", b'"process_completed"', b'"process_generating"', b'"event_id"', b'"e"',
              b'"output"', b'{"data":', b"null", b"\xf0\x9f", b"\xff", b"id: 1\n", b"retry: 5\n"]


@fuzz(300)
@given(RANDOMS)
def test_sse_shaped_noise_only_gives_qwen_spaces_errors(rnd: random.Random) -> None:
    pieces = [rnd.choice(SSE_PIECES) if rnd.random() < 0.9 else rnd.randbytes(rnd.randint(1, 6))
              for _ in range(rnd.randint(0, 60))]
    body = b"".join(pieces)
    through_stream(split(body, [rnd.randint(0, 10_000) for _ in range(rnd.randint(0, 6))]))


KINDS = ["estimation", "process_starts", "process_generating", "process_generating", "process_streaming",
         "process_completed", "progress", "log", "heartbeat", "close_stream", "unexpected_error",
         "server_stopped", "send_hash", "whatever", None, 7]


def message(rnd: random.Random, outputs: List[Any]) -> Any:
    """A queue message: mostly well-formed, with random fields and values."""
    if rnd.random() < 0.05:
        return doc(rnd)
    msg: Dict[str, Any] = {"msg": rnd.choice(KINDS), "event_id": rnd.choice(["e", "e", "e", "other", None, 1])}
    kind = msg["msg"]
    if kind in ("process_generating", "process_streaming", "process_completed") and rnd.random() < 0.9:
        if rnd.random() < 0.7:
            new = [mutate(rnd, v) for v in outputs]
            data: Any = [gradio_diff(a, b, "shifted") if kind != "process_completed" and rnd.random() < 0.7
                         else b for a, b in zip(outputs, new)]
            outputs[:] = new
        else:
            data = doc(rnd) if rnd.random() < 0.5 else [chat_value(rnd) for _ in range(rnd.randint(0, 3))]
        output: Any = {"data": data} if rnd.random() < 0.85 else rnd.choice([{}, {"error": doc(rnd, 3)}, doc(rnd)])
        msg["output"] = output
        msg["success"] = rnd.choice([True, True, True, False, None, "yes"])
    for field in ("title", "message", "rank", "queue_size", "rank_eta", "eta", "log", "progress_data"):
        if rnd.random() < 0.1:
            msg[field] = doc(rnd, 3)
    if rnd.random() < 0.05:
        del msg["msg"]
    return msg


@fuzz(300)
@given(RANDOMS)
def test_arbitrary_json_messages_only_give_qwen_spaces_errors(rnd: random.Random) -> None:
    outputs = ["", chat_value(rnd), "sys"]
    messages = [message(rnd, outputs) for _ in range(rnd.randint(0, 12))]
    ascii_only = rnd.random() < 0.5
    body = b"".join(b"data: " + json.dumps(m, ensure_ascii=ascii_only).encode() + b"\n\n" for m in messages)
    outcome = through_stream(split(body, [rnd.randint(0, 10_000) for _ in range(rnd.randint(0, 4))]))
    if outcome is not None:
        deltas, result = outcome
        assert result is not None
        # the deltas add up to the reply, unless the Space rewrote text it had
        # streamed (then the result holds the Space's final text)
        text = "".join(deltas)
        assert result.text == text or not result.text.startswith(text)


@fuzz(500)
@given(RANDOMS)
def test_read_job_alone_only_gives_qwen_spaces_errors(rnd: random.Random) -> None:
    outputs = ["", chat_value(rnd), "sys"]
    events = [("message", json.dumps(message(rnd, outputs))) for _ in range(rnd.randint(0, 12))]
    try:
        for kind, _ in queue.read_job(iter(events), "e", None):
            assert kind in ("full", "diff", "done", "cancelled", "status")
    except QwenSpacesError:
        pass


def test_a_deeply_nested_message_is_a_protocol_error() -> None:
    deep = b"data: " + b"[" * 100_000 + b"]" * 100_000 + b"\n\n"
    assert through_stream([deep]) is None


@fuzz(300)
@given(st.text(max_size=40))
def test_app_error_payloads_never_crash_or_warn(text: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for candidate in (text, repr(text), f"'{text}'", f'"{text}"', {"error": text, "title": text}):
            error = app_error(candidate, text)
            assert isinstance(error, QwenSpacesError) and isinstance(error.message, str)
        assert app_error(repr(text)).message == text  # Gradio 4 repr-quotes gr.Error text
    assert not caught, [str(w.message) for w in caught]
