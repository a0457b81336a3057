"""Attacks on the machine: fork bomb, disk filling, daemons that outlive the trial.

Expected outcomes: each is bounded (small limits, stopped within seconds), the trial
ends with an honest status naming the limit, and the host is left as it was.
"""

from __future__ import annotations

import subprocess
import uuid

import pytest
from sandbox.helpers import gone_soon, needs_bwrap, processes_with

pytestmark = needs_bwrap


def host_can_still_fork() -> bool:
    return subprocess.run(["true"], timeout=10).returncode == 0


BOMB = "bomb() { bomb | bomb & }; bomb; "


LIMIT = ("limit", "max_processes")


@pytest.mark.parametrize(
    ("rest", "honest"),
    [
        # the agent keeps working beside its bomb: the limit holds, then ends the trial
        ("sleep 50", {LIMIT}),
        # the bomb dies with the agent's command within a second: the limit held; the
        # watchdog may or may not have seen the sandbox at it by then
        ("wait", {("completed", None), LIMIT}),
    ],
)
def test_fork_bomb_is_bounded_with_an_honest_status(attack, rest, honest):
    [outcome] = attack(BOMB + rest, max_processes=128)
    record = outcome.record
    assert (record.status, record.limit) in honest
    assert record.agent_seconds < 15
    assert record.score == 0.0
    assert host_can_still_fork()


def test_disk_filler_is_stopped_at_the_disk_limit(attack, scratch):
    script = "i=0; while true; do head -c 8000000 /dev/zero > fill$i; i=$((i+1)); done"
    [outcome] = attack(script, disk_mb=64, file_size_mb=16)
    record = outcome.record
    assert record.status == "limit" and record.limit == "disk_mb"
    assert record.agent_seconds < 15
    assert record.score == 0.0
    assert not any(scratch.iterdir())  # the trial's folders are gone


def test_one_huge_file_is_cut_at_the_file_size_limit(attack):
    [outcome] = attack("head -c 200000000 /dev/zero > huge; echo exit=$?", file_size_mb=16)
    record = outcome.record
    assert outcome.lines("exit=") and outcome.lines("exit=0") == []
    assert record.status == "limit" and record.limit == "file_size_mb"
    assert record.score == 0.0


def test_daemons_do_not_outlive_the_trial(attack):
    tag = f"{uuid.uuid4().int % 10**9:09d}"
    script = f"""
(setsid sleep 600.{tag} &)
(nohup sleep 601.{tag} >/dev/null 2>&1 &)
(setsid sh -c 'while true; do sleep 602.{tag}; done' </dev/null >/dev/null 2>&1 &)
sleep 0.5; echo STARTED
"""
    [outcome] = attack(script)
    assert outcome.lines("STARTED")
    assert outcome.record.status == "completed"
    assert gone_soon(tag), f"still running: {processes_with(tag)}"
