"""Replica of the QVQ-72B-Preview Space: gr.Interface(generate, [Image(filepath), Textbox],
Textbox, api_name="generate"), streaming the growing FULL text (the /call protocol).

The reply proves the image arrived intact: its size and a hash of its RGB pixels
(not of the file bytes: Gradio 4 re-saves uploaded images).  The question picks
``quota`` / ``early-error`` failures like the chat replicas.  Env: PORT, YIELD_LOG.
"""

import os
import time
from typing import Iterator, Optional, Tuple

import gradio as gr
from PIL import Image

# isort: split
# (app-local modules, importable because the script's folder is on sys.path)
from chat_common import MAJOR, launch
from replies import EARLY_MESSAGE, QUOTA_MESSAGE, append_yield, pixel_hash, qvq_tokens


def describe(image_path: Optional[str]) -> Optional[Tuple[int, int, str]]:
    """(width, height, pixel hash) of the uploaded image, or None without one."""
    if not image_path:
        return None
    with Image.open(image_path) as img:
        rgb = img.convert("RGB")
        return rgb.size[0], rgb.size[1], pixel_hash(rgb.tobytes())


def generate(image: Optional[str], question: Optional[str]) -> Iterator[str]:
    question = question or ""
    if "early-error" in question:
        raise gr.Error(EARLY_MESSAGE)
    tokens = qvq_tokens(describe(image), question)
    out = ""
    for index, token in enumerate(tokens):
        if index == 3 and "quota" in question:
            raise gr.Error(QUOTA_MESSAGE)
        time.sleep(0.02)
        out += token
        append_yield(os.environ.get("YIELD_LOG"), question, index)
        yield out


if __name__ == "__main__":
    kwargs = dict(fn=generate, inputs=[gr.Image(type="filepath"), gr.Textbox()],
                  outputs=gr.Textbox(), api_name="generate")
    if MAJOR >= 5:
        kwargs["flagging_mode"] = "never"
    else:
        kwargs["allow_flagging"] = "never"
    launch(gr.Interface(**kwargs))
