"""A ChatInterface whose streamed reply is ``<think>`` reasoning ``</think>`` answer, as
Qwen3 / QwQ replies look on plain Spaces (Gradio 4.44.1, 5.23.3, 6.31.0).

Env: PORT; PACE (default 0.02); YIELD_LOG (one JSON line per call); CI_TYPE=messages|tuples
(4.x/5.x, default messages; 6.x messages only).  The generator yields
``generic_replies.think_steps(message, turns)`` (final text ``think_reply``); the tags are
tokens of their own.  Public API event: ``chat`` on 4.x/5.x, ``respond`` on 6.x.
"""

import os
import time

import gradio as gr

# isort: split
from chat_common import MAJOR, launch
from generic_replies import count_turns, log_call, pace, think_steps

CI_TYPE = "messages" if MAJOR >= 6 else os.environ.get("CI_TYPE", "messages")


def respond(message, history):  # type: ignore[no-untyped-def]
    log_call("respond", message, history)
    for step in think_steps(message or "", count_turns(history)):
        time.sleep(pace())
        yield step


if __name__ == "__main__":
    kwargs: dict = {} if MAJOR >= 6 else {"type": CI_TYPE}
    launch(gr.ChatInterface(respond, title="think-tags replica", **kwargs))
