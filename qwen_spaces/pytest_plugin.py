"""The pytest plugin installed with qwen-spaces: the ``local_space`` fixture.

``local_space`` starts a :class:`~qwen_spaces.testing.LocalSpace` (a local
test double of a Space, not a model) for one test and gives its ``url``, a
``client`` (a :class:`~qwen_spaces.Client` whose ``model`` is that
LocalSpace) and the ``space`` itself (``joins``, ``cancels``, ``requests``...)::

    @pytest.mark.local_space("qwen3-demo", token_delay=0.01)
    def test_reasoning(local_space):
        reply = local_space.client.chat(local_space.model, [{"role": "user", "content": "Hi"}])
        assert reply.reasoning

The layout is the ``local_space`` marker's first argument, or an indirect
parameter (``@pytest.mark.parametrize("local_space", ["qwen-2.5", {"model":
"qwen3-demo", "error": "boom"}], indirect=True)``); keyword arguments are
LocalSpace's (``reply=``, ``gradio=``, and the faults: ``error=``,
``quota_error_after=``, ``queue_wait=``, ``join_status=``, ``cut_after=``...).
A parameter's values win over the marker's.  Default: ``"qwen-2-5-max"``,
replying ``"Echo: " + prompt``.

Registered through the ``pytest11`` entry point; it imports the client and
LocalSpace only when a test asks for the fixture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, NamedTuple

import pytest

if TYPE_CHECKING:
    from .client import Client
    from .testing import LocalSpace

__all__ = ["LocalSpaceFixture", "local_space"]

DEFAULT_LAYOUT = "qwen-2-5-max"
MARKER = "local_space"


class LocalSpaceFixture(NamedTuple):
    """What the ``local_space`` fixture gives a test."""

    url: str
    client: "Client"
    model: str  # the name ``client`` maps to the LocalSpace
    space: "LocalSpace"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(layout='{DEFAULT_LAYOUT}', **options): the LocalSpace behind the local_space "
        "fixture: which Space's layout it mimics and LocalSpace's keyword options (reply, faults...)",
    )


def _options(request: pytest.FixtureRequest) -> Dict[str, Any]:
    options: Dict[str, Any] = {}
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if len(marker.args) > 1:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes one positional argument, the layout")
        options.update(marker.kwargs)
        if marker.args:
            options["model"] = marker.args[0]
    param = getattr(request, "param", None)
    if isinstance(param, str):
        options["model"] = param
    elif isinstance(param, dict):
        options.update(param)
    elif param is not None:
        raise pytest.UsageError(f"a {MARKER} parameter is a layout name or a dict of options, not {param!r}")
    return options


def _client_model(requested: str, layout: str) -> "tuple[str, str]":
    """The model name to use with the client, and the Space id to point at the LocalSpace."""
    from .spaces import MODELS, SPACES, get_model

    space = next(s for s in SPACES if s.name == layout)
    built_in = get_model(requested)
    if built_in is not None and built_in.space is space and "/" not in requested:
        return requested, space.space_id
    return next(m.name for m in MODELS if m.space is space), space.space_id


@pytest.fixture
def local_space(request: pytest.FixtureRequest) -> Iterator[LocalSpaceFixture]:
    """A LocalSpace for this test, and a Client pointed at it (see the module's documentation)."""
    from .client import Client
    from .testing import LocalSpace

    options = _options(request)
    requested = str(options.pop("model", DEFAULT_LAYOUT))
    with LocalSpace(requested, **options) as space:
        model, space_id = _client_model(requested, space.spec.name)
        # hf_token="": the user's token has no business going to a local test server
        with Client(base_urls={space_id: space.url}, hf_token="", timeout=30.0) as client:
            yield LocalSpaceFixture(space.url, client, model, space)
