"""Reading and checking a user's image before anything is sent."""

from __future__ import annotations

import os
import stat
from typing import Any, Optional, Tuple

__all__ = ["load_image"]

# magic bytes -> (mime type, extension)
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"BM", "image/bmp", "bmp"),
    (b"II*\x00", "image/tiff", "tiff"),
    (b"MM\x00*", "image/tiff", "tiff"),
)


def _sniff(head: bytes) -> Optional[Tuple[str, str]]:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    for magic, mime, ext in _SIGNATURES:
        if head.startswith(magic):
            return mime, ext
    return None


def _read_path(path: "os.PathLike[str] | str", max_bytes: int) -> Tuple[str, bytes]:
    name = os.fspath(path)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise ValueError(f"image file not found: {name}") from None
    except OSError as exc:
        raise ValueError(f"cannot read image {name}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"image path is a directory, not a file: {name}")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"image path is not a regular file (device, pipe or socket): {name}")
    if info.st_size > max_bytes:
        raise ValueError(f"image {name} is {info.st_size} bytes; the limit is {max_bytes}")
    try:
        with open(name, "rb") as handle:
            content = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ValueError(f"cannot read image {name}: {exc.strerror}") from None
    return os.path.basename(name), content


def load_image(image: Any, max_bytes: int) -> Tuple[str, bytes, str]:
    """``(file name, bytes, mime type)`` of a path, bytes or binary file object.

    Raises ValueError for a missing or unreadable file, a directory or device,
    more than ``max_bytes``, or content that is not a known image format.
    """
    if isinstance(image, (str, os.PathLike)):
        name, content = _read_path(image, max_bytes)
    elif isinstance(image, (bytes, bytearray, memoryview)):
        name, content = "", bytes(image)
    elif callable(getattr(image, "read", None)):
        content = image.read(max_bytes + 1)
        if not isinstance(content, bytes):
            raise ValueError("image file object must be opened in binary mode ('rb')")
        name = os.path.basename(str(getattr(image, "name", "") or ""))
    else:
        raise ValueError(
            f"image must be a path, bytes or a binary file object, not {type(image).__name__}"
        )
    if len(content) > max_bytes:
        raise ValueError(f"image is larger than the limit of {max_bytes} bytes")
    if not content:
        raise ValueError("image is empty")
    kind = _sniff(content[:16])
    if kind is None:
        raise ValueError("image is not a PNG, JPEG, GIF, WebP, BMP or TIFF file")
    mime, ext = kind
    if not name or "." not in name:
        name = f"image.{ext}"
    return name, content, mime
