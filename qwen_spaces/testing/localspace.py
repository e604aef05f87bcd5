"""``LocalSpace``: the public face of the test double (start, stop, what it saw)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from types import TracebackType

from .faults import QUOTA_MESSAGE, ScriptedResponse, check_script
from .jobs import ReplyFn, Settings, echo_reply
from .layouts import SpaceLayout, get_layout
from .qwen3_vl import Qwen3VLDemo, Qwen3VLLayout, uploads_reader
from .records import EventRecord, RecordedRequest
from .server import App
from .transport import TICK, Server
from .upstream import ModelRequest
from .wire import VERSIONS

log = logging.getLogger("qwen_spaces.testing")


_DEFAULT = "qwen-2-5-max"
_QWEN3_VERSION = "5.27.0"  # the Gradio version Qwen/Qwen3-Demo (and Qwen3-VL-Demo) runs
_QWEN3_APPS = ("qwen3-demo", "qwen3-vl-demo")  # fixed modelscope_studio apps


def _layout(model: str, space: str | None) -> SpaceLayout:
    if space is None:
        return get_layout(model)
    if model != _DEFAULT:
        raise ValueError(f"give the Space as model= or space=, not both ({model!r}, {space!r})")
    return get_layout(space)


def _check_qwen3(base: SpaceLayout, gradio: str | int | None, *overrides: object) -> None:
    """Qwen3-Demo and Qwen3-VL-Demo are fixed apps: Gradio 5 style, their own ids."""
    if base.app not in _QWEN3_APPS:
        return
    if gradio is not None and str(gradio) != "5":
        raise ValueError(f"{base.name} is served Gradio 5 style only, not gradio={gradio!r}")
    if any(o is not None for o in overrides):
        raise ValueError(f"{base.name} keeps its own fn_index, trigger_id and api_name")


def _major(gradio: str | int | None, spec: SpaceLayout) -> int:
    if gradio is None:
        return 5 if spec.api_prefix == "/gradio_api" else 4
    if str(gradio) not in VERSIONS:
        raise ValueError(f"gradio must be '4', '5' or '6', not {gradio!r}")
    return int(str(gradio))


class LocalSpace:
    """A local Gradio-protocol server that mimics one Qwen Space (test double, not a model).

    Args:
        model: the name of an imitated Space (see
            :data:`~qwen_spaces.testing.layouts.LAYOUTS`); LocalSpace copies that
            Space's layout (fn_index, trigger id, api_name, inputs, reply output).
            ``"qwen3-demo"`` (or ``"Qwen/Qwen3-Demo"``) serves a fake of the
            Qwen3-Demo Space: its captured /config, ``add_message`` streaming
            thinking and answer from a deterministic fake model, ``toggle_thinking``
            and the conversation kept per session hash (see
            :mod:`qwen_spaces.testing.qwen3`); the Space's models
            (``"qwen3-235b-a22b"``...) name it too.  There ``reply``/``tokens``
            replace the fake model's answer (not its reasoning; ``reply`` gets the
            user message, the form's sys_prompt and ``params`` ``model``,
            ``thinking_budget``, ``enable_thinking``); ``cleandoc`` and
            ``system_state`` do not apply; ``token_delay`` and the fault hooks do.
            ``"qwen3-vl-demo"`` (or ``"qwen3-vl"``, ``"Qwen/Qwen3-VL-Demo"``) serves
            its sibling Qwen3-VL-Demo the same way (see :mod:`qwen_spaces.testing.qwen3_vl`):
            a multimodal ``add_message`` (files uploaded first), thinking off until
            toggled; ``reply`` gets the message text, the Space's system prompt and
            ``params`` ``model``, ``enable_thinking``, ``images`` (how many the
            conversation holds).
        space: the same as ``model`` (give one of them).
        reply: the reply text, or ``reply(prompt, system, params) -> str``
            called once per event (``system`` is the system prompt that reached
            the Space or None; ``params`` holds the other inputs, e.g.
            ``model_size`` or ``image``).  Default :func:`echo_reply`.
            It is split into tokens at word starts (``"a b"`` -> ``"a"``, ``" b"``).
        tokens: explicit tokens (one generator yield each); overrides ``reply``.
        token_delay: seconds before each yield.
        gradio: ``"4"``, ``"5"`` or ``"6"`` wire style (path prefix, chatbot
            format, message fields, error quoting).  Default: 5 if the Space
            uses ``/gradio_api``, else 4.
        error: make the app raise ``gr.Error(error)`` after ``error_after``
            yields (0: before the first one).
        error_hidden: the app raises a plain exception instead (show_error is
            False, so the stream carries ``{"error": null}``).
        quota_error_after: shortcut for ``error=QUOTA_MESSAGE``,
            ``error_after=quota_error_after``.
        queue_wait: seconds the event waits in the queue (an ``estimation``
            message about every second) before ``process_starts``.
        heartbeat: seconds between ``heartbeat`` messages on idle streams.
        join_status: scripted responses for the next queue joins (route "join").
        script: scripted responses per route name (see :data:`ROUTES`), each
            used once, in order, before normal handling.
        cut_after: abort every /queue/data and /call stream after this many
            messages (no final chunk; the session's events are dropped).
        fn_index, trigger_id, api_name: override the Space's values (e.g. to
            emulate a redeployed Space).
        system_state: the chat event's system input is a ``gr.State`` (the sent
            value is ignored; the session's value, set with the
            ``modify_system_session`` event, is used) instead of a textbox.
        cleandoc: apply ``inspect.cleandoc`` to chatbot messages (default: as
            the chosen Gradio version does: 4 and 6 yes, 5 tuples no).
        host, port: where to listen (port 0: a free port).

    Attributes: ``url``, ``model``, ``gradio`` ("4"/"5"/"6"), ``version``,
    ``api_prefix``, ``spec`` (the :class:`~qwen_spaces.testing.layouts.SpaceLayout` served,
    with the local URL), ``requests``, ``joins``, ``calls``, ``cancels``,
    ``uploads``, ``events``, ``model_requests`` (Qwen3-Demo: what reached the
    fake model).  All are safe to read from any thread.
    """

    def __init__(
        self,
        model: str = _DEFAULT,
        *,
        space: str | None = None,
        reply: str | ReplyFn = echo_reply,
        tokens: Sequence[str] | None = None,
        token_delay: float = 0.0,
        gradio: str | int | None = None,
        error: str | None = None,
        error_after: int = 0,
        error_hidden: bool = False,
        quota_error_after: int | None = None,
        queue_wait: float = 0.0,
        heartbeat: float = 15.0,
        join_status: Sequence[ScriptedResponse] = (),
        script: Mapping[str, Sequence[ScriptedResponse]] | None = None,
        cut_after: int | None = None,
        fn_index: int | None = None,
        trigger_id: int | None = None,
        api_name: str | None = None,
        system_state: bool = False,
        cleandoc: bool | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        base = _layout(model, space)
        _check_qwen3(base, gradio, fn_index, trigger_id, api_name)
        major = _major(gradio, base)
        if quota_error_after is not None:
            if error is not None:
                raise ValueError("give error= or quota_error_after=, not both")
            error, error_after = QUOTA_MESSAGE, quota_error_after
        if min(token_delay, queue_wait, error_after) < 0 or heartbeat <= 0:
            raise ValueError("delays and counts must not be negative (heartbeat > 0)")
        self.model, self.gradio, self.version = space or model, str(major), VERSIONS[str(major)]
        if base.app in _QWEN3_APPS:
            self.version = _QWEN3_VERSION
        self.api_prefix = "" if major == 4 else "/gradio_api"
        self.host, self._port = host, port
        spec = base._replace(
            api_prefix=self.api_prefix,
            fn_index=base.fn_index if fn_index is None else fn_index,
            trigger_id=base.trigger_id if trigger_id is None else trigger_id,
            api_name=base.api_name if api_name is None else api_name)
        settings = Settings(
            reply, None if tokens is None else tuple(tokens), token_delay,
            error is not None or error_hidden, None if error_hidden else error, error_after,
            queue_wait, heartbeat, cut_after,
            (major != 5) if cleandoc is None else cleandoc, system_state)
        scripts = {k: list(v) for k, v in (script or {}).items()}
        check_script(scripts)
        scripts["join"] = list(join_status) + scripts.get("join", [])
        self._app = App(spec, major, settings, scripts)
        if base.app == "qwen3-vl-demo":  # its own layout and events (qwen3_vl)
            app = self._app
            app.layout = Qwen3VLLayout()
            app.qwen3 = Qwen3VLDemo(settings, lambda: app.url, uploads_reader(app.lock, app.uploads))
        layout = self._app.layout
        self._spec = spec._replace(fn_index=layout.fn_index, trigger_id=layout.trigger_id)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle ---------------------------------------------------------------
    def start(self) -> LocalSpace:
        """Start serving (in a daemon thread); returns self."""
        if self._server is not None:
            raise RuntimeError("LocalSpace is already running")
        self._app.stopping.clear()
        server = Server((self.host, self._port), self._app)
        self._server = server
        self._app.url = f"http://{self.host}:{server.server_port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": TICK},
            daemon=True, name=f"LocalSpace-{server.server_port}")
        self._thread.start()
        log.info("LocalSpace %s (Gradio %s style) serving at %s", self.model, self.gradio, self.url)
        return self

    def stop(self) -> None:
        """Stop serving: open streams are aborted, events stopped. Returns quickly."""
        server, self._server = self._server, None
        if server is None:
            return
        self._app.shutdown_connections()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        log.info("LocalSpace %s stopped", self.model)

    def __enter__(self) -> LocalSpace:  # noqa: PYI034 (typing.Self needs 3.11)
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def forget_sessions(self) -> None:
        """Forget every session, as a restarted Space does: its ``gr.State``
        values (a system prompt, Qwen3-Demo's conversation) are gone."""
        app = self._app
        with app.lock:
            app.sessions.clear()
            app.states.clear()
            for name in ("qwen3", "qwen3_vl"):
                chats = getattr(getattr(app, name, None), "chats", None)
                if isinstance(chats, dict):
                    chats.clear()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until every event's worker has finished; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._app.lock:
            threads = [j.thread for j in self._app.jobs.values() if j.thread is not None]
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in threads)

    # attributes --------------------------------------------------------------
    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (RuntimeError before start())."""
        if not self._app.url:
            raise RuntimeError("LocalSpace is not started; use start() or a with block")
        return self._app.url

    @property
    def spec(self) -> SpaceLayout:
        """The Space as served: local URL, prefix, fn_index, trigger id, api_name."""
        return self._spec._replace(url=self._app.url or self._spec.url)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._app.lock:
            return list(self._app.records)

    @property
    def joins(self) -> int:
        """Accepted ``/queue/join`` requests."""
        return self._count("joins")

    @property
    def calls(self) -> int:
        """Accepted ``POST /call/{api_name}`` requests."""
        return self._count("calls")

    @property
    def cancels(self) -> int:
        """``/cancel`` requests received."""
        return self._count("cancels")

    @property
    def uploads(self) -> dict[str, bytes]:
        """Uploaded files: server path (as returned by /upload) -> bytes."""
        with self._app.lock:
            return dict(self._app.uploads)

    @property
    def events(self) -> list[EventRecord]:
        """Snapshots of every event, in join order."""
        with self._app.lock:
            return [job.record() for job in self._app.jobs.values()]

    @property
    def model_requests(self) -> list[ModelRequest]:
        """What reached the fake model service, oldest first (Qwen3-Demo and Qwen3-VL-Demo; else empty)."""
        qwen3 = self._app.qwen3
        if qwen3 is None:
            return []
        with qwen3.lock:
            return list(qwen3.model_requests)

    def _count(self, name: str) -> int:
        with self._app.lock:
            return self._app.counters[name]

    def __repr__(self) -> str:
        where = self._app.url or "not started"
        return f"<LocalSpace {self.model} gradio={self.gradio} {where}>"
