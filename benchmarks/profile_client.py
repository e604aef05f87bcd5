"""cProfile one client streaming N events from the replay server.

    python benchmarks/profile_client.py                      # qwen_spaces, g6, N=100,000
    python benchmarks/profile_client.py --client floor --n 10000 --sort cumulative

Run it with the interpreter that has the client (gradio_client: the Gradio 6.31.0
venv).  cProfile sees only the thread that iterates; gradio_client parses on its own
threads, so its profile shows mostly waiting.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
from pathlib import Path

import clients
import workload

HERE = Path(__file__).resolve().parent


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--client", default="qwen_spaces", choices=sorted(clients.MAKERS))
    p.add_argument("--variant", default="g6", choices=sorted(workload.VARIANTS))
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--sort", default="tottime", help="pstats sort key")
    p.add_argument("--top", type=int, default=25)
    opts = p.parse_args()
    spec = f"{opts.variant}:{opts.n}"
    server = subprocess.Popen(
        [sys.executable, str(HERE / "replay_server.py"), spec],
        cwd=HERE,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = json.loads(server.stdout.readline() if server.stdout else "{}")[spec]
        variant = workload.VARIANTS[opts.variant]
        args = {
            "client": opts.client,
            "variant": opts.variant,
            "base_url": f"http://127.0.0.1:{port}",
            "api_prefix": variant.api_prefix,
            "model": variant.model,
        }
        opener = clients.MAKERS[opts.client](args)
        clients.consume(opener())  # warm-up stream of the same size, not profiled
        profiler = cProfile.Profile()
        result = profiler.runcall(clients.consume, opener())
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=10)
    ok = result["sha256"] == workload.text_sha256(workload.expected_text(opts.n))
    print(f"{opts.client} {spec}: {result['deltas']} deltas, text {'ok' if ok else 'MISMATCH'}")
    pstats.Stats(profiler).strip_dirs().sort_stats(opts.sort).print_stats(opts.top)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
