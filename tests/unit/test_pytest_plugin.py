"""The ``local_space`` fixture, as a user gets it: pytest run in a fresh directory (a
subprocess, so the plugin comes from the installed ``pytest11`` entry point, not from this
repository's conftest files), with test files that use the fixture the documented ways,
the README's example among them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path
from typing import Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.rst"


def run_pytest(directory: Path, *args: str) -> Tuple[int, str]:
    env = dict(os.environ, NO_PROXY="127.0.0.1,localhost")
    env.pop("HF_TOKEN", None)
    env.pop("PYTEST_ADDOPTS", None)
    process = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-W", "error::ResourceWarning", *args],
        cwd=directory, env=env, capture_output=True, text=True, timeout=120, check=False)
    return process.returncode, process.stdout + process.stderr


def outcome(output: str) -> str:
    """The summary line's counts, e.g. "5 passed" or "1 failed, 2 passed"."""
    last = [line for line in output.splitlines() if " in " in line and ("passed" in line or "failed" in line)]
    assert last, output
    return re.sub(r"=+|\s+in [\d.]+s.*$", "", last[-1]).strip()


def test_the_plugin_is_an_installed_entry_point() -> None:
    plugins = {e.name: e.value for e in entry_points(group="pytest11")}
    assert plugins.get("qwen_spaces") == "qwen_spaces.pytest_plugin"


USER_TESTS = '''
import pytest

from qwen_spaces import SpaceAppError


def test_default_layout_echoes(local_space):
    assert local_space.url.startswith("http://127.0.0.1:")
    assert local_space.model == "qwen-2-5-max"
    reply = local_space.client.chat(local_space.model, [{"role": "user", "content": "Hi"}])
    assert reply.text == "Echo: Hi"
    assert local_space.space.joins == 1


@pytest.mark.local_space("qwen3-32b", reply="Forty-two.")
def test_marker_picks_a_qwen3_model(local_space):
    assert local_space.model == "qwen3-32b"
    reply = local_space.client.chat(local_space.model, [{"role": "user", "content": "Hi"}])
    assert reply.text == "Forty-two."
    assert reply.reasoning.startswith("This is user message 1 of the conversation")
    assert [r.model for r in local_space.space.model_requests] == ["qwen3-32b"]


@pytest.mark.local_space("qwen3-demo")
def test_the_openai_shape_through_the_fixture(local_space):
    assert local_space.model == "qwen3-235b-a22b"
    completion = local_space.client.chat.completions.create(
        model=local_space.model, messages=[{"role": "user", "content": "Hey"}])
    message = completion.choices[0].message
    assert message.content == "Hello from qwen3-235b-a22b! I received 1 user message. You said: Hey"


@pytest.mark.local_space("qwen-2-5-max", error="CUDA out of memory", error_after=1, tokens=["a", " b"])
def test_marker_sets_faults(local_space):
    with pytest.raises(SpaceAppError, match="CUDA out of memory") as caught:
        local_space.client.chat(local_space.model, [{"role": "user", "content": "Hi"}])
    assert caught.value.partial_text == "a"


@pytest.mark.parametrize("local_space", ["qwen-2.5", {"model": "qwen-2-72b", "gradio": "4", "reply": "four"}],
                         indirect=True)
def test_indirect_parameters(local_space):
    reply = local_space.client.chat(local_space.model, [{"role": "user", "content": "Hi"}])
    assert local_space.model in ("qwen-2.5", "qwen-2-72b")
    assert reply.text == ("four" if local_space.model == "qwen-2-72b" else "Echo: Hi")
    assert local_space.space.gradio == "4"  # both Spaces serve Gradio 4 style


@pytest.mark.local_space("qwen3-demo", token_delay=0.0)
@pytest.mark.parametrize("local_space", [{"reply": "param wins"}], indirect=True)
def test_a_parameter_wins_over_the_marker(local_space):
    reply = local_space.client.chat(local_space.model, [{"role": "user", "content": "Hi"}])
    assert reply.text == "param wins" and local_space.space.model == "qwen3-demo"


def test_two_tests_get_two_spaces(local_space):
    assert local_space.space.joins == 0
'''


def test_the_fixture_the_documented_ways(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_TESTS, encoding="utf-8")
    code, output = run_pytest(tmp_path, "-q")
    assert code == 0, output
    assert outcome(output) == "8 passed", output


def test_the_marker_is_registered(tmp_path: Path) -> None:
    code, output = run_pytest(tmp_path, "--markers")
    assert code == 0, output
    assert "@pytest.mark.local_space(layout='qwen-2-5-max', **options)" in output
    (tmp_path / "test_strict.py").write_text(textwrap.dedent('''
        import pytest

        @pytest.mark.local_space("qwen-2.5")
        def test_strict(local_space):
            assert local_space.model == "qwen-2.5"
    '''), encoding="utf-8")
    code, output = run_pytest(tmp_path, "-q", "--strict-markers")
    assert code == 0 and outcome(output) == "1 passed", output


def test_bad_fixture_arguments_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "test_bad.py").write_text(textwrap.dedent('''
        import pytest

        @pytest.mark.local_space("qwen-2.5", "extra")
        def test_two_layouts(local_space):
            pass

        @pytest.mark.local_space("no-such-space")
        def test_unknown_layout(local_space):
            pass
    '''), encoding="utf-8")
    code, output = run_pytest(tmp_path, "-q")
    assert code != 0
    assert "takes one positional argument, the layout" in output
    assert "unknown model 'no-such-space'" in output


def readme_fixture_example() -> str:
    """The README's pytest example (a literal block: the README harness calls test_* functions
    without fixtures, so this test runs it under pytest instead)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\nA pytest fixture\n~~~~~~~~~~~~~~~~\n", 1)[1]
    block = section.split("::\n\n", 1)[1]
    lines = []
    for line in block.splitlines():
        if line and not line.startswith("    "):
            break
        lines.append(line)
    return textwrap.dedent("\n".join(lines)).strip() + "\n"


def test_the_readme_example_passes(tmp_path: Path) -> None:
    example = readme_fixture_example()
    assert "def test_" in example and "local_space" in example
    assert len([line for line in example.splitlines() if line.strip()]) <= 5  # "a test in five lines"
    (tmp_path / "test_readme_example.py").write_text(example, encoding="utf-8")
    code, output = run_pytest(tmp_path, "-q")
    assert code == 0 and outcome(output) == "1 passed", output


@pytest.mark.parametrize("broken", ['"Paris."', '"London."'])
def test_the_readme_example_would_catch_a_wrong_answer(tmp_path: Path, broken: str) -> None:
    example = readme_fixture_example().replace('reply="Paris."', f"reply={broken}")
    (tmp_path / "test_readme_example.py").write_text(example, encoding="utf-8")
    code, output = run_pytest(tmp_path, "-q")
    assert (code == 0) == (broken == '"Paris."'), output
