"""Where credentials go and what stays exposed: run.json, the console and the report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mlskills.credproxy.exposure import credential_flow
from mlskills.report.notices import collect


def test_the_flow_names_the_proxy_and_each_exposure():
    assert credential_flow("claude-code", "bwrap")["agent"].startswith("credential proxy")
    assert credential_flow("claude-code", "bwrap")["exposure"] == []
    assert credential_flow("anthropic", "bwrap", judged=True)["judge"].startswith("harness")
    local = credential_flow("anthropic", "local")["exposure"]
    assert len(local) == 1 and "harness's memory" in local[0]
    assert credential_flow("oracle", "local")["exposure"] == []  # no key involved
    assert len(credential_flow("oracle", "local", judged=True)["exposure"]) == 1
    given = credential_flow("command", "bwrap", ("MYCRED",))
    assert given["agent"].startswith("none") and "MYCRED (--agent-env)" in given["exposure"][0]


def test_the_report_warns_about_an_exposure():
    meta = {"config": {"sandbox": "bwrap"}, "credentials": credential_flow("x", "bwrap", ("T",))}
    [notice] = [n for n in collect(meta, [], "runs/x") if n.title == "Credential exposure"]
    assert notice.level == "warn" and "T (--agent-env)" in notice.text
    clean = {"config": {"sandbox": "bwrap"}, "credentials": credential_flow("x", "bwrap")}
    assert not [n for n in collect(clean, [], "runs/x") if n.title == "Credential exposure"]


def test_a_run_given_a_secret_says_so_on_the_console_and_in_run_json(tmp_path, fixture_evals):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "MYCRED": "value-0123456789"}
    argv = [sys.executable, "-m", "mlskills", "run", "--agent", "command", "--task", "double"]
    argv += ["--agent-command", "true", "--agent-env", "MYCRED", "--sandbox", "local"]
    argv += ["--evals", str(fixture_evals), "--runs-dir", str(tmp_path / "runs")]
    argv += ["--cache-dir", str(tmp_path / "cache")]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert "warning: credential exposure: the agent was given MYCRED" in done.stderr
    [run_json] = (tmp_path / "runs").glob("*/run.json")
    flow = json.loads(run_json.read_text())["credentials"]
    assert any("MYCRED" in e for e in flow["exposure"])
    assert "value-0123456789" not in Path(run_json).read_text()
