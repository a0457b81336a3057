"""What an agent leaves can make grading fail, slow or hang: each is its 0, with a reason.

Real graders (written to a temporary task folder), real GradeContext, real local sandbox
processes; only the task folder is made up for the test.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from busy import busy_host, needs_schedstat

from mlskills import sandbox as sandboxes
from mlskills.grading import DEADLINE_CHECK, GradeContext, GraderError, Read, run_grader
from mlskills.grading.integrity import verify
from mlskills.schema import GradingSpec, Limits, TaskSpec


def make_task(tmp_path: Path, grader: str, timeout: float = 60.0) -> TaskSpec:
    folder = tmp_path / "task"
    folder.mkdir()
    (folder / "grader.py").write_text(grader)
    (folder / "input.csv").write_text("id\n1\n")
    spec = GradingSpec("m", 0.0, 1.0, 0.5, timeout=timeout)
    return TaskSpec(f"t{time.monotonic_ns()}", "t", "t", folder, (), (), Limits(), spec)


@pytest.fixture
def grade(tmp_path: Path):
    """grade(grader_source, setup=fn(workspace), timeout=) -> (Grade, seconds)."""

    def run(source: str, setup=None, timeout: float = 60.0):
        task = make_task(tmp_path, source, timeout)
        workspace = tmp_path / "graded"
        workspace.mkdir()
        if setup:
            setup(workspace)
        scratch = tmp_path / "scratch"
        scratch.mkdir()
        ctx = GradeContext(
            task,
            0,
            workspace,
            task.path,
            lambda w, lim, s: sandboxes.create("local", w, lim, s),
            scratch,
        )
        start = time.monotonic()
        with ctx:
            result = run_grader(task, ctx)
        return result, time.monotonic() - start

    return run


def failed_gates(grade) -> dict[str, str]:
    return {c.name: c.message for c in grade.checks if c.gate and not c.passed}


READ_JSON = """
def grade(ctx):
    data, check = ctx.read_json("report.json", "report readable")
    return ctx.grade(1.0 if check.passed else None, [check])
"""


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[" * 200_000, "nested too deeply"),
        ('{"n": ' + "9" * 5000 + "}", "not valid JSON"),
        ("\xff\xfe{", "not valid JSON"),
    ],
)
def test_hostile_json_is_a_failed_gate_not_an_error(grade, content, reason):
    result, _ = grade(READ_JSON, lambda ws: (ws / "report.json").write_text(content, "latin-1"))
    assert result.score == 0.0 and reason in failed_gates(result)["report readable"]


@pytest.mark.parametrize("target", ["/proc/kmsg", "/proc/self/mem", "/etc"])
def test_a_deliverable_linked_to_a_special_or_host_file_is_refused_promptly(grade, target):
    result, seconds = grade(READ_JSON, lambda ws: os.symlink(target, ws / "report.json"))
    assert "link" in failed_gates(result)["report readable"]
    assert seconds < 5


STAGE = """
def grade(ctx):
    run = ctx.exec("cat incoming/x.csv", inputs={"incoming/x.csv": ctx.task.path / "input.csv"})
    if gate := run.failed_gate("cat runs"):
        return ctx.grade(None, [gate])
    return ctx.grade(1.0, [ctx.check("ran", True)])
"""


def test_a_file_where_an_input_folder_goes_is_the_agents_zero(grade):
    result, _ = grade(STAGE, lambda ws: (ws / "incoming").write_text("x"))
    assert "not a folder" in failed_gates(result)["grader inputs staged"]


def test_a_linked_input_folder_is_the_agents_zero_and_nothing_is_written_there(grade, tmp_path):
    host = tmp_path / "site-packages"
    host.mkdir()
    result, _ = grade(STAGE, lambda ws: os.symlink(host, ws / "incoming"))
    assert "link" in failed_gates(result)["grader inputs staged"]
    assert list(host.iterdir()) == []


def test_a_planted_link_at_the_input_file_is_replaced(grade, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")

    def plant(ws: Path) -> None:
        (ws / "incoming").mkdir()
        os.symlink(victim, ws / "incoming" / "x.csv")

    result, _ = grade(STAGE, plant)
    assert result.score == 1.0 and victim.read_text() == "keep me"


def test_failed_gate_names_timeouts_and_exit_codes(grade):
    source = """
def grade(ctx):
    bad = ctx.exec("echo boom >&2; exit 3").failed_gate("step runs")
    slow = ctx.exec("sleep 5", timeout=0.5).failed_gate("slow step runs")
    good = ctx.exec("true").failed_gate("fine")
    assert good is None
    return ctx.grade(None, [bad, slow])
"""
    result, _ = grade(source)
    gates = failed_gates(result)
    assert "exited 3: boom" in gates["step runs"] and "timed out" in gates["slow step runs"]


def test_a_grader_past_its_deadline_is_a_failed_gate_and_its_sandbox_ends(grade):
    source = """
def grade(ctx):
    ctx.exec("sleep 60", timeout=120)
    return ctx.grade(1.0)
"""
    result, seconds = grade(source, timeout=2)
    assert DEADLINE_CHECK in failed_gates(result) and result.score == 0.0
    assert seconds < 10


@needs_schedstat
@pytest.mark.busy
def test_a_grading_the_host_starves_is_the_harnesses_error_not_a_0(grade):
    """The grader's own work (in the harness, at nice 19 like CI's suite check) kept from
    every CPU needs far longer than its deadline in wall time; that time is the host's, so
    the wall-clock bound (10 times the deadline) ends it as an error, never as a 0."""
    source = """
import hashlib, os
def grade(ctx):
    os.setpriority(os.PRIO_PROCESS, 0, 19)  # this thread only (Linux)
    hashlib.pbkdf2_hmac("sha256", b"work", b"salt", 6_000_000)  # ~2 s of CPU, GIL released
    return ctx.grade(1.0)
"""
    with busy_host(), pytest.raises(GraderError, match="overloaded"):
        grade(source, timeout=1.0)


@pytest.mark.parametrize("where", ["grader", "agent code"])
def test_a_slow_grading_on_an_idle_host_is_still_a_0(grade, where):
    """Work that uses its time and is still not done is charged: the deadline still bites."""
    work = (
        'hashlib.pbkdf2_hmac("sha256", b"work", b"salt", 30_000_000)'
        if where == "grader"
        else "ctx.exec(\"bash -c 'while :; do :; done'\", timeout=60)"
    )
    source = f"""
import hashlib
def grade(ctx):
    {work}
    return ctx.grade(1.0)
"""
    result, seconds = grade(source, timeout=1.0)
    assert DEADLINE_CHECK in failed_gates(result) and result.score == 0.0
    assert seconds < 10  # its wall-clock bound; on an idle host about 1 s


def test_a_grader_bug_is_still_the_harnesses_error(grade):
    with pytest.raises(GraderError, match="ZeroDivisionError"):
        grade("def grade(ctx):\n    return 1 / 0\n")


def test_readers_share_one_shape_and_unpack_as_before(tmp_path):
    (tmp_path / "m.json").write_text('{"a": 1.5, "big": ' + "1" * 400 + ', "t": true}')
    task = make_task(tmp_path, "")
    ctx = GradeContext(task, 0, tmp_path, tmp_path, lambda *a: None, tmp_path)
    read = ctx.read_json("m.json")
    assert isinstance(read, Read) and read.ok and read.value["a"] == 1.5
    value, check = read
    assert value is read.value and check is read.check
    assert ctx.number(value, "a") == 1.5
    assert ctx.number(value, "big") is None  # overflows a float
    assert ctx.number(value, "t") is None
    assert ctx.numbers(value, ["a"]) == {"a": 1.5} and ctx.numbers(value, ["a", "t"]) is None
    missing = ctx.read_table("nope.csv")
    assert not missing.ok and missing.value is None and "not found" in missing.check.message


@pytest.mark.parametrize("target", ["/proc/kmsg", "/proc/self/mem"])
def test_protected_file_digests_never_follow_links(tmp_path, target):
    (tmp_path / "data").mkdir()
    os.symlink(target, tmp_path / "data" / "train.csv")
    start = time.monotonic()
    check = verify(tmp_path, {"data/train.csv": "0" * 64})
    assert not check.passed and "data/train.csv" in check.message
    assert time.monotonic() - start < 5
