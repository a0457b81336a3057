"""Latency the credential proxy adds per Messages API request, against the loopback fake.

The Claude Code CLI's path is TCP -> forwarder (in the sandbox) -> unix socket -> proxy
(harness) -> the API. A client process behind the forwarder times the same requests
straight to the fake and through that path, alternating, on one kept-alive connection
each (as the CLI keeps them), and reports medians.
Run: python benchmarks/credproxy_latency.py [--requests 50] [--sandbox local|bwrap]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.messages_api import FakeMessagesAPI, reply, text

from mlskills import sandbox as sandboxes
from mlskills.credproxy import Credential, CredentialProxy, forwarder_argv
from mlskills.schema import Limits

CLIENT = textwrap.dedent(
    """
    import http.client, json, os, statistics, sys, time
    from urllib.parse import urlsplit
    direct_url, runs = sys.argv[1], int(sys.argv[2])
    body = json.dumps({"model": "m", "max_tokens": 5, "stream": True,
                       "messages": [{"role": "user", "content": "hi"}]})
    def connection(url):
        parts = urlsplit(url)
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    def once(conn, key):
        start = time.perf_counter()
        conn.request("POST", "/v1/messages", body, {"x-api-key": key,
                     "content-type": "application/json"})
        data = conn.getresponse().read()
        assert b"message_stop" in data, data[:300]
        return (time.perf_counter() - start) * 1000
    via = connection(os.environ["ANTHROPIC_BASE_URL"])
    direct = connection(direct_url) if direct_url != "-" else None
    times = {"direct": [], "proxy": []}
    for i in range(runs + 1):
        p = once(via, os.environ["ANTHROPIC_API_KEY"])
        d = once(direct, "direct") if direct else None
        if i:  # the first round warms both connections up
            times["proxy"].append(p)
            if d is not None:
                times["direct"].append(d)
    print(json.dumps({k: statistics.median(v) if v else None for k, v in times.items()}))
    """
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--sandbox", default="local", choices=("local", "bwrap"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlskills-bench-") as tmp, FakeMessagesAPI() as api:
        api.responder = lambda request: reply(text("a reply of a few words"))
        root = Path(tmp)
        (root / "workspace").mkdir()
        (root / "sockets").mkdir(mode=0o755)
        credential = Credential("ANTHROPIC_API_KEY", "sk-bench-key-0123456789", api.url)
        box = sandboxes.create(args.sandbox, root / "workspace", Limits(), root)
        with CredentialProxy(credential, root / "sockets" / "api.sock") as proxy:
            guest = box.share(root / "sockets", "/run/mlskills-api")
            # bwrap has no network: only the proxied path can be timed there.
            direct = api.url if args.sandbox == "local" else "-"
            command = ["python3", "-c", CLIENT, direct, str(args.requests)]
            result = box.exec(
                forwarder_argv(f"{guest}/api.sock", command),
                secrets={"ANTHROPIC_API_KEY": proxy.token},
                timeout=600,
            )
        box.close()
    if result.exit_code != 0:
        raise SystemExit(result.stderr)
    medians = json.loads(result.stdout)
    print(f"{args.requests} streamed requests, {args.sandbox}: median ms per request")
    for name, value in medians.items():
        print(f"  {name:7s} {'n/a' if value is None else f'{value:.2f}'}")
    if medians["direct"] is not None:
        print(f"  added   {medians['proxy'] - medians['direct']:.2f}")


if __name__ == "__main__":
    main()
