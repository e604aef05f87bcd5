"""LocalSpace's imitation of Hugging Face Space Qwen/Qwen3-VL-Demo: its layout, sessions and events.

Byte-compatible with the transcripts recorded from the Space's reconstruction (Gradio 5.27.0,
modelscope_studio 1.6.1; ``tests/captures/qwen3-vl-demo``).  The Space is Qwen3-Demo's sibling:
``add_message`` (fn_index 11) takes a ``pro.MultimodalInput`` value ``{"text", "files"}`` (files
uploaded first, FileData) and streams a ``pro.Chatbot`` whose user turn holds a ``file`` part and a
``text`` part; ``toggle_thinking`` (fn_index 1) switches thinking, **off** in a new session, which
picks the Space's model (a ``-thinking`` one when on); there is no settings form, and the app sends
its own system prompt.  The model behind it is a deterministic fake (the same text as
``tests/servers/apps/qwen3_vl_demo/fake_openai.py``), and what it received is kept as
:class:`~.upstream.ModelRequest` records (``messages`` in the OpenAI format, images as ``data:``
URLs).  The Space works out a file's type from its name: an upload whose extension names no MIME
type makes ``add_message`` fail (and every later turn of that session, as on the Space); one that
names neither an image nor a video is left out of what the model gets.
"""

from __future__ import annotations

import base64
import copy
import json
import mimetypes
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Optional

from .jobs import TOKEN, Job, Plan, Settings, echo_reply
from .qwen3 import Chat, Qwen3Demo, Qwen3Layout, _message, _Turn, _update
from .qwen3_vl_data import ADD_MESSAGE_INFO_JSON, CONFIG_JSON
from .upstream import ERROR_TRIGGER, Chunk, ModelRequest, Reply

ADD_MESSAGE, TOGGLE_THINKING = 11, 1  # fn_index (= dependency id) of the two events served
THINKING_STATE = 38  # the thinking switch's gr.State
SYSTEM_PROMPT = "You are a helpful and harmless assistant."  # what the Space sends upstream
MODEL, THINKING_MODEL = "qwen3-vl-235b-a22b-instruct", "qwen3-vl-235b-a22b-thinking"
HEADER = "Qwen3-VL"  # the assistant message's header
#: The upstream failure the fake raises (the OpenAI SDK's ``Error code: <status> - <body>`` style).
UPSTREAM_ERROR = ("Error code: 400 - {'error': {'code': 'invalid_parameter_error', "
                  "'message': 'simulated upstream failure'}}")
# Where Gradio's file cache put the avatar on the recording machine (a name, not a file we write).
_AVATAR = "/tmp/gradio/1c78b41ee601947c619bdd9651e001ecd5c6e6c080e33aa9537bfaf69c7890f0/qwen.png"  # nosec B108
_WORD = re.compile(r"\S+\s*")
_DATA_URL = re.compile(r"data:([^;,]+);base64,(.*)", re.DOTALL)


class Qwen3VLLayout(Qwen3Layout):
    """The Space's components and dependencies (its recorded /config), and /info."""

    fn_index, trigger_id = ADD_MESSAGE, 31
    served = (ADD_MESSAGE, TOGGLE_THINKING)
    config_json = CONFIG_JSON

    def add_message_info(self) -> dict[str, Any]:
        info: dict[str, Any] = json.loads(ADD_MESSAGE_INFO_JSON)
        return info


@dataclass
class VLChat(Chat):
    """One session's state: thinking off at first; ``oss_cache`` is the Space's map of files it
    has sent upstream (part of its conversation State, so filling it counts as a change)."""

    enable_thinking: bool = False
    oss_cache: dict[str, str] = field(default_factory=dict)


def mime_of(path: str) -> Optional[str]:
    """The MIME type the Space works out from a file's name (Gradio's ``get_mimetype``)."""
    if path.endswith(".vtt"):
        return "text/vtt"
    mime = mimetypes.guess_type(path)[0]
    return None if mime is None else mime.replace("x-wav", "wav").replace("x-flac", "flac")


class _VLTurn(_Turn):
    """The yields of one ``add_message``: Qwen3-Demo's, with a multimodal user turn."""

    def start_vl(self, text: Optional[str], files: list[dict[str, Any]]) -> None:
        """``add_message`` up to its first yield (the UI locked, the user turn shown)."""
        chat = self.chat
        if not chat.conversation_id:
            chat.conversation_id = str(uuid.uuid4())
            chat.history = []
            chat.conversations.append({"label": text, "key": chat.conversation_id})
        parts = [_part("file", files), _part("text", text)]
        chat.history.append(_message(role="user", content=parts, key=str(uuid.uuid4())))
        cid = chat.conversation_id
        items = [{**item, "disabled": item["key"] != cid} for item in chat.conversations]
        self._emit([_update(loading=True, value={"files": None, "text": None}), _update(disabled=True),
                    _update(disabled=True), _update(disabled=True), _update(active_key=cid, items=items),
                    _update(bot_config=self._bot_config(["edit", "retry", "delete"]),
                            user_config=self._user_config(["edit", "delete"]), value=chat.history),
                    None])


def _part(kind: str, content: Any) -> dict[str, Any]:
    return {"type": kind, "copyable": True, "editable": True, "content": content, "options": None}


def _user_parts(messages: tuple[dict[str, Any], ...]) -> tuple[list[str], list[str]]:
    """(the text of each user message, a description of every image they hold)."""
    texts: list[str] = []
    images: list[str] = []
    for message in messages:
        if message["role"] != "user":
            continue
        text = ""
        for part in message["content"]:
            if part["type"] == "text":
                text = part["text"] or ""
            elif part["type"] == "image_url":
                url = part["image_url"]["url"]
                match = _DATA_URL.fullmatch(url)
                images.append(f"{match.group(1)}, {len(base64.b64decode(match.group(2)))} bytes"
                              if match else url)
        texts.append(text)
    return texts, images


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def vl_reply(request: ModelRequest, answer_chunks: list[str] | None = None) -> Reply:
    """What the fake model service streams for ``request`` (``answer_chunks``: another answer)."""
    texts, images = _user_parts(request.messages)
    n, last = len(texts), (texts[-1] if texts else "")
    reasoning = _WORD.findall(
        f"This is user message {n} of the conversation, with {_plural(len(images), 'image')} so far. "
        "I will look at them and repeat the user's words.")
    seen = f" ({'; '.join(images)})" if images else ""
    answer = _WORD.findall(
        f"Hello from {request.model}! I received {_plural(n, 'user message')} and "
        f"{_plural(len(images), 'image')}{seen}. You said: {last}")
    if answer_chunks is not None:
        answer = list(answer_chunks)
    if not request.enable_thinking:
        reasoning = []
    error = None
    if ERROR_TRIGGER in last:
        reasoning, answer, error = reasoning[:3], answer[:3], UPSTREAM_ERROR
    chunks = [Chunk("", "")] + [Chunk(r, "") for r in reasoning] + [Chunk("", a) for a in answer]
    if error is None:
        chunks.append(Chunk("", ""))
    return Reply(tuple(chunks), error)


class Qwen3VLDemo(Qwen3Demo):
    """The Space's events: per-session state, plans, and what reached the fake model.

    ``uploaded(path)`` gives the bytes of a file uploaded to the server (None if there is none).
    """

    chat_class = VLChat
    thinking_state = THINKING_STATE

    def __init__(self, settings: Settings, root: Callable[[], str],
                 uploaded: Callable[[str], Optional[bytes]]) -> None:
        super().__init__(settings, root)
        self.uploaded = uploaded

    def _files(self, value: Any) -> list[dict[str, Any]] | None:
        """The FileData the chatbot shows for the message's files (None: Gradio rejects them)."""
        out = []
        for item in value or ():
            path = item.get("path") if isinstance(item, dict) else None
            content = self.uploaded(path) if isinstance(path, str) else None
            if content is None:
                return None
            assert isinstance(path, str)  # noqa: S101 (only uploaded paths have content)
            out.append({"path": path, "url": f"{self.root()}/gradio_api/file={path}", "size": len(content),
                        "orig_name": path.rsplit("/", 1)[-1], "mime_type": mime_of(path),
                        "is_stream": False, "meta": {"_type": "gradio.FileData"}})
        return out

    def _add_message(self, job: Job, chat: Chat, eta: float | None) -> Plan:
        data = job.data
        value = data[0] if len(data) == 3 else None
        if (not isinstance(value, dict) or not isinstance(value.get("text"), (str, type(None)))
                or not isinstance(value.get("files"), (list, type(None)))):
            return Plan.crash()
        files = self._files(value.get("files"))
        if files is None:
            return Plan.crash()
        with self.lock:
            work = copy.deepcopy(chat)
        turn = _VLTurn(work, f"{self.root()}/gradio_api/file={_AVATAR}", self.settings.token_delay)
        turn.avatar["path"] = _AVATAR  # this Space's cache path (Qwen3-Demo's by default)
        turn.start_vl(value.get("text"), files)
        messages = self._model_messages(work)
        if messages is None:  # the Space could not work out a file's type: it fails here
            turn.finish()
            plan = self._plan(job, turn, Reply((), None), eta)
            plan.fail, plan.fail_message, plan.fail_after = True, None, len(turn.yields)
            return plan
        model = THINKING_MODEL if work.enable_thinking else MODEL
        request = ModelRequest(job.session.session_hash, model, messages, work.enable_thinking, None,
                               SYSTEM_PROMPT)
        with self.lock:
            self.model_requests.append(request)
        reply = vl_reply(request, self._vl_answer(value.get("text"), request))
        turn.stream(reply, HEADER)
        turn.finish()
        return self._plan(job, turn, reply, eta)

    def _model_messages(self, chat: Chat) -> tuple[dict[str, Any], ...] | None:
        """What the Space sends upstream (OpenAI format, images as data URLs); None when it fails."""
        assert isinstance(chat, VLChat)  # noqa: S101
        messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM_PROMPT}]
        for item in chat.history:
            if item["role"] == "assistant":
                texts = [part["content"] for part in item["content"] or () if part["type"] == "text"]
                messages.append({"role": "assistant", "content": texts[0] if texts else ""})
                continue
            parts: list[dict[str, Any]] = []
            for file in item["content"][0]["content"]:
                chat.oss_cache[file["path"]] = file["path"]  # no bucket: the path itself
                mime = mime_of(file["path"])
                if mime is None:
                    return None
                kind = "image_url" if mime.startswith("image") else "video_url" if mime.startswith("video") else None
                if kind is not None:
                    content = self.uploaded(file["path"]) or b""
                    url = f"data:{mime};base64,{base64.b64encode(content).decode()}"
                    parts.append({"type": kind, kind: {"url": url}})
            parts.append({"type": "text", "text": item["content"][1]["content"]})
            messages.append({"role": "user", "content": parts})
        return tuple(messages)

    def _vl_answer(self, text: Optional[str], request: ModelRequest) -> list[str] | None:
        """The answer's chunks when LocalSpace was given ``reply=`` or ``tokens=`` (else None)."""
        s = self.settings
        if s.tokens is not None:
            return list(s.tokens)
        if s.reply is echo_reply:
            return None
        _, images = _user_parts(request.messages)
        params = {"model": request.model, "enable_thinking": request.enable_thinking, "images": len(images)}
        answer = s.reply if isinstance(s.reply, str) else s.reply(
            text or "", SYSTEM_PROMPT, MappingProxyType(params))
        if not isinstance(answer, str):
            raise TypeError(f"reply must return str, not {type(answer).__name__}")
        return TOKEN.findall(answer)


def uploads_reader(lock: threading.Lock, uploads: dict[str, bytes]) -> Callable[[str], Optional[bytes]]:
    """``uploaded(path)`` over a server's upload store (read under its lock)."""

    def uploaded(path: str) -> Optional[bytes]:
        with lock:
            return uploads.get(path)

    return uploaded
