"""The ``qwen-spaces`` command: chat with a Qwen Space from a terminal or a pipe.

::

    qwen-spaces chat "Why is the sky blue?"        # stream one reply (reasoning dimmed on a terminal)
    echo "Summarise: ..." | qwen-spaces chat        # the prompt from stdin
    qwen-spaces chat                                # interactive chat (on a terminal)
    qwen-spaces chat --json "Hi"                    # one JSON object: text, reasoning, model, timings
    qwen-spaces chat -m someone/my-space "Hi"       # any Gradio chat Space, by Hub id or URL
    qwen-spaces models                              # the built-in models and their Spaces
    qwen-spaces info qwen3-32b                      # what the client makes of a Space
    qwen-spaces demo "hello"                        # offline, against a local test double
    qwen-spaces serve --port 8000                   # an OpenAI-compatible API (qwen_spaces.server)
    qwen-spaces batch in.jsonl -o out.jsonl         # many prompts, resumable (qwen_spaces.batch)

Exit status: 0 done, 1 the Space failed (a :class:`~qwen_spaces.QwenSpacesError`),
2 bad usage or input, 130 interrupted (Ctrl-C cancels the job on the Space),
141 the reader of stdout went away (a closed pipe).

Standard library only, like the rest of the package's runtime.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import shutil
import sys
import traceback
from typing import IO, Any, Callable, Dict, List, Mapping, Optional, Sequence, TextIO
from urllib.parse import urlsplit

from . import __version__
from .client import Client
from .conversation import Conversation
from .errors import (
    AllAttemptsFailedError,
    AuthenticationError,
    ProtocolError,
    QueueFullError,
    QuotaExceededError,
    QwenSpacesError,
    RateLimitError,
    SpaceAppError,
    SpaceBrokenError,
    SpaceNotFoundError,
    SpaceNotReadyError,
    SpacePausedError,
    SpaceTimeoutError,
    SpaceUnavailableError,
    StreamInterruptedError,
)
from .http import Timeout
from .protocol.contract import ChatContract
from .spaces import MODELS, SPACES, Space, get_model, is_space_id
from .stream import ChatResult, Delta, Status, Stream

__all__ = ["main", "build_parser"]

PROG = "qwen-spaces"
DEFAULT_MODEL = "qwen3-235b-a22b"
VISION_MODEL = next(space.name for space in SPACES if space.supports_vision)
DIM, RESET = "\x1b[2m", "\x1b[0m"

EXIT_OK = 0
EXIT_REMOTE = 1  # the Space (or the way to it) failed
EXIT_USAGE = 2  # argparse's own code for bad usage; also bad input
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a closed pipe
EXIT_INTERRUPTED = 130  # 128 + SIGINT

DEMO_NOTE = (
    "This reply comes from LocalSpace, the local test double in qwen_spaces.testing: "
    "no model ran. It still travelled the whole way a real reply does: queue join, "
    "event stream, streaming diffs, one delta at a time."
)


class UsageError(ValueError):
    """Bad command-line input (exit status 2)."""


# -- terminal helpers ------------------------------------------------------------


def _isatty(stream: Optional[IO[Any]]) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed or odd streams
        return False


def _colour_ok(stream: Optional[IO[Any]]) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    return _isatty(stream) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _printable(text: str) -> str:
    """One line without control characters: text from a Space must not drive the terminal."""
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()


def _host(url: Optional[str]) -> str:
    return (urlsplit(url).netloc if url else "") or "the Space"


def _redact(text: str) -> str:
    token = os.environ.get("HF_TOKEN")
    return text.replace(token, "***") if token and len(token) >= 4 else text


class _Output:
    """Streamed text on stdout, flushed per delta, remembering whether the
    cursor is at the start of a line (so the command can end tidily)."""

    def __init__(self, stream: TextIO, reasoning: bool = False) -> None:
        self.stream = stream
        self.at_line_start = True
        self.reasoning = reasoning  # show reasoning (dimmed on a terminal)
        self._dim = reasoning and _colour_ok(stream)
        self._in_reasoning = False

    def write(self, text: str) -> None:
        if text:
            self.stream.write(text)
            self.stream.flush()
            self.at_line_start = text.endswith("\n")

    def delta(self, delta: Delta) -> None:
        """One piece of a reply: reasoning (dimmed), then the answer apart."""
        thinking = delta.kind == "reasoning"
        if thinking != self._in_reasoning:
            self._in_reasoning = thinking
            if self._dim:
                self.stream.write(DIM if thinking else RESET)
            if not thinking:
                self.end_line()
                self.write("\n")  # a blank line between reasoning and answer
        self.write(delta.text)

    def end_line(self) -> None:
        if self._in_reasoning and self._dim:
            self.stream.write(RESET)
            self._in_reasoning = False
        if not self.at_line_start:
            self.write("\n")


class StatusLine:
    """A live, single-line status on stderr while the reply has not started.

    It only draws when stderr is a terminal, so logs and pipes stay clean.
    Used as the ``on_status`` callback of :meth:`Client.stream`.
    """

    def __init__(self, stream: Optional[TextIO] = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _isatty(self.stream)
        self.colour = _colour_ok(self.stream)
        self.shown = False

    def __call__(self, status: Status) -> None:
        text = describe_status(status)
        if text is None or not self.enabled:
            return
        width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
        text = text if len(text) <= width else text[: width - 1] + "…"
        if self.colour:
            text = f"\x1b[2m{text}\x1b[0m"
        self.stream.write(f"\r\x1b[K{text}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

    def stop(self) -> None:
        """Clear the line and draw no more (the reply has the terminal now)."""
        self.enabled = False
        self.clear()


def describe_status(status: Status) -> Optional[str]:
    """The status line for one :class:`Status`, or None to leave it as it is."""
    eta = f"{status.eta:.0f} s" if status.eta is not None else None
    if status.kind == "queued":
        where = ""
        if status.rank is not None:
            where = f": position {status.rank + 1}"
            if status.queue_size is not None:
                where += f" of {status.queue_size}"
        return f"Waiting in the Space's queue{where}" + (f", about {eta} left" if eta else "")
    if status.kind == "waking":
        return "Waking the Space up" + (f" ({_printable(status.message)})" if status.message else "") + "…"
    if status.kind == "starting" and status.message:
        return f"Waiting for the Space to start ({_printable(status.message)})…"
    if status.kind in ("retrying", "starting"):
        return "Space is starting or unavailable" + (f", retrying in {eta}" if eta else "")
    if status.kind == "running":
        return "The Space is working on the reply…"
    if status.kind in ("log", "progress") and status.message:
        return _printable(status.message) or None
    return None


# -- errors ------------------------------------------------------------------


def explain(exc: QwenSpacesError, fallback_url: Optional[str] = None) -> str:
    """One line naming the cause of ``exc`` and what to do about it."""
    host = _host(exc.url or fallback_url)
    detail = _printable(str(exc))
    if isinstance(exc, QueueFullError):
        return f"the queue of Space {host} is full ({detail}); retry in a few minutes or pass --base-url to your own copy"
    if isinstance(exc, SpacePausedError):
        return f"{detail}"
    if isinstance(exc, (SpaceBrokenError, SpaceNotFoundError)):
        return f"{detail}; pass another model or --base-url to a copy that runs"
    if isinstance(exc, SpaceNotReadyError):
        return f"{detail} (Space {host})"
    if isinstance(exc, AllAttemptsFailedError):
        return detail
    if isinstance(exc, SpaceUnavailableError):
        return f"Space {host} is unavailable ({detail}); retry in a minute or pass --base-url to your own copy"
    if isinstance(exc, RateLimitError):
        wait = f"wait {exc.retry_after:.0f} s" if exc.retry_after is not None else "wait a while"
        return f"Space {host} is rate-limiting requests ({detail}); {wait} and retry, or set HF_TOKEN"
    if isinstance(exc, AuthenticationError):
        return f"Space {host} refused access ({detail})"
    if isinstance(exc, QuotaExceededError):
        when = f"retry in {_duration(exc.retry_after)}" if exc.retry_after is not None else "retry later"
        return (f"Space {host} is out of GPU quota ({detail}); {when}, log in (HF_TOKEN or "
                "`hf auth login`) to use your own quota, or pass --base-url to your own copy")
    if isinstance(exc, SpaceAppError):
        return f"Space {host} reported an error: {detail}"
    if isinstance(exc, SpaceTimeoutError):
        return f"Space {host} took too long ({detail}); retry, or allow more with --timeout"
    if isinstance(exc, StreamInterruptedError):
        return f"the reply from Space {host} was cut off ({detail}); retry"
    if isinstance(exc, ProtocolError):
        return (f"Space {host} answered in a way qwen-spaces does not understand ({detail}); "
                f"see `{PROG} info MODEL` and upgrade qwen-spaces")
    return f"Space {host}: {detail}"


def _duration(seconds: float) -> str:
    """``589`` -> "9 min 49 s"; ``7200`` -> "2 h 0 min"."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def _error(message: str) -> None:
    sys.stderr.write(f"{PROG}: error: {_redact(message)}\n")
    sys.stderr.flush()


# -- building blocks shared by the commands ------------------------------------------------


def _seconds(allow_zero: bool) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not (value >= 0 if allow_zero else value > 0):
            raise argparse.ArgumentTypeError(f"must be {'>= 0' if allow_zero else 'more than 0'}, not {text}")
        return value

    return parse


def _model_name(text: str) -> str:
    """A built-in model name (made canonical), a Hub Space id or a URL."""
    model = get_model(text)
    if model is not None:
        return text if "/" in text else model.name
    if is_space_id(text) or text.startswith(("http://", "https://")):
        return text
    names = ", ".join(m.name for m in MODELS)
    raise argparse.ArgumentTypeError(
        f"unknown model {text!r}; accepted names: {names}; or a Hub Space id owner/name, or a URL"
    )


def _param(text: str) -> "tuple[str, Any]":
    """``NAME=VALUE``; a VALUE that reads as a JSON number, true/false or
    null is that value (``thinking_budget=4``), anything else is a string."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    try:
        parsed = json.loads(value)
    except ValueError:
        return name, value
    return name, parsed if isinstance(parsed, (int, float, bool)) or parsed is None else value


def _timeout(seconds: Optional[float]) -> Optional[Timeout]:
    """``--timeout S``: give up after S seconds in total (connect and read limits no larger)."""
    if seconds is None:
        return None
    base = Timeout()
    return Timeout(
        connect=min(base.connect or seconds, seconds), read=min(base.read or seconds, seconds), total=seconds
    )


def _client(args: argparse.Namespace, model: str) -> Client:
    if args.base_url and "://" in model:
        raise ValueError(f"-m {model} is already a URL: --base-url moves a model name or a Space id; drop one")
    base_urls = {model: args.base_url} if args.base_url else None
    client = Client(base_urls=base_urls, timeout=_timeout(args.timeout), wake_timeout=args.wake_timeout)
    args.space_url = client.space_url(model)  # for error messages
    return client


def stream_reply(
    client: Client,
    model: str,
    messages: List[Dict[str, str]],
    *,
    out: Optional[_Output],
    system: Optional[str] = None,
    image: Optional[str] = None,
    params: Optional[Mapping[str, Any]] = None,
    api_name: Optional[str] = None,
) -> ChatResult:
    """Stream one reply to ``out`` (or just collect it when ``out`` is None).

    The stream is closed whatever happens; closing an unfinished stream
    (Ctrl-C, a closed pipe) cancels the job on the Space.
    """
    space_params: Dict[str, Any] = dict(params or {})
    return show_stream(
        lambda status: client.stream(
            model, messages, system=system, image=image, on_status=status, reasoning=True,
            api_name=api_name, **space_params
        ),
        out,
    )


def show_stream(open_stream: Callable[[StatusLine], Stream], out: Optional[_Output]) -> ChatResult:
    """Stream the reply ``open_stream(status_line)`` opens (with reasoning) to ``out``."""
    status = StatusLine()
    try:
        with open_stream(status) as stream:
            for delta in stream:
                if out is not None and (out.reasoning or delta.kind == "text"):
                    status.stop()
                    out.delta(delta)
    except BrokenPipeError:
        raise
    except BaseException:
        status.clear()
        if out is not None:
            out.end_line()  # the partial reply stays; the error goes below it
        raise
    status.clear()
    if out is not None:
        out.end_line()
    assert stream.result is not None  # noqa: S101 - an exhausted stream has its result
    return stream.result


def result_json(result: ChatResult) -> str:
    """``--json`` output: text, reasoning, model, space_url and timings (seconds)."""
    facts = {**result._asdict(), "timings": result.timings._asdict()}
    return json.dumps(facts, ensure_ascii=False)


def _read_prompt(args: argparse.Namespace) -> Optional[str]:
    """The prompt from the argument or stdin; None means "interactive"."""
    if args.prompt == "-" or (args.prompt is None and not _isatty(sys.stdin)):
        text = sys.stdin.read() if sys.stdin is not None else ""
        if not text.strip():
            raise UsageError("no prompt: stdin was empty; give PROMPT or pipe some text in")
        return text.rstrip("\n")
    if args.prompt is not None:
        if not args.prompt.strip():
            raise UsageError("the prompt is empty")
        return str(args.prompt)
    if args.json:
        raise UsageError("--json needs a prompt (an argument, or text on stdin)")
    return None


# -- commands -------------------------------------------------------------------


def _show_reasoning(args: argparse.Namespace) -> bool:
    """--reasoning / --no-reasoning; by default shown on a terminal, hidden in a pipe."""
    return _isatty(sys.stdout) if args.reasoning is None else bool(args.reasoning)


def _chat_params(args: argparse.Namespace) -> Dict[str, Any]:
    params: Dict[str, Any] = dict(args.param or [])
    if args.thinking is not None:
        params["thinking"] = args.thinking
    return params


def cmd_chat(args: argparse.Namespace) -> int:
    model = args.model or (VISION_MODEL if args.image else DEFAULT_MODEL)
    params = _chat_params(args)
    prompt = _read_prompt(args)
    args.saved = None
    if args.resume:
        if prompt is not None:
            raise UsageError("--resume continues an interactive chat: give no PROMPT")
        args.saved = _load_conversation(args.resume)
        saved_model = args.saved.get("model")
        if not isinstance(saved_model, str) or (args.model and args.model != saved_model):
            raise UsageError(f"--resume {args.resume} is a conversation with {saved_model!r}; drop -m")
        model = saved_model
    with _client(args, model) as client:
        if prompt is None:
            return _interactive(client, model, args, params)
        messages = [{"role": "user", "content": prompt}]
        out = None if args.json else _Output(sys.stdout, _show_reasoning(args))
        result = stream_reply(
            client, model, messages, out=out, system=args.system, image=args.image, params=params,
            api_name=args.api_name,
        )
    if args.json:
        print(result_json(result), flush=True)
    return EXIT_OK


INTERACTIVE_HELP = ("Commands: /reset forgets the conversation, /save FILE saves it (continue with "
                    "--resume FILE), /exit (or Ctrl-D) quits, /help shows this.")


def _load_conversation(path: str) -> Dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as saved:
            data = json.load(saved)
    except (OSError, ValueError) as exc:
        raise UsageError(f"--resume {path}: cannot read a saved conversation ({exc})") from None
    if not isinstance(data, dict):
        raise UsageError(f"--resume {path}: not a saved conversation")
    return data


def _save_conversation(conversation: Conversation, path: str) -> str:
    try:
        tmp = f"{path}.tmp"
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(conversation.to_dict(), out, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except OSError as exc:
        return f"(could not save to {path}: {exc.strerror or exc})"
    return f"(saved to {path}; continue with --resume {path})"


def _turn(conversation: Conversation, text: str, image: Optional[str], status: StatusLine) -> Stream:
    return conversation.stream(text, image=image, reasoning=True, on_status=status)


def _interactive(client: Client, model: str, args: argparse.Namespace, params: Dict[str, Any]) -> int:
    """A chat on a terminal: a :class:`Conversation` (history the Space's own
    way).  Ctrl-C during a reply cancels that reply only (the turn is not
    kept); Ctrl-C at the prompt quits (status 130)."""
    try:
        import readline  # noqa: F401 - line editing and history for input()
    except ImportError:  # pragma: no cover - not on every platform
        pass
    err = sys.stderr
    if args.saved is not None:
        conversation = client.conversation(resume=args.saved)
    else:
        conversation = client.conversation(model, system=args.system, api_name=args.api_name, **params)
    err.write(f"Chatting with {model} at {client.space_url(model)}.\n{INTERACTIVE_HELP}\n")
    image = args.image  # sent with the first turn
    while True:
        try:
            line = input("> ")
        except EOFError:
            print()
            return EXIT_OK
        text = line.strip()
        if not text:
            continue
        if text in ("/exit", "/quit"):
            return EXIT_OK
        if text.startswith("/"):
            command, _, argument = text.partition(" ")
            if command == "/reset":
                conversation = conversation.reset()
                image = args.image
                err.write("(conversation forgotten)\n")
            elif command == "/save" and argument.strip():
                err.write(_save_conversation(conversation, argument.strip()) + "\n")
            else:
                err.write(("" if text == "/help" else f"unknown command {text}. ") + INTERACTIVE_HELP + "\n")
            continue
        out = _Output(sys.stdout, _show_reasoning(args))
        try:
            show_stream(functools.partial(_turn, conversation, line, image), out)
        except KeyboardInterrupt:
            out.end_line()
            err.write("(reply cancelled)\n")
            continue
        except QwenSpacesError as exc:
            out.end_line()
            _error(explain(exc, client.space_url(model)))
            continue
        image = None


_HISTORY_CAPS = {"input": "history", "session": "history (kept by the Space)", "none": "history flattened"}


def _capabilities(space: Space) -> str:
    caps = ["stream"] if space.supports_stream else []
    if space.supports_system_message:
        caps.append("system prompt")
    if space.supports_vision:
        caps.append("image input")
    if space.thinking is not None:
        caps.append(f"reasoning (thinking {'on' if space.thinking else 'off'} by default)")
    caps.append(_HISTORY_CAPS[space.contract().history_mode])
    caps += [f"{name}={'|'.join(map(str, p.choices)) if p.choices else p.default}"
             for name, p in space.params.items() if name != "model"]
    return ", ".join(caps)


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows
    )


def cmd_models(args: argparse.Namespace) -> int:
    if args.json:
        listing = [
            {"model": m.name, "aliases": list(m.aliases), "space": m.space.space_id, "space_url": m.space.url,
             "protocol": m.space.protocol, "settings": dict(m.settings),
             "supports_stream": m.space.supports_stream,
             "supports_system_message": m.space.supports_system_message,
             "history": m.space.contract().history_mode,
             "supports_vision": m.space.supports_vision, "thinking_default": m.space.thinking,
             "params": {k: {"default": p.default, "choices": list(p.choices)} for k, p in m.space.params.items()}}
            for m in MODELS
        ]
        print(json.dumps(listing, indent=2))
        return EXIT_OK
    rows = [("MODEL", "ALIASES", "SPACE", "CAPABILITIES")]
    rows += [(m.name, ", ".join(m.aliases), m.space.space_id, _capabilities(m.space)) for m in MODELS]
    print(_table(rows))
    print(f"\nDefault: {DEFAULT_MODEL} (with --image: {VISION_MODEL}). Any other Gradio chat Space: "
          "-m owner/name or -m URL. Space parameters go in as --param NAME=VALUE (see `info`).")
    return EXIT_OK


def _describe(contract: ChatContract) -> Dict[str, Any]:
    """What the engine makes of a Space, as plain data."""
    step = contract.reply_step
    inputs = []
    for cid in step.inputs if len(contract.steps) == 1 else sorted(contract.slots):
        slot = contract.slots[cid]
        inputs.append({"component": cid, "role": slot.role, "type": slot.type, "name": slot.name,
                       "label": slot.label, "value": slot.default,
                       **({"choices": list(slot.choices)} if slot.choices else {}),
                       **({"format": slot.format} if slot.format else {})})
    return {
        "chat_event": {"api_name": contract.api_name, "fn_index": contract.steps[0].fn_index,
                       "chain": [{"fn_index": s.fn_index, "api_name": s.api_name, "queued": s.queued}
                                 for s in contract.steps]},
        "inputs": inputs,
        "reply": {"component": contract.reply_component, "output": contract.reply_output,
                  "format": contract.reply_format},
        "keywords": sorted(set(contract.params()) | set(contract.form_fields())),
        "events": dict(contract.events),
    }


def _info_rows(facts: Dict[str, Any]) -> List[Sequence[str]]:
    chat = facts["chat_event"]
    chain = " -> ".join(f"{s['fn_index']}" + (f" /{s['api_name']}" if s["api_name"] else "")
                        + ("" if s["queued"] else " (not queued)") for s in chat["chain"])
    rows: List[Sequence[str]] = [
        ("Model", facts["model"]),
        ("Space", facts["space_url"]),
        ("Gradio", facts["gradio_version"] or "?"),
        ("Protocol", f"{facts['protocol']}, API prefix {facts['api_prefix'] or '(none)'}"),
        ("Chat event", f"/{chat['api_name']}" if chat["api_name"] else "(unnamed)"),
        ("Runs", f"fn_index {chain}"),
        ("Reply", f"component {facts['reply']['component']} (output {facts['reply']['output']}), "
                  f"format {facts['reply']['format']}"),
    ]
    if facts.get("built_in_fn_index") is not None and facts["built_in_fn_index"] != chat["chain"][-1]["fn_index"]:
        rows.append(("Note", f"built-in fn_index {facts['built_in_fn_index']}; the client adapts"))
    rows.append(("Keywords", ", ".join(facts["keywords"]) or "(none)"))
    for item in facts["inputs"]:
        what = item["role"] + (f" {item['name']}=" if item["role"] == "param" else " ")
        value = json.dumps(item["value"], ensure_ascii=False)
        rows.append((f"  input {item['component']}", f"{what}{item['type']} {value[:70]}".rstrip()))
    return rows


def cmd_info(args: argparse.Namespace) -> int:
    model = args.model
    with _client(args, model) as client:
        root = client.space_url(model)
        config = client.space_config(model)
        built_in = get_model(model)
        api_name = args.api_name or (built_in.space.api_name if built_in else None)
        try:
            from .protocol.discovery import find_chat

            contract = find_chat(config, api_name)
        except ProtocolError as exc:
            _error(f"{_host(root)}: {exc.message}")
            return EXIT_REMOTE
    facts: Dict[str, Any] = {
        "model": model,
        "space_url": root,
        "gradio_version": config.version,
        "protocol": config.protocol,
        "api_prefix": config.api_prefix,
        **_describe(contract),
        "built_in_fn_index": built_in.space.fn_index if built_in else None,
    }
    if args.json:
        print(json.dumps(facts, indent=2, ensure_ascii=False))
    else:
        print(_table(_info_rows(facts)))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from .testing import LocalSpace

    model = args.model or DEFAULT_MODEL
    prompt = args.prompt or "hello"

    def reply(text: str, system: Optional[str], params: Mapping[str, Any]) -> str:
        return f"Echo: {text}\n\n{DEMO_NOTE}"

    space = LocalSpace(model, reply=reply, token_delay=args.token_delay, queue_wait=args.queue_wait)
    with space:
        print(f"[demo] LocalSpace at {space.url}: a local TEST DOUBLE of the {model} Space "
              f"(Gradio {space.version} protocol), not a model.")
        print(f"[demo] you: {prompt}", flush=True)
        # hf_token="": the user's token has no business going to a local test server.
        with Client(base_urls={model: space.url}, hf_token="") as client:
            args.space_url = space.url
            result = stream_reply(client, model, [{"role": "user", "content": prompt}], out=_Output(sys.stdout))
    first = f"{result.timings.first_delta:.2f} s" if result.timings.first_delta is not None else "-"
    print(f"[demo] streamed in {result.timings.total:.2f} s (first text after {first}). "
          f"For a real model: {PROG} chat \"{prompt}\"")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .server import create_app, serve, served_models

    base_urls = dict(args.base_url or [])
    api_key = args.api_key or os.environ.get("QWEN_SPACES_API_KEY") or None

    def ready(url: str) -> None:
        access = logging.getLogger("qwen_spaces.server")
        if not args.debug and not access.handlers:  # the access log, on stderr
            access.setLevel(logging.INFO)
            access.addHandler(logging.StreamHandler(sys.stderr))
        print(f"{PROG}: serving an OpenAI-compatible API at {url} "
              f"({'an API key is required' if api_key else 'no API key'}); Ctrl-C stops it", flush=True)
        if api_key is None and args.host not in ("127.0.0.1", "localhost", "::1"):
            _error(f"warning: anyone who can reach {args.host} can use this server; set --api-key")

    with Client(base_urls=base_urls, timeout=_timeout(args.timeout)) as client:
        app = create_app(client, api_key=api_key, models=served_models(base_urls),
                         max_body_bytes=args.max_body_bytes)
        try:
            serve(app, args.host, args.port, ready=ready)
        except OSError as exc:
            _error(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
            return EXIT_REMOTE
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import run_file

    model = args.model or DEFAULT_MODEL
    with _client(args, model) as client:
        try:
            written, failed, skipped = run_file(
                client, model, args.input, args.output, system=args.system, params=dict(args.param or []),
                max_workers=args.workers, progress=_isatty(sys.stderr),
            )
        except KeyboardInterrupt:
            sys.stderr.write(f"{PROG}: batch stopped; run the same command again to continue\n")
            raise
    sys.stderr.write(f"{PROG}: batch: {written} written to {args.output}"
                     + (f" ({failed} failed: see their error field)" if failed else "")
                     + (f"; {skipped} were there already" if skipped else "") + "\n")
    return EXIT_REMOTE if failed else EXIT_OK


def _name_url(text: str) -> "tuple[str, str]":
    name, sep, url = text.partition("=")
    if not sep or not name or not url:
        raise argparse.ArgumentTypeError(f"expected NAME=URL, not {text!r}")
    return name, url


def _count(low: int, high: Optional[int] = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {low}..{high}" if high is not None else f"must be >= {low}")
        return value

    return parse


def _add_serve_and_batch(sub: Any, debug: argparse.ArgumentParser) -> None:
    serve = sub.add_parser("serve", parents=[debug], help="serve an OpenAI-compatible API",
                           description="Serve GET /v1/models and POST /v1/chat/completions (JSON and "
                                       "streaming) for any OpenAI client, in front of the Spaces.")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_count(0, 65535), default=8000, help="the port (default 8000; 0: a free one)")
    serve.add_argument("--base-url", metavar="NAME=URL", type=_name_url, action="append",
                       help="use this copy of model (or Space id) NAME's Space; repeatable")
    serve.add_argument("--api-key", metavar="KEY",
                       help="require Authorization: Bearer KEY (default: $QWEN_SPACES_API_KEY, else none)")
    serve.add_argument("--max-body-bytes", metavar="N", type=_count(1), default=4 * 1024 * 1024,
                       help="the largest request body accepted (default 4 MiB)")
    serve.add_argument("--timeout", metavar="S", type=_seconds(allow_zero=False),
                       help="give up on a reply after S seconds in total (default 600)")
    serve.set_defaults(func=cmd_serve)

    batch = sub.add_parser("batch", parents=[debug], help="chat about every line of a JSONL file",
                           description="Read IN (JSONL: one object per line with id and prompt or "
                                       "messages) and append one line per item to OUT (id, text, reasoning, "
                                       "error), flushed as each finishes. Items whose id OUT already holds "
                                       "are skipped: rerun the same command to continue after Ctrl-C or a crash. "
                                       "Exit status 1 if an item failed (its error field says why).")
    batch.add_argument("input", metavar="IN", help="the input JSONL file, or - for stdin")
    batch.add_argument("-o", "--output", metavar="OUT", required=True, help="the output JSONL file")
    batch.add_argument("-m", "--model", type=_model_name,
                       help=f"a model name or alias, a Hub Space id owner/name, or a Space URL (default {DEFAULT_MODEL})")
    batch.add_argument("--system", metavar="TEXT", help="system prompt for every item")
    batch.add_argument("-p", "--param", metavar="NAME=VALUE", type=_param, action="append",
                       help="a Space parameter for every item, e.g. thinking_budget=4 (see `info`)")
    batch.add_argument("--workers", metavar="N", type=_count(1), default=8,
                       help="chats at once (default 8)")
    _add_connection_options(batch)
    batch.set_defaults(func=cmd_batch)


# -- parser and entry point ------------------------------------------------------------


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", metavar="URL",
                        help="use this copy of the model's Space (a duplicate, a local server)")
    parser.add_argument("--timeout", metavar="S", type=_seconds(allow_zero=False),
                        help="give up after S seconds in total (default 600)")
    parser.add_argument("--wake-timeout", metavar="S", type=_seconds(allow_zero=True), default=300.0,
                        help="wait at most S seconds for a sleeping or starting Space (default 300)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Chat with Qwen models hosted on Hugging Face Spaces.",
        epilog="Exit status: 0 ok, 1 the Space failed, 2 bad usage or input, 130 interrupted. "
               "HF_TOKEN (environment) is sent to the Space's host for private or duplicated Spaces.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="log the protocol and show tracebacks")
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="log the protocol and show tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    chat = sub.add_parser("chat", parents=[debug], help="stream a reply (or chat interactively)",
                          description="Stream a reply to PROMPT. With '-' or a pipe on stdin the "
                                      "prompt is read from stdin; with neither, on a terminal, "
                                      "start an interactive chat.")
    chat.add_argument("prompt", nargs="?", metavar="PROMPT", help="the prompt, or - for stdin")
    chat.add_argument("-m", "--model", type=_model_name,
                      help=f"a model name or alias, a Hub Space id owner/name, or a Space URL "
                           f"(default {DEFAULT_MODEL}; with --image {VISION_MODEL})")
    chat.add_argument("--system", metavar="TEXT", help="system prompt")
    chat.add_argument("--image", metavar="PATH", help="an image file, for vision models")
    chat.add_argument("-p", "--param", metavar="NAME=VALUE", type=_param, action="append",
                      help="a Space parameter, e.g. model_size=7B or thinking_budget=4 (see `info`)")
    chat.add_argument("--api-name", metavar="NAME", help="the Space's chat event, e.g. /chat (see `info`)")
    chat.add_argument("--resume", metavar="FILE",
                      help="continue a conversation saved with /save FILE (interactive chat)")
    chat.add_argument("--reasoning", action=argparse.BooleanOptionalAction, default=None,
                      help="show the model's reasoning (dimmed); default: on a terminal yes, in a pipe no")
    chat.add_argument("--thinking", action=argparse.BooleanOptionalAction, default=None,
                      help="switch the model's thinking on or off (Spaces with a thinking toggle)")
    chat.add_argument("--json", action="store_true",
                      help="print one JSON object at the end (text, reasoning, model, space_url, timings)")
    _add_connection_options(chat)
    chat.set_defaults(func=cmd_chat)

    models = sub.add_parser("models", parents=[debug], help="list the models and their Spaces")
    models.add_argument("--json", action="store_true", help="as JSON")
    models.set_defaults(func=cmd_models)

    info = sub.add_parser("info", parents=[debug], help="what the client makes of a Space",
                          description="Read the Space's /config and show its chat event, the "
                                      "inputs and their values, the reply's format.")
    info.add_argument("model", metavar="MODEL", type=_model_name,
                      help="a model name or alias, a Hub Space id owner/name, or a Space URL")
    info.add_argument("--api-name", metavar="NAME", help="the chat event to describe, e.g. /chat")
    info.add_argument("--json", action="store_true", help="as JSON")
    _add_connection_options(info)
    info.set_defaults(func=cmd_info)

    demo = sub.add_parser("demo", parents=[debug], help="stream a reply offline from a local test double",
                          description="Start qwen_spaces.testing.LocalSpace (a local test double of a "
                                      "Space, not a model) and stream a reply from it through the "
                                      "real client.")
    demo.add_argument("prompt", nargs="?", metavar="PROMPT", help='what to send (default "hello")')
    demo.add_argument("-m", "--model", type=_model_name, help="which Space's layout to mimic")
    demo.add_argument("--token-delay", metavar="S", type=_seconds(allow_zero=True), default=0.04,
                      help="seconds between streamed tokens (default 0.04)")
    demo.add_argument("--queue-wait", metavar="S", type=_seconds(allow_zero=True), default=1.0,
                      help="seconds the job waits in the queue first (default 1)")
    demo.set_defaults(func=cmd_demo)
    _add_serve_and_batch(sub, debug)
    return parser


def _setup_logging(debug: bool) -> None:
    if debug:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; return the exit status (the console script exits with it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: argparse already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    _setup_logging(args.debug)
    return _run(args.func, args)


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return func(args)
    except KeyboardInterrupt:
        # on a terminal, "^C" was echoed where the cursor was: start a new line
        sys.stderr.write(("\n" if _isatty(sys.stderr) else "") + f"{PROG}: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader left (`| head`); the stream was closed, which cancelled the job.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except QwenSpacesError as exc:
        if args.debug:
            traceback.print_exc()
        _error(explain(exc, getattr(args, "space_url", None)))
        return EXIT_REMOTE
    except ValueError as exc:
        if args.debug:
            traceback.print_exc()
        _error(_printable(str(exc)))
        return EXIT_USAGE


def _silence_stdout() -> None:
    """After EPIPE, point stdout at devnull so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
