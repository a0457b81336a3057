"""What every backend must survive: daemons, deadlines, output floods, leaked credentials."""

from __future__ import annotations

import uuid

import pytest
from busy import busy_host, needs_schedstat
from sandbox.helpers import BACKENDS, gone_soon, needs_bwrap, processes_with

from mlskills.errors import SandboxError


def unique_sleep(seconds: int) -> str:
    """A sleep argument no other process on the machine has (to find it in /proc)."""
    return f"{seconds}.{uuid.uuid4().int % 10**9:09d}"


@pytest.mark.parametrize("kind", BACKENDS)
def test_daemons_are_gone_after_close(kind, make_sandbox):
    """setsid + double fork leaves the process group; close() still finds and kills it."""
    box = make_sandbox(kind)
    first, second = unique_sleep(900), unique_sleep(901)
    result = box.exec(
        f"(setsid sleep {first} &); (setsid sh -c 'sleep {second} & exit' &); sleep 0.3; echo ok"
    )
    assert result.stdout.strip() == "ok"
    box.close()
    assert gone_soon(first) and gone_soon(second)


@pytest.mark.parametrize("kind", BACKENDS)
def test_deadline_kills_the_whole_group(kind, make_sandbox):
    """Past its deadline a command is timed out and its children die with it."""
    box = make_sandbox(kind)
    arg = unique_sleep(300)
    result = box.exec(f"sleep {arg} & sleep {arg}; echo never", timeout=1.0)
    assert result.timed_out and result.exit_code == 124
    assert result.duration < 5
    assert "never" not in result.stdout
    assert gone_soon(arg), f"left running: {processes_with(arg)}"


@needs_bwrap
@needs_schedstat
@pytest.mark.busy
def test_a_command_the_host_starves_is_the_harnesses_error_not_a_timeout(make_sandbox):
    """A command kept from every CPU by other work ran out only the wall-clock bound, 10
    times its timeout: the host's failure, never the command's. (Sandbox.exec, which
    keeps the deadline, is the same for every backend.)"""
    box = make_sandbox("bwrap")
    with busy_host(), pytest.raises(SandboxError, match="overloaded"):
        box.exec("nice -n 19 bash -c 'while :; do :; done'", timeout=1.0)


@pytest.mark.parametrize("kind", BACKENDS)
def test_output_flood_is_capped(kind, make_sandbox):
    """100 MB on stdout is drained and cut to the cap; the harness's memory stays small."""
    box = make_sandbox(kind)
    result = box.exec("head -c 100000000 /dev/zero | tr '\\0' x; echo tail-marker")
    assert result.exit_code == 0
    assert result.truncated
    assert len(result.stdout) < 1_000_000
    assert result.stdout.rstrip().endswith("tail-marker")


@pytest.mark.parametrize("kind", BACKENDS)
def test_harness_credentials_never_reach_the_sandbox(kind, make_sandbox, monkeypatch):
    """API keys in the harness's environment are absent inside, even if passed as env."""
    secret = f"sk-ant-test-{uuid.uuid4().hex}"
    monkeypatch.setenv("ANTHROPIC_API_KEY", secret)
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    box = make_sandbox(kind)
    result = box.exec("env", env={"ANTHROPIC_API_KEY": secret})
    assert result.exit_code == 0
    assert secret not in result.stdout
    assert "ANTHROPIC_API_KEY" not in result.stdout


@pytest.mark.parametrize("kind", BACKENDS)
def test_exit_status_is_the_commands_own(kind, make_sandbox):
    """End of output is not the end of the command: no clean exit is reported as killed."""
    box = make_sandbox(kind)
    codes = {box.exec("env >/dev/null").exit_code for _ in range(20)}
    assert codes == {0}
    closed = box.exec("exec >&- 2>&-; sleep 0.5; exit 3", timeout=10)
    assert closed.exit_code == 3 and not closed.timed_out
