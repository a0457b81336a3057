"""A 0 stays a 0: workspace content that breaks a reader, the staging or the copy for
grading, and a command agent that exits 127, are graded (a failed gate), never `error`
(which is unscored and re-rolled by --resume). Through the real runner under bwrap."""

from __future__ import annotations


def test_deeply_nested_json_is_a_failed_gate(attack):
    script = "python -c \"open('promotion.json','w').write('['*200000)\" && echo PLANTED"
    [outcome] = attack(script, task="model-promotion")
    assert outcome.lines("PLANTED")
    assert outcome.record.status == "completed", outcome.record.error
    assert outcome.record.score == 0.0
    messages = [c["message"] for c in outcome.record.grade["checks"] if not c["passed"]]
    assert any("nested too deeply" in m for m in messages), messages


def test_a_file_where_the_grader_stages_a_folder_is_a_failed_gate(attack):
    # train.py and model.bin pass the training-code gate, so the grader goes on to stage
    script = (
        'echo \'open("data/train.csv"); open("model.bin", "w")\' > train.py && '
        "touch model.bin && echo 'print(1)' > predict.py && touch incoming && echo PLANTED"
    )
    [outcome] = attack(script, task="pipeline-predict")
    assert outcome.lines("PLANTED")
    assert outcome.record.status == "completed", outcome.record.error
    assert outcome.record.score == 0.0 and "grader inputs staged" in outcome.failed_gates


def test_an_agent_exiting_127_is_graded(attack):
    [outcome] = attack("echo working; no-such-command-xyz")
    record = outcome.record
    assert record.status == "completed", record.error
    assert record.details.get("exit_code") == 127
    assert record.grade is not None and record.score == 0.0


def test_sparse_files_over_the_disk_limit_are_not_copied_for_grading(attack):
    """2 x 500 MB of holes cost nothing on disk; the copy for grading counts apparent size
    and refuses (a 0), instead of writing 1 GB of zeros into RAM-backed scratch."""
    script = "truncate -s 500M a.bin b.bin && echo PLANTED"
    [outcome] = attack(script, disk_mb=200)
    assert outcome.lines("PLANTED")
    record = outcome.record
    assert record.status in ("completed", "limit"), record.error
    assert record.score == 0.0
    assert "workspace copyable" in outcome.failed_gates
