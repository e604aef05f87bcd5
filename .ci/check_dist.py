"""Check the built distributions: the wheel has the whole package (py.typed,
the command, LocalSpace) and its entry point; the sdist has what the tests
need; neither carries caches or compiled files.  Usage: check_dist.py DIST_DIR"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

CACHES = ("__pycache__", ".pyc", ".pyo", ".pytest_cache", ".mypy_cache", ".ruff_cache",
          ".hypothesis", ".venv", ".ci-")
WHEEL_NEEDS = ("qwen_spaces/__init__.py", "qwen_spaces/py.typed", "qwen_spaces/cli.py",
               "qwen_spaces/__main__.py", "qwen_spaces/testing/localspace.py", "qwen_spaces/client.py",
               "qwen_spaces/protocol/queue.py",
               "qwen_spaces/pytest_plugin.py", "qwen_spaces/server.py", "qwen_spaces/completions.py",
               "qwen_spaces/batch.py")
SDIST_NEEDS = ("README.rst", "setup.cfg", "setup.py", "qwen_spaces/py.typed", "qwen_spaces/cli.py",
               "tests/unit/test_cli.py", "tests/captures/manifest.json")


def check(names: list[str], needs: tuple[str, ...], what: str) -> list[str]:
    problems = [f"{what}: missing {need}" for need in needs if not any(n.endswith(need) for n in names)]
    problems += [f"{what}: should not contain {n}" for n in names if any(c in n for c in CACHES)]
    return problems


def main(dist: Path) -> int:
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"expected one wheel and one sdist in {dist}, found {wheels + sdists}")
        return 1
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = wheel.namelist()
        problems = check(names, WHEEL_NEEDS, wheels[0].name)
        entry = next((n for n in names if n.endswith("entry_points.txt")), None)
        if entry is None or "qwen-spaces = qwen_spaces.cli:main" not in wheel.read(entry).decode():
            problems.append(f"{wheels[0].name}: no qwen-spaces console script")
        if entry is None or "qwen_spaces = qwen_spaces.pytest_plugin" not in wheel.read(entry).decode():
            problems.append(f"{wheels[0].name}: no pytest11 entry point (the local_space fixture)")
        if any(n.startswith("tests/") for n in names):
            problems.append(f"{wheels[0].name}: the tests must not be installed")
    with tarfile.open(sdists[0]) as sdist:
        problems += check(sdist.getnames(), SDIST_NEEDS, sdists[0].name)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"ok: {wheels[0].name} ({len(names)} files), {sdists[0].name}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
