"""A QVQ-72B-Preview-shaped Space whose reply length is chosen by the prompt.

Same layout as ``tests/servers/apps/qvq.py`` (``gr.Interface(generate, [Image(filepath),
Textbox], Textbox, api_name="generate")``: a /call-era Space whose one event streams the
growing FULL text), but the question ``many N`` makes it stream the N tokens of
``workload.tokens(N)`` (words, newlines, JSON escapes, accented Latin, CJK and 👋), with
no delay between yields (env PACE, seconds, overrides that).  Any other question gives
``workload.tokens(8)``.

Run by ``benchmarks/wire.py`` through ``tests/servers/launcher.py`` with a Gradio venv's
python (env PORT).  The Textbox output is not rewritten by Gradio, so the final text is
exactly ``workload.expected_text(N)``.
"""

import os
import re
import sys
import time
from pathlib import Path
from typing import Iterator, Optional

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent.parent / "tests" / "servers" / "apps")]

import gradio as gr  # noqa: E402

# isort: split
import workload  # noqa: E402
from chat_common import MAJOR, launch  # noqa: E402


def generate(image: Optional[str], question: Optional[str]) -> Iterator[str]:
    many = re.search(r"\bmany (\d+)\b", question or "")
    pace = float(os.environ.get("PACE", "0"))
    out = ""
    for token in workload.tokens(int(many.group(1)) if many else 8):
        if pace:
            time.sleep(pace)
        out += token
        yield out


if __name__ == "__main__":
    kwargs = dict(fn=generate, inputs=[gr.Image(type="filepath"), gr.Textbox()],
                  outputs=gr.Textbox(), api_name="generate")
    if MAJOR >= 5:
        kwargs["flagging_mode"] = "never"
    else:
        kwargs["allow_flagging"] = "never"
    launch(gr.Interface(**kwargs))
