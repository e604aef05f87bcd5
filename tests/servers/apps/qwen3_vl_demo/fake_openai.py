"""Stands in for the OpenAI-compatible model service the Qwen3-VL-Demo Space forwards to.

`OpenAI(api_key=..., base_url=...).chat.completions.create(model=..., messages=..., stream=True)`
returns an iterator of chunks shaped like the `openai` SDK's: `chunk.choices[0].delta.content`
(answer) and `chunk.choices[0].delta.reasoning_content` (thinking), each holding only the new
text, and `chunk.choices[0].finish_reason`. Chunks with neither text occur too (the first and
the last here), as with the real service.

The Space picks its model from the session's thinking switch (`THINKING_MODEL` when on, `MODEL`
when off): a model whose name ends in "-thinking" reasons first. The text is deterministic,
built from the request, and streamed a word at a time:
- reasoning (thinking model only): which user message this is and how many images the
  conversation holds so far;
- answer: the model name, the number of user messages and of images the model received, each
  image's MIME type and size in bytes (decoded from its `data:` URL), and the last user message's
  text word for word (so a transcript shows what the model was given).
A last user message containing "__error__" makes the stream fail after three reasoning chunks
and three answer chunks with an exception like the SDK raises for an upstream error; the app
turns it into a red error part of the assistant message.

Test replica: every call appends one JSON line to $YIELD_LOG (if set):
{"model", "messages", "enable_thinking"} (``enable_thinking``: the model asked for is the thinking
one). No Gradio import, so tests can compute the expected texts with `reply_texts()`.
"""
# ruff: noqa
import base64
import json
import os
import re
import time
import types

ERROR_TRIGGER = "__error__"
UPSTREAM_ERROR = ("Error code: 400 - {'error': {'code': 'invalid_parameter_error', "
                  "'message': 'simulated upstream failure'}}")


class APIError(Exception):
    """What the SDK raises when the service fails in the middle of a stream."""


def is_thinking_model(model):
    return str(model).endswith("-thinking")


def _log_call(model, messages):
    """Test replica only: one JSON line per upstream call in $YIELD_LOG (what the model got)."""
    path = os.environ.get("YIELD_LOG")
    if path:
        line = json.dumps({"model": model, "messages": messages,
                           "enable_thinking": is_thinking_model(model)}, ensure_ascii=False)
        with open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")


def _words(text):
    return re.findall(r"\S+\s*", text)


def _plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def _image(url):
    """'image/png, 77 bytes' for a data URL, the URL itself otherwise."""
    match = re.fullmatch(r"data:([^;,]+);base64,(.*)", url, re.DOTALL)
    if not match:
        return url
    return "%s, %d bytes" % (match.group(1), len(base64.b64decode(match.group(2))))


def _user_parts(messages):
    """(texts of the user messages, descriptions of every image they hold)."""
    texts, images = [], []
    for message in messages:
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
            continue
        text = ""
        for part in content or []:
            if part.get("type") == "text":
                text = part.get("text") or ""
            elif part.get("type") == "image_url":
                images.append(_image(part["image_url"]["url"]))
        texts.append(text)
    return texts, images


def reply_words(model, messages):
    """(reasoning words, answer words, error or None) for one upstream call (split out of
    create() so tests can compute the expected texts without Gradio)."""
    texts, images = _user_parts(messages)
    n, last = len(texts), (texts[-1] if texts else "")
    reasoning = _words("This is user message %d of the conversation, with %s so far. "
                       "I will look at them and repeat the user's words." % (n, _plural(len(images), "image")))
    seen = " (%s)" % "; ".join(images) if images else ""
    answer = _words("Hello from %s! I received %s and %s%s. You said: %s" % (
        model, _plural(n, "user message"), _plural(len(images), "image"), seen, last))
    if not is_thinking_model(model):
        reasoning = []
    error = None
    if ERROR_TRIGGER in last:
        reasoning, answer, error = reasoning[:3], answer[:3], UPSTREAM_ERROR
    return reasoning, answer, error


def reply_texts(model, messages):
    """(reasoning text, answer text) the app streams for one call (no error trigger)."""
    reasoning, answer, _ = reply_words(model, messages)
    return "".join(reasoning), "".join(answer)


def _chunk(reasoning, content, finish_reason=None):
    delta = types.SimpleNamespace(role="assistant", content=content, reasoning_content=reasoning)
    choice = types.SimpleNamespace(index=0, delta=delta, finish_reason=finish_reason)
    return types.SimpleNamespace(choices=[choice])


class _Completions:
    delay = 0.05  # seconds before each chunk (app.py --delay)

    def create(self, model=None, messages=None, stream=True, **kwargs):
        messages = messages or []
        _log_call(model, messages)
        return self._stream(*reply_words(model, messages))

    def _stream(self, reasoning, answer, error):
        chunks = [("", "")] + [(r, "") for r in reasoning] + [("", a) for a in answer]
        if error is None:
            chunks.append(("", ""))
        for i, (r, a) in enumerate(chunks):
            time.sleep(self.delay)
            yield _chunk(r, a, "stop" if error is None and i == len(chunks) - 1 else None)
        if error is not None:
            time.sleep(self.delay)
            raise APIError(error)


class OpenAI:
    """`openai.OpenAI` as the app uses it: `client.chat.completions.create(...)`."""

    def __init__(self, api_key=None, base_url=None, **kwargs):
        self.api_key, self.base_url = api_key, base_url
        self.chat = types.SimpleNamespace(completions=_Completions())
