"""ddp_minimal.py runs under torchrun with two CPU processes (gloo): shards cover the data,
loss falls, only rank 0 writes the checkpoint and it loads into the plain model."""

import json
import os
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch", reason="the DDP recipe needs torch")

from .conftest import SKILLS  # noqa: E402


@pytest.mark.slow
def test_two_process_cpu_run_trains_and_saves_once(tmp_path):
    script = SKILLS / "pytorch-training" / "assets" / "ddp_minimal.py"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--nproc_per_node=2",
            "--standalone",
            str(script),
            "--backend",
            "gloo",
            "--epochs",
            "2",
            "--out",
            "ddp.pt",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    losses = [line["train_loss"] for line in lines if "train_loss" in line]
    assert len(losses) == 2 and losses[-1] < losses[0]
    assert lines[-1] == {"world_size": 2, "rows_seen_per_epoch": 2048}
    state = torch.load(tmp_path / "ddp.pt", weights_only=True)
    assert not any(key.startswith("module.") for key in state)
