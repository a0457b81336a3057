"""Task and suite loading: every problem reported at once, each naming file, field and fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlskills import tasks
from mlskills.errors import InvalidInput
from mlskills.preparation import PreparedCache, task_hash


def make_task(root: Path, name: str = "t1", yaml_text: str | None = None) -> Path:
    folder = root / "tasks" / name
    (folder / "solution").mkdir(parents=True)
    (folder / "task.yaml").write_text(
        yaml_text
        or f"id: {name}\ntitle: T\nsummary: S\n"
        "grading: {metric: m, baseline: 0, reference: 1, pass_mark: 0.5}\n"
    )
    (folder / "instruction.md").write_text("do it")
    (folder / "prepare.py").write_text("def prepare(seed, public_dir, hidden_dir):\n    pass\n")
    (folder / "grader.py").write_text("def grade(ctx):\n    return ctx.grade(1.0)\n")
    (folder / "solution" / "solve.sh").write_text("true\n")
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        tasks.load_task(folder)
    return [str(p) for p in info.value.problems]


def test_a_valid_task_loads_with_defaults(tmp_path):
    task = tasks.load_task(make_task(tmp_path))
    assert task.id == "t1"
    assert task.grading.pass_mark == 0.5
    assert task.limits.agent_timeout == 1800
    assert task.grading.protected == ("data/**",)


def test_many_problems_are_reported_together(tmp_path):
    bad = (
        "id: other\ntitle: T\nsummary: S\ncolour: blue\ntags: nope\n"
        "limits: {agent_timeout: -5, turns: 3}\n"
        "grading: {metric: m, baseline: 0, reference: 1, pass_mark: 1.5}\n"
    )
    found = problems_of(make_task(tmp_path, yaml_text=bad))
    joined = "\n".join(found)
    assert len(found) >= 6, joined
    assert "colour: unknown key" in joined
    assert "id: 'other' differs from the folder name 't1'" in joined
    assert "tags: must be a list of strings" in joined
    assert "limits.agent_timeout: must be positive" in joined
    assert "limits.turns: unknown key" in joined
    assert "grading.pass_mark: 1.5 is outside [0, 1]" in joined
    assert all("task.yaml" in p and "fix:" in p for p in found)


def test_missing_files_and_a_grader_without_grade(tmp_path):
    folder = make_task(tmp_path)
    (folder / "solution" / "solve.sh").unlink()
    (folder / "grader.py").write_text("def score(ctx):\n    return 1\n")
    (folder / "prepare.py").write_text("def prepare(:\n")
    joined = "\n".join(problems_of(folder))
    assert "solution/solve.sh: missing file" in joined
    assert "grader.py: grade: no top-level `def grade(...)`" in joined
    assert "prepare.py: line 1: syntax error" in joined


def test_yaml_syntax_error_names_the_line(tmp_path):
    folder = make_task(tmp_path, yaml_text="id: t1\ntitle: [unclosed\n")
    joined = "\n".join(problems_of(folder))
    assert "task.yaml: line" in joined and "invalid YAML" in joined


def test_grading_without_numbers(tmp_path):
    folder = make_task(tmp_path, yaml_text="id: t1\ntitle: T\nsummary: S\ngrading: {metric: m}\n")
    joined = "\n".join(problems_of(folder))
    assert "grading.baseline: missing" in joined and "grading.reference: missing" in joined


def test_unknown_task_lists_the_known_ones(fixture_evals):
    with pytest.raises(InvalidInput, match="use one of: broken-grader, double, double-exec"):
        tasks.find_task("nope", fixture_evals)


def test_suite_with_unknown_task_and_bad_epochs(tmp_path):
    make_task(tmp_path)
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "s.yaml").write_text("tasks: [t1, ghost]\nepochs: many\n")
    with pytest.raises(InvalidInput) as info:
        tasks.load_suite("s", tmp_path)
    joined = str(info.value)
    assert "unknown task 'ghost'" in joined and "epochs: expected int" in joined


def test_load_all_collects_problems_across_tasks(tmp_path):
    make_task(tmp_path, "good")
    (make_task(tmp_path, "bad") / "instruction.md").unlink()
    loaded, problems = tasks.load_all(tmp_path)
    assert [t.id for t in loaded] == ["good"]
    assert len(problems) == 1 and "instruction.md" in problems[0].file


def test_prepared_instances_are_cached_per_seed_and_content(fixture_evals, tmp_path):
    work = tmp_path / "evals"
    shutil.copytree(fixture_evals, work)
    task = tasks.find_task("double", work)
    cache = PreparedCache(tmp_path / "cache")
    first = cache.instance(task, 0)
    assert cache.instance(task, 0).public_dir == first.public_dir
    assert cache.instance(task, 1).public_dir != first.public_dir
    before = task_hash(task.path)
    (task.path / "instruction.md").write_text("changed")
    assert task_hash(task.path) != before
    assert PreparedCache(tmp_path / "cache").instance(task, 0).public_dir != first.public_dir


def test_requirements_that_cannot_be_imported(tmp_path):
    text = (
        "id: t1\ntitle: T\nsummary: S\nrequires: [json, surely_not_a_module_xyz]\n"
        "grading: {metric: m, baseline: 0, reference: 1}\n"
    )
    task = tasks.load_task(make_task(tmp_path, yaml_text=text))
    assert tasks.missing_requirements(task) == ["surely_not_a_module_xyz"]
