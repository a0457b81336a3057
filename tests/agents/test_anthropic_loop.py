"""The anthropic agent over real HTTP: the real SDK against the fake API, a real sandbox."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from fakes.messages_api import (
    FakeMessagesAPI,
    Recorded,
    cache_breakpoints,
    dropped,
    fault,
    last_tool_results,
    overloaded,
    rate_limited,
    reply,
    result_text,
    server_error,
    stream_error,
    system_text,
    tool_use,
)

from mlskills.agents import AgentOptions, AgentRequest, create
from mlskills.errors import AgentSetupError
from mlskills.llm.client import APIFailure, DeadlineReached, Requester
from mlskills.llm.settings import settings_from
from mlskills.sandbox import Sandbox
from mlskills.schema import Arm, Limits, Usage
from mlskills.transcript import TrialLog

EDIT = "str_replace_based_edit_tool"


def events(trial) -> list[dict]:
    lines = (trial.folder / "transcript.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def results_sent(api: FakeMessagesAPI, index: int) -> list[dict]:
    """The tool results the agent sent in its `index`-th request."""
    return last_tool_results(api.message_requests[index].body)


def test_a_scripted_model_works_through_bash_and_the_editor(api, run_trial) -> None:
    api.push(
        reply("Looking first.", tool_use("bash", {"command": "mkdir -p out && cd out && pwd"})),
        reply(tool_use(EDIT, {"command": "create", "path": "report.py", "file_text": "x = 1\n"})),
        reply(
            tool_use(
                EDIT,
                {"command": "str_replace", "path": "report.py", "old_str": "1", "new_str": "2"},
            ),
            tool_use("bash", {"command": "python -c 'print(6*7)' > answer.txt; cat answer.txt"}),
        ),
        reply("Done: report.py and out/answer.txt."),
    )
    trial = run_trial()
    assert trial.result.status == "completed", trial.result.error
    assert trial.result.turns == 4 and len(api.message_requests) == 4
    assert (trial.workspace / "report.py").read_text() == "x = 2\n"
    assert (trial.workspace / "out" / "answer.txt").read_text() == "42\n"  # cd persisted
    assert result_text(results_sent(api, 1)[0]) == str(trial.workspace / "out")
    assert [result_text(r) for r in results_sent(api, 3)][1] == "42"
    assert all(r.streaming and r.body["model"] == "claude-sonnet-5-5" for r in api.requests)


def test_usage_cost_and_transcript_are_recorded(api, run_trial) -> None:
    usage = {
        "input_tokens": 1000,
        "output_tokens": 100,
        "cache_read_input_tokens": 2000,
        "cache_creation_input_tokens": 400,
    }
    api.push(reply(tool_use("bash", {"command": "echo hi"}), usage=usage), reply("ok", usage=usage))
    trial = run_trial()
    got = trial.result.usage
    assert (got.input_tokens, got.output_tokens) == (2000, 200)
    assert (got.cache_read_tokens, got.cache_write_tokens) == (4000, 800)
    # claude-sonnet-5-5: $2 in, $10 out, $2.50 cache write, $0.10 cache read per MTok
    assert got.cost == pytest.approx(2 * (1000 * 2 + 100 * 10 + 400 * 2.5 + 2000 * 0.1) / 1e6)
    kinds = [e["kind"] for e in events(trial)]
    assert kinds[:2] == ["agent_start", "message"] and kinds[-1] == "agent_end"
    assert kinds.count("response") == 2 and kinds.count("tool_call") == 1
    call = next(e for e in events(trial) if e["kind"] == "tool_call")
    assert call["output"] == "hi" and call["input"] == {"command": "echo hi"}
    assert call["seconds"] >= 0 and not call["is_error"]
    response = next(e for e in events(trial) if e["kind"] == "response")
    assert (
        response["usage"]["input_tokens"] == 1000 and response["content"][0]["type"] == "tool_use"
    )


def test_bare_arm_gets_the_bare_system_prompt(api, run_trial) -> None:
    api.push(reply("done"))
    trial = run_trial(instruction="Train the thing.")
    body = api.message_requests[0].body
    system = system_text(body)
    assert "capable software and machine-learning engineer" in system
    assert str(trial.workspace) in system and "Skills" not in system
    assert [t["type"] for t in body["tools"]] == ["bash_20250124", "text_editor_20250728"]
    assert body["messages"][0]["content"][0]["text"].startswith("Train the thing.")


def test_pack_arm_gets_the_agent_body_and_a_skill_index(api, run_trial, tiny_pack) -> None:
    api.push(
        reply(tool_use("bash", {"command": "stat -c %a ~/skills/x-skill/SKILL.md"})), reply("done")
    )
    trial = run_trial(arm=Arm.parse("pack"), extra={"pack_root": str(tiny_pack)})
    system = system_text(api.message_requests[0].body)
    assert system.startswith("You are ML-ENGINEER-BODY")
    for name, description in [("x-skill", "Use for X work."), ("y-skill", "Use for Y work.")]:
        skill_md = trial.scratch / "home" / "skills" / name / "SKILL.md"
        assert f"`{name}`: {description} Read `{skill_md}`." in system
        assert skill_md.read_text().endswith(f"BODY OF {name}\n")
    assert "BODY OF" not in system  # disclosed progressively, not pasted in
    assert result_text(results_sent(api, 1)[0]) == "444"  # read-only while the agent ran
    assert not (trial.workspace / "skills").exists()


def test_a_named_subset_arm_lists_only_its_skills(api, run_trial, tiny_pack) -> None:
    api.push(reply("done"))
    run_trial(arm=Arm.parse("ysub=y-skill"), extra={"pack_root": str(tiny_pack)})
    system = system_text(api.message_requests[0].body)
    assert "`y-skill`" in system and "x-skill" not in system


def test_unknown_skill_in_an_arm_is_an_error_not_a_crash(api, run_trial, tiny_pack) -> None:
    trial = run_trial(arm=Arm.parse("bad=nope"), extra={"pack_root": str(tiny_pack)})
    assert trial.result.status == "error" and "nope" in trial.result.error
    assert not api.message_requests


def test_cache_breakpoints_sit_on_tools_system_and_the_latest_user_turns(api, run_trial) -> None:
    api.push(*[reply(tool_use("bash", {"command": f"echo {i}"})) for i in range(3)], reply("ok"))
    run_trial()
    first, last = api.message_requests[0].body, api.message_requests[-1].body
    assert cache_breakpoints(first) == ["tools[1]", "system[0]", "messages[0][0]"]
    assert cache_breakpoints(last) == ["tools[1]", "system[0]", "messages[4][0]", "messages[6][0]"]
    assert all(len(cache_breakpoints(r.body)) <= 4 for r in api.message_requests)
    assert last["system"][0]["cache_control"] == {"type": "ephemeral"}


def test_later_turns_read_the_prefix_from_the_simulated_cache(api, run_trial) -> None:
    api.push(*[reply(tool_use("bash", {"command": f"echo {i}"})) for i in range(3)], reply("ok"))
    trial = run_trial()
    responses = [e["usage"] for e in events(trial) if e["kind"] == "response"]
    assert responses[0]["cache_read_tokens"] == 0
    assert all(u["cache_read_tokens"] > u["cache_write_tokens"] for u in responses[1:])
    assert trial.result.usage.cache_read_tokens > 0


def test_retries_recover_from_529_then_429(api, run_trial) -> None:
    api.push(overloaded(), rate_limited(), reply("done"))
    trial = run_trial()
    assert trial.result.status == "completed"
    assert [r.headers.get("x-stainless-retry-count") for r in api.requests] == ["0", "1", "2"]


def test_a_stream_cut_midway_and_a_500_are_retried(api, run_trial) -> None:
    api.push(dropped(after_events=3), server_error(), reply("done"))
    trial = run_trial()
    assert trial.result.status == "completed" and len(api.message_requests) == 3


def test_an_overloaded_or_api_error_event_mid_stream_is_retried(api, run_trial) -> None:
    api.push(stream_error(after_events=3), stream_error(1, "api_error", "Internal"), reply("done"))
    trial = run_trial()
    assert trial.result.status == "completed", trial.result.error
    assert len(api.message_requests) == 3


def test_error_events_mid_stream_use_up_the_retry_budget(api, run_trial) -> None:
    api.push(stream_error(), dropped(after_events=3), stream_error(), reply("never sent"))
    trial = run_trial()  # max_retries=2: three attempts in all
    assert trial.result.status == "error" and len(api.message_requests) == 3
    assert "overloaded_error: Overloaded" in trial.result.error


def test_an_invalid_request_error_event_is_not_retried(api, run_trial) -> None:
    api.push(stream_error(2, "invalid_request_error", "tools.0: name is bad"), reply("never"))
    trial = run_trial()
    assert trial.result.status == "error" and len(api.message_requests) == 1
    assert "invalid_request_error: tools.0: name is bad" in trial.result.error


def test_outgrowing_the_context_window_is_a_limit_and_the_workspace_is_graded(
    api, run_trial
) -> None:
    too_long = "prompt is too long: 212345 tokens > 200000 maximum"
    api.push(
        reply(tool_use("bash", {"command": "echo partial > hello.txt"})),
        fault(400, "invalid_request_error", too_long),
        reply("never"),
    )
    trial = run_trial()
    assert (trial.result.status, trial.result.limit) == ("limit", "context")
    assert trial.result.error is None and trial.result.turns == 1
    assert len(api.message_requests) == 2  # a 400 is not retried
    assert (trial.workspace / "hello.txt").read_text() == "partial\n"
    kinds = {e["kind"]: e for e in events(trial)}
    assert too_long in kinds["api_error"]["message"] and kinds["limit"]["limit"] == "context"


def test_other_invalid_requests_stay_errors(api, run_trial) -> None:
    api.push(fault(400, "invalid_request_error", "messages.1: bad block"))
    trial = run_trial()
    assert trial.result.status == "error" and "bad block" in trial.result.error


def test_a_response_cut_off_at_the_deadline_keeps_its_usage(api) -> None:
    """The deadline passes while a response streams: its input tokens were still spent."""
    api.push(reply("slow", usage={"input_tokens": 1234, "output_tokens": 56}))
    requester = Requester(settings_from("claude-sonnet-5-5", {"max_retries": 0}))
    params = {"model": "claude-sonnet-5-5", "max_tokens": 100, "messages": [_hello()]}
    with pytest.raises(DeadlineReached) as caught:
        requester.message(params, deadline=time.monotonic() + 0.001)
    assert caught.value.usage.input_tokens == 1234


def test_the_loop_counts_a_partial_response_but_not_as_a_turn(api, run_trial) -> None:
    partial = Usage(input_tokens=500, output_tokens=20)
    api.push(reply(tool_use("bash", {"command": "true"}), usage={"input_tokens": 100}))
    real = Requester.message
    calls = iter(range(10))

    def cut_second(self, params, deadline):
        if next(calls) == 0:
            return real(self, params, deadline)
        raise DeadlineReached(SimpleNamespace(**_usage_fields(partial)))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Requester, "message", cut_second)
        trial = run_trial()
    assert (trial.result.status, trial.result.limit) == ("timeout", "agent_timeout")
    assert trial.result.turns == 1
    assert trial.result.usage.input_tokens == 100 + 500 and trial.result.usage.cost > 0
    assert any(e["kind"] == "partial_response" for e in events(trial))


def _hello() -> dict:
    return {"role": "user", "content": [{"type": "text", "text": "hi"}]}


def _usage_fields(usage: Usage) -> dict:
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_read_input_tokens": 0,
        "cache_creation_input_tokens": 0,
    }


def test_retries_after_error_events_stop_at_the_trial_deadline(api, run_trial) -> None:
    api.push(*[stream_error() for _ in range(12)])
    started = time.monotonic()
    trial = run_trial(limits=Limits(agent_timeout=1.0), extra={"max_retries": 11})
    assert (trial.result.status, trial.result.limit) == ("timeout", "agent_timeout")
    assert time.monotonic() - started < 4 and len(api.message_requests) < 12


def test_exhausted_retries_end_the_trial_as_error_with_the_api_message(api, run_trial) -> None:
    api.push(overloaded(), overloaded(), overloaded())
    trial = run_trial()
    assert trial.result.status == "error"
    assert trial.result.error == "529 overloaded_error: Overloaded"
    assert any(e["kind"] == "api_error" for e in events(trial))


@pytest.mark.parametrize(
    ("limits", "usage", "limit"),
    [
        (Limits(max_turns=2), {}, "max_turns"),
        (Limits(token_budget=1000), {"input_tokens": 900, "output_tokens": 200}, "token_budget"),
        (Limits(cost_limit=0.01), {"input_tokens": 3000, "output_tokens": 500}, "cost_limit"),
    ],
)
def test_each_limit_stops_the_loop_and_is_recorded(api, run_trial, limits, usage, limit) -> None:
    usage = {"cache_read_input_tokens": 0, "cache_creation_input_tokens": 0, **usage}
    api.push(*[reply(tool_use("bash", {"command": "echo x"}), usage=usage) for _ in range(5)])
    trial = run_trial(limits=limits)
    assert (trial.result.status, trial.result.limit) == ("limit", limit)
    expected_turns = 2 if limit == "max_turns" else 1
    assert trial.result.turns == len(api.message_requests) == expected_turns
    assert any(e["kind"] == "limit" and e["limit"] == limit for e in events(trial))


def test_prices_can_be_given_for_an_unlisted_model(api, run_trial) -> None:
    usage = {
        "input_tokens": 20,
        "output_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation_input_tokens": 0,
    }
    api.push(*[reply(tool_use("bash", {"command": "echo x"}), usage=usage) for _ in range(3)])
    prices = {"my-model": {"input": 1000, "output": 0}}
    trial = run_trial(model="my-model", limits=Limits(cost_limit=0.03), extra={"prices": prices})
    assert (trial.result.limit, trial.result.turns) == ("cost_limit", 2)
    assert trial.result.usage.cost == pytest.approx(0.04)


def test_a_cost_limit_without_a_known_price_is_an_error(api, run_trial) -> None:
    trial = run_trial(model="unpriced-model", limits=Limits(cost_limit=1.0))
    assert trial.result.status == "error" and "no price is known" in trial.result.error


def test_wall_time_ends_the_trial_as_timeout(api, run_trial) -> None:
    api.push(reply(tool_use("bash", {"command": "sleep 30"})), reply("never asked"))
    trial = run_trial(limits=Limits(agent_timeout=1.0, command_timeout=60))
    assert (trial.result.status, trial.result.limit) == ("timeout", "agent_timeout")
    assert len(api.message_requests) == 1
    call = next(e for e in events(trial) if e["kind"] == "tool_call")
    assert call["is_error"] and call["seconds"] < 5


def test_max_output_tokens_per_turn_is_sent_and_a_cut_reply_is_answered(api, run_trial) -> None:
    api.push(
        reply(tool_use("bash", {"command": "echo partial"}), stop_reason="max_tokens"),
        reply("done"),
    )
    trial = run_trial(limits=Limits(max_output_tokens=123))
    assert trial.result.status == "completed"
    assert all(r.body["max_tokens"] == 123 for r in api.message_requests)
    [result] = results_sent(api, 1)
    assert result["is_error"] and "123 output tokens" in result_text(result)


def test_str_replace_with_no_or_two_matches_returns_error_results(api, run_trial) -> None:
    def setup(workspace: Path) -> None:
        (workspace / "f.txt").write_text("dup dup\n")

    api.push(
        reply(
            tool_use(EDIT, {"command": "str_replace", "path": "f.txt", "old_str": "zzz"}),
            tool_use(EDIT, {"command": "str_replace", "path": "f.txt", "old_str": "dup"}),
        ),
        reply("done"),
    )
    trial = run_trial(setup=setup)
    results = results_sent(api, 1)
    assert [r.get("is_error") for r in results] == [True, True]
    assert "did not appear verbatim" in result_text(results[0])
    assert "occurs 2 times" in result_text(results[1])
    assert (trial.workspace / "f.txt").read_text() == "dup dup\n"


def test_paths_outside_the_workspace_and_symlink_escapes_are_refused(
    api, run_trial, tmp_path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()

    def setup(workspace: Path) -> None:
        (workspace / "escape").symlink_to(outside)

    api.push(
        reply(
            tool_use(EDIT, {"command": "create", "path": str(outside / "a"), "file_text": "x"}),
            tool_use(EDIT, {"command": "create", "path": "escape/b", "file_text": "x"}),
            tool_use(EDIT, {"command": "view", "path": "/etc/hostname"}),
        ),
        reply("done"),
    )
    run_trial(setup=setup)
    assert [r.get("is_error") for r in results_sent(api, 1)] == [True, True, True]
    assert list(outside.iterdir()) == []


def test_the_api_key_reaches_neither_the_sandbox_nor_any_file(api, run_trial) -> None:
    api.push(
        reply(tool_use("bash", {"command": "env; cat /proc/self/environ | tr '\\0' '\\n'"})),
        reply(tool_use("bash", {"command": "env > env.txt"})),
        reply("done"),
    )
    trial = run_trial()
    key = os.environ["ANTHROPIC_API_KEY"]
    headers = api.message_requests[0].headers
    assert key in headers.get("x-api-key", "") + headers.get("authorization", "")  # in use
    shown = result_text(results_sent(api, 1)[0])
    assert "PATH=" in shown and key not in shown and "ANTHROPIC" not in shown
    written = [p for p in trial.scratch.rglob("*") if p.is_file()]
    assert any(p.name == "transcript.jsonl" for p in written)
    assert any(p.name == "env.txt" for p in written)
    leaks = [p for p in written if key.encode() in p.read_bytes()]
    assert leaks == []


def test_a_missing_api_key_is_one_clear_line(monkeypatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(AgentSetupError) as caught:
        create("anthropic", AgentOptions())
    message = str(caught.value)
    assert "\n" not in message
    assert "ANTHROPIC_API_KEY" in message and "--agent oracle" in message


def test_describe_names_model_sdk_and_prompts(api) -> None:
    info = create("anthropic", AgentOptions(model="claude-haiku-4-5-20251001")).describe()
    assert info["agent"] == "anthropic" and info["model"] == "claude-haiku-4-5-20251001"
    assert info["sdk"].startswith("anthropic ") and "system_pack.md.j2" in info["prompts"]
    assert info["prices"]["input"] == 1.0
    assert os.environ["ANTHROPIC_API_KEY"] not in json.dumps(info)


def test_requests_never_carry_system_role_messages(api, run_trial) -> None:
    api.push(reply("done"))
    run_trial()
    request: Recorded = api.message_requests[0]
    assert [m["role"] for m in request.body["messages"]] == ["user"]


def bwrap_works() -> tuple[bool, str]:
    from mlskills.sandbox import default_kind

    kind, reason = default_kind()
    return kind == "bwrap", reason


@pytest.mark.skipif(not bwrap_works()[0], reason=f"bubblewrap: {bwrap_works()[1]}")
def test_under_bubblewrap_the_model_sees_guest_paths_and_can_change_editor_files(
    api, run_trial, tiny_pack
) -> None:
    create = {"command": "create", "path": "/workspace/pkg/mod.py", "file_text": "A = 1\n"}
    skill_md = "/home/agent/skills/x-skill/SKILL.md"
    api.push(
        reply(tool_use("bash", {"command": "pwd"})),  # the shell runs before the edit
        reply(tool_use(EDIT, create), tool_use(EDIT, {"command": "view", "path": skill_md})),
        reply(tool_use("bash", {"command": "echo 'B = 2' >> pkg/mod.py && touch pkg/t && env"})),
        reply(tool_use("bash", {"command": f"echo x >> {skill_md}"})),
        reply("done"),
    )
    trial = run_trial(kind="bwrap", arm=Arm.parse("pack"), extra={"pack_root": str(tiny_pack)})
    assert trial.result.status == "completed", trial.result.error
    assert result_text(results_sent(api, 1)[0]) == "/workspace"
    created, viewed = results_sent(api, 2)
    assert "/workspace/pkg/mod.py" in result_text(created) and not created.get("is_error")
    assert "BODY OF x-skill" in result_text(viewed)
    shown = result_text(results_sent(api, 3)[0])
    assert "PATH=" in shown and "Permission denied" not in shown, shown
    assert os.environ["ANTHROPIC_API_KEY"] not in shown
    assert (trial.workspace / "pkg" / "mod.py").read_text() == "A = 1\nB = 2\n"
    assert skill_md in system_text(api.message_requests[0].body)
    assert "Permission denied" in result_text(results_sent(api, 4)[0])  # skills: read-only


def test_a_long_retry_after_cannot_outlive_the_trial(api, run_trial) -> None:
    api.push(*[rate_limited(retry_after=30) for _ in range(3)])
    started = time.monotonic()
    trial = run_trial(limits=Limits(agent_timeout=1.5))
    assert (trial.result.status, trial.result.limit) == ("timeout", "agent_timeout")
    # the wait is cut to the 1.5 s left, and no retry is sent once the deadline has passed
    assert len(api.message_requests) == 1 and time.monotonic() - started < 5


class DiskLimitedSandbox(Sandbox):
    """A local sandbox that reports its disk limit hit once the workspace holds FULL."""

    @property
    def limit_hit(self) -> str | None:
        return "disk_mb" if (self.workdir / "FULL").exists() else None


def test_a_limit_the_sandbox_enforced_stops_the_loop(api, tmp_path) -> None:
    api.push(reply(tool_use("bash", {"command": "touch FULL"})), reply("never asked"))
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    agent = create("anthropic", AgentOptions(extra={"max_retries": 0}))
    with DiskLimitedSandbox(workspace, Limits()) as sandbox:
        log = TrialLog(tmp_path / "log")
        request = AgentRequest("x", sandbox, Limits(), log, Arm("bare"), "t")
        result = agent.run(request)
    assert (result.status, result.limit, result.turns) == ("limit", "disk_mb", 1)


def test_cut_streams_use_up_the_retry_budget_and_say_so(api, run_trial) -> None:
    """SDK 2.x reports a stream cut after the 200 as APIConnectionError: retried, then error."""
    api.push(dropped(after_events=1), dropped(after_events=3), dropped(), reply("never sent"))
    trial = run_trial()  # max_retries=2: three attempts in all
    assert trial.result.status == "error" and len(api.message_requests) == 3
    assert "failed 3 times" in trial.result.error and "APIConnectionError" in trial.result.error


def test_cut_streams_are_not_retried_past_the_trial_deadline(api, run_trial) -> None:
    api.push(*[dropped(after_events=2) for _ in range(40)])
    started = time.monotonic()
    trial = run_trial(limits=Limits(agent_timeout=1.0), extra={"max_retries": 39})
    assert (trial.result.status, trial.result.limit) == ("timeout", "agent_timeout")
    assert time.monotonic() - started < 4 and len(api.message_requests) < 40


def test_a_server_saying_do_not_retry_is_obeyed(api, run_trial) -> None:
    api.push(fault(503, "api_error", "down for good", **{"x-should-retry": "false"}), reply("x"))
    trial = run_trial()
    assert trial.result.status == "error" and len(api.message_requests) == 1
    assert trial.result.error == "503 api_error: down for good"


def test_an_authentication_error_is_not_retried(api, run_trial) -> None:
    api.push(fault(401, "authentication_error", "invalid x-api-key"), reply("never sent"))
    trial = run_trial()
    assert trial.result.status == "error" and len(api.message_requests) == 1
    assert trial.result.error == "401 authentication_error: invalid x-api-key"


def test_a_refused_connection_is_retried_then_reported(monkeypatch) -> None:
    """Nothing listens on the port: every attempt fails to connect; the budget bounds them."""
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    extra = {"max_retries": 2, "base_url": f"http://127.0.0.1:{port}"}
    requester = Requester(settings_from(None, extra))
    params = {"model": "claude-sonnet-5-5", "max_tokens": 100, "messages": [_hello()]}
    started = time.monotonic()
    with pytest.raises(APIFailure, match="failed 3 times: APIConnectionError"):
        requester.message(params, deadline=time.monotonic() + 30)
    assert 0.5 < time.monotonic() - started < 10  # two back-off waits, no more


def test_the_sdk_client_makes_one_attempt_and_the_retries_are_ours(api) -> None:
    """The retry loop lives in Requester.message; the SDK's own would double the budget."""
    requester = Requester(settings_from(None, {"max_retries": 3}))
    assert requester.client.max_retries == 0
    api.push(overloaded(), overloaded(), overloaded(), overloaded())
    params = {"model": "claude-sonnet-5-5", "max_tokens": 100, "messages": [_hello()]}
    with pytest.raises(APIFailure, match="529 overloaded_error"):
        requester.message(params, deadline=time.monotonic() + 30)
    assert len(api.message_requests) == 4
