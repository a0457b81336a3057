"""Retrain with the agent's train.py on a CPU-only machine, then predict twice.

1. In a fresh sandbox with CUDA hidden: `python train.py`, then `python predict.py` on the
   hidden test rows; accuracy on the hidden labels is the metric.
2. The checkpoint that run wrote is turned into the one a GPU machine would have written:
   its tensor storages are relabelled "cuda:0" inside the archive's pickle, by editing the
   pickle's tokens (`pickletools.genops`; nothing is unpickled). In a second fresh sandbox,
   without the CPU-written model.pt (so a predict.py that ignores --checkpoint cannot pass
   on it), predict.py loads that checkpoint on the CPU and predicts a handful of the test
   rows.
   Gate: it must run and give the same classes as the first run gave those rows (a
   small batch also shows whether prediction depends on the batch).
3. "It uses the GPU when the machine has one": a third sandbox plays a GPU machine. A
   sitecustomize.py the grader stages there (first on PYTHONPATH) makes torch report one
   CUDA device and ends the process with status 86 at the first real use of CUDA (CPU-only
   torch initialises CUDA lazily, through `torch.cuda._lazy_init`, on any tensor or module
   moved there). Gate: `python train.py` must end that way; a train.py that trains on the
   CPU regardless (the device hard-coded) finishes instead. A script written to fool the
   probe could; the probe is for the honest mistake.
The probe runs first, and a failed one ends the grading: a failed gate zeroes the score
whatever 1 and 2 would show, and they cost three torch start-ups.
"""

import io
import pickletools
import shutil
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import pandas as pd

FEATURES = ".grader/test_features.csv"
PREDICTIONS = ".grader/predictions.csv"
FEW, FEW_PREDICTIONS = ".grader/few_parts.csv", ".grader/few_predictions.csv"
GPU_CHECKPOINT = ".grader/gpu_model.pt"
NO_CUDA = "export CUDA_VISIBLE_DEVICES=''"
PROBE_DIR, CUDA_REQUESTED = ".grader/gpu-machine", 86
GPU_MACHINE = f"""# Staged by the grader: this sandbox plays a machine with one GPU.
import os

import torch


def _cuda_requested(*args, **kwargs):
    os.write(2, b"grader probe: CUDA requested\\n")
    os._exit({CUDA_REQUESTED})


torch.cuda.is_available = lambda: True
torch.cuda.device_count = lambda: 1
torch.cuda._lazy_init = _cuda_requested
if hasattr(torch, "accelerator"):
    torch.accelerator.is_available = lambda: True
    torch.accelerator.device_count = lambda: 1
    torch.accelerator.current_accelerator = lambda check_available=False: torch.device("cuda")
"""
MAX_CHECKPOINT_BYTES = 200 << 20
ARCHIVE_ERRORS = (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError,
                  RuntimeError, zlib.error)  # fmt: skip


def _relabel(pickle_bytes: bytes) -> tuple[bytes, int]:
    out, start, changed = bytearray(), 0, 0
    ops = list(pickletools.genops(pickle_bytes))
    for i, (op, arg, pos) in enumerate(ops):
        end = ops[i + 1][2] if i + 1 < len(ops) else len(pickle_bytes)
        if op.name == "FRAME":  # frame lengths would be wrong after the edit; frames are optional
            out += pickle_bytes[start:pos]
            start = end
        elif op.name in ("BINUNICODE", "SHORT_BINUNICODE") and arg == "cpu":
            out += pickle_bytes[start:pos]
            out += b"X" + struct.pack("<I", 6) + b"cuda:0"  # X = BINUNICODE
            start = end
            changed += 1
    out += pickle_bytes[start:]
    return bytes(out), changed


def to_gpu_checkpoint(source: io.BytesIO, target: Path) -> str | None:
    """Write the GPU-saved twin of the archive `source` to `target`; a problem, or None."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_CHECKPOINT_BYTES:  # a zip bomb
                return "over 200 MB unpacked"
            pickles = [m for m in members if m.filename.endswith("data.pkl")]
            if len(pickles) != 1:
                return "not a PyTorch zip checkpoint (no single data.pkl)"
            relabelled, changed = _relabel(archive.read(pickles[0]))
            with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
                for member in members:
                    data = archive.read(member)
                    out.writestr(member.filename, relabelled if member is pickles[0] else data)
    # An agent's archive can also be encrypted (RuntimeError), use an unknown method
    # (NotImplementedError), hold bad deflate data (zlib.error) or end early (EOFError).
    except ARCHIVE_ERRORS as exc:
        return f"could not read the checkpoint as a PyTorch archive: {exc}"
    return None if changed else "the checkpoint holds no CPU tensor storages"


def _gpu_twin(run):
    """(host folder holding the GPU-saved twin of run's model.pt, None) or (None, problem)."""
    raw = run.read_bytes("model.pt", "model.pt", MAX_CHECKPOINT_BYTES)  # never via a link
    if not raw.ok:
        return None, raw.check.message
    folder = Path(tempfile.mkdtemp(prefix="gpu-ckpt-"))
    problem = to_gpu_checkpoint(io.BytesIO(raw.value), folder / "gpu_model.pt")
    if problem:
        shutil.rmtree(folder, ignore_errors=True)
        return None, f"model.pt: {problem}"
    return folder, None


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    uses_gpu = _asks_for_the_gpu(ctx)
    if not uses_gpu.passed:
        return ctx.grade(None, [uses_gpu])
    command = (
        f"python train.py > .grader/train.log && "
        f"python predict.py --input {FEATURES} --output {PREDICTIONS}"
    )
    run = ctx.exec(
        f"{NO_CUDA} && mkdir -p .grader && {command}",
        timeout=240,
        inputs={FEATURES: ctx.hidden / "test_features.csv"},
    )
    if gate := run.failed_gate("train and predict on CPU", f"`{command}`"):
        return ctx.grade(None, [gate])
    preds = run.read_predictions(
        PREDICTIONS,
        id_column="id",
        columns={"defect": "number"},
        expected_ids=labels["id"].tolist(),
    )
    if not preds.ok:
        return ctx.grade(None, [preds.check])
    predicted = preds.frame["defect"].to_numpy()
    accuracy = float((predicted == labels["defect"].to_numpy()).mean())

    folder, problem = _gpu_twin(run)
    if problem:
        return ctx.grade(
            None, [preds.check, ctx.check("GPU checkpoint", False, problem, gate=True)]
        )
    try:
        few = pd.read_csv(ctx.hidden / "test_few.csv")
        command = (
            f"python predict.py --input {FEW} --output {FEW_PREDICTIONS}"
            f" --checkpoint {GPU_CHECKPOINT}"
        )
        # The CPU-written model.pt goes first: a predict.py that ignores --checkpoint and
        # loads it would otherwise give the same classes without reading the GPU copy.
        second = ctx.exec(
            f"{NO_CUDA} && rm -f model.pt && {command}",
            timeout=120,
            inputs={FEW: ctx.hidden / "test_few.csv", GPU_CHECKPOINT: folder / "gpu_model.pt"},
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    name = "a GPU-saved checkpoint loads and predicts on CPU"
    if gate := second.failed_gate(name, f"`{command}`"):
        return ctx.grade(None, [preds.check, gate])
    again = second.read_predictions(
        FEW_PREDICTIONS,
        id_column="id",
        columns={"defect": "number"},
        expected_ids=few["id"].tolist(),
    )
    if not again.ok:
        return ctx.grade(None, [preds.check, again.check])
    first = preds.frame.loc[few["id"].astype(str), "defect"].to_numpy()  # indexed by id text
    differ = int((again.frame["defect"].to_numpy() != first).sum())
    same = ctx.check(
        name,
        differ == 0,
        f"{differ} of {len(few)} rows got a different class than in the full run"
        if differ
        else f"loaded on CPU; the same classes for {len(few)} rows as in the full run",
        gate=True,
    )
    return ctx.grade(accuracy, [preds.check, same, uses_gpu])


def _asks_for_the_gpu(ctx):
    """Gate: on a machine with a GPU, train.py moves its work to CUDA (see the docstring)."""
    name = "train.py uses the GPU when there is one"
    folder = Path(tempfile.mkdtemp(prefix="gpu-machine-"))
    try:
        (folder / "sitecustomize.py").write_text(GPU_MACHINE)
        run = ctx.exec(
            f'export PYTHONPATH="$PWD/{PROBE_DIR}" && python train.py > .grader/gpu.log',
            timeout=120,
            inputs={f"{PROBE_DIR}/sitecustomize.py": folder / "sitecustomize.py"},
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result = run.result
    if result.exit_code == CUDA_REQUESTED and not result.timed_out:
        message = "with a GPU present, train.py moved its work to CUDA"
        return ctx.check(name, True, message, gate=True)
    if result.ok:
        message = "with a GPU present, train.py trained on the CPU: it never used CUDA"
    else:
        tail = (result.stderr or "").strip()[-200:]
        how = "timed out" if result.timed_out else f"exited {result.exit_code}"
        message = f"with a GPU present, train.py {how} before using CUDA: {tail}"
    return ctx.check(name, False, message, gate=True)
