"""Every ``.. code-block:: python`` in README.rst, run with the real client
against LocalSpaces, plus checks that the README's tables and commands match
the code and CI.

How the examples reach LocalSpaces: they are written against a plain
``Client()``.  This test starts one LocalSpace per model and, while a block
runs, replaces ``qwen_spaces.Client`` with a subclass whose *default* Space
URLs are those LocalSpaces (``base_urls`` that a block passes itself still
win, as they would over the real defaults).  Nothing else is changed: the
rest of the client stack is the real one.

Each block runs in a temporary directory holding a small ``cat.png``, with
its stdout captured; line numbers in tracebacks are README.rst's.  Afterwards
"drivers" exercise what a block defines: a Flask ``app`` gets a request
through Flask's test client, a Django view gets a ``RequestFactory`` request,
``test_*`` functions are called.  Flask and Django come with the ``test``
extra; without them, the stream those views return is consumed the way a WSGI
server would (iterate, then ``close()``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import textwrap
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import pytest

import qwen_spaces
from qwen_spaces import Client
from qwen_spaces.spaces import SPACES
from qwen_spaces.testing import LocalSpace

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.rst"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(69))
HAS_FLASK = importlib.util.find_spec("flask") is not None
HAS_DJANGO = importlib.util.find_spec("django") is not None


def python_blocks(text: str) -> List[Tuple[int, str]]:
    """``(first line number, dedented source)`` of each python code-block."""
    lines = text.splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        if lines[index].strip() != ".. code-block:: python":
            index += 1
            continue
        index += 1
        while index < len(lines) and not lines[index].strip():
            index += 1
        start = index
        indent = len(lines[start]) - len(lines[start].lstrip())
        while index < len(lines) and (
            not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) >= indent
        ):
            index += 1
        blocks.append((start + 1, textwrap.dedent("\n".join(lines[start:index])).strip() + "\n"))
    return blocks


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def spaces() -> Iterator[Dict[str, LocalSpace]]:
    started = {space.name: LocalSpace(space.name).start() for space in SPACES}
    yield started
    for space in started.values():
        space.stop()


def patch_client(monkeypatch: pytest.MonkeyPatch, defaults: Mapping[str, str]) -> type:
    """Make ``qwen_spaces.Client`` a Client whose default Space URLs are ``defaults``."""

    class LocalClient(Client):
        def __init__(self, **kw: Any) -> None:
            kw["base_urls"] = {**defaults, **(kw.get("base_urls") or {})}
            super().__init__(**kw)

    monkeypatch.setattr(qwen_spaces, "Client", LocalClient)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    return LocalClient


@pytest.fixture
def local_client(spaces: Dict[str, LocalSpace], monkeypatch: pytest.MonkeyPatch) -> type:
    """``qwen_spaces.Client``, with LocalSpaces as the default Space URLs."""
    return patch_client(monkeypatch, {name: space.url for name, space in spaces.items()})


def run_block(line: int, source: str) -> Tuple[Dict[str, Any], str]:
    """Execute one README block; its namespace and its stdout."""
    namespace: Dict[str, Any] = {"__name__": "readme_example"}
    code = compile("\n" * (line - 1) + source, str(README), "exec")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, namespace)  # noqa: S102 - the README's own examples
    return namespace, out.getvalue()


def close_clients(namespace: Mapping[str, Any]) -> None:
    for value in namespace.values():
        if isinstance(value, Client):
            value.close()


def needs(source: str) -> Optional[str]:
    if "from flask" in source and not HAS_FLASK:
        return "flask"
    if "from django" in source and not HAS_DJANGO:
        return "django"
    return None


@pytest.mark.parametrize("line, source", BLOCKS, ids=[f"README.rst:{n}" for n, _ in BLOCKS])
def test_readme_example_runs(
    line: int, source: str, local_client: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cat.png").write_bytes(PNG)
    monkeypatch.chdir(tmp_path)
    missing = needs(source)
    if missing is not None:
        exercise_like_a_wsgi_server(local_client)
        return
    namespace, out = run_block(line, source)
    try:
        drive(namespace, source, out)
    finally:
        close_clients(namespace)


def drive(namespace: Dict[str, Any], source: str, out: str) -> None:
    """Use what the block defined, and check what it printed."""
    if "print(" in source and "client" in source:
        assert "Echo:" in out, out
    if "from flask" in source:
        drive_flask(namespace["app"])
    if "from django" in source:
        drive_django(namespace["chat"])
    for name, value in list(namespace.items()):
        if name.startswith("test_") and callable(value):
            value()
    if "def ask(" in source and "messages" in namespace:
        roles = [m["role"] for m in namespace["messages"]]
        assert roles == ["system", "user", "assistant", "user", "assistant"]
        assert namespace["messages"][-1]["content"].startswith("Echo: ")


def drive_flask(app: Any) -> None:
    with app.test_client() as http:
        response = http.post("/chat", json={"prompt": "hi"})
        assert response.status_code == 200
        assert response.get_data(as_text=True) == "Echo: hi"
        response.close()


def django_request(query: str) -> Any:
    import django
    from django.conf import settings
    from django.test import RequestFactory

    if not settings.configured:
        settings.configure(DEBUG=False, ALLOWED_HOSTS=["testserver"], DEFAULT_CHARSET="utf-8")
        django.setup()
    return RequestFactory().get("/chat", {"q": query})


def drive_django(view: Any) -> None:
    response = view(django_request("hi"))
    try:
        assert b"".join(response.streaming_content) == b"Echo: hi"
    finally:
        response.close()


def exercise_like_a_wsgi_server(client_class: type) -> None:
    """What the Flask/Django views do, without the framework."""
    with client_class() as client:
        stream = client.stream("qwen-2-5-max", [{"role": "user", "content": "hi"}])
        try:
            assert "".join(stream) == "Echo: hi"
        finally:
            stream.close()


# -- the web examples' claim: a response closed early cancels the job ------------------


@pytest.fixture
def slow_space(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalSpace]:
    with LocalSpace("qwen-2-5-max", tokens=[f" t{i}" for i in range(100)], token_delay=0.05) as space:
        patch_client(monkeypatch, {"qwen-2-5-max": space.url})
        yield space


def _block(marker: str) -> Tuple[int, str]:
    return next((line, source) for line, source in BLOCKS if marker in source)


def _wait_for_cancel(space: LocalSpace) -> bool:
    deadline = time.monotonic() + 5
    while space.cancels == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    return space.cancels == 1


@pytest.mark.skipif(not HAS_FLASK, reason="flask is not installed")
def test_flask_view_closed_early_cancels_the_job(slow_space: LocalSpace) -> None:
    line, source = _block("from flask")
    namespace, _ = run_block(line, source)
    try:
        with namespace["app"].test_client() as http:
            response = http.post("/chat", json={"prompt": "hi"}, buffered=False)
            assert next(iter(response.response))  # the first delta arrived
            response.close()  # what the server does when the browser leaves
        assert _wait_for_cancel(slow_space)
    finally:
        close_clients(namespace)


@pytest.mark.skipif(not HAS_DJANGO, reason="django is not installed")
def test_django_view_closed_early_cancels_the_job(slow_space: LocalSpace) -> None:
    line, source = _block("from django")
    namespace, _ = run_block(line, source)
    try:
        response = namespace["chat"](django_request("hi"))
        assert next(iter(response.streaming_content))
        response.close()
        assert _wait_for_cancel(slow_space)
    finally:
        close_clients(namespace)


# -- the README says what the code and CI do -----------------------------------------------


def test_there_are_examples_to_run() -> None:
    assert len(BLOCKS) >= 9


def test_models_table_matches_the_spaces() -> None:
    text = README.read_text(encoding="utf-8")
    table = text.split("\nModels\n------\n", 1)[1].split("\n\n", 1)[0]
    for space in SPACES:
        row = next(line for line in table.splitlines() if f"``{space.name}``" in line)
        assert space.url in row
        for alias in space.aliases:
            assert alias in row


def _commands(text: str) -> List[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("python3 -m venv")]


def test_readme_gives_one_install_and_run_command_and_one_test_command() -> None:
    commands = _commands(README.read_text(encoding="utf-8"))
    assert commands == [
        'python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/qwen-spaces demo "hello"',
        'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && '
        ".venv/bin/python -m tests.servers.gradio_envs && .venv/bin/pytest",
    ]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").replace('"', "")
    steps = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for needed in ("python3 -m venv", "/bin/pip install -e .[test]", "/bin/python -m tests.servers.gradio_envs",
                   "/bin/pytest", "/bin/ruff check qwen_spaces tests", "/bin/mypy --strict qwen_spaces",
                   "-r qwen_spaces -ll"):
        assert any(needed in step for step in steps), needed
    assert "set -euo pipefail" in steps
