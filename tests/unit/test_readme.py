"""Every ``.. code-block:: python`` in README.rst, run with the real client
against LocalSpaces, plus checks that the README's tables, commands and
promised outputs match the code and CI.

How the examples reach LocalSpaces: they are written against a plain
``Client()``.  This test starts one LocalSpace for each built-in Space that
LocalSpace can imitate (found by trying: a Space it has no layout for yet is
left out, and an example that chats with such a Space fails with a message
saying so), and one for each Space the README names by a Hub id that is not
built in (:data:`OTHER_SPACES`).  While a block runs, ``qwen_spaces.Client``
is a subclass whose *default* ``base_urls`` send those Space ids to the
LocalSpaces (``base_urls`` that a block passes itself still win, as they
would over the real defaults).  Nothing else is changed: the rest of the
client stack is the real one.  Every LocalSpace answers ``"Echo: " +
prompt`` (Qwen3-Demo's fake model still reasons first).

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
import re
import shlex
import textwrap
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import pytest

import qwen_spaces
from qwen_spaces import Client
from qwen_spaces.cli import DEFAULT_MODEL, build_parser
from qwen_spaces.spaces import MODELS, SPACES, get_model, get_space, is_space_id
from qwen_spaces.testing import LocalSpace

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.rst"
TEXT = README.read_text(encoding="utf-8")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(69))
HAS_FLASK = importlib.util.find_spec("flask") is not None
HAS_DJANGO = importlib.util.find_spec("django") is not None

#: Spaces the README chats with by a Hub id that is not built in: the LocalSpace layout standing in.
OTHER_SPACES = {"your-name/Qwen2.5": "qwen-qwen2-5"}

# the model a block chats with: the first argument of client.chat/stream/chat_contract, when a literal
_CHATTED_WITH = re.compile(r"\.(?:chat|stream|chat_contract)\(\s*\"([^\"]+)\"")
# a line that promises what it prints: ``print(...)  # the output``
_PROMISED = re.compile(r"^[ \t]*print\(.*\)[ \t]+#[ \t]*(.+)$", re.MULTILINE)


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


BLOCKS = python_blocks(TEXT)


def echo(prompt: str, system: Optional[str], params: Mapping[str, Any]) -> str:
    """Every LocalSpace's answer: ``"Echo: " + prompt`` (the classic layouts' default; on
    Qwen3-Demo a ``reply`` function replaces the fake model's answer, not its reasoning)."""
    return f"Echo: {prompt}"


def models_chatted_with(source: str) -> List[str]:
    return _CHATTED_WITH.findall(source)


def _local_space(space: Any) -> Optional[LocalSpace]:
    """A LocalSpace imitating built-in ``space``, or None if LocalSpace has no layout for it."""
    for name in (space.name, space.space_id):
        try:
            return LocalSpace(name, reply=echo)
        except ValueError:  # "unknown model": no layout under this name
            continue
    return None


@pytest.fixture(scope="module")
def spaces() -> Iterator[Dict[str, LocalSpace]]:
    """Running LocalSpaces by Space id: the built-in Spaces LocalSpace imitates, and OTHER_SPACES."""
    started: Dict[str, LocalSpace] = {}
    try:
        for space in SPACES:
            local = _local_space(space)
            if local is not None:
                started[space.space_id] = local.start()
        for space_id, layout in OTHER_SPACES.items():
            started[space_id] = LocalSpace(layout, reply=echo).start()
        yield started
    finally:
        for local in started.values():
            local.stop()


def patch_client(monkeypatch: pytest.MonkeyPatch, defaults: Mapping[str, str]) -> type:
    """Make ``qwen_spaces.Client`` a Client whose default ``base_urls`` are ``defaults``."""

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
    return patch_client(monkeypatch, {space_id: space.url for space_id, space in spaces.items()})


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


def check_served_locally(source: str, spaces: Mapping[str, LocalSpace]) -> None:
    """Every Space the block chats with by name or id has a LocalSpace (else it would go online)."""
    for model in models_chatted_with(source):
        built_in = get_model(model)
        space_id = built_in.space.space_id if built_in is not None else model
        if built_in is None and not is_space_id(model):
            continue  # a URL: the block starts what it talks to
        assert space_id in spaces, (
            f"the example chats with {model!r}, but no LocalSpace imitates {space_id} "
            "(add a layout to qwen_spaces.testing, or an entry to OTHER_SPACES)"
        )


@pytest.mark.parametrize("line, source", BLOCKS, ids=[f"README.rst:{n}" for n, _ in BLOCKS])
def test_readme_example_runs(
    line: int, source: str, spaces: Dict[str, LocalSpace], local_client: type, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    check_served_locally(source, spaces)
    (tmp_path / "cat.png").write_bytes(PNG)
    monkeypatch.chdir(tmp_path)
    missing = needs(source)
    if missing is not None:
        exercise_like_a_wsgi_server(local_client, models_chatted_with(source)[0])
        return
    namespace, out = run_block(line, source)
    try:
        drive(namespace, source, out)
    finally:
        close_clients(namespace)


def drive(namespace: Dict[str, Any], source: str, out: str) -> None:
    """Use what the block defined, and check what it printed (without colours)."""
    out = re.sub(r"\x1b\[[0-9;]*m", "", out)
    if "print(" in source and "client" in source:
        assert "Echo:" in out, out
    if ("reasoning=True" in source or "thinking=True" in source) and "print(" in source:
        assert "This is user message 1" in out, out  # the fake Qwen3 models' reasoning was shown
    for promised in _PROMISED.findall(source):
        assert promised.strip() in out, f"the README says this prints {promised!r}; it printed:\n{out}"
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


def exercise_like_a_wsgi_server(client_class: type, model: str) -> None:
    """What the Flask/Django views do, without the framework."""
    with client_class() as client:
        stream = client.stream(model, [{"role": "user", "content": "hi"}])
        try:
            assert "".join(stream) == "Echo: hi"
        finally:
            stream.close()


# -- the web examples' claim: a response closed early cancels the job ------------------


def _block(marker: str) -> Tuple[int, str]:
    return next((line, source) for line, source in BLOCKS if marker in source)


@contextlib.contextmanager
def slow_space(monkeypatch: pytest.MonkeyPatch, source: str) -> Iterator[LocalSpace]:
    """A slow LocalSpace for the Space the block chats with, as its default URL."""
    space = get_space(models_chatted_with(source)[0])
    with LocalSpace(space.name, tokens=[f" t{i}" for i in range(100)], token_delay=0.05) as local:
        patch_client(monkeypatch, {space.space_id: local.url})
        yield local


def _wait_for_cancel(space: LocalSpace) -> bool:
    deadline = time.monotonic() + 5
    while space.cancels == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    return space.cancels == 1


@pytest.mark.skipif(not HAS_FLASK, reason="flask is not installed")
def test_flask_view_closed_early_cancels_the_job(monkeypatch: pytest.MonkeyPatch) -> None:
    line, source = _block("from flask")
    with slow_space(monkeypatch, source) as space:
        namespace, _ = run_block(line, source)
        try:
            with namespace["app"].test_client() as http:
                response = http.post("/chat", json={"prompt": "hi"}, buffered=False)
                assert next(iter(response.response))  # the first delta arrived
                response.close()  # what the server does when the browser leaves
            assert _wait_for_cancel(space)
        finally:
            close_clients(namespace)


@pytest.mark.skipif(not HAS_DJANGO, reason="django is not installed")
def test_django_view_closed_early_cancels_the_job(monkeypatch: pytest.MonkeyPatch) -> None:
    line, source = _block("from django")
    with slow_space(monkeypatch, source) as space:
        namespace, _ = run_block(line, source)
        try:
            response = namespace["chat"](django_request("hi"))
            assert next(iter(response.streaming_content))
            response.close()
            assert _wait_for_cancel(space)
        finally:
            close_clients(namespace)


# -- the README says what the code and CI do -----------------------------------------------


def test_every_python_block_is_found_and_run() -> None:
    assert len(BLOCKS) == TEXT.count(".. code-block:: python")
    assert len(BLOCKS) >= 14


def section(title: str) -> str:
    """The text of the README section ``title`` (up to the next section title)."""
    body = TEXT.split(f"\n{title}\n{'-' * len(title)}\n", 1)[1]
    return re.split(r"\n[^\n]+\n-{3,}\n", body, maxsplit=1)[0]


def simple_tables(text: str) -> List[List[List[str]]]:
    """The RST simple tables in ``text``: rows of stripped cells (the header row first)."""
    tables: List[List[List[str]]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if not re.fullmatch(r"=+( +=+)+", lines[index]):
            index += 1
            continue
        spans = [m.span() for m in re.finditer(r"=+", lines[index])]
        spans[-1] = (spans[-1][0], 10**6)  # the last column runs to the end of the line
        rows: List[List[str]] = []
        borders = 0
        index += 1
        while index < len(lines) and borders < 2:
            if re.fullmatch(r"=+( +=+)+", lines[index]):
                borders += 1
            elif lines[index].strip():
                rows.append([lines[index][a:b].strip() for a, b in spans])
            index += 1
        tables.append(rows)
    return tables


def test_models_table_matches_the_models() -> None:
    table = simple_tables(section("Models"))[0]
    assert table[0] == ["Model", "Aliases", "Space", "Takes"]
    rows = {row[0]: row for row in table[1:]}
    assert sorted(rows) == sorted(f"``{m.name}``" for m in MODELS)
    for model in MODELS:
        _, aliases, space_id, takes = rows[f"``{model.name}``"]
        space = model.space
        assert aliases == ", ".join(model.aliases), model.name
        assert space_id == f"``{space.space_id}``", model.name
        assert ("one image" in takes) == space.supports_vision, model.name
        assert ("no system prompt" in takes) == (not space.supports_system_message), model.name
        assert "system prompt" in takes, model.name
        if space.thinking is None:
            assert "reasoning" not in takes and "thinking" not in takes, model.name
        else:
            assert f"reasoning (thinking {'on' if space.thinking else 'off'} by default)" in takes, model.name
        assert set(re.findall(r"``(\w+)``", takes)) == set(space.params) - {"model"}, model.name


_FORMATS = {"pro": "modelscope_studio ``pro.Chatbot``", "tuples": "``Chatbot`` (tuples)", "text": "``Textbox``"}


def test_spaces_table_matches_the_spaces() -> None:
    table = simple_tables(section("Models"))[1]
    assert table[0] == ["Space", "Root URL", "Chat event"]
    rows = {row[0]: row for row in table[1:]}
    assert sorted(rows) == sorted(f"``{s.space_id}``" for s in SPACES)
    for space in SPACES:
        _, url, event = rows[f"``{space.space_id}``"]
        assert url == space.url
        assert event.startswith(f"``/{space.api_name}`` "), space.name
        where = "fn_index from ``/config``" if space.fn_index is None else f"fn_index {space.fn_index})"
        assert where in event, space.name
        assert event.endswith(_FORMATS[space.reply_format]), space.name


def test_models_section_names_the_defaults() -> None:
    text = " ".join(section("Models").split())
    qwen3 = get_model("Qwen/Qwen3-Demo")
    assert qwen3 is not None
    assert f'(``"Qwen/Qwen3-Demo"`` is ``{qwen3.name}``)' in text
    assert f"``{DEFAULT_MODEL}`` is the command's default model" in text


def test_command_line_examples_parse() -> None:
    """Every ``qwen-spaces ...`` line of the Command line section is accepted by the parser."""
    lines = [line.strip() for line in section("Command line").splitlines()]
    commands = [line.split("  #")[0] for line in lines if line.startswith("qwen-spaces ")]
    assert len(commands) >= 10
    parser = build_parser()
    for command in commands:
        try:
            parser.parse_args(shlex.split(command)[1:])
        except SystemExit:  # argparse printed why
            pytest.fail(f"README.rst: {command!r} is not a valid command line")


def _commands(text: str) -> List[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("python3 -m venv")]


def test_readme_gives_one_install_and_run_command_and_one_test_command() -> None:
    commands = _commands(TEXT)
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


def test_docs_the_readme_points_at_exist() -> None:
    for path in re.findall(r"``((?:docs/|benchmarks/)?[\w./-]+\.md)``", TEXT):
        assert (ROOT / path).is_file(), path
