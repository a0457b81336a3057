"""The proxy seen from inside a sandbox: the forwarder's loopback URL leads to the proxy's
socket (local and bwrap without network), the socket folder is read-only, and the
harness's own /proc/PID/environ no longer shows a key."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fakes.messages_api import FakeMessagesAPI, reply, text

from mlskills import sandbox as sandboxes
from mlskills.credproxy import Credential, CredentialProxy, forwarder_argv
from mlskills.schema import Limits

KEY = "sk-ant-real-KEY-sandbox-tests-77"
CLIENT = textwrap.dedent(
    """
    import json, os, sys, urllib.request
    url = os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages"
    body = json.dumps({"model": "m", "max_tokens": 5, "messages": [
        {"role": "user", "content": "hi"}]}).encode()
    request = urllib.request.Request(url, body, {
        "x-api-key": os.environ["ANTHROPIC_API_KEY"], "content-type": "application/json"})
    print(url, json.load(urllib.request.urlopen(request, timeout=20))["content"][0]["text"])
    sys.exit(7)
    """
)


def bwrap_or_skip() -> None:
    from mlskills.sandbox.bwrap import probe

    ok, reason = probe()
    if not ok:
        pytest.skip(f"bubblewrap unavailable: {reason}")


@pytest.mark.parametrize("kind", ["local", "bwrap"])
def test_a_command_behind_the_forwarder_reaches_the_api_through_the_proxy(
    fake_api: FakeMessagesAPI, tmp_path: Path, kind: str
):
    if kind == "bwrap":
        bwrap_or_skip()
    fake_api.push(reply(text("through the proxy")))
    (tmp_path / "workspace").mkdir()
    sockets = tmp_path / "sockets"
    sockets.mkdir(mode=0o755)
    credential = Credential("ANTHROPIC_API_KEY", KEY, fake_api.url)
    with (
        sandboxes.create(kind, tmp_path / "workspace", Limits(), tmp_path) as box,
        CredentialProxy(credential, sockets / "api.sock") as proxy,
    ):
        guest = box.share(sockets, "/run/mlskills-api")
        argv = forwarder_argv(f"{guest}/api.sock", ["python3", "-c", CLIENT])
        result = box.exec(argv, secrets={"ANTHROPIC_API_KEY": proxy.token}, timeout=60)
        touch = box.exec(["touch", f"{guest}/planted"], timeout=30)
    assert result.exit_code == 7, result.stderr  # the command's own status comes back
    assert "http://127.0.0.1:" in result.stdout and "through the proxy" in result.stdout
    assert fake_api.message_requests[0].headers["x-api-key"] == KEY
    if kind == "bwrap":
        assert guest == "/run/mlskills-api"
        assert touch.exit_code != 0 and not (sockets / "planted").exists()


def test_a_missing_command_exits_127_with_a_message(tmp_path: Path):
    sockets = tmp_path / "s"
    result = subprocess.run(
        forwarder_argv(str(sockets / "api.sock"), ["no-such-command-mlskills"]),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 127 and "cannot start no-such-command-mlskills" in result.stderr


CONCEAL = textwrap.dedent(
    """
    import os, subprocess
    from mlskills.credproxy.conceal import conceal_environ
    from mlskills.sandbox.environment import is_secret
    print("blanked", conceal_environ(is_secret))
    mine = f"/proc/{os.getpid()}/environ"
    scan = subprocess.run(["grep", "-c", "-a", "sk-ant-conceal", mine], capture_output=True)
    print("scan", scan.stdout.decode().strip())
    print("python", os.environ["ANTHROPIC_API_KEY"])
    child = subprocess.run(["sh", "-c", 'echo "$ANTHROPIC_API_KEY"'], capture_output=True)
    print("child", child.stdout.decode().strip())
    """
)


def test_the_harness_environ_block_no_longer_shows_the_key(tmp_path: Path):
    """A harness started with the key: /proc/PID/environ is blanked, Python still has it."""
    env = {"PATH": os.environ["PATH"], "ANTHROPIC_API_KEY": "sk-ant-conceal-0123456789"}
    out = subprocess.run(
        [sys.executable, "-c", CONCEAL], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines())
    assert lines["blanked"] == "['ANTHROPIC_API_KEY']"
    assert lines["scan"] == "0"
    assert lines["python"] == lines["child"] == "sk-ant-conceal-0123456789"
