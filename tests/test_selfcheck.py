"""`tasks check` on a copy of the fixture tasks: right/ solutions must pass on every seed,
wrong/ ones fail, and margins near the pass mark are flagged (a warning unless --strict).

Real runs through the CLI and the runner, local sandbox, the `double` fixture task (pass
mark 0.9, 50 rows): each script is a real awk program, no mocks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlskills import tasks
from mlskills.errors import InvalidInput

FIXTURES = Path(__file__).parent / "fixtures" / "evals"
DOUBLE_ALL = """awk -F, 'NR == 1 {print "id,y"; next} {print $1 "," $2 * 2}' data/numbers.csv > answers.csv"""  # noqa: E501
# 44 of 50 rows doubled: accuracy ~0.88, just under the 0.9 mark (within the 0.05 margin)
NEAR_MISS = """awk -F, 'NR == 1 {print "id,y"; next} {print $1 "," (NR <= 45 ? $2 * 2 : $2)}' data/numbers.csv > answers.csv"""  # noqa: E501


@pytest.fixture
def evals(tmp_path) -> Path:
    root = tmp_path / "evals"
    shutil.copytree(FIXTURES, root)
    return root


def _script(path: Path, comment: str, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/usr/bin/env bash\n# {comment}\nset -euo pipefail\n{body}\n")


def _check(evals: Path, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "mlskills", "tasks", "check", "double", "--seeds", "2",
         "--json", "--sandbox", "local", "--evals", str(evals),
         "--cache-dir", str(tmp_path / "cache"), *extra],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    [verdict] = json.loads(result.stdout)
    return result.returncode, verdict


def test_right_solutions_run_on_every_seed_and_must_pass(evals, tmp_path):
    task = evals / "tasks" / "double"
    _script(task / "right" / "awk_again.sh", "the same doubling, written again", DOUBLE_ALL)
    code, verdict = _check(evals, tmp_path)
    assert code == 0 and verdict["ok"], verdict["problems"]
    rights = [r for r in verdict["runs"] if r["kind"] == "right"]
    wrongs = [r for r in verdict["runs"] if r["kind"] == "wrong"]
    assert sorted(r["seed"] for r in rights) == [0, 1] and all(r["passed"] for r in rights)
    assert sorted(r["seed"] for r in wrongs) == [0, 1], "wrong/ runs on every seed too"
    assert verdict["worst_right"]["score"] == 1.0
    assert verdict["best_wrong"]["name"] == "half" and verdict["best_wrong"]["score"] < 0.9
    # what the task costs the check: at least its slowest grading, at most the whole check
    assert verdict["grade_seconds"] <= verdict["trial_seconds"] < 300

    _script(
        task / "right" / "forgets.sh",
        "forgets to double: a right/ that fails",
        "cp data/numbers.csv answers.csv",
    )
    code, verdict = _check(evals, tmp_path)
    assert code == 1 and not verdict["ok"]
    assert any("right-forgets" in p and "did not pass" in p for p in verdict["problems"])


def test_wrong_seeds_trims_only_the_wrong_solutions(evals, tmp_path):
    """A budget for CI: wrong/ on fewer seeds, honest work still on every seed."""
    task = evals / "tasks" / "double"
    _script(task / "right" / "awk_again.sh", "the same doubling, written again", DOUBLE_ALL)
    code, verdict = _check(evals, tmp_path, "--wrong-seeds", "1")
    assert code == 0 and verdict["ok"], verdict["problems"]
    seeds = {}
    for run in verdict["runs"]:
        seeds.setdefault(run["kind"], []).append(run["seed"])
    assert sorted(seeds["wrong"]) == [0] and sorted(seeds["right"]) == [0, 1]
    assert sorted(seeds["oracle"]) == [0, 1]
    table = subprocess.run(
        [sys.executable, "-m", "mlskills", "tasks", "check", "double", "--seeds", "2",
         "--wrong-seeds", "1", "--sandbox", "local", "--evals", str(evals),
         "--cache-dir", str(tmp_path / "cache")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert table.returncode == 0 and "wrong/* on the first 1 only" in table.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "mlskills", "tasks", "check", "double", "--seeds", "2",
         "--wrong-seeds", "3", "--evals", str(evals)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 2 and "--wrong-seeds 3 is more than --seeds 2" in refused.stderr


def test_a_wrong_solution_just_under_the_mark_is_flagged_not_failed(evals, tmp_path):
    _script(evals / "tasks" / "double" / "wrong" / "near_miss.sh", "misses six rows", NEAR_MISS)
    code, verdict = _check(evals, tmp_path)
    assert code == 0 and verdict["ok"], verdict["problems"]
    assert verdict["best_wrong"]["name"] == "near_miss"
    assert 0.85 < verdict["best_wrong"]["score"] < 0.9
    assert any("near_miss" in f and "within 0.05" in f for f in verdict["flags"])
    code, _ = _check(evals, tmp_path, "--strict")
    assert code == 1, "--strict turns a flagged margin into a failure"


def test_a_perfect_score_at_a_pass_mark_of_one_is_no_margin_to_flag(evals, tmp_path):
    """All-or-nothing tasks (pass mark 1.0): a right solution at 1.0 cannot score higher,
    so it is no near miss, and --strict can pass such a task."""
    spec = evals / "tasks" / "double" / "task.yaml"
    spec.write_text(spec.read_text().replace("pass_mark: 0.9", "pass_mark: 1.0"))
    code, verdict = _check(evals, tmp_path, "--strict")
    assert verdict["worst_right"]["score"] == 1.0
    assert (code, verdict["flags"]) == (0, []), verdict["flags"]


def test_right_and_wrong_scripts_are_validated_statically(evals):
    task = evals / "tasks" / "double"
    _script(task / "right" / "fine.sh", "a comment naming the approach", DOUBLE_ALL)
    assert [p.stem for p in tasks.load_task(task).right_solutions] == ["fine"]
    (task / "right" / "Bad Name.sh").write_text("#!/usr/bin/env bash\necho no comment\n")
    with pytest.raises(InvalidInput) as caught:
        tasks.load_task(task)
    messages = [f"{p.file}: {p.message}" for p in caught.value.problems]
    assert any("unsafe script name" in m for m in messages), messages
    assert any("no comment naming the approach" in m for m in messages), messages


def test_the_oracles_workspace_is_graded_twice_and_every_other_once(evals, tmp_path):
    """A grader whose grade changes on a second grading of one workspace is a problem: the
    oracle's seed-0 workspace is graded twice; right/ and wrong/ solutions once (a wrong
    one may be random by design)."""
    calls = tmp_path / "grader-calls"
    task = evals / "tasks" / "double"
    _script(task / "right" / "awk_again.sh", "the same doubling, written again", DOUBLE_ALL)
    grader = task / "grader.py"
    grader.write_text(
        grader.read_text().replace(
            "    return ctx.grade(accuracy, [preds.check])",
            f"    with open({str(calls)!r}, 'a') as log:  # a file of the test's, not the agent's\n"
            "        log.write('x')\n"
            f"    if len(open({str(calls)!r}).read()) % 2 == 0:  # every second grading: lower\n"
            "        accuracy -= 0.01\n"
            "    return ctx.grade(accuracy, [preds.check])",
        )
    )
    code, verdict = _check(evals, tmp_path)
    # oracle on 2 seeds plus its regrade, right/awk_again and wrong/half on 2 seeds once
    # each (nop leaves no answers.csv: its grading stops earlier)
    assert len(calls.read_text()) == 3 + 2 + 2
    assert code == 1
    differed = [p.split(":")[0] for p in verdict["problems"] if "twice differed" in p]
    assert differed == ["oracle (seed 0)"], verdict["problems"]


@pytest.mark.parametrize("preset", [None, "3"])
def test_prepare_runs_with_one_math_thread_unless_the_user_set_one(evals, tmp_path, preset):
    """The harness's own numeric work (prepare.py, graders) runs beside the trials, where
    OpenMP on every core spin-waits (model-serving's prepare: 17 s instead of 1.2 s)."""
    prepare = evals / "tasks" / "double" / "prepare.py"
    prepare.write_text(
        prepare.read_text()
        + "    import os\n"
        + "    (hidden_dir / 'threads.txt').write_text(os.environ.get('OMP_NUM_THREADS', '-'))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    if preset:
        env["OMP_NUM_THREADS"] = preset
    subprocess.run(
        [sys.executable, "-m", "mlskills", "tasks", "check", "double", "--seeds", "1",
         "--sandbox", "local", "--evals", str(evals), "--cache-dir", str(tmp_path / "cache")],
        capture_output=True, text=True, timeout=300, env=env, check=True,
    )  # fmt: skip
    [written] = (tmp_path / "cache").glob("prepared/double/0-*/hidden/threads.txt")
    assert written.read_text() == (preset or "1")
