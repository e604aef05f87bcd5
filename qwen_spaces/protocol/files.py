"""Uploading files to a Gradio app and referring to them in ``data``."""

from __future__ import annotations

import mimetypes
from typing import Any, Dict

from ..errors import ProtocolError
from ..http import Transport
from .sse import excerpt

__all__ = ["upload", "file_data", "upload_name"]

# the extension an image of each type the client sends gets when its name says another type
_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
               "image/bmp": ".bmp", "image/tiff": ".tiff"}


def upload_name(name: str, mime: str) -> str:
    """``name``, its extension replaced by one that says ``mime`` when it says
    something else: apps that work out a file's type from its name (Qwen3-VL-Demo)
    would drop an image called ``scan.txt`` and fail on ``scan.dat``."""
    if mimetypes.guess_type(name)[0] == mime:
        return name
    ext = _EXTENSIONS.get(mime) or mimetypes.guess_extension(mime)
    if not ext:
        return name
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return (stem or "image") + ext


def upload(transport: Transport, api_base: str, name: str, content: bytes, mime: str) -> str:
    """Upload one file (multipart field ``files``, named for its type); return its server path."""
    answer = transport.post_files(
        f"{api_base}/upload", [("files", (upload_name(name, mime), content, mime))], "uploading the image"
    )
    if not isinstance(answer, list) or len(answer) != 1 or not isinstance(answer[0], str):
        raise ProtocolError(f"upload answered {excerpt(str(answer))!r}, not one server path")
    return answer[0]


def file_data(path: str, name: str, mime: str, size: int) -> Dict[str, Any]:
    """The FileData reference Gradio expects for an uploaded file (with
    ``orig_name``: without it Gradio 4 renames images)."""
    return {
        "path": path,
        "orig_name": upload_name(name, mime),
        "mime_type": mime,
        "size": size,
        "meta": {"_type": "gradio.FileData"},
    }
