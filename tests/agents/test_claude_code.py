"""The claude-code agent: the real Claude Code CLI, driven against the loopback fake API.

Each test scripts what "the model" says and runs a real trial through the runner, so the
CLI's own streaming, tool execution, plugin loading and error handling are exercised.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fakes.messages_api import (
    FakeMessagesAPI,
    fault,
    last_tool_results,
    reply,
    result_text,
    system_text,
    text,
    tool_use,
)

from mlskills.agents.claude_code import agent as agent_module
from mlskills.agents.claude_code.agent import SCRUB_NEEDS
from mlskills.agents.claude_code.locate import find_cli
from mlskills.agents.claude_code.stream import StreamSummary
from mlskills.errors import AgentSetupError
from mlskills.pack.load import load_pack
from mlskills.runner import RunConfig, start_run

try:
    CLI = find_cli()
except AgentSetupError as exc:  # CI installs it via the claude-code extra
    pytest.skip(f"Claude Code CLI not available: {exc}", allow_module_level=True)

SOLVE = 'awk -F, \'NR == 1 {print "id,y"; next} {print $1 "," $2 * 2}\' '
SOLVE += "data/numbers.csv > answers.csv"
KEY = f"sk-ant-fake-key-{os.getpid()}-0123456789"  # unique: other runs scan /proc too
NOT_IN_CLI_2_1_330 = {"Grep", "Glob"}  # searched with Bash there


@pytest.fixture
def api(monkeypatch):
    with FakeMessagesAPI() as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        yield fake


def trial(
    tmp_path: Path,
    evals: Path,
    arm: str = "bare",
    sandbox: str = "local",
    retries=None,
    extra=None,
    scratch_dir=None,
    **limits,
):
    config = RunConfig(
        scratch_dir=scratch_dir,
        agent="claude-code",
        task_ids=["double"],
        arms=[arm],
        sandbox=sandbox,
        evals=str(evals),
        cache_dir=str(tmp_path / "cache"),
        limits=limits,
        agent_options={
            "extra": {**(extra or {}), **({} if retries is None else {"max_retries": retries})}
        },
    )
    outcome = start_run(config, tmp_path / "runs")
    [record] = outcome.records
    return outcome.run.path / f"trials/double/{arm}/0", record


def stream_messages(folder: Path) -> list[dict]:
    lines = (folder / "transcript.jsonl").read_text().splitlines()
    return [json.loads(line)["message"] for line in lines if '"kind": "stream"' in line]


def test_bare_cli_solves_a_task_and_passes_grading(tmp_path, fixture_evals, api):
    api.push(
        reply(tool_use("Bash", {"command": SOLVE, "description": "solve"})), reply(text("done"))
    )
    folder, record = trial(tmp_path, fixture_evals)
    assert record.status == "completed" and record.passed, record.error
    assert record.turns >= 2 and record.usage.total_tokens > 0 and record.usage.cost > 0
    assert record.details["cli_version"] and record.details["tool_calls"] == 1
    init = stream_messages(folder)[0]
    assert init["subtype"] == "init" and not any("mlskills" in a for a in init["agents"])
    for path in folder.rglob("*"):
        assert KEY not in path.read_text(errors="replace"), path


def test_pack_arm_runs_as_the_ml_engineer_with_namespaced_pack(tmp_path, fixture_evals, api):
    pack = load_pack()
    engineer = pack.agent("ml-engineer")
    skill = pack.skills[0]
    api.push(
        reply(tool_use("Skill", {"skill": f"mlskills:{skill.name}"})),
        reply(tool_use("Bash", {"command": SOLVE, "description": "solve"})),
        reply(text("done")),
    )
    folder, record = trial(tmp_path, fixture_evals, arm="pack")
    assert record.status == "completed" and record.passed, record.error
    init = stream_messages(folder)[0]
    assert not init.get("plugin_errors")
    assert {f"mlskills:{a.name}" for a in pack.agents} <= set(init["agents"])
    assert {f"mlskills:{s.name}" for s in pack.skills} <= set(init["skills"])
    first = api.message_requests[0].body
    assert engineer.body.strip()[:200] in system_text(first)
    tools = {t["name"] for t in first["tools"]} - {"DeferredToolPlaceholder"}
    # The agent's allowlist, less the tools this CLI version does not have at all.
    assert tools <= set(engineer.tools)
    assert set(engineer.tools) - tools <= NOT_IN_CLI_2_1_330
    assert record.details["skills_invoked"] == [f"mlskills:{skill.name}"]
    skill_text = json.dumps(api.message_requests[1].body["messages"][-1])
    assert json.dumps(skill.body.strip()[:100])[1:-1] in skill_text


def test_api_failure_is_an_error_not_a_score(tmp_path, fixture_evals, api):
    api.push(*[fault(401, "authentication_error", "invalid x-api-key")] * 5)
    _, record = trial(tmp_path, fixture_evals, retries=0)
    assert record.status == "error" and record.score is None
    assert "Claude Code reported an error" in record.error


def test_max_turns_is_a_limit(tmp_path, fixture_evals, api):
    api.push(*[reply(tool_use("Bash", {"command": "true", "description": "x"}))] * 5)
    _, record = trial(tmp_path, fixture_evals, max_turns=2)
    assert record.status == "limit" and record.limit == "max_turns"
    assert record.score == 0.0  # graded: the workspace has no answers


def test_deadline_kills_the_cli_and_leaves_nothing_behind(tmp_path, fixture_evals, api):
    marker = tmp_path / "started"
    seconds = f"{300 + os.getpid() % 1000}.{threading.get_ident() % 997}"  # unique: found by it
    command = f"nohup sleep {seconds} > /dev/null 2>&1 & touch {marker}"
    release = threading.Event()

    def hang(request):
        """The API stops answering until the test is over (past the trial's deadline)."""
        release.wait(timeout=60)
        return reply(text("too late"))

    api.push(reply(tool_use("Bash", {"command": command, "description": "start"})), hang)
    try:
        _, record = trial(tmp_path, fixture_evals, agent_timeout=12)
    finally:
        release.set()
    assert record.status == "timeout" and record.limit == "agent_timeout"
    assert record.agent_seconds < 25
    # No result line: the CLI's side is summed from the stream, whose assistant lines carry
    # the output count of message_start (1); the proxy saw the final count, and wins.
    measured = record.details["credential_proxy"]["usage"]
    assert record.details["usage_source"].startswith("credential proxy")
    assert record.usage.output_tokens == measured["output_tokens"] > 1
    assert record.usage.total_tokens > 0
    assert marker.exists()  # the daemon was started
    assert not _sleepers(seconds)
    assert not _processes_with("ANTHROPIC_API_KEY=sk-ant-proxy-")  # the CLI and forwarder


def _bwrap_or_skip() -> None:
    from mlskills.sandbox.bwrap import probe

    ok, reason = probe()
    if not ok:
        pytest.skip(f"bubblewrap unavailable: {reason}")


def test_the_cli_runs_inside_bubblewrap_without_network(tmp_path, fixture_evals, api):
    """The CLI reaches the API only through the proxy's socket: the fake's own port, which
    the host can reach, is unreachable from inside."""
    _bwrap_or_skip()
    port = api.url.rsplit(":", 1)[1]
    probe = (
        "python3 -c \"import socket; socket.create_connection(('127.0.0.1', "
        f"{port}), timeout=3); print('REACHED')\" 2>/dev/null || echo UNREACHABLE"
    )
    api.push(
        reply(tool_use("Bash", {"command": f"pwd; {probe}; {SOLVE}", "description": "s"})),
        reply(text("ok")),
    )
    _, record = trial(tmp_path, fixture_evals, sandbox="bwrap", extra={"scrub_env": "auto"})
    assert record.status == "completed" and record.passed, record.error
    [result] = last_tool_results(api.message_requests[1].body)
    assert "/workspace" in result_text(result) and "UNREACHABLE" in result_text(result)
    assert record.details["credential_scrub"].startswith("off: the CLI's own bubblewrap")
    assert record.details["credential"] == "proxy"
    assert record.details["credential_proxy"]["forwarded"] == len(api.message_requests) >= 2
    assert record.details["credential_proxy"]["refused"] == {}  # the CLI needs nothing else
    measured = record.details["credential_proxy"]["usage"]  # the harness's own count
    assert measured["responses"] == len(api.message_requests) and measured["output_tokens"] > 0
    assert all(r.headers.get("x-api-key") == KEY for r in api.message_requests)


def test_stream_summary_survives_malformed_and_extra_lines():
    summary = StreamSummary()
    lines = [
        '{"type":"system","subtype":"init","session_id":"s1","agents":[]}',
        "not json at all",
        '{"type":"brand_new_kind","x":1}',
        '{"type":"result","subtype":"success","is_error":false,"session_id":"bg",'
        '"total_cost_usd":0.5,"usage":{"input_tokens":1}}',
        '{"type":"result","subtype":"success","is_error":false,"session_id":"s1",'
        '"total_cost_usd":0.7,"num_turns":3,"usage":{"input_tokens":10,"output_tokens":5}}',
    ]
    for line in lines:
        summary.feed(line)
    assert summary.malformed_lines == 1
    assert summary.final["session_id"] == "s1" and summary.usage().input_tokens == 10
    assert summary.usage().cost == 0.7 and summary.details()["result_lines"] == 2


def test_without_a_result_line_usage_is_summed_per_assistant_message():
    """One line per content block repeats its message's usage: counted once per id."""
    summary = StreamSummary()

    def line(msg_id, model, block, **usage):
        body = {"id": msg_id, "model": model, "content": [block], "usage": usage}
        return json.dumps({"type": "assistant", "message": body})

    said = {"type": "text", "text": "x"}
    call = {"type": "tool_use", "name": "Bash", "input": {"command": "ls"}}
    for raw in [
        line("m1", "claude-sonnet-4-5", said, input_tokens=100, output_tokens=10),
        line("m1", "claude-sonnet-4-5", call, input_tokens=100, output_tokens=30),
        line("m2", "claude-sonnet-4-5", said, input_tokens=200, cache_read_input_tokens=50),
        line("m3", "unknown-model", said, input_tokens=1, output_tokens=1),
    ]:
        summary.feed(raw)
    usage = summary.usage()
    assert (usage.input_tokens, usage.output_tokens, usage.cache_read_tokens) == (301, 31, 50)
    assert 0 < usage.cost < 0.01  # priced where the model is known
    assert summary.details()["usage_source"] == "assistant_messages"
    summary.feed('{"type":"result","session_id":null,"usage":{"input_tokens":7}}')
    assert summary.usage().input_tokens == 7  # the result line wins once there is one


def _sleepers(seconds: str) -> list[int]:
    """Live `sleep SECONDS` processes (the CLI's sandbox puts commands in a PID namespace,
    so the PID a command reports is not the host's)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit():
                continue
            wanted = (entry / "cmdline").read_bytes() == f"sleep\0{seconds}\0".encode()
            if wanted and "zombie" not in (entry / "status").read_text():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _processes_with(needle: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_last_tool_results_helper_skips_system_entries():
    body = {
        "messages": [
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "a", "content": "x"}],
            },
            {"role": "system", "content": "listing"},
        ]
    }
    assert [r["tool_use_id"] for r in last_tool_results(body)] == ["a"]


SCRUB_READY = all(shutil.which(tool) for tool in SCRUB_NEEDS)
# The key split so that neither the command nor anything derived from it holds it whole.
FIND_KEY = (
    f'K="{KEY[:10]}""{KEY[10:20]}""{KEY[20:]}"; echo "KEY=$ANTHROPIC_API_KEY"; '
    'grep -l -a -F "$K" /proc/[0-9]*/environ 2>/dev/null | sed "s/^/FOUND-IN /"; '
    "echo SCANNED $(ls -d /proc/[0-9]* | wc -l); "
    "for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/environ 2>/dev/null; done "
    "| grep '^ANTHROPIC_' | sort -u"
)


@pytest.mark.parametrize("kind", ["local", "bwrap"])
def test_the_key_never_enters_the_sandbox(tmp_path, fixture_evals, api, kind):
    """The model prints $ANTHROPIC_API_KEY and scans every /proc/*/environ it can read (the
    CLI's included) for the key: it finds only the proxy's token, while every request still
    reaches the API with the real key, and nothing the harness writes holds the key."""
    if kind == "bwrap":
        _bwrap_or_skip()
    api.push(reply(tool_use("Bash", {"command": FIND_KEY, "description": "look"})), reply("ok"))
    folder, record = trial(tmp_path, fixture_evals, sandbox=kind)
    assert record.status == "completed", record.error
    [result] = last_tool_results(api.message_requests[1].body)
    output = result_text(result)
    assert "KEY=sk-ant-proxy-" in output and "SCANNED" in output, output
    assert "FOUND-IN" not in output and KEY not in output
    cli_env = {line for line in output.splitlines() if line.startswith("ANTHROPIC_")}
    assert {line.split("=")[0] for line in cli_env} == {"ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"}
    assert all("127.0.0.1" in line for line in cli_env if "BASE_URL" in line)
    assert all(r.headers.get("x-api-key") == KEY for r in api.message_requests)
    assert not any(KEY in json.dumps(r.body) for r in api.requests if r.body)
    assert record.details["credential"] == "proxy"
    for path in [*folder.rglob("*"), folder.parents[3] / "trials.jsonl"]:
        if path.is_file():
            assert KEY not in path.read_text(errors="replace"), path


def test_a_request_that_carries_the_key_is_refused(tmp_path, fixture_evals, api):
    """Should the key ever reach the model, the proxy will not send it on in a request body
    (a tool input, a tool result): the trial ends as an error, the fake never sees it."""
    api.push(reply(tool_use("Bash", {"command": f"echo {KEY}", "description": "x"})))
    _, record = trial(tmp_path, fixture_evals, retries=0)
    assert record.status == "error"
    assert record.details["credential_proxy"]["key_in_request"] >= 1
    assert "credential proxy refused" in record.error
    assert len(api.message_requests) == 1  # the first request only
    assert not any(KEY in json.dumps(r.body) for r in api.requests if r.body)


@pytest.mark.parametrize("scrub", ["off", "on"])
def test_the_models_commands_see_at_most_the_proxy_token(tmp_path, fixture_evals, api, scrub):
    """With the proxy the key is not there to read. The CLI's own scrub (local only, on
    request) also hides the token and the proxy's address from the model's commands."""
    if scrub == "on" and not SCRUB_READY:
        pytest.skip(f"the CLI's command sandbox needs {' and '.join(SCRUB_NEEDS)}")
    command = "env; cat /proc/$PPID/environ /proc/1/environ | tr '\\0' '\\n'"
    api.push(reply(tool_use("Bash", {"command": command, "description": "env"})), reply(text("ok")))
    folder, record = trial(tmp_path, fixture_evals, extra={"scrub_env": scrub})
    assert record.status == "completed", record.error
    [result] = last_tool_results(api.message_requests[1].body)
    output = result_text(result)
    assert "PATH=" in output and KEY not in output  # the command ran and printed its env
    assert record.details["credential_scrub"] == scrub
    if scrub == "off":
        assert "ANTHROPIC_API_KEY=sk-ant-proxy-" in output
    else:
        assert "ANTHROPIC_API_KEY" not in output
    for path in folder.rglob("*"):
        assert KEY not in path.read_text(errors="replace"), path


def test_an_unknown_scrub_mode_is_refused_with_the_choices(api):
    from mlskills.agents.base import AgentOptions

    with pytest.raises(AgentSetupError, match="scrub_env=always: expected off, on"):
        agent_module.ClaudeCodeAgent(AgentOptions(extra={"scrub_env": "always"}))


def test_scrub_required_where_it_cannot_work_is_an_error(tmp_path, fixture_evals, api, monkeypatch):
    monkeypatch.setattr(agent_module, "SCRUB_NEEDS", ("no-such-tool-mlskills",))
    _, record = trial(tmp_path, fixture_evals, extra={"scrub_env": "require"})
    assert record.status == "error" and "no-such-tool-mlskills" in record.error
    assert not api.message_requests  # the CLI never started


SHM = Path("/dev/shm")


@pytest.mark.skipif(not SHM.is_dir(), reason="no /dev/shm here")
def test_local_with_scratch_on_dev_shm_works(tmp_path, fixture_evals, api):
    """The default scratch is on /dev/shm. The CLI's own command sandbox cannot see it, which
    made every trial a silent 0; without the scrub (the default now) commands run there."""
    api.push(reply(tool_use("Bash", {"command": f"pwd; {SOLVE}", "description": "s"})), reply("ok"))
    _, record = trial(tmp_path, fixture_evals, scratch_dir=str(SHM))
    assert record.status == "completed" and record.passed, record.error
    [result] = last_tool_results(api.message_requests[1].body)
    assert str(SHM) in result_text(result)


@pytest.mark.skipif(not SHM.is_dir(), reason="no /dev/shm here")
def test_scrub_asked_for_with_scratch_on_dev_shm_is_an_error_naming_it(
    tmp_path, fixture_evals, api
):
    if not SCRUB_READY:
        pytest.skip(f"the CLI's command sandbox needs {' and '.join(SCRUB_NEEDS)}")
    _, record = trial(tmp_path, fixture_evals, extra={"scrub_env": "on"}, scratch_dir=str(SHM))
    assert (
        record.status == "error" and "/dev/shm" in record.error and "--scratch-dir" in record.error
    )
    assert not api.message_requests


@pytest.mark.skipif(not SHM.is_dir(), reason="no /dev/shm here")
def test_the_console_script_on_local_with_the_default_scratch(tmp_path, fixture_evals, api):
    """As a user runs it: the installed `mlskills` command, `--sandbox local`, no
    --scratch-dir (the default is /dev/shm when it has room). The trial passes, run.json
    says how the key travelled, and the console names what stays exposed on local."""
    script = Path(sys.executable).with_name("mlskills")
    if not script.is_file():
        pytest.skip(f"no console script next to {sys.executable}")
    api.push(reply(tool_use("Bash", {"command": f"pwd; {SOLVE}", "description": "s"})), reply("ok"))
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "ANTHROPIC_API_KEY": KEY,
        "ANTHROPIC_BASE_URL": api.url,
    }
    argv = [str(script), "run", "--agent", "claude-code", "--task", "double", "--sandbox", "local"]
    argv += ["--evals", str(fixture_evals), "--runs-dir", str(tmp_path / "runs")]
    argv += ["--cache-dir", str(tmp_path / "cache"), "--agent-option", "max_retries=0"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "warning: credential exposure: local sandbox" in done.stderr
    [run_dir] = (tmp_path / "runs").iterdir()
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["credentials"]["agent"].startswith("credential proxy")
    [line] = (run_dir / "trials.jsonl").read_text().splitlines()
    record = json.loads(line)
    assert record["status"] == "completed" and record["passed"], record
    assert record["details"]["credential"] == "proxy"
    [result] = last_tool_results(api.message_requests[1].body)
    assert result_text(result).startswith("/dev/shm/")  # the default scratch, seen by the CLI
    for path in run_dir.rglob("*"):
        if path.is_file():
            assert KEY not in path.read_text(errors="replace"), path


FORGED = (
    '{"type":"result","subtype":"success","is_error":false,"num_turns":1,'
    '"total_cost_usd":0,"usage":{"input_tokens":1,"output_tokens":1},"session_id":"forged"}'
)
# Writes a forged result line into the CLI's output, then kills the CLI (the pattern is
# assembled at run time so this command's own shell does not match it). The CLI is killed
# as this command's parent: on local each command has its own PID namespace while /proc
# is the host's, so a PID read from /proc means nothing to `kill` there.
FORGE = (
    f"L='{FORGED}'; pat=output-; pat=${{pat}}format; "
    'for p in /proc/[0-9]*; do c=$(tr "\\0" " " < $p/cmdline 2>/dev/null); '
    'case "$c" in *"$pat"*) case "$c" in python*) ;; *) echo "$L" > $p/fd/1;; esac;; '
    "esac; done; kill -9 $PPID"
)


def test_usage_forged_from_inside_the_sandbox_is_replaced_by_the_proxys_count(
    tmp_path, fixture_evals, api
):
    """The model's commands run as the CLI's user: they can write a `result` line claiming
    1 token and $0 into the CLI's output and kill it. The record keeps the tokens the proxy
    saw the API report."""
    api.push(reply(tool_use("Bash", {"command": FORGE, "description": "x"})))
    folder, record = trial(tmp_path, fixture_evals)
    measured = record.details["credential_proxy"]["usage"]
    fields = ("input_tokens", "output_tokens", "cache_read_input_tokens")
    total = sum(measured[f] for f in (*fields, "cache_creation_input_tokens"))
    assert measured["responses"] == 1 and total > 100
    assert record.details["usage_reported_by_cli"]["input_tokens"] == 1  # the forgery landed
    assert record.details["usage_source"].startswith("credential proxy")
    assert record.usage.total_tokens == total
    assert record.usage.cache_write_tokens == measured["cache_creation_input_tokens"]
    assert '"kind": "usage_from_proxy"' in (folder / "transcript.jsonl").read_text()


def test_an_api_error_forged_from_inside_the_sandbox_is_graded_not_excused(
    tmp_path, fixture_evals, api
):
    """A forged `result` claiming the API failed would make the trial an unscored `error`;
    the proxy relayed no error, so the trial is graded (here: 0, nothing was done)."""
    forged = FORGED.replace('"is_error":false', '"is_error":true,"api_error_status":529')
    forged = forged.replace('"num_turns":1', '"num_turns":1,"terminal_reason":"api_error"')
    command = FORGE.replace(FORGED, forged)
    api.push(reply(tool_use("Bash", {"command": command, "description": "x"})))
    folder, record = trial(tmp_path, fixture_evals)
    assert record.status == "completed" and record.score == 0.0, record.error
    assert "Claude Code reported an error (529)" in record.details["api_error_unconfirmed"]
    assert record.details["credential_proxy"]["error_responses"] == 0
    assert '"kind": "api_error_unconfirmed"' in (folder / "transcript.jsonl").read_text()


def test_a_model_that_kills_its_own_cli_is_graded_not_excused(tmp_path, fixture_evals, api):
    """Killing the CLI leaves no result line; the proxy relayed an answer and no failure, so
    the ending is the agent's doing: graded (here 0), never an unscored `error`."""
    api.push(reply(tool_use("Bash", {"command": "kill -9 $PPID", "description": "x"})))
    folder, record = trial(tmp_path, fixture_evals)
    assert record.status == "completed" and record.score == 0.0, record.error
    assert "without a result line" in record.details["cli_ended_without_result"]
    assert '"kind": "cli_ended_without_result"' in (folder / "transcript.jsonl").read_text()
