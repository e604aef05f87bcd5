"""The classic Gradio Blocks chat tutorial: a queue=False step, then a streaming step
(Gradio 4.44.1, 5.23.3, 6.31.0).

    msg.submit(user, [msg, chatbot], [msg, chatbot], queue=False).then(bot, chatbot, chatbot)

fn_index 0 = ``user`` (appends the user turn, clears the textbox; not queued), fn_index 1 =
``bot`` (``trigger_after: 0``, queued generator streaming into the last turn), fn_index 2 =
the clear button.  Env: PORT; PACE (default 0.02); YIELD_LOG (one JSON line per call of
``user`` and of ``bot``); CHATBOT=messages for a messages-format chatbot on 4.x/5.x (6.x has
no other; default tuples).  Reply: ``generic_replies.chain_reply(message, turns)``.
"""

import os
import time

import gradio as gr

# isort: split
from chat_common import MAJOR, launch
from generic_replies import chain_reply, count_turns, log_call, pace, prefixes, text_of

MESSAGES = MAJOR >= 6 or os.environ.get("CHATBOT") == "messages"


def user(user_message, history):  # type: ignore[no-untyped-def]
    log_call("user", user_message, history)
    history = list(history or [])
    if MESSAGES:
        return "", history + [{"role": "user", "content": user_message}]
    return "", history + [[user_message, None]]


def bot(history):  # type: ignore[no-untyped-def]
    log_call("bot", None, history)
    history = list(history or [])
    if not history:
        yield history
        return
    if MESSAGES:
        message = text_of(history[-1]["content"])
        reply = chain_reply(message, count_turns(history[:-1]))
        history.append({"role": "assistant", "content": ""})
        for partial in prefixes(reply):
            time.sleep(pace())
            history[-1] = {"role": "assistant", "content": partial}
            yield history
    else:
        message = history[-1][0]
        reply = chain_reply(message, count_turns(history[:-1]))
        for partial in prefixes(reply):
            time.sleep(pace())
            history[-1] = [message, partial]
            yield history


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        if MAJOR >= 6:
            chatbot = gr.Chatbot(label="Chatbot")
        else:
            chatbot = gr.Chatbot(label="Chatbot", type="messages" if MESSAGES else "tuples")
        msg = gr.Textbox(label="Message")
        clear = gr.Button("Clear")
        msg.submit(user, [msg, chatbot], [msg, chatbot], queue=False).then(bot, chatbot, chatbot)
        clear.click(lambda: None, None, chatbot, queue=False)
    return demo


if __name__ == "__main__":
    launch(build())
