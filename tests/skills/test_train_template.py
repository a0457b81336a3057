"""train_template.py: resuming after a stop gives the same result as never stopping."""

import json
import sys

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


def load_template():
    import importlib.util

    from .conftest import SKILLS

    path = SKILLS / SCRIPT[0] / SCRIPT[1]
    spec = importlib.util.spec_from_file_location("train_template_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_data_is_built_once_and_the_device_is_recorded(tmp_path, monkeypatch):
    """D15/T15: make_data() ran every epoch (a real dataset re-read each time), and the
    model never moved to a device."""
    template = load_template()
    calls = []
    original = template.make_data

    def counting(cfg):
        calls.append(1)
        return original(cfg)

    monkeypatch.setattr(template, "make_data", counting)
    cfg = template.Config(out_dir=str(tmp_path / "r"), epochs=3, log_every=10_000, device="cpu")
    template.run(cfg)
    assert len(calls) == 1
    saved = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert [h["device"] for h in saved["history"]] == ["cpu"] * 3


def test_asking_for_an_absent_accelerator_is_an_error_not_a_cpu_run(run):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result = run(*SCRIPT, "--out-dir", "d", "--device", "cuda", "--epochs", "1")
    assert result.returncode != 0
    assert "CUDA is not available" in result.stderr
