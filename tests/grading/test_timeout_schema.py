"""task.yaml `grading.timeout`: seconds one grading may take, validated with a clear fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlskills.errors import InvalidInput
from mlskills.schema import DEFAULT_GRADING_TIMEOUT
from mlskills.tasks import load_task

DOUBLE = Path(__file__).resolve().parents[1] / "fixtures" / "evals" / "tasks" / "double"


def task_with(tmp_path: Path, timeout: str | None) -> Path:
    folder = tmp_path / "double"
    shutil.copytree(DOUBLE, folder)
    if timeout is not None:
        yaml = (folder / "task.yaml").read_text()
        yaml = yaml.replace("pass_mark: 0.9}", f"pass_mark: 0.9, timeout: {timeout}}}")
        (folder / "task.yaml").write_text(yaml)
    return folder


def test_the_default_and_a_given_timeout(tmp_path):
    assert load_task(task_with(tmp_path, None)).grading.timeout == DEFAULT_GRADING_TIMEOUT
    assert load_task(task_with(tmp_path / "b", "300")).grading.timeout == 300.0


@pytest.mark.parametrize(("value", "message"), [("-5", "not a number of seconds"),
                                                 ("0", "not a number of seconds"),
                                                 ("soon", "expected int or float")])  # fmt: skip
def test_a_bad_timeout_is_refused_with_the_fix(tmp_path, value, message):
    with pytest.raises(InvalidInput) as caught:
        load_task(task_with(tmp_path, value))
    text = str(caught.value)
    assert "grading.timeout" in text and message in text
