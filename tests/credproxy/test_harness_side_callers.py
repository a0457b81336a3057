"""The `anthropic` agent and the judge call the API from the harness process itself. Their
sandboxes must not get the key either: not in the environment, not through the harness's
own /proc/PID/environ (local), and the harness is started the way users start it, with the
key exported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes.messages_api import FakeMessagesAPI, last_tool_results, reply, result_text, tool_use

from mlskills import sandbox as sandboxes
from mlskills.judge.evidence import run_commands

KEY = f"sk-ant-harness-side-canary-{os.getpid()}-5150"  # unique per run
# The key split in three so the command itself (sent back to the API) never holds it whole.
SCAN = (
    f'K="{KEY[:9]}""{KEY[9:19]}""{KEY[19:]}"; echo "KEY=${{ANTHROPIC_API_KEY:-none}}"; '
    'grep -l -a -F "$K" /proc/[0-9]*/environ 2>/dev/null | sed "s/^/FOUND-IN /"; '
    "echo SCANNED $(ls -d /proc/[0-9]* | wc -l)"
)


def bwrap_or_skip() -> None:
    from mlskills.sandbox.bwrap import probe

    ok, reason = probe()
    if not ok:
        pytest.skip(f"bubblewrap unavailable: {reason}")


@pytest.mark.parametrize("kind", ["local", "bwrap"])
def test_the_api_agents_commands_find_no_key(
    fake_api: FakeMessagesAPI, tmp_path: Path, fixture_evals: Path, kind: str
):
    """`mlskills run --agent anthropic` started with the key exported: the model's bash
    command scans every readable /proc/*/environ, the harness's included on local."""
    if kind == "bwrap":
        bwrap_or_skip()
    fake_api.push(reply(tool_use("bash", {"command": SCAN})), reply("done"))
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "ANTHROPIC_API_KEY": KEY,
        "ANTHROPIC_BASE_URL": fake_api.url,
    }
    argv = [sys.executable, "-m", "mlskills", "run", "--agent", "anthropic", "--task", "double"]
    argv += ["--evals", str(fixture_evals), "--sandbox", kind, "--model", "claude-sonnet-4-5"]
    argv += ["--runs-dir", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "cache")]
    argv += ["--scratch-dir", str(tmp_path / "scratch"), "--json"]
    (tmp_path / "scratch").mkdir()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    [result] = last_tool_results(fake_api.message_requests[1].body)
    output = result_text(result)
    assert "KEY=none" in output and "SCANNED" in output, output
    assert "FOUND-IN" not in output
    for request in fake_api.message_requests:  # SDK versions differ in the header they use
        sent = (request.headers.get("x-api-key"), request.headers.get("authorization"))
        assert KEY in sent or f"Bearer {KEY}" in sent
    for path in (tmp_path / "runs").rglob("*"):
        if path.is_file():
            assert KEY not in path.read_text(errors="replace"), path


@pytest.mark.parametrize("kind", ["local", "bwrap"])
def test_the_judges_evidence_commands_find_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
):
    """The judge's evidence commands run in a fresh sandbox while the harness holds the key."""
    if kind == "bwrap":
        bwrap_or_skip()
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (tmp_path / "scratch").mkdir()

    def make(workdir: Path, limits, scratch: Path):
        return sandboxes.create(kind, workdir, limits, scratch)

    [exhibit] = run_commands([SCAN], workspace, make, tmp_path / "scratch")
    assert "KEY=none" in exhibit.text and "SCANNED" in exhibit.text, exhibit.text
    assert "FOUND-IN" not in exhibit.text and KEY not in json.dumps(exhibit.text)
