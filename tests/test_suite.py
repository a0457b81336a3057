"""The core suite proves itself: on 3 seeds every task's oracle and right/* pass, nop
scores 0, wrong/* fail, grading is stable.

Slow (minutes): marked `suite`, so `pytest -m suite` runs it alone and
`pytest -m "not suite"` skips it. CI runs it with the rest: the check runs beside the
other tests at the lowest CPU priority (tests/suite_check.py), and this test waits for
its verdicts. It skips, with the reason, when a requirement of a core task (torch) is not
installed, rather than failing. Margins within 0.05 of a pass mark are warnings (flags),
printed but not failures.
"""

from __future__ import annotations

import warnings

import pytest
from suite_check import missing_requirements

from mlskills import paths, tasks


@pytest.mark.suite
def test_core_suite_checks_green(request):
    if missing := missing_requirements():
        pytest.skip(f"core tasks need {', '.join(missing)}, not installed here")
    result = request.getfixturevalue("core_suite_check").result()
    verdicts = result.verdicts
    failing = {v["task_id"]: v["problems"] for v in verdicts if not v["ok"]}
    skipped = {v["task_id"]: v["skipped"] for v in verdicts if v["skipped"]}
    assert result.returncode == 0 and not failing, failing or result.stderr[-2000:]
    assert len(verdicts) >= 12, f"the core suite should hold at least 12 tasks, has {len(verdicts)}"
    missing = {t: m for t in skipped if (m := tasks.missing_requirements(tasks.find_task(t)))}
    if missing and set(missing) == set(skipped):  # only what this machine lacks (torch)
        needs = sorted({name for names in missing.values() for name in names})
        pytest.skip(
            f"the other tasks are green; {', '.join(sorted(missing))} need {', '.join(needs)} "
            "(not importable here; torch: pip install torch==2.13.0)"
        )
    assert not skipped, f"tasks skipped (install their requirements): {skipped}"
    flags = {v["task_id"]: v["flags"] for v in verdicts if v.get("flags")}
    if flags:  # a warning, not a failure: visible with -rw
        warnings.warn(f"margins within 0.05 of the pass mark: {flags}", stacklevel=1)


def test_core_suite_covers_every_pack_skill():
    suite = tasks.load_suite("core")
    tags = {tag for t in suite.task_ids for tag in tasks.find_task(t).tags}
    skills = {p.name for p in paths.skills_dir().iterdir() if (p / "SKILL.md").is_file()}
    assert skills <= tags | {"experiment-tracking"}, f"skills no task exercises: {skills - tags}"
