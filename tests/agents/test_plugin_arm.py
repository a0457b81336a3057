"""The `plugin` arm: the pack installed the way users drop it in, no forced agent.

The main session decides whether to load skills or delegate; the trial records what it
used, so reports can show the uplift users actually get beside the forced `pack` arm.
"""

from __future__ import annotations

import re

import pytest
from fakes.messages_api import FakeMessagesAPI, Recorded, reply, system_text, text, tool_use

from mlskills.agents.claude_code.locate import find_cli
from mlskills.errors import AgentSetupError
from mlskills.pack.load import load_pack
from mlskills.runner import RunConfig, start_run
from mlskills.schema import Arm

KEY = "sk-ant-plugin-arm-test-0c1d"


def test_arms_parse_with_and_without_the_forced_agent():
    assert Arm.parse("pack").as_agent and Arm.parse("pack").pack
    plugin = Arm.parse("plugin")
    assert plugin.pack and not plugin.as_agent and plugin.skills == ()
    assert Arm.parse("mine=data-profiling").as_agent
    with pytest.raises(ValueError, match="plugin"):
        Arm.parse("plugin=data-profiling")


def test_anthropic_plugin_arm_lists_skills_without_the_agent_body_and_records_reads(run_trial, api):
    def respond(request: Recorded):
        if len(request.body["messages"]) == 1:
            path = re.search(r"`([^`]*/data-profiling/SKILL\.md)`", system_text(request.body))
            return reply(tool_use("bash", {"command": f"cat {path.group(1)}"}))
        return reply(text("done"))

    api.responder = respond
    trial = run_trial(arm=Arm.parse("plugin"))
    assert trial.result.status == "completed", trial.result.error
    system = system_text(api.message_requests[0].body)
    engineer = load_pack().agent("ml-engineer").body.strip()
    assert engineer[:200] not in system
    assert "## Skills" in system and "data-profiling" in system
    assert trial.result.details["skills_read"] == ["data-profiling"]


@pytest.fixture
def cli_api(monkeypatch: pytest.MonkeyPatch):
    try:
        find_cli()
    except AgentSetupError as exc:  # CI installs it via the claude-code extra
        pytest.skip(f"Claude Code CLI not available: {exc}")
    with FakeMessagesAPI() as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        yield fake


def test_claude_code_plugin_arm_lets_the_session_delegate(tmp_path, fixture_evals, cli_api):
    pack = load_pack()
    engineer = pack.agent("ml-engineer")
    delegation = {
        "subagent_type": "mlskills:ml-engineer",
        "description": "solve the task",
        "prompt": "Double the numbers in data/numbers.csv into answers.csv.",
        "run_in_background": False,
    }
    cli_api.push(reply(tool_use("Agent", delegation)), reply(text("sub done")), reply(text("ok")))
    config = RunConfig(
        agent="claude-code",
        task_ids=["double"],
        arms=["plugin"],
        sandbox="local",
        evals=str(fixture_evals),
        cache_dir=str(tmp_path / "cache"),
    )
    [record] = start_run(config, tmp_path / "runs").records
    assert record.status == "completed", record.error
    first, sub = (r.body for r in cli_api.message_requests[:2])
    listing = system_text(first) + str(first.get("messages"))
    assert {f"mlskills:{a.name}" for a in pack.agents} <= set(
        re.findall(r"mlskills:[a-z-]+", listing)
    )
    assert engineer.body.strip()[:200] not in system_text(first)  # not run as the agent
    assert engineer.body.strip()[:200] in system_text(sub)  # the delegated conversation is
    assert record.details["agents_invoked"] == ["mlskills:ml-engineer"]
    assert "mlskills" in record.details["plugins"]
