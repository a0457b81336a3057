"""One writer per run folder: concurrent resumes, a resume during the run, kill -9 recovery."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_runner import SOLVE_DOUBLE, cli

from mlskills import workspaces
from mlskills.runlock import LOCK_FILE, RunBusy, RunLock

pytestmark = pytest.mark.slow


def run_args(tmp_path: Path, fixture_evals: Path, template: str, epochs: int, jobs: int = 2):
    return [
        "run",
        "--evals",
        str(fixture_evals),
        "--task",
        "double",
        "--epochs",
        str(epochs),
        "--agent",
        "command",
        "--agent-command",
        template,
        "-j",
        str(jobs),
        "--sandbox",
        "local",
        "--runs-dir",
        str(tmp_path / "runs"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--scratch-dir",
        str(tmp_path / "scratch"),
    ]


def run_folder(runs: Path, timeout: float = 300) -> Path:
    """The run folder a starting process creates (start-up is slow on a loaded machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := sorted(runs.glob("*/run.json")):
            return found[0].parent
        time.sleep(0.1)
    raise AssertionError(f"no run folder appeared in {runs}")


def trial_keys(run_dir: Path) -> list[tuple]:
    lines = (run_dir / "trials.jsonl").read_text().splitlines()
    return [(r["task_id"], r["arm"], r["epoch"]) for r in map(json.loads, lines)]


def held(hold: Path) -> str:
    """An agent that waits while `hold` exists, then solves: the test decides when trials end
    (start-up takes tens of seconds on a loaded machine, so sleeps would race)."""
    return f"while [ -e {hold} ]; do sleep 0.1; done; {SOLVE_DOUBLE}"


def wait_for_trials(scratch: Path, count: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while len(list(scratch.glob("mlskills-*/workspace"))) < count:
        assert time.monotonic() < deadline, "the trials never started"
        time.sleep(0.1)


def first_to_exit(procs: list[subprocess.Popen], timeout: float = 600) -> subprocess.Popen:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                return proc
        time.sleep(0.1)
    raise AssertionError("neither process ended")


def test_the_lock_is_exclusive_and_names_its_holder(tmp_path):
    with RunLock(tmp_path):
        holder = json.loads((tmp_path / LOCK_FILE).read_text())
        assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
        with pytest.raises(RunBusy, match=f"pid {os.getpid()} on {socket.gethostname()}") as busy:
            RunLock(tmp_path).acquire()  # a second open file: flock refuses it too
        assert busy.value.exit_code == 2
    with RunLock(tmp_path) as again:  # released on exit, and nobody is reported taken over
        assert again.taken_over is None


def test_a_busy_lock_names_its_live_holder_not_a_dead_one_left_in_the_file(tmp_path):
    """The new holder takes the flock a moment before it rewrites the file, which still
    names the process kill -9 left behind: the refusal waits for the live name."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = {"pid": gone.pid, "host": socket.gethostname(), "started_at": "2026-01-01T00:00:00Z"}
    (tmp_path / LOCK_FILE).write_text(json.dumps(stale) + "\n")
    fd = os.open(tmp_path / LOCK_FILE, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the new holder, not yet named

    def name_the_holder():
        time.sleep(0.3)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname()}).encode(), 0)

    writer = threading.Thread(target=name_the_holder)
    writer.start()
    try:
        with pytest.raises(RunBusy) as busy:
            RunLock(tmp_path).acquire()
    finally:
        writer.join()
        os.close(fd)
    assert f"pid {os.getpid()} on {socket.gethostname()}" in str(busy.value)
    assert f"pid {gone.pid} " not in str(busy.value)


def test_two_resumes_started_together_leave_one_record_per_trial(tmp_path, fixture_evals):
    epochs, hold = 6, tmp_path / "hold"
    hold.touch()
    first = cli(*run_args(tmp_path, fixture_evals, held(hold), epochs), start_new_session=True)
    wait_for_trials(tmp_path / "scratch", 2)
    os.killpg(first.pid, signal.SIGKILL)  # the run and its agents die with trials to run
    first.communicate(timeout=60)
    run_dir = run_folder(tmp_path / "runs")

    both = [cli("run", "--resume", str(run_dir)) for _ in range(2)]
    loser = first_to_exit(both)  # the winner waits on `hold` with the lock
    winner = next(p for p in both if p is not loser)
    _out, refused = loser.communicate()
    hold.unlink()
    _out, err = winner.communicate(timeout=600)

    assert (winner.returncode, loser.returncode) == (0, 2), (err, refused)
    host = socket.gethostname()
    assert f"in use by another mlskills process (pid {winner.pid} on {host}" in refused
    assert refused.count("\n") <= 2 and "Traceback" not in refused
    keys = trial_keys(run_dir)
    assert sorted(keys) == sorted(("double", "bare", e) for e in range(epochs))  # no duplicate


def test_a_resume_while_the_run_still_goes_is_refused(tmp_path, fixture_evals):
    hold = tmp_path / "hold"
    hold.touch()
    first = cli(*run_args(tmp_path, fixture_evals, held(hold), epochs=4))
    wait_for_trials(tmp_path / "scratch", 1)
    run_dir = run_folder(tmp_path / "runs")
    second = subprocess.run(
        [sys.executable, "-m", "mlskills", "run", "--resume", str(run_dir)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    hold.unlink()
    assert second.returncode == 2, second.stderr
    assert f"(pid {first.pid} on " in second.stderr
    _out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert sorted(trial_keys(run_dir)) == sorted(("double", "bare", e) for e in range(4))


def test_after_kill_9_a_resume_takes_the_lock_over_and_removes_the_workspaces(
    tmp_path, fixture_evals
):
    """The killed process's flock died with it; its workspaces are found through markers."""
    slow = tmp_path / "slow"
    slow.touch()
    template = f"if [ -e {slow} ]; then sleep 300; fi; {SOLVE_DOUBLE}"
    first = cli(*run_args(tmp_path, fixture_evals, template, epochs=3), start_new_session=True)
    scratch = tmp_path / "scratch"
    wait_for_trials(scratch, 2)
    run_dir = run_folder(tmp_path / "runs")
    left = sorted(p.name for p in scratch.glob("mlskills-*"))
    assert sorted(p.name for p in (run_dir / workspaces.MARKERS).iterdir()) == left
    os.killpg(first.pid, signal.SIGKILL)  # the harness and its agents, nothing cleaned up
    first.communicate(timeout=30)
    assert json.loads((run_dir / LOCK_FILE).read_text())["pid"] == first.pid

    slow.unlink()
    second = subprocess.run(
        [sys.executable, "-m", "mlskills", "run", "--resume", str(run_dir)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert second.returncode == 0, second.stderr
    assert f"removed {len(left)} workspace(s)" in second.stderr
    assert f"pid {first.pid} on" in second.stderr and "ended without releasing" in second.stderr
    assert list(scratch.glob("mlskills-*")) == []  # the killed ones and the resume's own
    assert not any((run_dir / workspaces.MARKERS).iterdir())
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["status"] == "finished" and meta["taken_over_from"]["pid"] == first.pid
    assert (run_dir / LOCK_FILE).read_text() == ""  # released cleanly this time
    assert sorted(trial_keys(run_dir)) == sorted(("double", "bare", e) for e in range(3))


def test_a_marker_never_leads_the_sweep_outside_trial_folders(tmp_path):
    """A marker naming a link or a folder of another name is dropped, its target kept."""
    victim = tmp_path / "precious"
    victim.mkdir()
    (victim / "keep.txt").write_text("x")
    link = tmp_path / "mlskills-link"
    link.symlink_to(victim)
    run = tmp_path / "run"
    run.mkdir()
    workspaces.mark(run, link)
    markers = run / workspaces.MARKERS
    (markers / "mlskills-other").write_text(str(victim))
    real = tmp_path / "mlskills-real"
    (real / "workspace").mkdir(parents=True)
    workspaces.mark(run, real)
    assert workspaces.sweep(run) == [real]
    assert (victim / "keep.txt").exists() and link.is_symlink() and not real.exists()
    assert list(markers.iterdir()) == []
