"""Record transcripts of the Qwen/Qwen3-VL-Demo replica (``apps/qwen3_vl_demo``) into
``tests/captures/qwen3-vl-demo/``, the evidence LocalSpace("qwen3-vl-demo") is checked against.

    python -m tests.servers.record_qwen3_vl

Starts the replica (Gradio 5.27.0 + modelscope_studio 1.6.1) on a free port, runs the sequence
below with plain ``requests``, stops it.  Each ``.sse`` file is a response body as received
(chunked framing removed), then made stable: the server's URL becomes ``http://127.0.0.1:7860``
and its temp folder Gradio's default ``/tmp/gradio``; ``manifest.json`` lists each file's
requests (the uploads and joins before a stream, with their answers).  The sequence and its
inputs are data here (``STEPS``) so the tests can replay it.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from tests.servers import launcher
from tests.servers.images import make_png
from tests.servers.launcher import ReplicaSpec

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "tests" / "captures" / "qwen3-vl-demo"
SPEC = ReplicaSpec("qwen3_vl_demo/app.py", "5.27.0")
STABLE_URL, STABLE_TMP = "http://127.0.0.1:7860", "/tmp/gradio"
ADD_MESSAGE, TOGGLE_THINKING = 11, 1  # fn_index of add_message / toggle_thinking
INPUT, THINKING_BUTTON = 31, 39  # their trigger components
PNG = make_png(seed=5).png


class Step(NamedTuple):
    """One recorded stream: ``upload`` a file (name) first, then join ``fn_index`` in ``session``
    with ``text`` as the message (``None``: the toggle's ``[null]``)."""

    file: str
    session: str
    fn_index: int
    text: Optional[str] = None
    upload: Optional[str] = None
    notes: str = ""


STEPS: Tuple[Step, ...] = (
    Step("queue_data_turn1.sse", "k3v9xq2m7aa", ADD_MESSAGE, "What is in this picture?", "cat.png",
         "turn 1 of a new session: thinking off (the default), an uploaded PNG; user turn as file + text "
         "parts, answer in a text part"),
    Step("queue_data_toggle_thinking.sse", "k3v9xq2m7aa", TOGGLE_THINKING,
         notes="toggle_thinking in the same session: the State's value is not on the wire"),
    Step("queue_data_turn2.sse", "k3v9xq2m7aa", ADD_MESSAGE, "And what colour is it?",
         notes="turn 2, thinking on: reasoning in a tool part; the image stays in the server-side history"),
    Step("queue_data_upstream_error.sse", "k3v9xq2m7aa", ADD_MESSAGE, "Please fail: __error__",
         notes="turn 3: the upstream fails after three reasoning and three answer chunks (red span, "
               "success false, error null)"),
    Step("queue_data_bad_extension.sse", "p0c8n1z5r2b", ADD_MESSAGE, "What is this?", "notes.dat",
         notes="an upload whose name has no known MIME type: the app fails before the assistant message"),
)


def message(text: str, files: Optional[List[Dict[str, Any]]]) -> Dict[str, Any]:
    """The MultimodalInput value the browser sends."""
    return {"text": text, "files": files}


def join_body(step: Step, files: Optional[List[Dict[str, Any]]]) -> Dict[str, Any]:
    data: List[Any] = [None] if step.text is None else [message(step.text, files or []), None, None]
    trigger = THINKING_BUTTON if step.fn_index == TOGGLE_THINKING else INPUT
    return {"data": data, "event_data": None, "fn_index": step.fn_index, "trigger_id": trigger,
            "session_hash": step.session}


def _stable(text: str, url: str, tmp: str) -> str:
    return text.replace(url, STABLE_URL).replace(tmp, STABLE_TMP)


def _record(replica: launcher.Replica) -> List[Dict[str, Any]]:
    import requests

    base, tmp = f"{replica.url}/gradio_api", str(replica.workdir / "gradio-tmp")
    manifest: List[Dict[str, Any]] = []
    for step in STEPS:
        before: List[Dict[str, Any]] = []
        files = None
        if step.upload is not None:
            up = requests.post(f"{base}/upload", files={"files": (step.upload, PNG, "image/png")}, timeout=30)
            before.append({"method": "POST", "url": f"{base}/upload", "file": step.upload,
                           "status": up.status_code, "response_body": up.text})
            files = [{"path": up.json()[0], "orig_name": step.upload, "meta": {"_type": "gradio.FileData"}}]
        body = join_body(step, files)
        join = requests.post(f"{base}/queue/join", json=body, timeout=30)
        before.append({"method": "POST", "url": f"{base}/queue/join", "body": body,
                       "status": join.status_code, "response_body": join.text})
        url = f"{base}/queue/data?session_hash={step.session}"
        with requests.get(url, stream=True, timeout=60) as resp:
            raw = resp.raw.read()
        text = _stable(raw.decode("utf-8"), replica.url, tmp)
        (OUT_DIR / step.file).write_text(text, encoding="utf-8")
        entry = {"file": step.file, "request": {"method": "GET", "url": url}, "preceded_by": before,
                 "response": {"status": resp.status_code}, "notes": step.notes}
        manifest.append(json.loads(_stable(json.dumps(entry, ensure_ascii=False), replica.url, tmp)))
    return manifest


def main(argv: List[str]) -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qwen-vl-record-") as root:
        replica = launcher.start_all([SPEC], Path(root))[SPEC]
        try:
            manifest = _record(replica)
        finally:
            launcher.stop(replica)
    (OUT_DIR / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")
    for entry in manifest:
        print(OUT_DIR.relative_to(ROOT) / entry["file"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
