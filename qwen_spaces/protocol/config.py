"""Reading a Gradio app's ``/config``: API prefix, events by api_name,
component types.  Used only when a Space's built-in facts fail or when a
question needs the app's layout (is the system prompt a ``gr.State``?)."""

from __future__ import annotations

from typing import Any, Dict, NamedTuple, Optional

from ..errors import ProtocolError
from ..http import Transport

__all__ = ["AppConfig", "fetch_config", "parse_config"]

SUPPORTED_PROTOCOLS = ("sse_v1", "sse_v2", "sse_v2.1", "sse_v3")


class AppConfig(NamedTuple):
    version: str
    protocol: str
    api_prefix: str
    raw: Dict[str, Any]

    def dependency(self, api_name: str) -> Optional[Dict[str, Any]]:
        for index, dep in enumerate(self.raw.get("dependencies") or []):
            if isinstance(dep, dict) and dep.get("api_name") == api_name:
                return {**dep, "id": dep.get("id", index)}
        return None

    def component_type(self, component_id: Any) -> Optional[str]:
        for component in self.raw.get("components") or []:
            if isinstance(component, dict) and component.get("id") == component_id:
                kind = component.get("type")
                return kind if isinstance(kind, str) else None
        return None

    def setter_of(self, component_id: Any, exclude: Any) -> Optional[int]:
        """The event that writes ``component_id`` from a single input (the
        Space's "set system prompt" button), if there is one."""
        for index, dep in enumerate(self.raw.get("dependencies") or []):
            if not isinstance(dep, dict) or dep.get("id", index) == exclude:
                continue
            if component_id in (dep.get("outputs") or []) and len(dep.get("inputs") or []) == 1:
                fn_index = dep.get("id", index)
                return fn_index if isinstance(fn_index, int) else None
        return None


def fetch_config(transport: Transport, root: str) -> AppConfig:
    """GET ``{root}/config`` (always at the root, whatever the prefix)."""
    return parse_config(transport.get_json(f"{root}/config", "reading the Space's /config"))


def parse_config(raw: Any) -> AppConfig:
    """An app's /config JSON, checked."""
    if not isinstance(raw, dict):
        raise ProtocolError("the Space's /config is not a JSON object")
    protocol = raw.get("protocol") or "ws"
    if protocol not in SUPPORTED_PROTOCOLS:
        raise ProtocolError(
            f"the Space runs Gradio {raw.get('version', '?')} with protocol {protocol!r}; "
            f"supported: {', '.join(SUPPORTED_PROTOCOLS)} (Gradio 4.9 and later)"
        )
    prefix = raw.get("api_prefix") or ""
    if not isinstance(prefix, str):
        raise ProtocolError(f"the Space's /config has a strange api_prefix {prefix!r}")
    return AppConfig(
        version=str(raw.get("version", "")), protocol=protocol, api_prefix=prefix.rstrip("/"), raw=raw
    )
