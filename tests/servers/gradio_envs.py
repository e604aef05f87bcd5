"""Cached virtualenvs with the Gradio versions the integration tests run against.

Each version lives in ``$QWEN_SPACES_GRADIO_CACHE/g<version>`` (default
``~/.cache/qwen-spaces-gradio``).  An env counts as ready only when its marker
file exists; the marker is written after ``pip install`` succeeded *and*
``import gradio`` reported the expected version, so an interrupted install is
never mistaken for a good one.  A per-version file lock lets several callers
(pytest sessions, CI pre-creation) ask for the same env at once.

Stdlib only, so CI can run it before anything else is installed::

    python -m tests.servers.gradio_envs            # all versions, in parallel
    python tests/servers/gradio_envs.py 6.31.0     # just one
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

VERSIONS: Tuple[str, ...] = ("4.44.1", "5.23.3", "6.31.0")
# Qwen3-Demo's own stack: Gradio 5.27.0 with modelscope_studio (pins of captures/qwen3-demo).
QWEN3_VERSION = "5.27.0"
ALL_VERSIONS: Tuple[str, ...] = VERSIONS + (QWEN3_VERSION,)

# Pins found by trial: old Gradio breaks with newer hub / FastAPI / pydantic releases.
SPECS: Dict[str, List[str]] = {
    "4.44.1": [
        "gradio==4.44.1",
        "huggingface_hub<0.26",
        "fastapi<0.113",
        "starlette<0.39",
        "pydantic<2.10",
    ],
    "5.23.3": ["gradio==5.23.3", "requests", "huggingface_hub<0.30"],
    "6.31.0": ["gradio==6.31.0"],
    QWEN3_VERSION: [
        "gradio==5.27.0",
        "gradio_client==1.9.0",
        "modelscope_studio==1.6.1",
        "fastapi==0.115.12",
        "starlette==0.46.2",
        "huggingface_hub==0.30.2",
        "pydantic==2.11.3",
        "requests",
    ],
}

MARKER = ".qwen-spaces-ready.json"
INSTALL_TIMEOUT = 900.0  # seconds; a cold install took ~45 s, leave room for slow mirrors


class GradioEnvError(RuntimeError):
    """Creating or checking a Gradio env failed (the message names its log file)."""


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "qwen-spaces-gradio"
    return Path(os.environ.get("QWEN_SPACES_GRADIO_CACHE", default)).expanduser()


def env_dir(version: str) -> Path:
    return cache_dir() / f"g{version}"


def env_python(version: str) -> Path:
    return env_dir(version) / "bin" / "python"


def server_env() -> Dict[str, str]:
    """Environment for every Gradio process we start: no telemetry, no proxy for loopback."""
    env = dict(os.environ)
    env.update(
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        PYTHONUNBUFFERED="1",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    # The dev venv's variables must not leak into the Gradio venv's interpreter.
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    return env


def _marker_ok(version: str) -> bool:
    marker = env_dir(version) / MARKER
    try:
        data = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    # A changed pin list invalidates the env, so it gets re-installed.
    return data.get("specs") == SPECS[version] and env_python(version).exists()


def _base_python() -> str:
    # Build from the base interpreter: a venv made from another venv's python
    # would still work, but this keeps `home` in pyvenv.cfg stable.
    return getattr(sys, "_base_executable", None) or sys.executable


def _run(cmd: Sequence[str], log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        proc = subprocess.run(
            list(cmd), stdout=out, stderr=subprocess.STDOUT, env=server_env(),
            timeout=INSTALL_TIMEOUT, check=False,
        )
    if proc.returncode != 0:
        raise GradioEnvError(f"{cmd[0]} failed (rc={proc.returncode}); see {log}")


def _install(version: str) -> None:
    """Create (or repair) the venv and install the pins; pip is a no-op when satisfied."""
    log = cache_dir() / f"g{version}.log"
    started = time.monotonic()
    if not env_python(version).exists():
        _run([_base_python(), "-m", "venv", str(env_dir(version))], log)
    python = str(env_python(version))
    _run([python, "-m", "pip", "install", "--disable-pip-version-check", *SPECS[version]], log)
    check = f"import gradio, sys; sys.exit(gradio.__version__ != {version!r})"
    _run([python, "-c", check], log)
    marker = {"specs": SPECS[version], "installed_at": time.time(),
              "seconds": round(time.monotonic() - started, 1)}
    (env_dir(version) / MARKER).write_text(json.dumps(marker))


def ensure_env(version: str) -> Path:
    """The python of a ready env for ``version``, installing it first if needed."""
    if version not in SPECS:
        raise ValueError(f"unknown Gradio version {version!r}; known: {', '.join(ALL_VERSIONS)}")
    if _marker_ok(version):  # fast path, no lock needed for a finished env
        return env_python(version)
    cache_dir().mkdir(parents=True, exist_ok=True)
    with (cache_dir() / f"g{version}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be installing right now
        try:
            if not _marker_ok(version):
                _install(version)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return env_python(version)


def ensure_envs(versions: Iterable[str] = ALL_VERSIONS) -> Dict[str, Path]:
    """Make every requested env ready, installing the missing ones in parallel."""
    wanted = list(dict.fromkeys(versions))
    with ThreadPoolExecutor(max_workers=max(1, len(wanted))) as pool:
        pythons = list(pool.map(ensure_env, wanted))
    return dict(zip(wanted, pythons))


def main(argv: Sequence[str]) -> int:
    versions = list(argv) or list(ALL_VERSIONS)
    started = time.monotonic()
    try:
        pythons = ensure_envs(versions)
    except (GradioEnvError, ValueError, subprocess.TimeoutExpired) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for version, python in pythons.items():
        print(f"gradio {version}: {python}")
    print(f"ready in {time.monotonic() - started:.1f}s (cache: {cache_dir()})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
