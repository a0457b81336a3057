"""Every core task's grader turns hostile deliverables into a graded result, never an error.

An `error` trial is unscored and re-rolled by --resume, so an agent whose output makes a
grader raise turns its 0 into a retry. For each task of the core suite the oracle runs
once through the real runner under bwrap; the files it created or changed are the
deliverables. Each variant (tests/hostile/variants.py) replaces one deliverable in a
copy of that workspace: junk, empty, invalid UTF-8, truncated, a folder, a FIFO, a 1 GiB
sparse file; links to a host copy of the passing file (absolute, relative, or its folder
linked), to /etc/shadow, the hidden data, itself; CSVs with the right header and
NaN/inf/-1e308/1e999/long strings/mixed types/duplicate or blank ids/extra columns/no rows;
JSON with the right keys and wrong types (text, null, nested lists, 10**400, booleans,
NaN, infinity), a list on top, deep nesting; model files as zips that zipfile fails on
past BadZipFile; scripts that print plausible output and exit 0, sleep past the timeout,
fork daemons, fill the disk, close or flood stdout, serve numbers no float holds, or run
the oracle's own script and then rewrite what it wrote (extreme numbers, hostile
checkpoints). The copy is graded the way a trial grades (tests/hostile/grading.py: copy
for grading, integrity, GradeContext, run_grader, bwrap). Each grading must:
- return a Grade (no GraderError, no exception: what a trial records as `error`);
- finish within the task's grading timeout (plus SLACK for the copy and teardown);
- score no more than the oracle did;
- not pass when the variant destroys the deliverable (junk, empty, folder, FIFO, links);
  where the file is graded by a weighted check only (WEIGHTED), score below the oracle
  instead; where the grader does not read the file at all (NOT_GRADED), neither;
- never read a link's target: host targets have their atime set back and must keep it,
  and no message may quote /etc/shadow.

Runs:
- default: a fixed subset (DEFAULT: the variants that found faults, on tasks whose
  oracles are quick, two PyTorch tasks): 42 s on 2 quiet cores (load 0.6-1.0);
  `python -m pytest tests/adversarial/test_hostile_deliverables.py -q`
- full matrix: every variant on every deliverable of every core task (hours on 2 cores:
  the timeout variants wait for each grader's deadline, the PyTorch graders retrain on
  every grading). Run it in parts, one at a time:
  `MLSKILLS_FUZZ_FULL=1 python -m pytest tests/adversarial/test_hostile_deliverables.py
  -q -k churn-imbalanced` (the test ids are `<task>:<variant>`).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hostile.grading import Graded, grade_unchanged, grade_variant
from hostile.oracle import Finished, make_env, run_oracle
from hostile.variants import BY_NAME, SHADOW, VARIANTS, Variant

from mlskills import tasks
from mlskills.paths import default_scratch_dir

FULL = os.environ.get("MLSKILLS_FUZZ_FULL") == "1"
CORE = tasks.load_suite("core").task_ids
SLACK = 30.0  # seconds past the grading timeout for the copies and sandbox teardown
EPSILON = 1e-9

# The fixed default subset: per task, the variants that found faults or reach the most
# distinct reader paths, on tasks whose oracles take seconds; two PyTorch tasks.
DEFAULT: dict[str, tuple[str, ...]] = {
    "model-promotion": ("link_parent", "json_numbers_huge", "script_extreme_outputs", "fifo"),
    "drift-monitor": (
        "script_extreme_outputs",  # crashed the grader (OverflowError) before the reader fix
        "script_hostile_server",
        "script_closes_stdout",
        "link_relative",
    ),
    "churn-imbalanced": ("csv_inf", "csv_duplicate_ids", "json_numbers_huge", "link_shadow"),
    "messy-cleaning": ("csv_blank_ids", "csv_mixed_types", "invalid_utf8", "link_hidden_file"),
    "model-serving": (
        "script_hostile_server",  # crashed the grader (OverflowError) before the reader fix
        "script_plausible",
        "link_host",
        "empty",
    ),
    # crashed the grader (RuntimeError: an encrypted checkpoint) before its fix
    "gpu-ready-torch": ("script_hostile_archives",),
    # lost a WorkspaceFault in a grader thread (runs left unstarted) before its fix
    "torch-reproducible-resume": ("script_plausible",),
}
DEFAULT_TORCH = {"gpu-ready-torch", "torch-reproducible-resume"}  # controls retrain: full only

# Deliverables a weighted check grades, not a gate: destroying one costs that check's
# weight (the score drops below the oracle's) but may leave a passing grade.
WEIGHTED: dict[tuple[str, str], str] = {
    ("model-promotion", "promotion.json"): "the verdicts and the review record: two checks "
    "of weight 1 in 7",
}

# Files the oracle leaves that the grader does not read: destroying one changes nothing.
NOT_GRADED: dict[tuple[str, str], str] = {
    ("calibration-deliverable", "calibrate.py"): "the oracle's helper; probabilities.csv is graded",
    ("pipeline-predict", "metrics.json"): "the oracle's extra; the instruction asks for none",
    ("tuning-budget-nested", "out/predictions.csv"): "tune.py's output on the public data; "
    "the grader reruns tune.py on datasets of its own",
    ("tuning-budget-nested", "out/tuning.csv"): "as above",
}


def cases() -> list[tuple[str, str]]:
    if FULL:
        return [(task, v.name) for task in CORE for v in VARIANTS]
    return [(task, name) for task, names in DEFAULT.items() for name in names]


def control_tasks() -> list[str]:
    return list(CORE) if FULL else [t for t in DEFAULT if t not in DEFAULT_TORCH]


@pytest.fixture(scope="session")
def scratch_root() -> Iterator[Path]:
    """Kept oracle workspaces and variant copies, on the runner's default (tmpfs)."""
    folder = Path(tempfile.mkdtemp(prefix="mlskills-hostile-", dir=default_scratch_dir()))
    yield folder
    subprocess.run(["rm", "-rf", "--", str(folder)], check=True)


@pytest.fixture(scope="session")
def oracles(
    cache_dir: Path, scratch_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Finished]:
    """oracles(task_id) -> the oracle's finished workspace, run once per session."""
    env = make_env(tmp_path_factory.mktemp("hostile-runs"), cache_dir, scratch_root)
    done: dict[str, Finished | str] = {}

    def get(task_id: str) -> Finished:
        task = tasks.find_task(task_id)
        if missing := tasks.missing_requirements(task):
            pytest.skip(f"{task_id} needs {', '.join(missing)}")
        if task_id not in done:
            try:
                done[task_id] = run_oracle(task_id, env)
            except AssertionError as exc:  # fail every case of the task, run it once
                done[task_id] = str(exc)
        found = done[task_id]
        if isinstance(found, str):
            pytest.fail(found)
        return found

    return get


def problems_with(finished: Finished, variant: Variant, graded: Graded) -> list[str]:
    """Every way this grading broke the rules in the module docstring."""
    task = finished.task
    if graded.grade is None:
        return [f"{graded.describe()}\n  (a trial would record this as an unscored error)"]
    found = []
    limit = task.grading.timeout + SLACK
    if graded.seconds > limit:
        found.append(f"{graded.describe()}\n  took longer than {limit:g} s")
    score = graded.grade.score or 0.0
    if score > finished.score + EPSILON:
        found.append(f"{graded.describe()}\n  scored above the oracle's {finished.score}")
    key = (task.id, graded.rel)
    if variant.destroys and key in WEIGHTED:
        if score >= finished.score - EPSILON:
            found.append(f"{graded.describe()}\n  lost nothing with the deliverable destroyed")
    elif variant.destroys and key not in NOT_GRADED and graded.grade.passed:
        found.append(f"{graded.describe()}\n  passed with the deliverable destroyed")
    for target in graded.watched:
        info = target.stat()
        if info.st_atime > info.st_mtime:
            found.append(f"{graded.describe()}\n  read the link's target {target}")
    if (secret := _shadow_line()) and secret in graded.messages:
        found.append(f"{graded.describe()}\n  quoted /etc/shadow")
    return found


def _shadow_line() -> str | None:
    try:
        line = SHADOW.read_text().splitlines()[0]
    except (OSError, IndexError):
        return None
    return line if len(line) > 8 else None


# A grader thread that dies of an exception loses it (and the runs it would have started):
# the grade that follows explains nothing. It fails the case like an error would.
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
@pytest.mark.parametrize(("task_id", "name"), cases(), ids=[f"{t}:{n}" for t, n in cases()])
def test_a_hostile_deliverable_is_graded_never_an_error(
    oracles, scratch_root: Path, tmp_path: Path, task_id: str, name: str
):
    finished = oracles(task_id)
    variant = BY_NAME[name]
    targets = [rel for rel in finished.deliverables if variant.applies(rel)]
    if not targets:
        pytest.skip(f"{task_id} has no deliverable {name} applies to")
    problems = []
    for n, rel in enumerate(targets):
        host = tmp_path / f"host{n}"
        host.mkdir()
        graded = grade_variant(finished, rel, variant, scratch_root, host)
        problems += problems_with(finished, variant, graded)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("task_id", control_tasks())
def test_the_unchanged_workspace_grades_as_the_oracle(oracles, scratch_root: Path, task_id):
    """The control: grading through tests/hostile/grading.py gives the oracle's grade, so
    a variant that fails is failing on its content, not on the test's grading path."""
    finished = oracles(task_id)
    graded = grade_unchanged(finished, scratch_root)
    assert graded.grade is not None, graded.error
    assert graded.grade.passed and abs(graded.grade.score - finished.score) < 1e-6
    listed = {rel for task, rel in [*WEIGHTED, *NOT_GRADED] if task == task_id}
    assert listed <= set(finished.deliverables), "a listed file the oracle no longer makes"


def test_the_default_subset_names_core_tasks_and_known_variants():
    assert set(DEFAULT) <= set(CORE)
    assert {n for names in DEFAULT.values() for n in names} <= set(BY_NAME)
    assert {task for task, _ in [*WEIGHTED, *NOT_GRADED]} <= set(CORE)
    assert not set(WEIGHTED) & set(NOT_GRADED)
