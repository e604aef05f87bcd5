"""A Blocks app with two different chat events (Gradio 4.44.1, 5.23.3, 6.31.0): two
textboxes submit to two functions that stream into two chatbots.  A client that looks for
"the" chat event must report the ambiguity.

fn_index 0 = ``alpha`` (api_name "alpha": inputs [alpha textbox, alpha chatbot], outputs
[alpha textbox, alpha chatbot]); fn_index 1 = ``beta`` (same, beta side).  Env: PORT; PACE
(default 0.02); YIELD_LOG (one JSON line per call); CHATBOT=messages on 4.x/5.x (default
tuples; 6.x messages only).  Replies: ``generic_replies.alpha_reply`` / ``beta_reply``.
"""

import os
import time

import gradio as gr

# isort: split
from chat_common import MAJOR, launch
from generic_replies import alpha_reply, beta_reply, count_turns, log_call, pace, prefixes

MESSAGES = MAJOR >= 6 or os.environ.get("CHATBOT") == "messages"


def _stream(name, reply_fn, message, history):  # type: ignore[no-untyped-def]
    log_call(name, message, history)
    message, history = message or "", list(history or [])
    reply = reply_fn(message, count_turns(history))
    for partial in prefixes(reply):
        time.sleep(pace())
        if MESSAGES:
            turn = [{"role": "user", "content": message}, {"role": "assistant", "content": partial}]
        else:
            turn = [[message, partial]]
        yield "", history + turn


def alpha(message, history):  # type: ignore[no-untyped-def]
    yield from _stream("alpha", alpha_reply, message, history)


def beta(message, history):  # type: ignore[no-untyped-def]
    yield from _stream("beta", beta_reply, message, history)


def _chatbot(label: str) -> gr.Chatbot:
    if MAJOR >= 6:
        return gr.Chatbot(label=label)
    return gr.Chatbot(label=label, type="messages" if MESSAGES else "tuples")


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        with gr.Row():
            with gr.Column():
                alpha_bot = _chatbot("Alpha")
                alpha_box = gr.Textbox(label="Ask alpha")
            with gr.Column():
                beta_bot = _chatbot("Beta")
                beta_box = gr.Textbox(label="Ask beta")
        alpha_box.submit(alpha, [alpha_box, alpha_bot], [alpha_box, alpha_bot], api_name="alpha")
        beta_box.submit(beta, [beta_box, beta_bot], [beta_box, beta_bot], api_name="beta")
    return demo


if __name__ == "__main__":
    launch(build())
