"""The vision Space (QVQ, the /call REST flow): images arrive intact however they
are given, and the full-text-per-event stream becomes exact deltas.

The replica answers with the image's size and a hash of its RGB pixels, so a
resized, re-encoded-lossily or truncated upload shows up as a wrong reply."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.integration.expect import collect, unique, user
from tests.servers.apps import replies
from tests.servers.images import SampleImage, make_png

SPACE = "qwen-qvq-72b-preview"
pytestmark = pytest.mark.replicas("qvq")


def expected(image: SampleImage, question: str) -> str:
    described = (image.width, image.height, replies.pixel_hash(image.rgb))
    return "".join(replies.qvq_tokens(described, question))  # a Textbox: no cleandoc


def as_path(image: SampleImage, tmp_path: Path) -> Any:
    path = tmp_path / "picture.png"
    path.write_bytes(image.png)
    return path


def as_str_path(image: SampleImage, tmp_path: Path) -> Any:
    return str(as_path(image, tmp_path))


def as_bytes(image: SampleImage, tmp_path: Path) -> Any:
    return image.png


def as_nameless_file(image: SampleImage, tmp_path: Path) -> Any:
    return io.BytesIO(image.png)


def as_open_file(image: SampleImage, tmp_path: Path) -> Any:
    return as_path(image, tmp_path).open("rb")


@pytest.mark.parametrize("give", [as_path, as_str_path, as_bytes, as_nameless_file, as_open_file],
                         ids=lambda f: f.__name__)
def test_image_arrives_intact(make_client: Callable[..., Any], tmp_path: Path,
                              give: Callable[[SampleImage, Path], Any], version: str) -> None:
    client = make_client(SPACE, version)
    image = make_png(41, 29, seed=len(give.__name__))
    question = unique("What is in the image?")
    given = give(image, tmp_path)
    try:
        stream = client.stream(SPACE, user(question), image=given)
        got = collect(stream)
    finally:
        if hasattr(given, "close"):
            given.close()
    assert got.text == expected(image, question)
    assert stream.result is not None and stream.result.text == got.text
    assert len(got.deltas) >= 5, got.deltas  # one per server event, not one lump


def test_no_image(make_client: Callable[..., Any], version: str) -> None:
    client = make_client(SPACE, version)
    question = unique("Anything?")
    result = client.chat(SPACE, user(question))
    assert result.text == "".join(replies.qvq_tokens(None, question))
    assert result.model == SPACE


def test_early_error(make_client: Callable[..., Any], version: str) -> None:
    from qwen_spaces import SpaceAppError

    client = make_client(SPACE, version)
    with pytest.raises(SpaceAppError) as caught:
        client.chat(SPACE, user(unique("early-error")), image=make_png().png)
    assert caught.value.partial_text == ""
    if version.startswith("6."):  # /call loses the message on 4.44.1 and 5.23.3
        assert caught.value.message == replies.EARLY_MESSAGE


def test_wrong_inputs_fail_before_any_request(tmp_path: Path) -> None:
    from qwen_spaces import Client

    with Client(base_urls={SPACE: "http://127.0.0.1:9", "qwen-2-5-max": "http://127.0.0.1:9"}) as c:
        with pytest.raises(ValueError):
            c.chat(SPACE, user("hi"), system="no system input on QVQ")
        with pytest.raises(ValueError):
            c.chat("qwen-2-5-max", user("hi"), image=make_png().png)
        with pytest.raises(ValueError):
            c.chat(SPACE, user("hi"), image=b"not an image")
        with pytest.raises(ValueError):
            c.chat(SPACE, user("hi"), image=tmp_path / "missing.png")
