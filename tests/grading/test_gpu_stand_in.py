"""gpu-ready-torch's stand-in GPU excuses only torch's own failures, never the script's.

The grader plays a one-GPU machine with a sitecustomize.py; when a run dies of an error
naming CUDA it must tell "CPU-only torch could not serve this call" (the stand-in's gap,
not charged) from "the script gave up on the GPU itself" (a GPU path that does not run).
These run the real stand-in over real torch in subprocesses.
"""

import importlib.util
import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from mlskills import tasks
from mlskills.grading.context import GradeContext

pytest.importorskip("torch", reason="the GPU stand-in wraps torch")


@pytest.fixture(scope="module")
def grader():
    path = tasks.find_task("gpu-ready-torch").path / "grader.py"
    spec = importlib.util.spec_from_file_location("gpu_ready_torch_grader", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_on_stand_in(grader, tmp_path, code: str):
    """(the run's outcome as the grader sees it, the stand-in's record) for `code`."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(grader.GPU_MACHINE)
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=work,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    # The grader's own reading of the record, through the two calls it makes.
    recorded = json.loads((work / grader.GPU_RECORD).read_text())
    run = SimpleNamespace(read_json=lambda relative: SimpleNamespace(value=recorded))
    record = grader._gpu_record(SimpleNamespace(numbers=GradeContext.numbers), run)
    outcome = SimpleNamespace(ok=done.returncode == 0, exit_code=done.returncode)
    return outcome, record


@pytest.mark.slow
def test_an_error_torch_raises_for_missing_cuda_is_the_stand_ins_gap(grader, tmp_path):
    # CPU-only torch has no NVTX: a GPU machine would have served this call.
    code = "import torch\ntorch.cuda.nvtx.range_push('epoch')"
    outcome, record = run_on_stand_in(grader, tmp_path, code)
    assert not outcome.ok and record["raised_by_torch"]
    assert "NVTX" in grader._beyond_stand_in(outcome, record)


@pytest.mark.slow
def test_a_cuda_worded_error_the_script_raises_is_its_own_failure(grader, tmp_path):
    code = (
        "import torch\n"
        "model = torch.nn.Linear(3, 2).to('cuda')\n"
        "if torch.cuda.get_device_properties(0).total_memory < 80 << 30:\n"
        "    raise RuntimeError('CUDA device has under 80 GiB')\n"
    )
    outcome, record = run_on_stand_in(grader, tmp_path, code)
    assert not outcome.ok and record["placed_on_cuda"] >= 1
    assert record["error"] == "RuntimeError: CUDA device has under 80 GiB"
    assert not record["raised_by_torch"]
    assert grader._beyond_stand_in(outcome, record) is None


@pytest.mark.slow
def test_cuda_initialisation_ends_the_run_as_beyond_the_stand_in(grader, tmp_path):
    outcome, record = run_on_stand_in(grader, tmp_path, "import torch\ntorch.cuda.init()")
    assert outcome.exit_code == grader.BEYOND_STAND_IN
    assert grader._beyond_stand_in(outcome, record) == "CUDA initialisation"
