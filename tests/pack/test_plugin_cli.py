"""The repository as a Claude Code plugin, loaded by the real CLI against the fake API.

`claude -p --plugin-dir <repo>` must list every agent and skill namespaced, with no plugin
errors, and an `Agent` call to `mlskills:ml-engineer` must open a subagent conversation
whose system prompt is that agent's body and whose tools are its tool list.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from fakes.messages_api import FakeMessagesAPI, reply, system_text, text, tool_use

from mlskills import paths
from mlskills.agents.claude_code.locate import find_cli
from mlskills.errors import AgentSetupError
from mlskills.pack.load import load_pack

try:
    CLI = find_cli()
except AgentSetupError as exc:
    pytest.skip(f"Claude Code CLI not available: {exc}", allow_module_level=True)

NOT_IN_CLI_2_1_330 = {"Grep", "Glob"}


def run_cli(api: FakeMessagesAPI, home, workdir) -> list[dict]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "ANTHROPIC_BASE_URL": api.url,
        "ANTHROPIC_API_KEY": "sk-ant-fake-0123456789",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "IS_SANDBOX": "1",
    }
    argv = [str(CLI), "-p", "Profile the data in this folder.", "--output-format", "stream-json"]
    argv += ["--verbose", "--plugin-dir", str(paths.plugin_root())]
    argv += ["--permission-mode", "bypassPermissions", "--max-turns", "5"]
    done = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("agent_name", ["ml-engineer", "evaluator"])
def test_plugin_loads_namespaced_and_subagents_get_their_body_and_tools(tmp_path, agent_name):
    pack = load_pack()
    agent = pack.agent(agent_name)
    call = {
        "subagent_type": f"mlskills:{agent_name}",
        "description": "delegate",
        "prompt": "Profile the data and report.",
        "run_in_background": False,
    }
    (tmp_path / "home").mkdir()
    with FakeMessagesAPI() as api:
        api.push(reply(tool_use("Agent", call)), reply(text("subagent report")), reply(text("ok")))
        lines = run_cli(api, tmp_path / "home", tmp_path)
        requests = [r.body for r in api.message_requests]
    init = lines[0]
    assert init["subtype"] == "init" and init.get("plugin_errors") in (None, [])
    assert {f"mlskills:{a.name}" for a in pack.agents} <= set(init["agents"])
    assert {f"mlskills:{s.name}" for s in pack.skills} <= set(init["skills"])
    sub = requests[1]
    assert agent.body.strip()[:300] in system_text(sub)
    tools = {t["name"] for t in sub["tools"]} - {"DeferredToolPlaceholder"}
    assert tools <= set(agent.tools)
    assert set(agent.tools) - tools <= NOT_IN_CLI_2_1_330
    result = lines[-1]
    assert result["type"] == "result" and not result["is_error"]
