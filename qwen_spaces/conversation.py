"""Multi-turn chats: :class:`Conversation`, made by ``Client.conversation()``.

A conversation gives the Space its earlier turns the Space's own way
(``ChatContract.history_mode``):

- ``"input"``: the chat event takes a chatbot input: every turn sends the
  earlier turns there, in the chatbot's format (tuples, messages, parts...);
- ``"session"``: the Space keeps the conversation in a ``gr.State`` of the
  session (Qwen3-Demo, ChatInterface's public API): every turn uses the
  conversation's own session hash and sends only the new message; a reply
  whose chat shows another history raises :class:`ConversationLostError`;
- ``"none"``: earlier turns are flattened into the prompt.

A turn is recorded only when its reply completed.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Tuple

from .errors import ConversationBusyError, ConversationLostError, QwenSpacesError, reword
from .stream import ChatResult, Job, StatusCallback, Stream

if TYPE_CHECKING:
    from .client import Client

__all__ = ["Conversation"]

log = logging.getLogger("qwen_spaces")

FORMAT = "qwen_spaces.conversation/1"
# Gradio notices a dropped /queue/data stream within its 50 ms poll and then
# stops every event of that session: a turn joined before that is lost with it.
_DROP_SETTLE = 0.3
_sleep = time.sleep
_UNCHANGED = " (the conversation is unchanged: the turn was not recorded; you may try it again)"


class Conversation:
    """A chat with one Space over many turns; use one per thread (a second
    turn while one is streaming raises :class:`ConversationBusyError`).

    :attr:`messages`: the completed turns, ``{"role": "user"|"assistant",
    "content": ...}``, assistant turns with ``"reasoning"`` when the model
    reasoned.  :meth:`to_dict` saves it (JSON-safe);
    ``client.conversation(resume=saved)`` continues it.
    """

    def __init__(
        self,
        client: "Client",
        model: str,
        *,
        system: Optional[str] = None,
        api_name: Optional[str] = None,
        space_params: Optional[Mapping[str, Any]] = None,
        session_hash: Optional[str] = None,
        messages: Optional[List[Dict[str, str]]] = None,
        space_turns: Tuple[int, ...] = (0,),
        started: bool = False,
    ) -> None:
        if not isinstance(model, str) or not model:
            raise ValueError(f"model must be a model name, Space id or URL, not {model!r}")
        if system is not None and not isinstance(system, str):
            raise ValueError(f"system must be a str, not {type(system).__name__}")
        self._client = client
        self.model = model
        self.system = system
        self.api_name = api_name
        self._params: Dict[str, Any] = dict(space_params or {})
        self._session_hash = session_hash or secrets.token_hex(6)
        self._messages: List[Dict[str, str]] = [dict(m) for m in messages or []]
        self._space_turns = space_turns  # user turns the Space's session may hold
        self._started = started  # the session's first-turn events ran
        self._busy = threading.Lock()
        self._dropped_at: Optional[float] = None  # when a turn's stream in the session was dropped

    def __repr__(self) -> str:
        return f"<qwen_spaces.Conversation model={self.model} turns={len(self._messages) // 2}>"

    @property
    def messages(self) -> List[Dict[str, str]]:
        """A copy of the completed turns."""
        return [dict(m) for m in self._messages]

    @property
    def history_mode(self) -> str:
        """"input", "session" or "none" (see the module's doc); reads the
        Space's /config if the client has not yet."""
        return self._client.chat_contract(self.model, api_name=self.api_name).history_mode

    @property
    def native_history(self) -> bool:
        """Whether the Space gets earlier turns natively (False: flattened)."""
        return self.history_mode != "none"

    def stream(self, content: str, *, image: Any = None, reasoning: bool = False,
               on_status: Optional[StatusCallback] = None) -> Stream:
        """Send ``content`` as the next user turn; a :class:`Stream` as
        ``Client.stream`` returns.  The turn is recorded once its reply completes."""
        if not isinstance(content, str) or not content.strip():
            raise ValueError("content must be a non-empty str (the user's next message)")
        if not self._busy.acquire(blocking=False):
            raise ConversationBusyError(
                "this conversation is still streaming its previous turn: finish or close that "
                "stream first (use one conversation per thread)"
            )
        try:
            return self._turn(content, image, reasoning, on_status)
        except BaseException as exc:
            self._busy.release()
            if isinstance(exc, QwenSpacesError):
                _unchanged(exc)
            raise

    def chat(self, content: str, *, image: Any = None, reasoning: bool = False,
             on_status: Optional[StatusCallback] = None) -> ChatResult:
        """:meth:`stream`, waited for: the :class:`ChatResult`."""
        with self.stream(content, image=image, reasoning=reasoning, on_status=on_status) as stream:
            for _ in stream:
                pass
        assert stream.result is not None  # noqa: S101 (a stream that ended without error has one)
        return stream.result

    def _turn(self, content: str, image: Any, reasoning: bool,
              on_status: Optional[StatusCallback]) -> Stream:
        from .client import Thread  # the client module imports this one

        user = {"role": "user", "content": content}
        sent = [{"role": m["role"], "content": m["content"]} for m in self._messages] + [user]
        thread = Thread(self._session_hash, tuple(n + 1 for n in self._space_turns), self._started)
        client = self._client
        in_session = False
        done = False

        def completed(job: Job) -> None:
            nonlocal done
            assert job.result is not None  # noqa: S101 (set just before this is called)
            reply = {"role": "assistant", "content": job.result.text}
            if job.result.reasoning:
                reply["reasoning"] = job.result.reasoning
            self._messages += [user, reply]
            if in_session:
                shown = job.shown_turns
                self._space_turns = (shown if shown is not None else max(thread.turns),)
                self._started = True
            done = True
            self._busy.release()

        def ended(job: Job, error: Optional[BaseException]) -> None:
            if done:
                return
            if isinstance(error, ConversationLostError):
                error.messages = self.messages  # to start a new conversation from
                self._busy.release()
                return
            if in_session:  # failed or closed: the Space may or may not keep the turn
                self._space_turns = tuple(sorted({*thread.turns, *(n - 1 for n in thread.turns)}))
                self._started = True
                self._dropped_at = time.monotonic()
            if isinstance(error, QwenSpacesError):
                _unchanged(error)
            self._busy.release()

        def submit() -> Stream:
            nonlocal in_session
            turn = client._prepare(  # noqa: SLF001 (the conversation is the client's own)
                self.model, sent, self.system, image, self.api_name, dict(self._params), on_status, thread,
            )
            in_session = turn.session_hash is not None
            if in_session and self._dropped_at is not None:
                # let the Space finish cleaning up after the dropped stream first
                _sleep(max(0.0, self._dropped_at + _DROP_SETTLE - time.monotonic()))
                self._dropped_at = None
            return client._submit(turn, on_status, time.monotonic(), bool(reasoning), (completed, ended))  # noqa: SLF001

        # not resubmitted after a failed job: the turn's hooks have run
        return client._open(self.model, submit, on_status, resubmit=False)  # noqa: SLF001 (wakes a sleeping Space)

    def reset(self) -> "Conversation":
        """A new, empty conversation on the same Space, with the same settings."""
        return Conversation(self._client, self.model, system=self.system, api_name=self.api_name,
                            space_params=self._params)

    def to_dict(self) -> Dict[str, Any]:
        """Everything needed to continue later, JSON-safe: the model or Space,
        the session, the history and the settings."""
        data = {
            "format": FORMAT,
            "model": self.model,
            "api_name": self.api_name,
            "system": self.system,
            "settings": dict(self._params),
            "session_hash": self._session_hash,
            "space_turns": list(self._space_turns),
            "started": self._started,
            "messages": self.messages,
        }
        try:
            json.dumps(data)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"the conversation's settings are not JSON-safe: {exc}") from None
        return data

    @classmethod
    def from_dict(cls, client: "Client", saved: Mapping[str, Any]) -> "Conversation":
        """The conversation :meth:`to_dict` saved (ValueError if it is not one)."""
        if not isinstance(saved, Mapping) or saved.get("format") != FORMAT:
            raise ValueError(f"resume= takes what Conversation.to_dict() returned (format {FORMAT!r})")
        try:
            messages = [
                {k: str(v) for k, v in m.items() if k in ("role", "content", "reasoning")}
                for m in saved["messages"]
            ]
            if any(m.get("role") not in ("user", "assistant") or "content" not in m for m in messages):
                raise ValueError("a message without a user/assistant role or content")
            turns = tuple(int(n) for n in saved["space_turns"]) or (0,)
            return cls(
                client, str(saved["model"]), system=saved.get("system"), api_name=saved.get("api_name"),
                space_params=dict(saved.get("settings") or {}), session_hash=str(saved["session_hash"]),
                messages=messages, space_turns=turns, started=bool(saved.get("started")),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"resume=: not a saved conversation ({exc})") from None


def _unchanged(error: QwenSpacesError) -> None:
    if not error.message.endswith(_UNCHANGED):
        reword(error, error.message + _UNCHANGED)

