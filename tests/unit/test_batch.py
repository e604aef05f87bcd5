"""``client.map`` and ``qwen-spaces batch`` against LocalSpace (real sockets): order, per-item
errors, executors (a custom Executor subclass, a process pool), progress with and without
tqdm, stopping early, and a batch killed mid-run then resumed."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
import types
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

import pytest

from qwen_spaces import ChatResult, Client, SpaceAppError
from qwen_spaces.batch import iter_chats
from qwen_spaces.cli import main
from qwen_spaces.testing import LocalSpace

from .helpers import QWEN3_REASONING, TTY, qwen3_answer, wait_for

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM_ERROR = "SpaceAppError: <400> InternalError.Algo.InvalidParameter: simulated upstream failure"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HF_TOKEN", raising=False)


@pytest.fixture
def client_for() -> Iterator[Callable[[LocalSpace], Client]]:
    clients: List[Client] = []

    def make(space: LocalSpace) -> Client:
        key = "Qwen/Qwen3-Demo" if space.model == "qwen3-demo" else space.model
        client = Client(base_urls={key: space.url}, hf_token="", timeout=20.0)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


# -- client.map -----------------------------------------------------------------------------


def test_map_keeps_input_order_whatever_finishes_first(local, client_for) -> None:
    finished: List[str] = []
    lock = threading.Lock()

    def reply(prompt: str, system: Optional[str], params: Mapping[str, Any]) -> str:
        n = int(prompt.split()[-1])
        time.sleep((6 - n) * 0.04)  # later items finish first
        with lock:
            finished.append(prompt)
        return f"answer {n}"

    client = client_for(local(reply=reply))
    inputs: List[Any] = [f"item {n}" for n in range(5)]
    inputs[2] = [{"role": "system", "content": "S"}, {"role": "user", "content": "item 2"}]
    results = client.map("qwen-2-5-max", inputs, max_workers=5)
    assert [r.text for r in results] == [f"answer {n}" for n in range(5)]
    assert all(isinstance(r, ChatResult) for r in results)
    assert finished != [f"item {n}" for n in range(5)]  # they did finish out of order


def test_map_returns_each_failure_in_its_place(local, client_for) -> None:
    client = client_for(local("qwen3-demo"))
    results = client.map("qwen3-32b", ["one", "two __error__", "three"], max_workers=3)
    assert [type(r).__name__ for r in results] == ["ChatResult", "SpaceAppError", "ChatResult"]
    assert results[0].text == qwen3_answer("qwen3-32b", "one")
    assert results[2].text == qwen3_answer("qwen3-32b", "three")
    assert results[0].reasoning == QWEN3_REASONING
    error = results[1]
    assert isinstance(error, SpaceAppError)
    assert error.partial_text == "Hello from qwen3-32b! "
    assert str(error) == "<400> InternalError.Algo.InvalidParameter: simulated upstream failure"


def test_map_passes_space_params_to_every_chat(local, client_for) -> None:
    space = local("qwen3-demo")
    results = client_for(space).map("qwen3-4b", ["a", "b"], thinking=False, system="Be brief.")
    assert [(r.text, r.reasoning) for r in results] == [(qwen3_answer("qwen3-4b", "a"), ""),
                                                        (qwen3_answer("qwen3-4b", "b"), "")]
    assert sorted((r.enable_thinking, r.sys_prompt) for r in space.model_requests) == [(False, "Be brief.")] * 2


@pytest.mark.parametrize("inputs, match", [
    ("just one string", "not one str"),
    (["fine", ""], r"inputs\[1\]"),
    (["fine", []], r"inputs\[1\]: messages is empty"),
    ([5], r"inputs\[0\]"),
    ([{"role": "user", "content": "a dict, not a list"}], r"inputs\[0\]"),
])
def test_map_checks_every_input_before_any_request(local, client_for, inputs: Any, match: str) -> None:
    space = local()
    with pytest.raises(ValueError, match=match):
        client_for(space).map("qwen-2-5-max", inputs)
    assert space.joins == 0


def test_map_of_nothing_and_bad_max_workers(local, client_for) -> None:
    client = client_for(local())
    assert client.map("qwen-2-5-max", []) == []
    with pytest.raises(ValueError, match="max_workers"):
        client.map("qwen-2-5-max", ["a"], max_workers=0)


def test_a_value_error_of_the_chat_itself_is_raised(local, client_for) -> None:
    client = client_for(local())
    with pytest.raises(ValueError, match="does not take"):
        client.map("qwen-2-5-max", ["a", "b"], no_such_param=1)


# -- executors --------------------------------------------------------------------------------


class PicklingExecutor(Executor):
    """Runs each task the way a Dask or Ray executor does: the function and its arguments
    cross a process boundary as pickles, and so does the result."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=4)
        self.submitted = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> "Future[Any]":
        self.submitted += 1
        payload = pickle.dumps((fn, args, kwargs))

        def run() -> bytes:
            fn2, args2, kwargs2 = pickle.loads(payload)  # noqa: S301 - our own bytes
            return pickle.dumps(fn2(*args2, **kwargs2))

        outer: "Future[Any]" = Future()

        def done(inner: "Future[bytes]") -> None:
            error = inner.exception()
            if error is not None:
                outer.set_exception(error)
            else:
                outer.set_result(pickle.loads(inner.result()))  # noqa: S301

        self.pool.submit(run).add_done_callback(done)
        return outer

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def test_a_custom_executor_runs_the_tasks(local, client_for) -> None:
    client = client_for(local("qwen3-demo"))
    executor = PicklingExecutor()
    try:
        results = client.map("qwen3-8b", ["x", "y __error__", "z"], executor=executor)
    finally:
        executor.shutdown()
    assert executor.submitted == 3
    assert results[0].text == qwen3_answer("qwen3-8b", "x")
    assert results[2].text == qwen3_answer("qwen3-8b", "z")
    assert isinstance(results[1], SpaceAppError) and results[1].partial_reasoning == "This is user "


def test_a_client_unpickled_in_its_own_process_is_itself(local, client_for) -> None:
    client = client_for(local())
    assert pickle.loads(pickle.dumps(client)) is client  # noqa: S301


def test_a_process_pool_rebuilds_the_client_in_each_worker(local, client_for) -> None:
    space = local(reply=lambda prompt, system, params: f"pid-free answer to {prompt}")
    client = client_for(space)
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = client.map("qwen-2-5-max", [f"p{n}" for n in range(4)], executor=pool)
    assert [r.text for r in results] == [f"pid-free answer to p{n}" for n in range(4)]
    assert {r.space_url for r in results} == {space.url}


# -- progress ---------------------------------------------------------------------------------


def test_no_progress_by_default(local, client_for, capsys) -> None:
    client_for(local()).map("qwen-2-5-max", ["a", "b"])
    assert capsys.readouterr().err == ""


def test_progress_without_tqdm_is_a_one_line_counter(local, client_for, capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # "import tqdm" fails
    client_for(local()).map("qwen-2-5-max", ["a", "b", "c"], progress=True)
    assert capsys.readouterr().err == "\r0/3 chats done\r1/3 chats done\r2/3 chats done\r3/3 chats done\n"


def test_progress_counter_shows_failures(local, client_for, capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    client_for(local("qwen3-demo")).map("qwen3-32b", ["a", "b __error__"], progress=True, max_workers=1)
    assert capsys.readouterr().err.endswith("\r2/2 chats done, 1 failed\n")


class FakeTqdm:
    made: List["FakeTqdm"] = []

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs, self.updates, self.postfix, self.closed = kwargs, 0, {}, False
        FakeTqdm.made.append(self)

    def update(self, n: int) -> None:
        self.updates += n

    def set_postfix(self, refresh: bool = True, **values: Any) -> None:
        self.postfix = values

    def close(self) -> None:
        self.closed = True


def test_progress_uses_tqdm_when_it_is_installed(local, client_for, capsys, monkeypatch) -> None:
    module = types.ModuleType("tqdm")
    module.tqdm = FakeTqdm  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm", module)
    FakeTqdm.made.clear()
    client_for(local("qwen3-demo")).map("qwen3-32b", ["a", "b __error__", "c"], progress=True)
    (bar,) = FakeTqdm.made
    assert bar.kwargs["total"] == 3 and bar.kwargs["file"] is sys.stderr
    assert (bar.updates, bar.postfix, bar.closed) == (3, {"failed": 1}, True)
    assert capsys.readouterr().err == ""  # tqdm drew it, not us


# -- stopping early ---------------------------------------------------------------------------


def test_stopping_a_run_cancels_the_running_jobs(local, client_for) -> None:
    def reply(prompt: str, system: Optional[str], params: Mapping[str, Any]) -> str:
        return "quick" if prompt == "fast" else " ".join(["slow"] * 300)

    space = local(reply=reply, token_delay=0.02)
    client = client_for(space)
    messages = [[{"role": "user", "content": p}] for p in ("fast", "long 1", "long 2")]
    run = iter_chats(client, "qwen-2-5-max", messages, max_workers=3)
    index, first = next(run)
    assert (index, first.text) == (0, "quick")
    run.close()
    assert wait_for(lambda: space.cancels == 2)
    assert space.wait_idle(5)


# -- qwen-spaces batch ------------------------------------------------------------------------


def write_lines(path: Path, records: List[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), "utf-8")
    return path


def read_out(path: Path) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def batch(space: LocalSpace, model: str, source: Path, target: Path, *extra: str) -> int:
    return main(["batch", str(source), "-o", str(target), "-m", model, "--base-url", space.url, *extra])


def test_batch_writes_one_line_per_item(local, tmp_path, capsys) -> None:
    space = local("qwen3-demo")
    source = write_lines(tmp_path / "in.jsonl", [
        {"id": 1, "prompt": "Hi"}, "", {"id": "b", "messages": [{"role": "user", "content": "Yo"}]},
        {"id": 3, "prompt": "boom __error__"}])
    target = tmp_path / "out.jsonl"
    assert batch(space, "qwen3-32b", source, target) == 1  # one item failed
    out = read_out(target)
    assert sorted(out, key=lambda r: str(r["id"])) == [
        {"id": 1, "text": qwen3_answer("qwen3-32b", "Hi"), "reasoning": QWEN3_REASONING, "error": None},
        {"id": 3, "text": "Hello from qwen3-32b! ", "reasoning": "This is user ", "error": UPSTREAM_ERROR},
        {"id": "b", "text": qwen3_answer("qwen3-32b", "Yo"), "reasoning": QWEN3_REASONING, "error": None},
    ]
    assert capsys.readouterr().err == f"qwen-spaces: batch: 3 written to {target} (1 failed: see their error field)\n"
    joins = space.joins
    assert batch(space, "qwen3-32b", source, target) == 0  # all there: nothing to do
    assert capsys.readouterr().err == f"qwen-spaces: batch: 0 written to {target}; 3 were there already\n"
    assert space.joins == joins and len(read_out(target)) == 3


def test_batch_takes_chats_options(local, tmp_path) -> None:
    space = local("qwen3-demo")
    source = write_lines(tmp_path / "in.jsonl", [{"id": 1, "prompt": "Hi"}])
    target = tmp_path / "out.jsonl"
    assert batch(space, "qwen3-4b", source, target, "--system", "Be brief.", "-p", "thinking=false",
                 "-p", "thinking_budget=2", "--timeout", "20", "--workers", "1") == 0
    assert read_out(target) == [{"id": 1, "text": qwen3_answer("qwen3-4b", "Hi"), "reasoning": "", "error": None}]
    (request,) = space.model_requests
    assert (request.model, request.enable_thinking, request.thinking_budget, request.sys_prompt) == (
        "qwen3-4b", False, 2 * 1024, "Be brief.")


def test_batch_resumes_and_drops_a_line_cut_short(local, tmp_path) -> None:
    space = local()
    source = write_lines(tmp_path / "in.jsonl", [{"id": n, "prompt": f"p{n}"} for n in range(4)])
    target = tmp_path / "out.jsonl"
    done = json.dumps({"id": 0, "text": "from an earlier run", "reasoning": "", "error": None})
    target.write_text(done + "\n" + '{"id": 1, "te', "utf-8")  # the run before was killed mid-line
    assert batch(space, "qwen-2-5-max", source, target) == 0
    out = read_out(target)
    assert out[0] == json.loads(done)
    assert sorted(r["id"] for r in out) == [0, 1, 2, 3]
    assert {r["id"]: r["text"] for r in out[1:]} == {1: "Echo: p1", 2: "Echo: p2", 3: "Echo: p3"}
    assert space.joins == 3


def test_batch_shows_progress_on_a_terminal(local, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    err = TTY()
    monkeypatch.setattr(sys, "stderr", err)
    space = local()
    source = write_lines(tmp_path / "in.jsonl", [{"id": n, "prompt": f"p{n}"} for n in range(2)])
    target = write_lines(tmp_path / "out.jsonl", [{"id": 0, "text": "x", "reasoning": "", "error": None}])
    assert batch(space, "qwen-2-5-max", source, target) == 0
    assert err.getvalue().startswith("\r1/2 chats done\r2/2 chats done\n")


@pytest.mark.parametrize("lines, message", [
    (["not json"], "line 1 is not JSON"),
    ([{"id": 1, "prompt": "a"}, [1, 2]], "line 2 is not a JSON object"),
    ([{"prompt": "a"}], "line 1: id must be"),
    ([{"id": 1.5, "prompt": "a"}], "line 1: id must be"),
    ([{"id": 1, "prompt": "a", "messages": []}], "line 1: give prompt or messages"),
    ([{"id": 1}], "line 1: give prompt or messages"),
    ([{"id": 1, "prompt": ["a"]}], "line 1: prompt must be a string"),
    ([{"id": 1, "prompt": "  "}], "line 1: the prompt is empty"),
    ([{"id": 1, "messages": [{"role": "bot", "content": "a"}]}], "line 1: messages[0] has role"),
    ([{"id": 1, "prompt": "a"}, {"id": 1, "prompt": "b"}], "line 2: id 1 appears twice"),
])
def test_batch_refuses_bad_input_before_any_request(local, tmp_path, capsys, lines, message) -> None:
    space = local()
    source = write_lines(tmp_path / "in.jsonl", lines)
    assert batch(space, "qwen-2-5-max", source, tmp_path / "out.jsonl") == 2
    assert message in capsys.readouterr().err
    assert space.joins == 0 and not (tmp_path / "out.jsonl").exists()


def test_batch_refuses_an_output_file_that_is_not_its_own(local, tmp_path, capsys) -> None:
    space = local()
    source = write_lines(tmp_path / "in.jsonl", [{"id": 1, "prompt": "a"}])
    target = tmp_path / "notes.txt"
    target.write_text("my precious notes\n", "utf-8")
    assert batch(space, "qwen-2-5-max", source, target) == 2
    assert "notes.txt line 1 is not a batch result" in capsys.readouterr().err
    assert target.read_text("utf-8") == "my precious notes\n"
    assert batch(space, "qwen-2-5-max", source, source) == 2
    assert "must not be the input file" in capsys.readouterr().err
    assert batch(space, "qwen-2-5-max", tmp_path / "missing.jsonl", tmp_path / "o.jsonl") == 2
    assert "cannot read" in capsys.readouterr().err


def run_batch_process(space: LocalSpace, source: Path, target: Path) -> "subprocess.Popen[str]":
    env = dict(os.environ, NO_PROXY="127.0.0.1,localhost", PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "qwen_spaces", "batch", str(source), "-o", str(target), "-m", "qwen-2-5-max",
         "--base-url", space.url, "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)


def lines_in(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_batch_stopped_mid_run_then_resumed_loses_and_repeats_nothing(local, tmp_path, how) -> None:
    space = local(token_delay=0.04)  # "Echo: item N of the batch": 6 tokens, about 0.25 s an item
    ids = [f"item-{n}" for n in range(24)]
    source = write_lines(tmp_path / "in.jsonl", [{"id": i, "prompt": f"{i} of the batch"} for i in ids])
    target = tmp_path / "out.jsonl"
    first = run_batch_process(space, source, target)
    try:
        assert wait_for(lambda: lines_in(target) >= 4, timeout=30), first.stderr.read() if first.stderr else ""
        first.send_signal(signal.SIGKILL if how == "SIGKILL" else signal.SIGINT)
        _, err = first.communicate(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    written = lines_in(target)
    assert 4 <= written < len(ids), "stopped mid-run"
    if how == "SIGINT":
        assert first.returncode == 130
        assert "batch stopped; run the same command again to continue" in err
        assert wait_for(lambda: space.cancels >= 1)  # the chats in flight were cancelled on the Space
    else:
        assert first.returncode == -signal.SIGKILL
    second = run_batch_process(space, source, target)
    _, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert err.endswith(f"batch: {len(ids) - written} written to {target}; {written} were there already\n")
    out = read_out(target)
    assert sorted(r["id"] for r in out) == sorted(ids)  # each exactly once
    assert all(r == {"id": r["id"], "text": f"Echo: {r['id']} of the batch", "reasoning": "", "error": None}
               for r in out)
