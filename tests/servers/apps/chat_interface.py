"""A plain ``gr.ChatInterface`` whose generator echoes what it received (Gradio 4.44.1,
5.23.3, 6.31.0).

Env: PORT; PACE (seconds between words, default 0.02); YIELD_LOG (one JSON line per call);
CI_TYPE=messages|tuples (4.x/5.x; default tuples on 4.x/5.x; 6.x has messages only and
ignores it); CI_ADDITIONAL=1 adds additional_inputs "System prompt" (Textbox), "Temperature"
(Slider 0..2), "Model" (Dropdown small/large); CI_MULTIMODAL=1 makes it ``multimodal=True``
(the reply counts the files received and gives each one's size in bytes).

Reply: ``generic_replies.ci_reply``; public API event: ``chat`` on 4.x/5.x, ``respond`` (the
function's name) on 6.x.
"""

import os
import time

import gradio as gr

# isort: split
from chat_common import MAJOR, launch
from generic_replies import (
    ADDITIONAL_DEFAULTS,
    MODEL_CHOICES,
    ci_reply,
    count_turns,
    log_call,
    pace,
    prefixes,
)

ADDITIONAL = os.environ.get("CI_ADDITIONAL") == "1"
MULTIMODAL = os.environ.get("CI_MULTIMODAL") == "1"
CI_TYPE = "messages" if MAJOR >= 6 else os.environ.get("CI_TYPE", "tuples")


def _path(file: object) -> str:
    if isinstance(file, dict):
        return str(file.get("path") or file.get("name"))
    return str(getattr(file, "path", file))


def respond(message, history, *additional):  # type: ignore[no-untyped-def]
    files = None
    if MULTIMODAL:
        files = [os.path.getsize(_path(f)) for f in (message or {}).get("files") or []]
        text = (message or {}).get("text") or ""
    else:
        text = message or ""
    inputs = {label: value for (label, _), value in zip(ADDITIONAL_DEFAULTS, additional)}
    if files is not None:
        inputs["file_sizes"] = files
    log_call("respond", message, history, **inputs)
    reply = ci_reply(text, count_turns(history), additional if ADDITIONAL else None, files)
    for partial in prefixes(reply):
        time.sleep(pace())
        yield partial


def build() -> gr.ChatInterface:
    kwargs: dict = {"multimodal": MULTIMODAL}
    if MAJOR < 6:
        kwargs["type"] = CI_TYPE
    if ADDITIONAL:
        (sys_label, sys_default), (t_label, t_default), (m_label, m_default) = ADDITIONAL_DEFAULTS
        kwargs["additional_inputs"] = [
            gr.Textbox(value=sys_default, label=sys_label),
            gr.Slider(minimum=0, maximum=2, value=t_default, step=0.1, label=t_label),
            gr.Dropdown(choices=list(MODEL_CHOICES), value=m_default, label=m_label),
        ]
    return gr.ChatInterface(respond, title="ChatInterface replica", **kwargs)


if __name__ == "__main__":
    launch(build())
