"""Gradio side of the replica apps: the chat generator, the Qwen chat layout, launch.

Imported by the app scripts in this folder (run with a Gradio venv's python,
so this folder is on sys.path).  Works unchanged on Gradio 4.44.1, 5.23.3, 6.31.0.
"""

from __future__ import annotations

import os
import time
from typing import Any, Iterator, List, Optional, Tuple

import gradio as gr

# isort: split
# (app-local module, importable because the script's folder is on sys.path)
from generic_replies import log_call
from replies import CRASH_MESSAGE, EARLY_MESSAGE, MODEL_SIZES, QUOTA_MESSAGE, Plan, append_yield, plan_for

MAJOR = int(gr.__version__.split(".")[0])
CONCURRENCY = 64  # the tests run 32 streams at once on one server; leave headroom
ChatOutputs = Tuple[str, List[Any], Optional[str]]


# CHATBOT=messages: a messages-format chatbot on Gradio 4/5 too (6.x has no other)
MESSAGES = MAJOR >= 6 or os.environ.get("CHATBOT") == "messages"


def with_reply(history: List[Any], query: str, reply: str) -> List[Any]:
    """The chatbot value after one turn, in the format the real Spaces use per version."""
    if MESSAGES:
        return history + [{"role": "user", "content": query},
                          {"role": "assistant", "content": reply}]
    return history + [[query, reply]]


def fail(plan: Plan) -> None:
    if plan.failure == "quota":
        raise gr.Error(QUOTA_MESSAGE)
    if plan.failure == "early":
        raise gr.Error(EARLY_MESSAGE)
    raise ValueError(CRASH_MESSAGE)  # a plain exception: show_error=False hides it


def run_chat(query: Optional[str], history: Optional[List[Any]], system: Optional[str],
             model_size: Optional[str] = None) -> Iterator[ChatOutputs]:
    """Yield ``("", chatbot, system)`` with a growing reply, as the Qwen Spaces do."""
    query, history = query or "", list(history or [])
    log_call("model_chat", query, history, system=system)  # what the Space received
    plan = plan_for(query, system, model_size)
    log = os.environ.get("YIELD_LOG")
    if plan.empty:
        append_yield(log, query, 0)
        yield "", with_reply(history, query, ""), system
        return
    partial = ""
    for index, token in enumerate(plan.tokens):
        if index == plan.fail_at:
            fail(plan)
        if plan.delay:
            time.sleep(plan.delay)
        partial += token
        append_yield(log, query, index)  # lets a test see the generator stop after a cancel
        yield "", with_reply(history, query, partial), system


def clear_session() -> Tuple[str, List[Any]]:
    return "", []


def _noop() -> None:
    return None


def build_chat_demo(default_system: str, leading_events: int, radio: bool) -> gr.Blocks:
    """The Qwen chat layout.  Event order (fn_index), after ``leading_events`` no-ops:
    +0 textbox.submit(model_chat), +1 send.click(model_chat), +2 clear_session,
    +3 modify_system_session.  SYSTEM_SLOT=textbox swaps the gr.State for a hidden Textbox."""

    def modify_system_session(system: Optional[str]) -> Tuple[str, str, List[Any]]:
        system = system or default_system
        return system, system, []

    def model_chat(query, history, system, *size):  # type: ignore[no-untyped-def]
        yield from run_chat(query, history, system, *size)

    with gr.Blocks() as demo:
        gr.Markdown("<center><font size=8>Qwen replica</center>")
        for i in range(leading_events):  # shifts fn_index like a redeployed Space
            gr.Button(f"noop {i}", visible=False).click(_noop, None, None, api_name=f"noop_{i}")
        system_input = gr.Textbox(value=default_system, lines=1, label="System")
        modify_system = gr.Button("Set system prompt and clear history")
        if os.environ.get("SYSTEM_SLOT", "state") == "textbox":
            system_state: Any = gr.Textbox(value=default_system, visible=False)
        else:
            system_state = gr.State(value=default_system)
        size = gr.Radio(choices=list(MODEL_SIZES), value="72B", label="Model") if radio else None
        if MAJOR >= 6:
            chatbot = gr.Chatbot(label="Qwen")
        else:
            chatbot = gr.Chatbot(label="Qwen", type="messages" if MESSAGES else "tuples")
        textbox = gr.Textbox(lines=1, label="Input")
        clear_history, send = gr.Button("Clear history"), gr.Button("Send")

        inputs = [textbox, chatbot, system_state] + ([size] if size is not None else [])
        outputs = [textbox, chatbot, system_input]
        textbox.submit(model_chat, inputs, outputs, api_name="model_chat",
                       concurrency_limit=CONCURRENCY)
        send.click(model_chat, inputs, outputs, concurrency_limit=CONCURRENCY)
        clear_history.click(clear_session, [], [textbox, chatbot])
        modify_system.click(modify_system_session, [system_input],
                            [system_state, system_input, chatbot], api_name="modify_system_session",
                            concurrency_limit=CONCURRENCY)
    return demo


def launch(demo: gr.Blocks) -> None:
    """Queue + launch the way the Spaces do (show_error left False), on $PORT."""
    demo.queue(default_concurrency_limit=CONCURRENCY)
    kwargs: dict = dict(server_name="127.0.0.1", server_port=int(os.environ["PORT"]),
                        max_threads=64)
    if MAJOR >= 5:
        kwargs["ssr_mode"] = False  # no Node SSR server: not needed, slow to start
    print("gradio", gr.__version__, flush=True)
    demo.launch(**kwargs)
