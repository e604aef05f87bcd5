"""The public face: :class:`Client` (replies come as :class:`~qwen_spaces.Stream`).

A Client owns one ``requests.Session`` (thread-safe for our use: every call
has its own session hash and its own streamed response) and remembers, per
Space, its chat contract: pinned by a built-in profile (``spaces``), or read
once from the Space's ``/config`` (``protocol.discovery``).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)
from urllib.parse import urlsplit

from .errors import (
    AllAttemptsFailedError,
    AuthenticationError,
    ProtocolError,
    QuotaExceededError,
    QwenSpacesError,
    RateLimitError,
    SpaceUnavailableError,
    reword,
)
from .http import Timeout, Transport, check_base_url
from .hub import resolve_token
from .prompt import split_messages, split_turns
from .protocol import queue
from .protocol.config import AppConfig, fetch_config
from .protocol.contract import EMPTY, HISTORY, IMAGE, MESSAGE, STATE, SYSTEM, ChatContract
from .protocol.inputs import accepted_keywords, fill_inputs, step_data, take_outputs
from .retry import RetryPolicy
from .spaces import MODELS, Space, get_model, is_space_id, models, space_root
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

if TYPE_CHECKING:  # loaded on first use (what a call does not need, it does not import)
    from concurrent.futures import Executor

    from .completions import Chat
    from .conversation import Conversation
    from .lifecycle import Lifecycle

__all__ = ["Client"]

log = logging.getLogger("qwen_spaces")

DEFAULT_MAX_IMAGE_BYTES = 20 * 1024 * 1024
_HF_SUFFIX = ".hf.space"


class _Target(NamedTuple):
    """What a ``model`` argument names: a root URL, and the built-in profile
    of its Space (None for a Space read from its /config)."""

    label: str  # what results call the model
    root: str
    space: Optional[Space]
    presets: Mapping[str, Any]
    space_id: Optional[str] = None  # the Hub id the root belongs to (None for a plain URL)


class _SpaceState:
    """What one Client knows about one Space's chat (guarded by ``lock``)."""

    def __init__(self, root: str, space: Optional[Space], api_name: Optional[str]) -> None:
        self.root = root
        self.space = space
        self.api_name = api_name
        # a profile's contract is used as pinned until a request fails
        self.contract: Optional[ChatContract] = (
            space.contract() if space is not None and space.fn_index is not None and api_name is None else None
        )
        self.config: Optional[AppConfig] = None
        self.discovered: Optional[ChatContract] = None
        self.from_cache = False  # config (and what was found in it) came from the disk cache
        self.lock = threading.Lock()


class Thread(NamedTuple):
    """A conversation's place on a Space that keeps history in its session:
    the session hash, the user turns the Space's chat may show once it has
    this turn (one value, or two after a turn that failed on the Space:
    the Space may have kept it), and whether the session's first-turn events
    (the thinking toggle, a system-prompt setter) already ran."""

    session_hash: str
    turns: Tuple[int, ...]
    started: bool


# A conversation's hooks on a job: (told once the reply completed, told once it ended)
Hooks = Tuple[Callable[[Job], None], Callable[[Job, Optional[BaseException]], None]]


class _Turn(NamedTuple):
    """One chat turn, ready to submit."""

    state: _SpaceState
    contract: ChatContract
    values: Dict[int, Any]
    before: Tuple[Tuple[int, List[Any]], ...]  # events to run first: (fn_index, data)
    label: str
    picture: Optional[Tuple[str, bytes, str]]
    session_hash: Optional[str] = None  # a conversation's own session (else a new one)
    expect_turns: Optional[Tuple[int, ...]] = None  # user turns the reply's chatbot may show


class Client:
    """Chat with Qwen models, and any Gradio chat app, on Hugging Face Spaces.
    Safe to share between threads.

    :param hf_token: Hugging Face token for private or duplicated Spaces
        (default: ``HF_TOKEN``, else the token file ``hf auth login`` wrote;
        ``False``: none).  Sent as ``Authorization: Bearer`` to the Space's
        own host, and to the Hub's runtime API when a Space fails.
    :param proxies: requests-style proxies, e.g. ``{"https": "http://proxy:3128"}``.
    :param timeout: a :class:`Timeout`, or a number (the read timeout).
    :param max_retries: retries of the queue join on connection errors, 5xx,
        429 and a full queue (0 disables).  A job is never submitted twice.
    :param base_urls: ``{model name, alias or Space id: root URL}`` to use
        another copy of a Space (a duplicate, a local server); a Space id
        moves every model that Space serves.  Plain ``http`` only to loopback
        hosts unless ``allow_http=True``.
    :param pool_maxsize: connections kept per host; size it to the number of
        threads streaming at once.
    :param max_image_bytes: the largest image accepted for upload.
    :param verify: TLS verification (``True``, or a CA bundle path).
    :param wake_timeout: seconds to wait for a sleeping or starting Space
        (asked of the Hub only after a Space known by its id failed).
    :param fallbacks: ``{model, alias or Space id: [models, ids or URLs]}``
        tried in order before the first delta when one is unavailable.
    :param config_cache: keep the ``/config`` of Spaces known only by id or
        URL, and of built-in ``/call`` Spaces (QVQ), on disk
        (``~/.cache/qwen-spaces``): None (default) for Spaces not on this
        machine, True for all, False for none.
    """

    def __init__(
        self,
        *,
        hf_token: "str | bool | None" = None,
        proxies: Optional[Mapping[str, str]] = None,
        timeout: "Timeout | float | None" = None,
        max_retries: int = 3,
        base_urls: Optional[Mapping[str, str]] = None,
        pool_maxsize: int = 256,
        max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES,
        verify: "bool | str" = True,
        allow_http: bool = False,
        retry_max_wait: float = 30.0,
        wake_timeout: float = 300.0,
        fallbacks: Optional[Mapping[str, Sequence[str]]] = None,
        config_cache: Optional[bool] = None,
    ) -> None:
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise ValueError(f"max_retries must be an int >= 0, not {max_retries!r}")
        if not isinstance(max_image_bytes, int) or max_image_bytes <= 0:
            raise ValueError(f"max_image_bytes must be a positive int, not {max_image_bytes!r}")
        self.timeout = Timeout.coerce(timeout)
        self.max_retries = max_retries
        self.max_image_bytes = max_image_bytes
        self.retry_max_wait = retry_max_wait
        self._allow_http = allow_http
        self._overrides: Dict[str, str] = {}
        for name, url in (base_urls or {}).items():
            self._overrides[_override_key(name)] = check_base_url(url, allow_http=allow_http)
        if isinstance(wake_timeout, bool) or not isinstance(wake_timeout, (int, float)) or wake_timeout < 0:
            raise ValueError(f"wake_timeout must be a number of seconds >= 0, not {wake_timeout!r}")
        self._fallbacks = _check_fallbacks(fallbacks)
        if config_cache not in (None, True, False):
            raise ValueError(f"config_cache must be None, True or False, not {config_cache!r}")
        self._config_cache = config_cache
        self._transport = Transport(
            hf_token=resolve_token(hf_token), proxies=proxies, timeout=self.timeout,
            pool_maxsize=pool_maxsize, verify=verify,
        )
        self.wake_timeout = float(wake_timeout)
        self._lifecycle: Optional[Lifecycle] = None  # made on the first failure that needs it
        self._states: Dict[Tuple[str, Optional[str], Optional[str]], _SpaceState] = {}
        self._states_lock = threading.Lock()
        self._settings: Dict[str, Any] = dict(  # what a pickled copy is rebuilt from
            hf_token=_Secret(hf_token) if isinstance(hf_token, str) else hf_token,
            proxies=proxies, timeout=self.timeout, max_retries=max_retries,
            base_urls=dict(base_urls or {}), pool_maxsize=pool_maxsize, max_image_bytes=max_image_bytes,
            verify=verify, allow_http=allow_http, retry_max_wait=retry_max_wait,
            wake_timeout=wake_timeout, fallbacks={k: list(v) for k, v in self._fallbacks.items()},
            config_cache=config_cache,
        )

    def __repr__(self) -> str:
        return f"<qwen_spaces.Client base_urls={sorted(self._overrides) or 'defaults'}>"

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool.  Streams still open keep working until
        they end; new calls open new connections."""
        self._transport.close()

    # -- what a model name means -----------------------------------------------

    def _target(self, model: Any) -> _Target:
        if not isinstance(model, str) or not model.strip():
            raise ValueError(f"model must be a model name, a Space id or a URL, not {model!r}")
        built_in = get_model(model)
        if built_in is not None:
            space = built_in.space
            moved = self._overrides.get(built_in.name)  # a model moved by name: not the Hub's Space
            root = moved or self._overrides.get(space.space_id.lower()) or space.url
            return _Target(built_in.name, root, space, built_in.settings, None if moved else space.space_id)
        if model.startswith(("http://", "https://")):
            return _Target(model.rstrip("/"), check_base_url(model, allow_http=self._allow_http), None, {})
        if is_space_id(model):
            root = self._overrides.get(model.lower()) or space_root(model)
            return _Target(model, root, None, {}, model)
        raise ValueError(
            f"unknown model {model!r}; accepted names: {', '.join(models())}; "
            "or a Hub Space id 'owner/name', or a Space URL"
        )

    def space_url(self, model: str) -> str:
        """The root URL this Client uses for ``model`` (a name, a Space id or a URL)."""
        return self._target(model).root

    def space_config(self, model: str) -> AppConfig:
        """The live ``/config`` of ``model``'s Space: Gradio version, protocol,
        API prefix and events (one request; not needed for chatting)."""
        return fetch_config(self._transport, self.space_url(model))

    def chat_contract(self, model: str, *, api_name: Optional[str] = None) -> ChatContract:
        """What the client makes of ``model``'s Space: its chat event, the
        inputs and their values, the reply's format (read from the live
        ``/config``; a built-in profile is checked against it)."""
        target = self._target(model)
        config = self.space_config(model)
        from .protocol.discovery import find_chat

        return find_chat(config, api_name or (target.space.api_name if target.space else None))

    def _state(self, target: _Target, api_name: Optional[str]) -> _SpaceState:
        key = (target.root, target.space.name if target.space else None, api_name)
        with self._states_lock:
            state = self._states.get(key)
            if state is None:
                state = self._states[key] = _SpaceState(target.root, target.space, api_name)
            return state

    # -- calls ---------------------------------------------------------------

    def stream(
        self,
        model: str,
        messages: Any,
        /,
        *,
        system: Optional[str] = None,
        image: Any = None,
        on_status: Optional[StatusCallback] = None,
        reasoning: bool = False,
        api_name: Optional[str] = None,
        **space_params: Any,
    ) -> Stream:
        """Submit a chat and return a :class:`Stream` of answer deltas (``str``),
        or of :class:`~qwen_spaces.Delta` values with ``reasoning=True``.

        ``model``: a built-in model name, a Hub Space id ``owner/name`` or a
        Space URL.  ``space_params``: the Space's own inputs by name
        (``temperature=0.2``, ``model="..."``, ``thinking=False``).  Input is
        validated before any request; the job is submitted (with retries)
        before this returns, so Space errors at submission time are raised
        here.  Iterate the stream for the reply.
        """
        candidates = self._candidates(model)
        attempts: List[Tuple[str, QwenSpacesError]] = []
        current = [0]  # the candidate being tried
        inherited = self._target(candidates[0]).presets

        def attempt(index: int) -> Stream:
            name = candidates[index]
            presets = inherited if index else {}
            current[0] = index
            try:
                return self._open(name, lambda: self._submit(
                    self._prepare(name, messages, system, image, api_name, dict(space_params),
                                  on_status, presets=presets),
                    on_status, time.monotonic(), bool(reasoning)), on_status)
            except QwenSpacesError as exc:
                if len(candidates) == 1 or not _falls_back(exc):
                    raise
                log.info("%s failed before answering (%s); trying the next", name, exc)
                attempts.append((name, exc))
                if index + 1 == len(candidates):
                    raise AllAttemptsFailedError(attempts) from exc
                return attempt(index + 1)

        def after(failure: QwenSpacesError) -> Stream:
            """The job of ``candidates[current]`` failed before its first delta."""
            if not _falls_back(failure):
                raise failure
            attempts.append((candidates[current[0]], failure))
            if current[0] + 1 == len(candidates):
                raise AllAttemptsFailedError(attempts) from failure
            return attempt(current[0] + 1)

        stream = attempt(0)
        if len(candidates) > 1:
            stream.fall_back_with(after)
        return stream

    def _candidates(self, model: Any) -> List[str]:
        """The models to try in order: a list given as ``model``, or the
        model and its ``fallbacks``."""
        if isinstance(model, (list, tuple)):
            if not model or not all(isinstance(m, str) for m in model):
                raise ValueError("model: give a name, a Space id, a URL, or a non-empty list of them")
            for name in model:
                self._target(name)
            return list(model)
        target = self._target(model)
        extra = self._fallbacks.get(_fallback_key(model)) or self._fallbacks.get(target.label.lower()) or []
        return [model, *extra]

    def _open(self, model: str, submit: Callable[[], Stream], on_status: Optional[StatusCallback],
              resubmit: bool = True) -> Stream:
        """``submit()``; if the Space (known by its Hub id) failed before its
        job started, ask the Hub why: wait for it to wake or start and submit
        once more, or raise what the Hub says (paused, broken, not found).

        A job submitted with a /config from the disk cache that fails before
        its first delta (the Space was redeployed and the cached event is now
        another one) drops the cache entry and, if ``resubmit``, is submitted
        again with the Space's /config read anew."""
        target = self._target(model)
        try:
            stream = submit()
        except QwenSpacesError as exc:
            if self._forget_cached(target.root):  # a stale /config from the disk cache?
                return self._open(model, submit, on_status, resubmit)
            from .lifecycle import Lifecycle, worth_asking

            if target.space_id is None or not worth_asking(exc):
                raise
            if self._lifecycle is None:
                self._lifecycle = Lifecycle(self._transport.get_json, self._wake, self.wake_timeout)
            self._lifecycle.ensure_running(target.space_id, target.root, exc, on_status)
            return submit()
        if self._cached(target.root):

            def stale(failure: QwenSpacesError) -> Stream:
                if not self._forget_cached(target.root):
                    raise failure
                if not resubmit:
                    reword(failure, failure.message
                           + " (the Space's cached /config was out of date: it is read anew next time)")
                    raise failure
                return self._open(model, submit, on_status, resubmit)

            stream.fall_back_with(stale)
        return stream

    def _cached(self, root: str) -> bool:
        """Whether what the client knows of ``root`` came from the disk cache."""
        with self._states_lock:
            return any(st.root == root and st.from_cache for st in self._states.values())

    def _wake(self, root: str) -> None:
        status = self._transport.ping(root + "/", "waking the Space")
        log.info("woke %s (HTTP %s)", root, status)

    def conversation(
        self,
        model: Optional[str] = None,
        *,
        system: Optional[str] = None,
        api_name: Optional[str] = None,
        resume: Optional[Mapping[str, Any]] = None,
        **space_params: Any,
    ) -> Conversation:
        """A multi-turn :class:`~qwen_spaces.Conversation` with ``model`` (a
        name, Space id or URL, as for :meth:`stream`), or the one ``resume``
        holds (what :meth:`Conversation.to_dict` returned).  ``space_params``
        apply to every turn (``thinking=False``, ``temperature=0.2``...)."""
        from .conversation import Conversation

        if resume is not None:
            if model is not None or system is not None or api_name is not None or space_params:
                raise ValueError("resume= brings its own model and settings: pass nothing else")
            return Conversation.from_dict(self, resume)
        if model is None:
            raise ValueError("conversation() needs a model (or resume=)")
        if api_name is not None and (not isinstance(api_name, str) or not api_name.strip("/")):
            raise ValueError(f"api_name must be an event name like '/chat', not {api_name!r}")
        self._target(model)  # an unknown model fails here, not at the first turn
        return Conversation(self, model, system=system, api_name=api_name, space_params=space_params)

    @property
    def chat(self) -> Chat:
        """``client.chat(model, messages, ...)`` waits for the whole reply (a
        :class:`ChatResult`: ``.text``, and ``.reasoning`` when the model
        reasoned; the arguments are :meth:`stream`'s);
        ``client.chat.completions.create(...)`` is the same in openai-python's
        shape (:mod:`qwen_spaces.completions`)."""
        from .completions import Chat

        return Chat(self)

    def map(
        self,
        model: str,
        inputs: Iterable[Any],
        /,
        *,
        max_workers: int = 8,
        executor: Optional[Executor] = None,
        progress: bool = False,
        **space_params: Any,
    ) -> List["ChatResult | QwenSpacesError"]:
        """Chat about each of ``inputs`` (prompts, or message lists) at once;
        the results in input order, each a :class:`ChatResult` or, for an
        input that failed, its :class:`QwenSpacesError` (see :mod:`qwen_spaces.batch`)."""
        from .batch import map_chats

        return map_chats(self, model, inputs, max_workers=max_workers, executor=executor,
                         progress=progress, **space_params)

    def space_keywords(self, model: str, *, api_name: Optional[str] = None) -> List[str]:
        """The keyword parameters a chat with ``model`` accepts (its Space's
        named inputs and settings; read from /config once for a Space
        without a built-in profile)."""
        target = self._target(model)
        state = self._state(target, api_name.lstrip("/") if api_name else None)
        return accepted_keywords(self._contract(state, None))

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        """Pickled (for an executor's worker process) a Client travels as its
        settings, ``hf_token`` included, and opens its own connections there."""
        from .batch import client_reference

        return client_reference(self, self._settings)

    # -- preparing a turn -----------------------------------------------------

    def _prepare(
        self, model: str, messages: Any, system: Optional[str], image: Any,
        api_name: Optional[str], params: Dict[str, Any], on_status: Optional[StatusCallback],
        thread: Optional[Thread] = None, presets: Mapping[str, Any] = EMPTY,
    ) -> _Turn:
        target = self._target(model)
        if api_name is not None and (not isinstance(api_name, str) or not api_name.strip("/")):
            raise ValueError(f"api_name must be an event name like '/chat', not {api_name!r}")
        prompt, system_text = split_messages(messages, system)  # checked before any request
        thinking = params.pop("thinking", None)
        if thinking is not None and not isinstance(thinking, bool):
            raise ValueError(f"thinking must be True or False, not {thinking!r}")
        space = target.space
        if space is not None and api_name is None:
            _check_profile(space, system_text, image, thinking)
        picture = None
        if image is not None:
            from .images import load_image

            picture = load_image(image, self.max_image_bytes)
        state = self._state(target, api_name.lstrip("/") if api_name else None)
        contract = self._contract(state, on_status)
        owner = space.name if space is not None else target.label
        if picture is not None and contract.slot(IMAGE) is None and not _multimodal(contract):
            raise ValueError(f"{owner} takes no image (its chat event has no image input)")
        # a fallback inherits the first model's settings its Space takes (Qwen3's form model)
        accepted = set(accepted_keywords(contract)) if presets else set()
        presets = {**{k: v for k, v in presets.items() if k in accepted}, **target.presets}
        presets = {k: v for k, v in presets.items() if k not in params}
        mode = contract.history_mode
        history: Optional[List[Any]] = None
        expect: Optional[Tuple[int, ...]] = None
        if mode == "input":  # earlier turns go in the chatbot input, in its format
            pairs, last, _ = split_turns(messages, system)
            if pairs is not None:
                prompt = last
                if pairs:
                    from .protocol.history import history_value

                    history = history_value(self._history_format(state, contract), pairs)
        elif mode == "session" and thread is not None:  # the Space holds the earlier turns
            prompt = messages[-1]["content"]
            expect = thread.turns
        values = fill_inputs(
            contract, owner, message=prompt, params={**presets, **params}, system=system_text,
            history=history,
        )
        in_session = thread is not None and mode == "session"
        first = not (in_session and thread is not None and thread.started)
        before = self._before(state, contract, owner, system_text, thinking) if first else ()
        contract = state.contract or contract  # reading /config for the system prompt may move it
        label = target.label
        form = contract.form_fields()
        if space is not None and "model" in form:
            label = str(next(v for v in values.values() if isinstance(v, dict) and "model" in v)["model"])
        return _Turn(state, contract, values, before, label, picture,
                     thread.session_hash if in_session and thread is not None else None, expect)

    def _history_format(self, state: _SpaceState, contract: ChatContract) -> str:
        """The chatbot format of the history input: a built-in profile's is
        checked against /config (read once), since it differs per Gradio version."""
        slot = contract.slot(HISTORY)
        fmt = slot.format if slot is not None else "tuples"
        if state.space is not None:
            discovered = self._discovered(state)
            if discovered is None:
                return fmt
            self._moved(state, contract)  # /config is read: the profile is checked against it now
            live = discovered.slot(HISTORY)
            if live is not None and live.format:
                fmt = live.format
        return fmt

    def _before(
        self, state: _SpaceState, contract: ChatContract, owner: str,
        system_text: Optional[str], thinking: Optional[bool],
    ) -> Tuple[Tuple[int, List[Any]], ...]:
        """Events to run first in the turn's session: the thinking toggle, the
        system-prompt setter of a Space that keeps it in a ``gr.State``."""
        before: List[Tuple[int, List[Any]]] = []
        if thinking is not None:
            toggle = contract.events.get("toggle_thinking")
            default = state.space.thinking if state.space is not None else None
            if toggle is None or default is None:
                raise ValueError(
                    f"{owner} has no thinking switch the client knows (thinking= works on "
                    "built-in Spaces with a toggle_thinking event)"
                )
            if thinking != default:
                before.append((toggle, [None]))
        if system_text is not None:
            setter = self._system_setter(state, contract, owner, system_text)
            if setter is not None:
                before.append((setter, [system_text]))
        return tuple(before)

    def _system_setter(
        self, state: _SpaceState, contract: ChatContract, owner: str, system_text: str
    ) -> Optional[int]:
        slot = contract.slot(SYSTEM)
        if slot is not None:
            if state.space is None or system_text == state.space.default_system:
                return None
            # a built-in profile's system slot may be a gr.State on the live
            # Space (the data slot is then ignored): /config tells, once
            discovered = self._discovered(state)
            inputs = contract.reply_step.inputs
            if discovered is None or len(discovered.reply_step.inputs) != len(inputs):
                return None
            self._moved(state, contract)
            live = discovered.slots.get(discovered.reply_step.inputs[inputs.index(slot.component)])
            if live is None or live.role != STATE:
                return None
            if discovered.system_setter is None:
                raise ProtocolError(
                    f"{state.root} keeps its system prompt in session state and has no event to set it"
                )
            return discovered.system_setter
        if contract.system_field is not None and contract.system_field in contract.form_fields():
            return None
        if contract.system_setter is not None:
            return contract.system_setter
        raise ValueError(f"{owner} has no system prompt input; drop system= and system messages")

    # -- the Space's contract --------------------------------------------------

    def _config(self, state: _SpaceState) -> AppConfig:
        """The Space's /config, fetched at most once per Client (and Space)."""
        with state.lock:
            if state.config is not None:
                return state.config
            cache = self._caches(state)
            if cache:
                from . import config_cache
            cached = config_cache.load(state.root) if cache else None
            if cached is not None:
                state.config, state.from_cache = cached, True
                log.debug("%s/config from the disk cache", state.root)
                return cached
            if state.space is None:  # known only by its /config: a busy Space is retried
                busy = RetryPolicy(self.max_retries, max_wait=self.retry_max_wait, busy_only=True)
                config = busy(fetch_config, self._transport, state.root)
            else:
                config = fetch_config(self._transport, state.root)
            log.info("read %s/config: Gradio %s, prefix %r", state.root, config.version, config.api_prefix)
            if cache:
                config_cache.save(state.root, config)
            state.config, state.from_cache = config, False
            return config

    def _caches(self, state: _SpaceState) -> bool:
        """Whether this Space's /config is kept on disk: Spaces known only by
        their /config, and built-in Spaces known by their ``/call`` API name,
        whose queue event every new Client finds in /config (other built-in
        Spaces read /config only to repair a failed join: it must be fresh);
        by default not loopback servers (local, cheap to ask)."""
        if self._config_cache is False:
            return False
        if state.space is not None and state.space.protocol != "call":
            return False
        return self._config_cache is True or not _is_loopback(state.root)

    def _forget_cached(self, root: str) -> bool:
        """Drop what a cached /config of ``root`` told (it may be stale); True if there was some."""
        forgot = False
        with self._states_lock:
            states = [st for st in self._states.values() if st.root == root and st.from_cache]
        for state in states:
            with state.lock:
                if state.from_cache:
                    state.config = state.discovered = state.contract = None
                    state.from_cache, forgot = False, True
        if forgot:
            from . import config_cache

            config_cache.forget(root)
            log.info("%s failed with a cached /config: reading /config again", root)
        return forgot

    def _discovered(self, state: _SpaceState) -> Optional[ChatContract]:
        """The chat contract the live /config shows (None if /config cannot
        be read; a /config that needs a token or shows another app is raised)."""
        if state.discovered is not None:
            return state.discovered
        try:
            config = self._config(state)
        except (AuthenticationError, ProtocolError):
            raise
        except QwenSpacesError as exc:
            log.debug("could not read the Space's /config: %s", exc)
            return None
        from .protocol.discovery import find_chat

        api_name = state.api_name or (state.space.api_name if state.space else None)
        try:
            discovered = find_chat(config, api_name)
        except ProtocolError as exc:
            hint = f" (is {state.root} really {state.space.space_id}?)" if state.space is not None else ""
            raise ProtocolError(f"{state.root}: {exc.message}{hint}", url=state.root) from None
        with state.lock:
            state.discovered = discovered
        return discovered

    def _contract(self, state: _SpaceState, on_status: Optional[StatusCallback]) -> ChatContract:
        if state.contract is not None:
            return state.contract
        space = state.space
        if space is None:
            self._config(state)  # a Space known only by its /config: what went wrong is raised
        discovered = self._discovered(state)
        if discovered is None:
            if space is not None and space.protocol == "call":
                return space.contract()  # no /config: the /call API by name
            self._config(state)  # raises what went wrong
            raise ProtocolError(f"could not read {state.root}/config")  # pragma: no cover
        with state.lock:
            state.contract = discovered
        return discovered

    def _moved(self, state: _SpaceState, contract: ChatContract) -> Optional[ChatContract]:
        """A profile's contract moved to where the live /config puts the chat
        event, if that is elsewhere (None if not, or if /config is unreadable)."""
        discovered = self._discovered(state)
        if discovered is None:
            return None
        step = discovered.reply_step
        moved = contract.moved_to(step.fn_index, step.trigger_id, discovered.api_prefix)
        if moved.reply_step.fn_index == contract.reply_step.fn_index and moved.api_prefix == contract.api_prefix:
            return None
        with state.lock:
            state.contract = moved
        log.info("%s: the chat event is fn_index %s (prefix %r)", state.root, step.fn_index, moved.api_prefix)
        return moved

    # -- submission ----------------------------------------------------------

    def _retrying(self, on_status: Optional[StatusCallback]) -> Any:
        def on_retry(exc: BaseException, delay: float) -> None:
            if on_status is not None:
                on_status(Status("retrying", eta=delay, message=str(exc)))

        return RetryPolicy(self.max_retries, max_wait=self.retry_max_wait, on_retry=on_retry)

    def _submit(self, turn: _Turn, on_status: Optional[StatusCallback], started: float, reasoning: bool,
                hooks: Optional[Hooks] = None) -> Stream:
        state, contract = turn.state, turn.contract
        session_hash = turn.session_hash or secrets.token_hex(6)
        values = dict(turn.values)
        if turn.picture is not None:
            self._attach(turn, values, on_status)
        if contract.reply_step.fn_index < 0:  # a /call-only Space (its /config is unreadable)
            return self._submit_call(turn, values, on_status, started, reasoning, hooks)
        self._run_before(turn, values, session_hash, on_status, started)
        data = step_data(contract.reply_step, contract.slots, values)

        def attempt(current: ChatContract) -> Submission:
            step = current.reply_step
            api_base = state.root + current.api_prefix
            event_id = queue.join(
                self._transport, api_base, data=data, fn_index=step.fn_index,
                trigger_id=step.trigger_id, session_hash=session_hash,
            )
            return Submission(api_base, step.fn_index, step.api_name or "", session_hash, event_id)

        retrying = self._retrying(on_status)
        # a profile not yet checked against /config (or checked by another thread after this
        # turn took its contract): a failed join or an empty job may mean the chat moved
        unverified = state.space is not None and (state.discovered is None or contract is not state.contract)
        try:
            submission = retrying(attempt, contract)
        except QwenSpacesError as exc:
            # checked whatever ``unverified`` said: another thread may be moving the contract now
            profile = state.space is not None and exc.status_code in (404, 500)
            moved = self._moved(state, contract) if profile else None
            if moved is None:
                raise
            contract = moved
            submission = retrying(attempt, contract)

        def repair() -> Optional[Submission]:
            """The job ended with no text: if the Space's /config (never read
            before this call) names another event for the chat, the first join
            reached the wrong event, so the chat never ran: submit it once."""
            moved = self._moved(state, contract) if unverified else None
            return None if moved is None else retrying(attempt, moved)

        job = self._job(turn, submission, started, on_status, repair if unverified else None, hooks)
        return Stream(job, reasoning=reasoning)

    def _job(self, turn: _Turn, submission: Submission, started: float,
             on_status: Optional[StatusCallback], repair: Optional[Callable[[], Optional[Submission]]],
             hooks: Optional[Hooks]) -> Job:
        contract = turn.contract
        job = Job(
            transport=self._transport, timeout=self.timeout, model=turn.label,
            reply_output=contract.reply_output, root=turn.state.root, submission=submission,
            started=started, on_status=on_status, repair=repair,
            think_tags=contract.reply_format != "pro", expect_turns=turn.expect_turns,
        )
        if hooks is not None:
            job.on_result, job.on_end = hooks
        return job

    def _attach(self, turn: _Turn, values: Dict[int, Any], on_status: Optional[StatusCallback]) -> None:
        """Upload the image and put it where the Space takes it."""
        assert turn.picture is not None  # noqa: S101
        name, content, mime = turn.picture
        api_base = turn.state.root + turn.contract.api_prefix
        from .protocol.files import file_data, upload

        path = self._retrying(on_status)(upload, self._transport, api_base, name, content, mime)
        ref = file_data(path, name, mime, len(content))
        for cid, slot in turn.contract.slots.items():
            if slot.role == IMAGE:
                values[cid] = ref
            elif slot.role == MESSAGE and slot.format == "multimodal":
                values[cid] = {**values[cid], "files": [ref]}

    def _run_before(self, turn: _Turn, values: Dict[int, Any], session_hash: str,
                    on_status: Optional[StatusCallback], started: float) -> None:
        """The events before the reply, in the turn's session."""
        contract = turn.contract
        api_base = turn.state.root + contract.api_prefix
        deadline = deadline_of(self.timeout, started)
        retrying = self._retrying(on_status)

        def events(response: Any) -> Any:
            return read_events(response, self.timeout, deadline)

        def run(fn_index: int, data: List[Any], queued: bool, trigger: Optional[int]) -> List[Any]:
            from .protocol.chain import run_step

            try:
                return run_step(self._transport, api_base, fn_index=fn_index, data=data,
                                session_hash=session_hash, queued=queued, open_events=events,
                                trigger_id=trigger, deadline=deadline, retrying=retrying)
            except Exception as exc:
                error = network_error(exc)
                if error is exc:
                    raise
                raise error from exc

        for fn_index, data in turn.before:
            run(fn_index, data, True, None)
        for step in contract.steps[:-1]:
            outputs = run(step.fn_index, step_data(step, contract.slots, values), step.queued, step.trigger_id)
            take_outputs(step, outputs, values)

    def _submit_call(self, turn: _Turn, values: Dict[int, Any], on_status: Optional[StatusCallback],
                     started: float, reasoning: bool, hooks: Optional[Hooks]) -> Stream:
        contract = turn.contract
        api_base = turn.state.root + contract.api_prefix
        api_name = contract.api_name or ""
        data = step_data(contract.reply_step, contract.slots, values)
        from .protocol import call as call_api

        event_id = self._retrying(on_status)(call_api.submit, self._transport, api_base, api_name, data)
        submission = Submission(api_base, None, api_name, event_id, event_id)
        return Stream(self._job(turn, submission, started, on_status, None, hooks), reasoning=reasoning)


def _override_key(name: Any) -> str:
    """The key of a ``base_urls`` entry: a built-in model's name, or a Space id."""
    built_in = get_model(name) if isinstance(name, str) else None
    if built_in is not None and name in (built_in.name, *built_in.aliases):
        return built_in.name
    if isinstance(name, str) and is_space_id(name):
        return name.lower()  # a Space id: every model that Space serves
    raise ValueError(f"base_urls: unknown model {name!r}; accepted names: {', '.join(models())} or a Space id")


def _is_loopback(root: str) -> bool:
    host = (urlsplit(root).hostname or "").lower()
    return host == "localhost" or host.startswith("127.") or host == "::1"


class _Secret(str):
    """A token kept for a pickled copy: its repr never shows it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


def _fallback_key(name: Any) -> str:
    built_in = get_model(name) if isinstance(name, str) else None
    return built_in.name if built_in is not None else str(name).lower()


def _check_fallbacks(fallbacks: Optional[Mapping[str, Sequence[str]]]) -> Dict[str, List[str]]:
    """``{model name, alias or Space id: [models, Space ids or URLs to try next]}``."""
    checked: Dict[str, List[str]] = {}
    for name, others in (fallbacks or {}).items():
        if isinstance(others, str) or not all(isinstance(o, str) and o.strip() for o in others):
            raise ValueError(f"fallbacks[{name!r}] must be a list of model names, Space ids or URLs")
        checked[_fallback_key(name)] = list(others)
    return checked


def _falls_back(error: QwenSpacesError) -> bool:
    """Failures after which the next Space of a fallback list is tried (when
    nothing has been streamed yet): unavailable (asleep past the wait,
    paused, broken, unknown, queue full after retries), rate limited, quota."""
    return isinstance(error, (SpaceUnavailableError, QuotaExceededError, RateLimitError))


def _multimodal(contract: ChatContract) -> bool:
    return any(s.role == MESSAGE and s.format == "multimodal" for s in contract.slots.values())


def _check_profile(space: Space, system_text: Optional[str], image: Any, thinking: Optional[bool]) -> None:
    """What a built-in profile rules out, before any request."""
    if system_text is not None and not space.supports_system_message:
        raise ValueError(f"{space.name} has no system prompt input; drop system= and system messages")
    if image is not None and not space.supports_vision:
        vision = sorted({m.name for m in MODELS if m.space.supports_vision})
        raise ValueError(f"{space.name} does not take images; use one of {', '.join(vision)}")
    if thinking is not None and space.thinking is None:
        raise ValueError(f"{space.name} has no thinking switch; drop thinking=")
