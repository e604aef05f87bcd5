"""The Qwen Spaces, described as data.

Each :class:`Space` says where a model lives (root URL, API prefix), which
Gradio event runs the chat (fn_index / trigger_id for the queue protocol,
api_name for the ``/call`` API and for discovery), how the request ``data``
is laid out (``inputs``: one slot name per Gradio input), which output holds
the reply, and what the Space can do.  Nothing here knows HTTP.

The fn_index values are what the Spaces used when they were last checked; a
redeployed Space may renumber its events, which the client detects and
repairs from the Space's ``/config``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple

__all__ = ["Param", "Space", "SPACES", "models", "get_space"]

HELPFUL = "You are a helpful assistant."


class Param(NamedTuple):
    """An extra input a Space offers (e.g. a model-size radio)."""

    default: str
    choices: Tuple[str, ...] = ()
    doc: str = ""


class Space(NamedTuple):
    """One Hugging Face Space serving a Qwen model.

    ``inputs`` names each slot of the Gradio ``data`` list, in order:
    ``"prompt"``, ``"history"`` (always sent empty: the seeds' Spaces do not
    take history, earlier turns are flattened into the prompt), ``"system"``,
    ``"image"`` or the name of an entry of ``params``.
    """

    name: str
    url: str
    api_prefix: str
    protocol: str  # "queue" (queue/join + SSE) or "call" (/call/{api_name})
    api_name: str
    inputs: Tuple[str, ...]
    reply_output: int
    fn_index: Optional[int] = None
    trigger_id: Optional[int] = None
    aliases: Tuple[str, ...] = ()
    default_system: Optional[str] = None
    params: Mapping[str, Param] = MappingProxyType({})
    supports_stream: bool = True
    supports_system_message: bool = True
    supports_message_history: bool = False
    supports_vision: bool = False

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[-1].split("/", 1)[0]

    def build_data(
        self, prompt: str, system: Optional[str], params: Mapping[str, str], image: Any = None
    ) -> List[Any]:
        """The positional ``data`` list for this Space's chat event."""
        values = {"prompt": prompt, "history": [], "system": system, "image": image}
        values.update(params)
        return [values[slot] for slot in self.inputs]

    def resolve_params(self, given: Mapping[str, Any]) -> Dict[str, str]:
        """Fill defaults and validate user-given Space parameters."""
        unknown = sorted(set(given) - set(self.params))
        if unknown:
            accepted = ", ".join(sorted(self.params)) or "none"
            raise ValueError(
                f"{self.name} does not take {', '.join(unknown)}; its parameters: {accepted}"
            )
        resolved = {}
        for key, param in self.params.items():
            value = given.get(key, param.default)
            if not isinstance(value, str) or (param.choices and value not in param.choices):
                raise ValueError(
                    f"{self.name}: {key}={value!r} is not one of {', '.join(param.choices)}"
                )
            resolved[key] = value
        return resolved


def _params(**params: Param) -> Mapping[str, Param]:
    return MappingProxyType(dict(params))


SPACES: Tuple[Space, ...] = (
    Space(
        name="qwen-qwen2-5-max",
        aliases=("qwen-2-5-max",),
        url="https://qwen-qwen2-5-max-demo.hf.space",
        api_prefix="/gradio_api",
        protocol="queue",
        fn_index=0,
        trigger_id=11,
        api_name="model_chat",
        inputs=("prompt", "history", "system"),
        reply_output=1,
        default_system=HELPFUL,
    ),
    Space(
        name="qwen-qwen2-5",
        aliases=("qwen-2.5",),
        url="https://qwen-qwen2-5.hf.space",
        api_prefix="",
        protocol="queue",
        fn_index=3,
        trigger_id=25,
        api_name="model_chat",
        inputs=("prompt", "history", "system", "model_size"),
        reply_output=1,
        default_system="You are Qwen, created by Alibaba Cloud. You are a helpful assistant.",
        params=_params(
            model_size=Param(
                default="72B",
                choices=("72B", "32B", "14B", "7B", "3B", "1.5B", "0.5B"),
                doc="the model-size radio of the Space",
            )
        ),
    ),
    Space(
        name="qwen-qwen2-72b-instruct",
        aliases=("qwen-2-72b",),
        url="https://qwen-qwen2-72b-instruct.hf.space",
        api_prefix="",
        protocol="queue",
        fn_index=0,
        trigger_id=11,
        api_name="model_chat",
        inputs=("prompt", "history", "system"),
        reply_output=1,
        default_system=HELPFUL,
    ),
    Space(
        name="qwen-qvq-72b-preview",
        aliases=("qvq-72b",),
        url="https://qwen-qvq-72b-preview.hf.space",
        api_prefix="/gradio_api",
        protocol="call",
        api_name="generate",
        inputs=("image", "prompt"),
        reply_output=0,
        supports_system_message=False,
        supports_vision=True,
    ),
)

_BY_NAME = {alias: space for space in SPACES for alias in (space.name, *space.aliases)}


def models() -> List[str]:
    """Every accepted model name: each Space's default name, then its aliases."""
    return [alias for space in SPACES for alias in (space.name, *space.aliases)]


def get_space(name: str) -> Space:
    """The Space serving ``name`` (a default name or an alias)."""
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown model {name!r}; accepted names: {', '.join(models())}"
        ) from None

