"""Stands in for `dashscope.Generation`, the model service the Qwen3-Demo Space forwards to.

`Generation.call(model=..., messages=..., stream=True, result_format="message",
incremental_output=True, enable_thinking=..., thinking_budget=...)` returns an iterator of chunks
shaped like DashScope's: `chunk.status_code`, `chunk.output.choices[0].message.reasoning_content`
(thinking) and `.content` (answer), each holding only the new text (incremental output), and
`chunk.output.choices[0].finish_reason`. Chunks with neither text occur too (the first and the last
here), as with the real service.

The text is deterministic, built from the request, and streamed a word at a time:
- reasoning (only when enable_thinking is true): which message of the conversation this is and the
  thinking budget received;
- answer: the model name, the number of user turns the model received, and the last user message
  repeated word for word (so a multi-turn transcript shows what the model was given).
A last user message containing "__error__" makes the stream fail after three reasoning chunks and
three answer chunks with an exception like the SDK raises for an upstream error; the app turns it
into a red error part of the assistant message.

Test replica: every call appends one JSON line to $YIELD_LOG (if set):
{"model", "messages", "enable_thinking", "thinking_budget"}. No Gradio import, so tests can
compute the expected reply text with `reply_texts()` / `reply_words()`.
"""
# ruff: noqa
import json
import os
import re
import time
import types

ERROR_TRIGGER = "__error__"
UPSTREAM_ERROR = "<400> InternalError.Algo.InvalidParameter: simulated upstream failure"


def _log_call(model, messages, enable_thinking, thinking_budget):
    """Test replica only: one JSON line per upstream call in $YIELD_LOG (what the model got)."""
    path = os.environ.get("YIELD_LOG")
    if path:
        line = json.dumps({"model": model, "messages": messages, "enable_thinking": enable_thinking,
                           "thinking_budget": thinking_budget}, ensure_ascii=False)
        with open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")


def _words(text):
    return re.findall(r"\S+\s*", text)


def _chunk(reasoning, content, finish_reason="null"):
    message = types.SimpleNamespace(role="assistant", reasoning_content=reasoning, content=content)
    choice = types.SimpleNamespace(message=message, finish_reason=finish_reason)
    return types.SimpleNamespace(status_code=200, output=types.SimpleNamespace(choices=[choice]))


def reply_words(model, messages, enable_thinking, thinking_budget):
    """(reasoning words, answer words, error or None) for one upstream call (test replica: split
    out of Generation.call so tests can compute the expected texts without Gradio)."""
    users = [m["content"] for m in messages if m.get("role") == "user"]
    last = users[-1] if users else ""
    n = len(users)
    reasoning = _words("This is user message %d of the conversation; thinking budget %s tokens. "
                       "I will greet the user and repeat their words." % (n, thinking_budget))
    answer = _words("Hello from %s! I received %d user message%s. You said: %s" % (
        model, n, "" if n == 1 else "s", last))
    if not enable_thinking:
        reasoning = []
    error = None
    if ERROR_TRIGGER in last:
        reasoning, answer, error = reasoning[:3], answer[:3], UPSTREAM_ERROR
    return reasoning, answer, error


def reply_texts(model, messages, enable_thinking=True, thinking_budget=38 * 1024):
    """(reasoning text, answer text) the app streams for one call (no error trigger)."""
    reasoning, answer, _ = reply_words(model, messages, enable_thinking, thinking_budget)
    return "".join(reasoning), "".join(answer)


class Generation:
    delay = 0.05  # seconds before each chunk (app.py --delay)

    @classmethod
    def call(cls, api_key=None, model=None, messages=None, stream=True, result_format="message",
             incremental_output=True, enable_thinking=True, thinking_budget=None, **kwargs):
        messages = messages or []
        _log_call(model, messages, enable_thinking, thinking_budget)
        return cls._stream(*reply_words(model, messages, enable_thinking, thinking_budget))

    @classmethod
    def _stream(cls, reasoning, answer, error):
        chunks = [("", "")] + [(r, "") for r in reasoning] + [("", a) for a in answer]
        if error is None:
            chunks.append(("", ""))
        for i, (r, a) in enumerate(chunks):
            time.sleep(cls.delay)
            yield _chunk(r, a, "stop" if error is None and i == len(chunks) - 1 else "null")
        if error is not None:
            time.sleep(cls.delay)
            raise RuntimeError(error)
