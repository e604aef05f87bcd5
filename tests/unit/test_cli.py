"""The ``qwen-spaces`` command, run in-process (``main([...])``) and as
``python -m qwen_spaces``, against LocalSpace (real sockets on 127.0.0.1)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, List, Mapping, Optional

import pytest

from qwen_spaces import Status, __version__
from qwen_spaces.cli import describe_status, explain, main
from qwen_spaces.errors import (
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
from qwen_spaces.spaces import MODELS, get_model
from qwen_spaces.testing import LocalSpace

from .helpers import TTY, wait_for

ROOT = Path(__file__).resolve().parents[2]
SECRET = "hf_SECRETtokenNEVERprinted0123"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def chat(space: LocalSpace, *args: str) -> int:
    """``qwen-spaces chat`` against ``space`` (its model unless ``args`` pick one)."""
    return main(["chat", "-m", space.model, "--base-url", space.url, *args])


# -- chat ----------------------------------------------------------------------


def test_chat_streams_the_reply_and_keeps_stderr_quiet(local, capsys) -> None:
    space = local()
    assert chat(space, "hello there") == 0
    out, err = capsys.readouterr()
    assert out == "Echo: hello there\n"
    assert err == ""  # not a terminal: no status line, nothing else


def test_chat_flushes_every_delta(local, monkeypatch) -> None:
    space = local(tokens=["one", " two", " three"])
    events: List[str] = []

    class Recorder(io.StringIO):
        def write(self, text: str) -> int:
            events.append(f"write:{text}")
            return super().write(text)

        def flush(self) -> None:
            events.append("flush")

    monkeypatch.setattr(sys, "stdout", Recorder())
    assert chat(space, "hi") == 0
    assert events[:6] == ["write:one", "flush", "write: two", "flush", "write: three", "flush"]


def test_chat_passes_model_system_and_params(local, capsys) -> None:
    seen: List[Any] = []

    def reply(prompt: str, system: Optional[str], params: Mapping[str, Any]) -> str:
        seen.append((prompt, system, dict(params)))
        return "ok"

    space = local("qwen-2.5", reply=reply, gradio=4)
    rc = main(["chat", "-m", "qwen-2.5", "--base-url", space.url, "--system", "Be brief.",
               "-p", "model_size=7B", "hi"])
    assert rc == 0, capsys.readouterr().err
    assert capsys.readouterr().out == "ok\n"
    prompt, system, params = seen[0]
    assert (prompt, system, params["model_size"]) == ("hi", "Be brief.", "7B")


def test_chat_json_prints_one_object_and_no_stream(local, capsys) -> None:
    space = local()
    assert chat(space, "--json", "hello") == 0
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and err == ""
    result = json.loads(out)
    assert set(result) == {"text", "reasoning", "model", "space_url", "timings"}
    assert result["text"] == "Echo: hello"
    assert result["model"] == "qwen-qwen2-5-max"
    assert result["space_url"] == space.url
    assert set(result["timings"]) == {"queue_wait", "first_delta", "total"}
    assert all(isinstance(v, float) for v in result["timings"].values())


@pytest.mark.parametrize("argv_prompt", [[], ["-"]])
def test_chat_reads_the_prompt_from_stdin(local, capsys, monkeypatch, argv_prompt) -> None:
    space = local()
    monkeypatch.setattr(sys, "stdin", io.StringIO("from stdin\n"))
    assert chat(space, *argv_prompt) == 0
    assert capsys.readouterr().out == "Echo: from stdin\n"


def test_chat_prompt_argument_wins_over_piped_stdin(local, capsys, monkeypatch) -> None:
    space = local()
    monkeypatch.setattr(sys, "stdin", io.StringIO("ignored"))
    assert chat(space, "argument") == 0
    assert capsys.readouterr().out == "Echo: argument\n"


# -- exit status 2: usage and input ------------------------------------------------


@pytest.mark.parametrize(
    "argv, stdin, message",
    [
        (["chat", "-m", "nope", "hi"], None, "unknown model 'nope'"),
        (["chat", "--timeout", "0", "hi"], None, "--timeout"),
        (["chat", "-p", "size", "hi"], None, "NAME=VALUE"),
        (["chat", "--base-url", "ftp://x", "hi"], None, "must look like"),
        (["chat", "--base-url", "http://example.com", "hi"], None, "plain http"),
        (["chat", "--image", "/no/such.png", "hi"], None, "image file not found"),
        (["chat", "-m", "qwen-2-5-max", "--image", __file__, "hi"], None, "does not take images"),
        (["chat", "-m", "qwen-2.5", "-p", "model_size=9000B", "hi"], None, "model_size"),
        (["chat", "   "], None, "prompt is empty"),
        (["chat"], "", "stdin was empty"),
        (["chat", "--json"], "\n", "stdin was empty"),
        (["info"], None, "required"),
        ([], None, "required"),
        (["nonsense"], None, "invalid choice"),
    ],
)
def test_usage_errors_exit_2(capsys, monkeypatch, argv, stdin, message) -> None:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_json_without_any_prompt_on_a_terminal_is_a_usage_error(capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", TTY())
    assert main(["chat", "--json"]) == 2
    assert "--json needs a prompt" in capsys.readouterr().err


def test_help_and_version_exit_0(capsys) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out
    assert main(["chat", "--help"]) == 0
    assert "--base-url" in capsys.readouterr().out


# -- exit status 1: the Space failed -------------------------------------------------


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("qwen-spaces: error: ")
    return lines[0]


def test_app_error_exits_1_with_one_line_after_the_partial_reply(local, capsys) -> None:
    space = local(tokens=["partial", " reply", " never"], error="CUDA out of memory", error_after=2)
    assert chat(space, "hi") == 1
    out, err = capsys.readouterr()
    assert out == "partial reply\n"  # what arrived stays, on its own line
    line = _one_error_line(err)
    assert "CUDA out of memory" in line and "127.0.0.1" in line


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"join_status": [(401, {"detail": "Unauthorized"}, {})]}, ["refused access", "HF_TOKEN"]),
        ({"join_status": [(404, {"detail": "Not Found"}, {})]}, ["unavailable", "--base-url"]),
        ({"quota_error_after": 0}, ["GPU quota", "retry in 2 h 5 min"]),
        ({"cut_after": 3}, ["cut off", "retry"]),
    ],
)
def test_remote_errors_exit_1(local, capsys, kw, words) -> None:
    space = local(**kw)
    assert chat(space, "hello world again") == 1
    line = _one_error_line(capsys.readouterr().err)
    for word in words:
        assert word in line


def test_timeout_exits_1_and_names_the_option(local, capsys) -> None:
    space = local(tokens=["slow"], token_delay=3.0)
    assert chat(space, "--timeout", "0.5", "hi") == 1
    assert "--timeout" in _one_error_line(capsys.readouterr().err)


def test_traceback_only_with_debug_and_never_the_token(local, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HF_TOKEN", SECRET)
    space = local(join_status=[(401, {"detail": "Unauthorized"}, {})] * 2)
    assert chat(space, "hi") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert main(["chat", "--debug", "--base-url", space.url, "hi"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "AuthenticationError" in err
    assert SECRET not in err
    # the token did go to the Space (its host only); LocalSpace records it redacted
    assert all(SECRET not in repr(r.headers) for r in space.requests)


# -- exit status 130 and closed pipes: the job is cancelled on the Space ---------------------


class _Breaks(io.StringIO):
    """A stdout that fails on its second write with ``exc``."""

    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        if self.writes == 2:
            raise self.exc
        return super().write(text)


def test_ctrl_c_cancels_the_job_and_exits_130(local, capsys, monkeypatch) -> None:
    space = local(tokens=[f" t{i}" for i in range(50)], token_delay=0.05)
    monkeypatch.setattr(sys, "stdout", _Breaks(KeyboardInterrupt()))
    assert chat(space, "hi") == 130
    assert "interrupted" in capsys.readouterr().err
    assert wait_for(lambda: space.cancels == 1)
    assert wait_for(lambda: space.events[0].outcome in ("cancelled", "dropped"))


def test_a_closed_pipe_cancels_the_job_quietly(local, capsys, monkeypatch) -> None:
    space = local(tokens=[f" t{i}" for i in range(50)], token_delay=0.05)
    monkeypatch.setattr(sys, "stdout", _Breaks(BrokenPipeError()))
    assert chat(space, "hi") == 141
    assert capsys.readouterr().err == ""
    assert wait_for(lambda: space.cancels == 1)


# -- the status line ---------------------------------------------------------------


def test_status_line_while_queued_on_a_terminal(local, capsys, monkeypatch) -> None:
    space = local(queue_wait=1.2)
    monkeypatch.setattr(sys, "stderr", TTY())
    assert chat(space, "hi") == 0
    drawn = sys.stderr.getvalue()
    assert "\r\x1b[K\x1b[2mWaiting in the Space's queue: position" in drawn
    assert "\x1b[2m" in drawn  # dimmed
    assert drawn.endswith("\r\x1b[K")  # erased before the reply
    assert capsys.readouterr().out == "Echo: hi\n"


def test_no_color_keeps_the_status_line_plain(local, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    space = local(queue_wait=1.2)
    monkeypatch.setattr(sys, "stderr", TTY())
    assert chat(space, "hi") == 0
    drawn = sys.stderr.getvalue()
    assert "Waiting in the Space's queue" in drawn
    assert "\x1b[2m" not in drawn


@pytest.mark.parametrize(
    "status, text",
    [
        (Status("queued", rank=0, queue_size=3, eta=12.4), "Waiting in the Space's queue: position 1 of 3, about 12 s left"),
        (Status("queued"), "Waiting in the Space's queue"),
        (Status("retrying", eta=4.0, message="HTTP 503"), "Space is starting or unavailable, retrying in 4 s"),
        (Status("running"), "The Space is working on the reply…"),
        (Status("log", message="Loading\x1b[31m weights\n"), "Loading [31m weights"),
        (Status("progress", message=""), None),
        (Status("whatever"), None),
    ],
)
def test_describe_status(status, text) -> None:
    assert describe_status(status) == text


@pytest.mark.parametrize(
    "error, words",
    [
        (QueueFullError("Queue is full", url="https://x.hf.space/q"), ["queue of Space x.hf.space is full"]),
        (SpaceUnavailableError("HTTP 503", url="https://x.hf.space"), ["Space x.hf.space is unavailable", "retry in a minute", "--base-url"]),
        (RateLimitError("HTTP 429", retry_after=30.0), ["rate-limiting", "wait 30 s"]),
        (AuthenticationError("HTTP 401 (set HF_TOKEN)"), ["refused access", "HF_TOKEN"]),
        (QuotaExceededError("quota\nused"), ["GPU quota (quota used)"]),
        (SpaceAppError("boom"), ["reported an error: boom"]),
        (SpaceTimeoutError("silent"), ["took too long", "--timeout"]),
        (StreamInterruptedError("broke"), ["cut off"]),
        (ProtocolError("weird"), ["does not understand", "qwen-spaces info"]),
        (QwenSpacesError("other"), ["other"]),
    ],
)
def test_explain_names_cause_and_remedy_on_one_line(error, words) -> None:
    line = explain(error, "https://fallback.example")
    assert "\n" not in line
    for word in words:
        assert word in line
    if error.url is None:
        assert "fallback.example" in line


# -- interactive chat ------------------------------------------------------------------


def _interactive(local: Callable[..., LocalSpace], monkeypatch: pytest.MonkeyPatch, lines: str,
                 **kw: Any) -> "tuple[int, List[str], LocalSpace]":
    prompts: List[str] = []

    def reply(prompt: str, system: Optional[str], params: Mapping[str, Any]) -> str:
        prompts.append(prompt)
        return f"R{len(prompts)}"

    space = local(reply=reply, **kw)
    stdin = TTY(lines)
    monkeypatch.setattr(sys, "stdin", stdin)
    return chat(space), prompts, space


def _histories(space: LocalSpace) -> List[Any]:
    """The chatbot history each chat event received (the seed layout: input 1)."""
    return [event.data[1] for event in space.events if event.fn_index == space.spec.fn_index]


def test_interactive_chat_keeps_the_conversation(local, capsys, monkeypatch) -> None:
    rc, prompts, space = _interactive(local, monkeypatch, "first\nsecond\n\n/reset\n/what\nthird\n")
    assert rc == 0  # Ctrl-D (end of input)
    assert prompts == ["first", "second", "third"]  # the earlier turns go in the history input
    assert _histories(space) == [[], [["first", "R1"]], []]
    out, err = capsys.readouterr()
    assert "R1\n" in out and "R2\n" in out and "R3\n" in out
    assert "/reset" in err and "forgotten" in err and "unknown command /what" in err


def test_interactive_save_and_resume(local, capsys, monkeypatch, tmp_path) -> None:
    saved = tmp_path / "conv.json"
    rc, prompts, space = _interactive(local, monkeypatch, f"first\nsecond\n/save {saved}\n")
    assert rc == 0 and prompts == ["first", "second"]
    assert f"--resume {saved}" in capsys.readouterr().err
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert get_model(data["model"]) == get_model(space.model)
    assert data["messages"] == [
        {"role": "user", "content": "first"}, {"role": "assistant", "content": "R1"},
        {"role": "user", "content": "second"}, {"role": "assistant", "content": "R2"},
    ]
    monkeypatch.setattr(sys, "stdin", TTY("third\n"))
    assert main(["chat", "--base-url", space.url, "--resume", str(saved)]) == 0
    assert prompts == ["first", "second", "third"]
    assert _histories(space)[-1] == [["first", "R1"], ["second", "R2"]]
    assert "R3" in capsys.readouterr().out


def test_interactive_resume_errors(local, capsys, monkeypatch, tmp_path) -> None:
    space = local()
    monkeypatch.setattr(sys, "stdin", TTY(""))
    missing = tmp_path / "nope.json"
    assert main(["chat", "--base-url", space.url, "--resume", str(missing)]) == 2
    assert "cannot read a saved conversation" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"model": "qwen-2-5-max"}', encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", TTY("hi\n"))
    assert main(["chat", "--base-url", space.url, "--resume", str(bad)]) == 2
    assert "resume=" in capsys.readouterr().err
    assert space.joins == 0


def test_interactive_qwen3_keeps_the_conversation_on_the_space(local, capsys, monkeypatch) -> None:
    space = local("qwen3-demo")
    monkeypatch.setattr(sys, "stdin", TTY("one\ntwo\nthree\n"))
    assert main(["chat", "-m", "qwen3-8b", "--base-url", space.url, "--no-thinking"]) == 0
    requests = space.model_requests
    assert [len(r.messages) for r in requests] == [1, 3, 5]  # the Space's own history grows
    assert [r.messages[-1]["content"] for r in requests] == ["one", "two", "three"]
    assert len({r.session_hash for r in requests}) == 1  # one session: the conversation's
    assert not any(r.enable_thinking for r in requests)  # the toggle ran once, in that session
    assert "received 3 user messages" in capsys.readouterr().out


def test_interactive_exit_command(local, capsys, monkeypatch) -> None:
    rc, prompts, _ = _interactive(local, monkeypatch, "one\n/exit\nnever\n")
    assert (rc, prompts) == (0, ["one"])


def test_interactive_remote_error_keeps_the_session(local, capsys, monkeypatch) -> None:
    rc, prompts, space = _interactive(
        local, monkeypatch, "one\ntwo\n", join_status=[(401, {"detail": "no"}, {})]
    )
    assert rc == 0
    assert prompts == ["two"]  # the failed turn is not in the conversation
    assert "refused access" in capsys.readouterr().err


def test_interactive_ctrl_c_cancels_the_reply_then_quits_at_the_prompt(local, capsys, monkeypatch) -> None:
    space = local(tokens=[f" t{i}" for i in range(50)], token_delay=0.05)
    monkeypatch.setattr(sys, "stdin", TTY("hi\n"))
    inputs = iter(["hi"])

    def fake_input(prompt: str = "") -> str:
        try:
            return next(inputs)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setattr(sys, "stdout", _Breaks(KeyboardInterrupt()))
    assert chat(space) == 130
    assert "reply cancelled" in capsys.readouterr().err
    assert wait_for(lambda: space.cancels == 1)


# -- models, info, demo -----------------------------------------------------------------


def test_models_table(capsys) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["MODEL", "ALIASES", "SPACE", "CAPABILITIES"]
    for model in MODELS:
        row = next(line for line in out.splitlines() if line.startswith(model.name + " "))
        assert model.space.space_id in row
        for alias in model.aliases:
            assert alias in row
    assert "image input" in out and "model_size=72B|32B" in out
    assert "reasoning (thinking on by default)" in out and "thinking_budget=38" in out


def test_models_json(capsys) -> None:
    assert main(["models", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [m["model"] for m in listing] == [m.name for m in MODELS]
    assert listing[1]["params"]["model_size"]["default"] == "72B"
    qwen3 = next(m for m in listing if m["model"] == "qwen3-32b")
    assert qwen3["space"] == "Qwen/Qwen3-Demo" and qwen3["settings"] == {"model": "qwen3-32b"}


def test_info_reads_the_space_config(local, capsys) -> None:
    space = local("qwen-2.5", gradio=4)
    assert main(["info", "qwen-2.5", "--base-url", space.url]) == 0
    out = capsys.readouterr().out
    assert "4.44.1" in out and space.url in out
    assert "/model_chat" in out and "fn_index 3" in out and "built-in fn_index" not in out
    assert main(["info", "qwen-2.5", "--base-url", space.url, "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["gradio_version"] == "4.44.1" and facts["api_prefix"] == ""
    assert facts["chat_event"]["api_name"] == "model_chat" and facts["chat_event"]["fn_index"] == 3
    assert facts["built_in_fn_index"] == 3 and facts["reply"]["format"] == "tuples"
    roles = {item["role"] for item in facts["inputs"]}
    assert {"message", "history", "param"} <= roles and "model_size" in facts["keywords"]


def test_info_on_a_redeployed_space(local, capsys) -> None:
    space = local(fn_index=2)
    assert main(["info", "qwen-2-5-max", "--base-url", space.url]) == 0
    out = capsys.readouterr().out
    assert "/gradio_api" in out and "built-in fn_index 0; the client adapts" in out


def test_info_on_the_wrong_space_exits_1(local, capsys) -> None:
    space = local(api_name="something_else")
    assert main(["info", "qwen-2-5-max", "--base-url", space.url]) == 1
    assert "has no event /model_chat" in capsys.readouterr().err


def test_info_unreachable_exits_1(capsys) -> None:
    assert main(["info", "qvq-72b", "--base-url", "http://127.0.0.1:9"]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert "127.0.0.1:9 is unavailable" in line


def test_demo_streams_from_a_labelled_test_double(capsys) -> None:
    assert main(["demo", "--token-delay", "0", "--queue-wait", "0", "hi there"]) == 0
    out, err = capsys.readouterr()
    assert "TEST DOUBLE" in out and "not a model" in out
    assert "Echo: hi there" in out and "no model ran" in out
    assert err == ""


# -- as a program ------------------------------------------------------------------------


def run_module(*args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN", "NO_COLOR")}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    return subprocess.run(
        [sys.executable, "-m", "qwen_spaces", *args], input=stdin, capture_output=True,
        text=True, timeout=timeout, env=env, cwd=ROOT, check=False,
    )


def test_module_chat_with_piped_stdin(local) -> None:
    space = local()
    done = run_module("chat", "-m", space.model, "--base-url", space.url, stdin="piped prompt\n")
    assert (done.returncode, done.stdout, done.stderr) == (0, "Echo: piped prompt\n", "")


def test_module_exit_codes(local) -> None:
    space = local(error="boom")
    assert run_module("chat", "-m", space.model, "--base-url", space.url, "hi").returncode == 1
    assert run_module("chat", "-m", "nope", "hi").returncode == 2
    done = run_module("models")
    assert done.returncode == 0 and "qwen-qvq-72b-preview" in done.stdout


def test_module_demo() -> None:
    done = run_module("demo", "--token-delay", "0", "--queue-wait", "0")
    assert done.returncode == 0, done.stderr
    assert "Echo: hello" in done.stdout and done.stderr == ""


def test_module_sigint_cancels_and_exits_130(local) -> None:
    space = local(tokens=[f" t{i}" for i in range(200)], token_delay=0.05)
    env = {k: v for k, v in os.environ.items() if k != "HF_TOKEN"}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    with subprocess.Popen(
        [sys.executable, "-m", "qwen_spaces", "chat", "-m", space.model, "--base-url", space.url, "hi"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=ROOT,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.read(3)  # the reply is streaming
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert b"interrupted" in err and b"Traceback" not in err
    assert wait_for(lambda: space.cancels == 1)


def test_no_status_line_once_the_reply_streams() -> None:
    from qwen_spaces.cli import StatusLine

    line = StatusLine(TTY())
    line(Status("queued", rank=0, queue_size=1))
    line.stop()
    line(Status("log", message="a log line mid-reply"))
    assert "a log line" not in line.stream.getvalue()
    assert line.stream.getvalue().endswith("\r\x1b[K")
