"""train_template.py: resuming after a stop gives the same result as never stopping."""

import json

import pytest

pytest.importorskip("torch", reason="the PyTorch template needs torch")

SCRIPT = ("pytorch-training", "assets/train_template.py")


def history(folder) -> list[dict]:
    return json.loads(folder.joinpath("metrics.json").read_text())["history"]


@pytest.mark.slow
def test_resume_matches_an_uninterrupted_run(run, tmp_path):
    common = ["--epochs", "3", "--log-every", "1000"]
    straight = run(*SCRIPT, "--out-dir", "a", *common)
    assert straight.returncode == 0, straight.stderr
    first = run(*SCRIPT, "--out-dir", "b", *common, "--stop-after-epochs", "1")
    assert first.returncode == 0, first.stderr
    assert len(history(tmp_path / "b")) == 1
    resumed = run(*SCRIPT, "--out-dir", "b", *common)
    assert "resumed from epoch 1" in resumed.stdout
    assert history(tmp_path / "a") == history(tmp_path / "b")


@pytest.mark.slow
def test_overfit_one_batch_reaches_near_zero_loss(run):
    result = run(*SCRIPT, "--out-dir", "o", "--overfit-one-batch")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout.splitlines()[-1])["ok"] is True
