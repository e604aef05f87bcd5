"""A calculator ``gr.Interface``: no chat at all (Gradio 4.44.1, 5.23.3, 6.31.0).  A client
must say it finds no chat event here.

One event, fn_index 0, api_name "predict" (6.x: "calculator"): inputs [Number "x", Number "y", Radio "op"],
output Number.  Env: PORT; YIELD_LOG (one JSON line per call:
``{"fn": "calculate", "message": null, "history": null, "inputs": {"x", "y", "op"}}``).
Result: ``generic_replies.calculate(x, y, op)``.
"""

import gradio as gr

# isort: split
from chat_common import launch
from generic_replies import calculate, log_call


def calculator(x, y, op):  # type: ignore[no-untyped-def]
    log_call("calculate", x=x, y=y, op=op)
    return calculate(x, y, op)


if __name__ == "__main__":
    launch(gr.Interface(
        calculator,
        [gr.Number(label="x", value=3), gr.Number(label="y", value=4),
         gr.Radio(["add", "subtract", "multiply", "divide"], value="add", label="op")],
        gr.Number(label="result"),
        title="calculator replica",
    ))
