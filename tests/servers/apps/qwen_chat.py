"""Replica of the Qwen2.5-Max / Qwen2-72B-Instruct chat Spaces (chat event at fn_index 0).

Env: PORT; SYSTEM_SLOT=state|textbox (default state); LEADING_EVENTS=N adds N
no-op events first, so the chat event moves to fn_index N (discovery tests);
YIELD_LOG=path records every generator yield.
"""

import os

from chat_common import build_chat_demo, launch
from replies import CHAT_DEFAULT_SYSTEM

if __name__ == "__main__":
    leading = int(os.environ.get("LEADING_EVENTS", "0"))
    launch(build_chat_demo(CHAT_DEFAULT_SYSTEM, leading_events=leading, radio=False))
