"""Uploading files to a Gradio app and referring to them in ``data``."""

from __future__ import annotations

from typing import Any, Dict

from ..errors import ProtocolError
from ..http import Transport
from .sse import excerpt

__all__ = ["upload", "file_data"]


def upload(transport: Transport, api_base: str, name: str, content: bytes, mime: str) -> str:
    """Upload one file (multipart field ``files``); return its server path."""
    answer = transport.post_files(
        f"{api_base}/upload", [("files", (name, content, mime))], "uploading the image"
    )
    if not isinstance(answer, list) or len(answer) != 1 or not isinstance(answer[0], str):
        raise ProtocolError(f"upload answered {excerpt(str(answer))!r}, not one server path")
    return answer[0]


def file_data(path: str, name: str, mime: str, size: int) -> Dict[str, Any]:
    """The FileData reference Gradio expects for an uploaded file (with
    ``orig_name``: without it Gradio 4 renames images)."""
    return {
        "path": path,
        "orig_name": name,
        "mime_type": mime,
        "size": size,
        "meta": {"_type": "gradio.FileData"},
    }
