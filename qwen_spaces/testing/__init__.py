"""``LocalSpace``: a local stand-in for a Qwen Space, for tests.

**This is a test double, not a model.**  It runs no model and needs no
network: it answers with a configured text (by default ``"Echo: " + prompt``),
split into tokens and streamed over the same Gradio protocol the real Spaces
speak (Gradio 4.44, 5.23 and 6.31 style, byte-compatible with the wire
captures in ``tests/captures``).  It uses the standard library only: an
``http.server.ThreadingHTTPServer`` on 127.0.0.1 (a free port by default) in
daemon threads.

Example::

    from qwen_spaces import Client
    from qwen_spaces.testing import LocalSpace

    with LocalSpace("qwen-2-5-max", reply="Hello there!") as space:
        with Client(base_urls={"qwen-2-5-max": space.url}) as client:
            reply = client.chat("qwen-2-5-max", [{"role": "user", "content": "Hi"}])
            assert reply.text == "Hello there!"
        assert space.joins == 1

What is served (``P`` is ``""`` on Gradio 4 style, ``"/gradio_api"`` on 5/6):

- ``GET /config`` (always at the root), ``GET {P}/info``;
- ``POST {P}/queue/join`` and ``GET {P}/queue/data?session_hash=`` (several
  events per session, diffs after the first ``process_generating``,
  ``heartbeat`` every ``heartbeat`` seconds, ``close_stream``);
- ``POST {P}/cancel``; ``POST {P}/upload`` (multipart field ``files``);
- ``POST {P}/call/{api_name}`` and ``GET {P}/call/{api_name}/{event_id}``.

The layout (fn_index, trigger id, api_name, inputs, which output holds the
reply) mimics the Space named by ``model`` (see :mod:`qwen_spaces.testing.layouts`).
Chat Spaces get a ``gr.Blocks`` chat layout (input textbox, chatbot, system
textbox, a ``gr.State``, model-size radio...); the QVQ Space an
``gr.Interface`` layout (image + textbox -> textbox).

``LocalSpace("qwen3-demo")`` serves a fake of Qwen/Qwen3-Demo instead (Gradio
5.27.0 with modelscope_studio's ``pro.Chatbot``; byte-compatible with the
transcripts in the shared captures): ``add_message`` streams the thinking and
the answer of a deterministic fake model, ``toggle_thinking`` switches thinking
off for the session, the conversation continues per session hash, and
``space.model_requests`` lists what reached the fake model
(:class:`ModelRequest`: model, messages, thinking flag and budget).

Whitespace: like real Gradio, chatbot messages go through
``inspect.cleandoc`` on Gradio 4 and 6 style (not on 5 style tuples), so a
reply's leading spaces on its first line and trailing newline are not sent
(``cleandoc=`` overrides this).  Textbox outputs are sent as they are.

Fault hooks (for fault-injection tests): ``join_status`` / ``script`` answer
requests with scripted ``(status, body, headers)`` responses before the normal
ones (no validation, nothing counted); ``cut_after`` aborts every stream (no
final chunk) after K messages, heartbeats included, and drops the session's
events as a real disconnect does; ``error``/``error_after``/``error_hidden``/
``quota_error_after`` make the app fail; ``queue_wait`` keeps events queued;
``token_delay`` slows the reply.  Closing a /queue/data stream early also
drops its events (the generator stops), like Gradio.

Not emulated: queue ranks across events and concurrency limits (every event
runs at once), ``/heartbeat/{hash}`` (the config says
``connect_heartbeat: false``), ``/file=``, ``/login`` and Gradio auth,
``/call/v2``, ``progress``/``log`` messages.  A cancelled ``/call`` event ends
with ``event: complete`` and ``data: null`` (not verified against Gradio).
"""

from __future__ import annotations

from .faults import QUOTA_MESSAGE, ROUTES, ScriptedResponse
from .jobs import ReplyFn, echo_reply
from .localspace import LocalSpace
from .records import EventRecord, RecordedRequest
from .upstream import ModelRequest

__all__ = [
    "QUOTA_MESSAGE",
    "ROUTES",
    "EventRecord",
    "LocalSpace",
    "ModelRequest",
    "RecordedRequest",
    "ReplyFn",
    "ScriptedResponse",
    "echo_reply",
]
