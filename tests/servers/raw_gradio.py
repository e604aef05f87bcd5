"""A deliberately tiny Gradio wire client (plain ``requests``) for smoke-testing the
replicas independently of qwen_spaces: if these calls fail, the server is broken,
not the SDK.  Not a reference implementation: no diffs, no retries.
"""

from __future__ import annotations

import json
import secrets
from typing import Any, Dict, List, Optional, Tuple

import requests

TIMEOUT = (5, 30)


def get_config(url: str) -> Dict[str, Any]:
    resp = requests.get(f"{url}/config", timeout=TIMEOUT)
    resp.raise_for_status()
    config: Dict[str, Any] = resp.json()
    return config


def api_base(url: str, config: Dict[str, Any]) -> str:
    return url + (config.get("api_prefix") or "")


def dependency(config: Dict[str, Any], api_name: str) -> Dict[str, Any]:
    return next(dep for dep in config["dependencies"] if dep.get("api_name") == api_name)


def component_type(config: Dict[str, Any], component_id: int) -> str:
    return str(next(c["type"] for c in config["components"] if c["id"] == component_id))


def _sse_data(resp: requests.Response) -> List[Any]:
    """JSON of each ``data:`` line; an aborted chunked body just ends the list."""
    out: List[Any] = []
    try:
        for line in resp.iter_lines():
            if line.startswith(b"data:"):
                out.append(json.loads(line[5:].strip() or b"null"))
    except requests.exceptions.ChunkedEncodingError:
        pass
    return out


def queue_run(url: str, config: Dict[str, Any], fn_index: int, data: List[Any],
              session_hash: Optional[str] = None) -> List[Dict[str, Any]]:
    """Join the queue and read the session stream until close_stream: all messages."""
    session_hash = session_hash or secrets.token_hex(6)
    base = api_base(url, config)
    body = {"data": data, "fn_index": fn_index, "event_data": None, "session_hash": session_hash}
    join = requests.post(f"{base}/queue/join", json=body, timeout=TIMEOUT)
    join.raise_for_status()
    with requests.get(f"{base}/queue/data", params={"session_hash": session_hash},
                      stream=True, timeout=TIMEOUT) as resp:
        resp.raise_for_status()
        messages = []
        for msg in _sse_data(resp):
            messages.append(msg)
            if msg.get("msg") == "close_stream":
                break
        return messages


def completed(messages: List[Dict[str, Any]]) -> Dict[str, Any]:
    return next(m for m in messages if m.get("msg") == "process_completed")


def chat_reply(chatbot: List[Any]) -> str:
    """Last assistant text of a chatbot value: tuples, messages, or 6.x parts."""
    last = chatbot[-1]
    if isinstance(last, list):
        return str(last[1])
    content = last["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if part.get("type") == "text")
    return str(content)


def upload(url: str, config: Dict[str, Any], name: str, content: bytes) -> str:
    resp = requests.post(f"{api_base(url, config)}/upload",
                         files={"files": (name, content, "application/octet-stream")},
                         timeout=TIMEOUT)
    resp.raise_for_status()
    return str(resp.json()[0])


def call_run(url: str, config: Dict[str, Any], api_name: str,
             data: List[Any]) -> List[Tuple[str, Any]]:
    """The /call/{api_name} flow: (event, data) pairs until complete or error."""
    base = api_base(url, config)
    post = requests.post(f"{base}/call/{api_name}", json={"data": data}, timeout=TIMEOUT)
    post.raise_for_status()
    event_id = post.json()["event_id"]
    events: List[Tuple[str, Any]] = []
    with requests.get(f"{base}/call/{api_name}/{event_id}", stream=True,
                      timeout=TIMEOUT) as resp:
        name = ""
        for line in resp.iter_lines():
            if line.startswith(b"event:"):
                name = line[6:].strip().decode()
            elif line.startswith(b"data:"):
                events.append((name, json.loads(line[5:].strip() or b"null")))
                if name in ("complete", "error"):
                    break
    return events
