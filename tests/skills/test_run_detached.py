"""run_detached.py: a job outlives the launching command, can be polled and stopped."""

import sys
import time

SCRIPT = ("pytorch-training", "scripts/run_detached.py")


def wait_for(run, log: str, state: str, seconds: float = 20) -> dict:
    deadline = time.time() + seconds
    while time.time() < deadline:
        status = run.json(*SCRIPT, "status", "--log", log, "--tail", "5")
        if status["state"] == state:
            return status
        time.sleep(0.3)
    raise AssertionError(f"job never reached {state}: {status}")


def test_job_runs_detached_and_reports_exit_code_and_log(run):
    job = "import time\nfor i in range(3):\n    print('step', i, flush=True)\n    time.sleep(0.2)\n"
    job += "raise SystemExit(4)"
    started = run.json(*SCRIPT, "start", "--log", "runs/train.log", "--", sys.executable, "-c", job)
    assert started["pid"] > 0 and "status --log runs/train.log" in started["poll"]
    status = wait_for(run, "runs/train.log", "finished")
    assert status["exit_code"] == 4
    assert status["tail"] == ["step 0", "step 1", "step 2"]


def test_stop_ends_a_running_job(run):
    run.json(
        *SCRIPT,
        "start",
        "--log",
        "sleep.log",
        "--",
        sys.executable,
        "-c",
        "import time; time.sleep(60)",
    )
    assert run.json(*SCRIPT, "status", "--log", "sleep.log")["running"] is True
    assert run.json(*SCRIPT, "stop", "--log", "sleep.log")["stopped"] is True
    assert wait_for(run, "sleep.log", "stopped")["running"] is False


def test_bad_input_fails_cleanly(run):
    run.fails(*SCRIPT, "status", "--log", "never.log", words=("no job",))
    run.fails(*SCRIPT, "start", "--log", "x.log", words=("no command",))
