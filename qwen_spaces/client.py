"""The public face: :class:`Client` (replies come as :class:`~qwen_spaces.Stream`).

A Client owns one ``requests.Session`` (thread-safe for our use: every call
has its own session hash and its own streamed response) and remembers, per
Space, what it learned from the Space's ``/config`` when the built-in facts
were wrong.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from typing import Any, Callable, Dict, Mapping, NamedTuple, Optional, Tuple

from .errors import AuthenticationError, ProtocolError, QwenSpacesError
from .http import Timeout, Transport, check_base_url, retry_policy
from .images import load_image
from .prompt import split_messages
from .protocol import call as call_api
from .protocol import queue
from .protocol.config import AppConfig, fetch_config
from .protocol.events import CANCELLED, DONE
from .protocol.files import file_data, upload
from .spaces import SPACES, Space, get_space
from .stream import (
    ChatResult,
    Job,
    Status,
    StatusCallback,
    Stream,
    Submission,
    deadline_of,
    network_error,
    read_events,
)

__all__ = ["Client"]

log = logging.getLogger("qwen_spaces")

DEFAULT_MAX_IMAGE_BYTES = 20 * 1024 * 1024


class _Endpoint(NamedTuple):
    """Where and how to submit a Space's chat event."""

    api_base: str  # root + api prefix
    fn_index: Optional[int]
    trigger_id: Optional[int]
    api_name: str


class _SpaceState:
    """What one Client knows about one Space (guarded by ``lock``)."""

    def __init__(self, space: Space, root: str) -> None:
        self.space = space
        self.root = root
        self.endpoint = _Endpoint(
            root + space.api_prefix, space.fn_index, space.trigger_id, space.api_name
        )
        self.config: Optional[AppConfig] = None
        self.lock = threading.Lock()


class Client:
    """Chat with the Qwen Spaces.  Safe to share between threads.

    :param hf_token: Hugging Face token for private or duplicated Spaces
        (default: the ``HF_TOKEN`` environment variable).  Sent as
        ``Authorization: Bearer`` to the Space's own host only.
    :param proxies: requests-style proxies, e.g. ``{"https": "http://proxy:3128"}``.
    :param timeout: a :class:`Timeout`, or a number (the read timeout).
    :param max_retries: retries of the queue join on connection errors, 5xx,
        429 and a full queue (0 disables).  A job is never submitted twice.
    :param base_urls: ``{model name: root URL}`` to use another copy of a
        Space (a duplicate, a local server).  Plain ``http`` only to loopback
        hosts unless ``allow_http=True``.
    :param pool_maxsize: connections kept per host; size it to the number of
        threads streaming at once.
    :param max_image_bytes: the largest image accepted for upload.
    :param verify: TLS verification (``True``, or a CA bundle path).
    """

    def __init__(
        self,
        *,
        hf_token: Optional[str] = None,
        proxies: Optional[Mapping[str, str]] = None,
        timeout: "Timeout | float | None" = None,
        max_retries: int = 3,
        base_urls: Optional[Mapping[str, str]] = None,
        pool_maxsize: int = 256,
        max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES,
        verify: "bool | str" = True,
        allow_http: bool = False,
        retry_max_wait: float = 30.0,
    ) -> None:
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise ValueError(f"max_retries must be an int >= 0, not {max_retries!r}")
        if not isinstance(max_image_bytes, int) or max_image_bytes <= 0:
            raise ValueError(f"max_image_bytes must be a positive int, not {max_image_bytes!r}")
        self.timeout = Timeout.coerce(timeout)
        self.max_retries = max_retries
        self.max_image_bytes = max_image_bytes
        self.retry_max_wait = retry_max_wait
        roots = {space.name: space.url for space in SPACES}
        for name, url in (base_urls or {}).items():
            roots[get_space(name).name] = check_base_url(url, allow_http=allow_http)
        self._roots = roots
        token = hf_token if hf_token is not None else os.environ.get("HF_TOKEN") or None
        self._transport = Transport(
            hf_token=token, proxies=proxies, timeout=self.timeout,
            pool_maxsize=pool_maxsize, verify=verify,
        )
        self._states: Dict[str, _SpaceState] = {}
        self._states_lock = threading.Lock()

    def __repr__(self) -> str:
        moved = sorted(s.name for s in SPACES if self._roots[s.name] != s.url)
        return f"<qwen_spaces.Client base_urls={moved or 'defaults'}>"

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool.  Streams still open keep working until
        they end; new calls open new connections."""
        self._transport.close()

    def space_url(self, model: str) -> str:
        """The root URL this Client uses for ``model``."""
        return self._roots[get_space(model).name]

    def space_config(self, model: str) -> AppConfig:
        """The live ``/config`` of ``model``'s Space: Gradio version, protocol,
        API prefix and events (one request; not needed for chatting)."""
        return fetch_config(self._transport, self.space_url(model))

    # -- calls ---------------------------------------------------------------

    def stream(
        self,
        model: str,
        messages: Any,
        *,
        system: Optional[str] = None,
        image: Any = None,
        on_status: Optional[StatusCallback] = None,
        **space_params: Any,
    ) -> Stream:
        """Submit a chat and return a :class:`Stream` of text deltas.

        Input is validated before any request; the job is submitted (with
        retries) before this returns, so Space errors at submission time are
        raised here.  Iterate the stream for the reply.
        """
        space = get_space(model)
        params = space.resolve_params(space_params)
        prompt, system_text = split_messages(messages, system)
        if system_text is not None and not space.supports_system_message:
            raise ValueError(f"{space.name} has no system prompt input; drop system= and system messages")
        if image is not None and not space.supports_vision:
            raise ValueError(f"{space.name} does not take images; use one of {', '.join(_vision_names())}")
        picture = load_image(image, self.max_image_bytes) if image is not None else None
        started = time.monotonic()
        state = self._state(space)
        if space.protocol == "call":
            return self._submit_call(state, prompt, picture, on_status, started)
        return self._submit_queue(state, prompt, system_text, params, on_status, started)

    def chat(
        self,
        model: str,
        messages: Any,
        *,
        system: Optional[str] = None,
        image: Any = None,
        on_status: Optional[StatusCallback] = None,
        **space_params: Any,
    ) -> ChatResult:
        """Like :meth:`stream`, but wait for the whole reply."""
        with self.stream(
            model, messages, system=system, image=image, on_status=on_status, **space_params
        ) as stream:
            for _ in stream:
                pass
        assert stream.result is not None  # noqa: S101 - exhausted streams have a result
        return stream.result

    # -- submission ----------------------------------------------------------

    def _state(self, space: Space) -> _SpaceState:
        with self._states_lock:
            state = self._states.get(space.name)
            if state is None:
                state = self._states[space.name] = _SpaceState(space, self._roots[space.name])
            return state

    def _config(self, state: _SpaceState) -> AppConfig:
        """The Space's /config, fetched at most once per Client (and Space)."""
        with state.lock:
            if state.config is None:
                config = fetch_config(self._transport, state.root)
                dep = config.dependency(state.space.api_name)
                if dep is None:
                    raise ProtocolError(
                        f"{state.root} has no event named {state.space.api_name!r}; "
                        "is this the right Space?", url=state.root,
                    )
                targets = dep.get("targets") or [[None]]
                trigger = targets[0][0] if targets and isinstance(targets[0], list) else None
                state.endpoint = _Endpoint(
                    state.root + config.api_prefix, dep["id"], trigger, state.space.api_name
                )
                state.config = config
                log.info("discovered %s: prefix %r, fn_index %s", state.root, config.api_prefix, dep["id"])
            return state.config

    def _retrying(self, on_status: Optional[StatusCallback]) -> Any:
        def on_retry(exc: BaseException, delay: float) -> None:
            if on_status is not None:
                on_status(Status("retrying", eta=delay, message=str(exc)))

        return retry_policy(self.max_retries, max_wait=self.retry_max_wait, on_retry=on_retry)

    def _with_discovery(
        self,
        state: _SpaceState,
        attempt: Callable[[_Endpoint], Any],
        on_status: Optional[StatusCallback],
    ) -> Tuple[_Endpoint, Any]:
        """Run ``attempt`` (with retries); if the Space's built-in facts look
        wrong (404, or 500 for an unknown event), read /config once and try
        again with what it says."""
        retrying = self._retrying(on_status)
        endpoint = state.endpoint
        try:
            return endpoint, retrying(attempt, endpoint)
        except QwenSpacesError as exc:
            if exc.status_code not in (404, 500) or not self._moved(state, endpoint):
                raise
            return state.endpoint, retrying(attempt, state.endpoint)

    def _moved(self, state: _SpaceState, endpoint: _Endpoint) -> bool:
        """Whether the Space's /config (read once; other threads reuse it)
        puts the chat event somewhere other than ``endpoint``.  A /config that
        needs a token or shows another app is the real error and is raised;
        one that cannot be read at all counts as "not moved"."""
        try:
            self._config(state)
        except (AuthenticationError, ProtocolError):
            raise
        except QwenSpacesError as exc:
            log.debug("could not read the Space's /config: %s", exc)
            return False
        return state.endpoint != endpoint

    def _job(
        self, state: _SpaceState, submission: Submission, started: float,
        on_status: Optional[StatusCallback], repair: Optional[Callable[[], Optional[Submission]]] = None,
    ) -> Job:
        return Job(
            transport=self._transport, timeout=self.timeout, space=state.space, root=state.root,
            submission=submission, started=started, on_status=on_status, repair=repair,
        )

    def _submit_queue(
        self,
        state: _SpaceState,
        prompt: str,
        system_text: Optional[str],
        params: Dict[str, str],
        on_status: Optional[StatusCallback],
        started: float,
    ) -> Stream:
        space = state.space
        session_hash = secrets.token_hex(6)
        system_value = system_text if system_text is not None else space.default_system
        if system_text is not None and system_text != space.default_system:
            self._deliver_system(state, session_hash, system_text, on_status)
        data = space.build_data(prompt, system_value, params)

        def attempt(endpoint: _Endpoint) -> Submission:
            assert endpoint.fn_index is not None  # noqa: S101 - queue Spaces have one
            event_id = queue.join(
                self._transport, endpoint.api_base, data=data, fn_index=endpoint.fn_index,
                trigger_id=endpoint.trigger_id, session_hash=session_hash,
            )
            return Submission(endpoint.api_base, endpoint.fn_index, endpoint.api_name, session_hash, event_id)

        unverified = state.config is None
        endpoint, submission = self._with_discovery(state, attempt, on_status)

        def repair() -> Optional[Submission]:
            """The job ended with no text: if the Space's /config (never read
            before this call) names another event for the chat, the first join
            reached the wrong event, so the chat never ran: submit it once."""
            if not unverified or not self._moved(state, endpoint):
                return None
            return self._retrying(on_status)(attempt, state.endpoint)  # type: ignore[no-any-return]

        return Stream(self._job(state, submission, started, on_status, repair))

    def _deliver_system(
        self,
        state: _SpaceState,
        session_hash: str,
        system_text: str,
        on_status: Optional[StatusCallback],
    ) -> None:
        """If the Space keeps its system prompt in a ``gr.State`` (ignored
        when sent in ``data``), set it through the Space's own "set system
        prompt" event in this session first."""
        config = self._config(state)
        dep = config.dependency(state.space.api_name) or {}
        inputs = dep.get("inputs") or []
        slot = state.space.inputs.index("system")
        if slot >= len(inputs) or config.component_type(inputs[slot]) != "state":
            return  # a (hidden) textbox: the data slot delivers it
        setter = config.setter_of(inputs[slot], exclude=dep.get("id"))
        if setter is None:
            raise ProtocolError(
                f"{state.root} keeps its system prompt in session state and has no event to set it"
            )
        endpoint = state.endpoint

        def attempt(ep: _Endpoint) -> str:
            return queue.join(
                self._transport, ep.api_base, data=[system_text], fn_index=setter,
                trigger_id=None, session_hash=session_hash,
            )

        event_id = self._retrying(on_status)(attempt, endpoint)
        response = self._transport.open_stream(
            f"{endpoint.api_base}/queue/data", "reading the queue", {"session_hash": session_hash}
        )
        deadline = deadline_of(self.timeout, time.monotonic())
        try:
            for kind, _ in queue.read_job(read_events(response, self.timeout, deadline), event_id, deadline):
                if kind in (DONE, CANCELLED):
                    break
        except Exception as exc:
            error = network_error(exc)
            if error is exc:
                raise
            raise error from exc
        finally:
            response.close()

    def _submit_call(
        self,
        state: _SpaceState,
        prompt: str,
        picture: Optional[Tuple[str, bytes, str]],
        on_status: Optional[StatusCallback],
        started: float,
    ) -> Stream:
        space = state.space

        def attempt(endpoint: _Endpoint) -> Submission:
            image_ref = None
            if picture is not None:
                name, content, mime = picture
                path = upload(self._transport, endpoint.api_base, name, content, mime)
                image_ref = file_data(path, name, mime, len(content))
            data = space.build_data(prompt, None, {}, image_ref)
            event_id = call_api.submit(self._transport, endpoint.api_base, endpoint.api_name, data)
            return Submission(endpoint.api_base, None, endpoint.api_name, event_id, event_id)

        _, submission = self._with_discovery(state, attempt, on_status)
        return Stream(self._job(state, submission, started, on_status))


def _vision_names() -> Tuple[str, ...]:
    return tuple(s.name for s in SPACES if s.supports_vision)
