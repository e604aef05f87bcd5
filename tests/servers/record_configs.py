"""Record every generic replica's ``GET /config`` and ``GET {api_prefix}/info`` into
``tests/captures/configs/<kind>-<version>.json`` (``{"config": ..., "info": ...}``), for the
unit tests of the engine that reads /config.

    python -m tests.servers.record_configs                 # every kind x version
    python -m tests.servers.record_configs qwen3-demo ci-messages   # only these kinds

The server's own URL becomes ``http://127.0.0.1:7860`` and its temp folder ``/tmp/replica``,
so re-recording only changes what Gradio itself varies (hashes, object addresses, uuids).
Stdlib only.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Sequence

from tests.servers import kinds, launcher
from tests.servers.launcher import ReplicaSpec

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "tests" / "captures" / "configs"
STABLE_URL = "http://127.0.0.1:7860"
STABLE_DIR = "/tmp/replica"


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read().decode("utf-8"))


def _stable(value: Any, url: str, workdir: str) -> Any:
    text = json.dumps(value, ensure_ascii=False)
    text = text.replace(url, STABLE_URL).replace(workdir, STABLE_DIR)
    return json.loads(text)


def record(replica: launcher.Replica) -> Dict[str, Any]:
    config = _get_json(f"{replica.url}/config")
    prefix = config.get("api_prefix") or ""
    info = _get_json(f"{replica.url}{prefix}/info")
    return _stable({"config": config, "info": info}, replica.url, str(replica.workdir))


def spec_of(kind: str, version: str) -> ReplicaSpec:
    app, env, _ = kinds.GENERIC_KINDS[kind]
    return ReplicaSpec(app, version, env)


def main(argv: Sequence[str]) -> int:
    wanted = set(argv) or set(kinds.GENERIC_KINDS)
    unknown = wanted - set(kinds.GENERIC_KINDS)
    if unknown:
        print(f"unknown kinds: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    pairs: List = [(k, v) for k, v in kinds.pairs() if k in wanted]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="qwen-configs-") as root:
        replicas = launcher.start_all([spec_of(*pair) for pair in pairs], Path(root))
        try:
            for kind, version in pairs:
                path = OUT_DIR / f"{kind}-{version}.json"
                data = record(replicas[spec_of(kind, version)])
                path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                                encoding="utf-8")
                print(f"{path.relative_to(ROOT)}")
        finally:
            for replica in replicas.values():
                launcher.stop(replica)
    print(f"{len(pairs)} configs in {time.monotonic() - began:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
