"""Test images made with the stdlib only (the dev venv has no PIL)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass


@dataclass(frozen=True)
class SampleImage:
    width: int
    height: int
    rgb: bytes  # raw pixels, row-major, what PIL's convert("RGB").tobytes() returns
    png: bytes


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))


def make_png(width: int = 37, height: int = 23, seed: int = 1) -> SampleImage:
    """An RGB gradient with a seed-dependent twist: odd sizes and varied pixels, so a
    resized, cropped or lossily re-encoded upload changes the pixel hash."""
    rows = []
    for y in range(height):
        row = bytes(((x * 7 + seed * 31) % 256, (y * 11 + x * seed) % 256, (x * y + seed) % 256)[c]
                    for x in range(width) for c in range(3))
        rows.append(row)
    rgb = b"".join(rows)
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 per scanline
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    png = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
           + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b""))
    return SampleImage(width, height, rgb, png)
