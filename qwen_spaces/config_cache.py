"""Each Space's ``/config`` kept on disk, so a Space known only by its id or
URL costs its ``/config`` round trip once per machine while it does not change.

Entries live under ``$XDG_CACHE_HOME/qwen-spaces/configs`` (default
``~/.cache/qwen-spaces/configs``), one JSON file per root URL, written to a
temporary file and renamed (atomic, safe with several processes).  A corrupt
entry is ignored; a stale one shows up as a failed join or an empty job, and
the client then reads ``/config`` again and replaces it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Optional

from .errors import ProtocolError
from .protocol.config import AppConfig, parse_config

__all__ = ["cache_dir", "load", "save", "forget"]

log = logging.getLogger("qwen_spaces")
FORMAT = 1


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qwen-spaces" / "configs"


def _path(root: str) -> Path:
    return cache_dir() / (hashlib.sha256(root.encode("utf-8")).hexdigest()[:40] + ".json")


def load(root: str) -> Optional[AppConfig]:
    """The cached /config of ``root``, or None (none, unreadable, or another root's)."""
    path = _path(root)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry.get("format") != FORMAT or entry.get("root") != root:
            return None
        return parse_config(entry["config"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, AttributeError, ProtocolError) as exc:
        log.debug("ignoring the cached /config of %s (%s)", root, exc)
        return None


def save(root: str, config: AppConfig) -> None:
    """Store ``config`` for ``root``; a cache that cannot be written is skipped."""
    path = _path(root)
    tmp: Optional[str] = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"format": FORMAT, "root": root, "config": config.raw}, out, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("could not cache the /config of %s (%s)", root, exc)
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def forget(root: str) -> None:
    try:
        _path(root).unlink()
    except OSError:
        pass
