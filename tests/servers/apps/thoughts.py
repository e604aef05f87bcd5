"""A messages ChatInterface that streams a "thought" (``gr.ChatMessage`` with
``metadata={"title": "Thinking"}``) and then the answer as a second assistant message
(Gradio 5.23.3, 6.31.0; 4.44.1 ChatInterface cannot yield a list of messages).

Env: PORT; PACE (default 0.02); YIELD_LOG (one JSON line per call).  The generator yields a
growing list: ``[thought]`` while reasoning (metadata status "pending"), then
``[thought (status "done"), answer]``.  Texts: ``generic_replies.thoughts_reasoning(message)``
and ``thoughts_answer(message, turns)``.  Public API event: ``chat`` on 5.x, ``respond`` on 6.x.
"""

import time

import gradio as gr

# isort: split
from chat_common import MAJOR, launch
from generic_replies import (
    THOUGHTS_TITLE,
    count_turns,
    log_call,
    pace,
    prefixes,
    thoughts_answer,
    thoughts_reasoning,
)


def respond(message, history):  # type: ignore[no-untyped-def]
    log_call("respond", message, history)
    message = message or ""
    # history holds both assistant messages of each earlier turn; count user turns only
    turns = count_turns(history)
    for partial in prefixes(thoughts_reasoning(message)):
        time.sleep(pace())
        yield [gr.ChatMessage(role="assistant", content=partial,
                              metadata={"title": THOUGHTS_TITLE, "status": "pending"})]
    thought = gr.ChatMessage(role="assistant", content=thoughts_reasoning(message),
                             metadata={"title": THOUGHTS_TITLE, "status": "done"})
    for partial in prefixes(thoughts_answer(message, turns)):
        time.sleep(pace())
        yield [thought, gr.ChatMessage(role="assistant", content=partial)]


if __name__ == "__main__":
    kwargs: dict = {} if MAJOR >= 6 else {"type": "messages"}
    launch(gr.ChatInterface(respond, title="thoughts replica", **kwargs))
