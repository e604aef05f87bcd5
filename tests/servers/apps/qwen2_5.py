"""Replica of the Qwen2.5 Space: the chat event is fn_index 3 and takes a model-size radio
(inputs: textbox, chatbot, system, radio).  Env: PORT, SYSTEM_SLOT, YIELD_LOG."""

from chat_common import build_chat_demo, launch
from replies import QWEN25_DEFAULT_SYSTEM

if __name__ == "__main__":
    launch(build_chat_demo(QWEN25_DEFAULT_SYSTEM, leading_events=3, radio=True))
