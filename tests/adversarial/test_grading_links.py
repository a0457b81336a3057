"""Grading never follows a link the agent planted, at any path component, as root.

Through the real runner, the command agent and bubblewrap: a linked input folder, a
deliverable linked to /proc/kmsg (never reaches end of file) or /proc/self/mem (EIO), a
provided data file swapped for a link. Each is the agent's 0 with a reason, promptly, and
nothing is written outside the workspace copy.
"""

from __future__ import annotations

import pytest


def test_a_linked_input_folder_gets_no_hidden_file_and_scores_zero(attack, scratch):
    host = scratch / "host-site-packages"
    host.mkdir()
    # train.py and model.bin pass the training-code gate, so the grader goes on to stage
    script = (
        'echo \'open("data/train.csv"); open("model.bin", "w")\' > train.py && '
        f"touch model.bin && echo 'print(1)' > predict.py && ln -s {host} incoming && echo PLANTED"
    )
    [outcome] = attack(script, task="pipeline-predict")
    assert outcome.lines("PLANTED")
    assert list(host.iterdir()) == [], "the grader wrote a hidden file through the link"
    record = outcome.record
    assert record.status == "completed", record.error
    assert record.score == 0.0 and "grader inputs staged" in outcome.failed_gates


@pytest.mark.parametrize("target", ["/proc/kmsg", "/proc/self/mem"])
def test_a_deliverable_linked_to_a_proc_file_is_a_prompt_zero(attack, target):
    [outcome] = attack(f"ln -s {target} predictions.csv && echo PLANTED")
    record = outcome.record
    assert outcome.lines("PLANTED")
    assert record.status == "completed", record.error
    assert record.score == 0.0 and outcome.failed_gates
    assert "grading finished in time" not in outcome.failed_gates  # refused, not hung
    messages = [c["message"] for c in record.grade["checks"] if not c["passed"]]
    assert any("link" in m for m in messages), messages


def test_provided_data_swapped_for_a_proc_link_fails_the_data_gate(attack):
    script = "rm data/train.csv && ln -s /proc/self/mem data/train.csv && echo PLANTED"
    [outcome] = attack(script)
    assert outcome.lines("PLANTED")
    assert outcome.record.status == "completed", outcome.record.error
    assert "provided data unchanged" in outcome.failed_gates
