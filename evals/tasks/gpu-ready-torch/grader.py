"""Train on a GPU machine and on a CPU-only one, then predict with both on the CPU.

1. The GPU machine: this machine has no GPU, so a sitecustomize.py the grader stages
   (first on PYTHONPATH) plays one in a fresh sandbox. torch reports one CUDA device;
   whatever the script puts there stays on the CPU, autocast on "cuda" only sets its flags
   (CPU tensors ignore them), torch.compile wraps without compiling (its `_orig_mod.`
   state-dict keys included), and a record of the run is written at exit: CUDA placements,
   and how many of the training matmuls (grad enabled, a trainable operand) ran under a
   low-precision autocast or on fp16/bf16 tensors. `python train.py` runs to the end there,
   on the first 1,000 training rows (the GPU path's checks need no more; it stays quick).
   Gates: it placed work on CUDA (a train.py that trains on the CPU regardless fails), at
   least half its training matmuls were in mixed precision (the ticket's "mixed
   precision on the GPU"; honest AMP scores 1.0, none 0.0), and at least half the backward
   passes after fp16 matmuls started from a scaled loss (GradScaler's loss * scale, or a
   static scale): unscaled fp16 gradients underflow on a real GPU, which the stand-in,
   fp32 underneath, cannot show in the accuracy; bf16 needs no scaling. A script written
   to fool the stand-in could; it is there for the honest mistake. A script that needs
   more of CUDA than the stand-in serves (it ends the run with status 86 at CUDA's
   initialisation, or the run dies of a CUDA error that torch itself raised) is not
   charged for that: its GPU checks rest on what the record shows, and the checkpoint
   step 3 uses is the CPU run's.
   A CUDA-worded error the script raises itself is a GPU path that does not run.
2. The CPU-only machine, in a fresh sandbox with CUDA hidden: `python train.py`, then
   `python predict.py` on the hidden test rows.
3. The GPU run's checkpoint is turned into the one a real GPU would have written: its
   tensor storages are relabelled "cuda:0" inside the archive's pickle, by editing the
   pickle's tokens (`pickletools.genops`; nothing is unpickled). In a third fresh sandbox,
   CPU-only and without the workspace's own model.pt (so a predict.py that ignores
   --checkpoint cannot pass on it), predict.py loads it and predicts all the test rows.
   Then it loads a checkpoint "already saved on the cluster" (the ticket's words): the
   starter's layout ({"n_features", "n_classes", "weights"}), storages on "cuda:0",
   weights fitted by prepare.py, written here without torch; it predicts 7 test rows of
   one class alone. Gate: both runs work, the 7 get the classes those weights give them in
   eval mode (the old layout loads; a model left in train mode changes 2-5 of the 7 on
   seeds 0-15), and the GPU-trained model is accurate: at least GPU_ACCURACY_FLOOR.
   The stand-in computes in fp32, so honest GPU paths trained on those 1,000 rows score
   0.68-0.76 (seeds 0-7, 3 to 10 epochs); a GPU path that diverges (fp16 weights under
   Adam) predicts one class, 0.21-0.31.
The metric is the CPU-trained model's accuracy (all 6,000 rows, as in CI). Each stage runs
only if the gates before it passed: a failed gate zeroes the score whatever the rest
would show.
"""

import io
import pickletools
import re
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

FEATURES = ".grader/test_features.csv"
PREDICTIONS, GPU_PREDICTIONS = ".grader/predictions.csv", ".grader/gpu_predictions.csv"
FEW, FEW_PREDICTIONS = ".grader/few_parts.csv", ".grader/few_predictions.csv"
GPU_CHECKPOINT = ".grader/gpu_model.pt"
CLUSTER_CHECKPOINT = ".grader/cluster_model.pt"  # saved on the cluster by the starter
NO_CUDA = "export CUDA_VISIBLE_DEVICES=''"
GPU_MACHINE_DIR = ".grader/gpu-machine"
GPU_RECORD = f"{GPU_MACHINE_DIR}/record.json"  # where the stand-in writes its record
BEYOND_STAND_IN = 86  # the stand-in's exit status when a script needs more of CUDA
MIXED_PRECISION_SHARE = 0.5  # honest AMP: every training matmul; none: 0
# Diverged models predict one class (0.21-0.31; the majority class is 0.27-0.32 of the
# rows); honest ones 0.68-0.76, and 0.44-0.50 at the extreme of 5 steps (batches of 1024
# for 5 epochs) on the 1,000 rows. The floor sits above any one-class model.
GPU_ACCURACY_FLOOR = 0.4
# An uncaught error that names CUDA, raised inside torch (or the stand-in) under the
# stand-in, is one of its gaps: CPU-only torch raises these where a real GPU would have
# served the call. The same words in an error the script raises itself are its own failure.
CUDA_ERROR = re.compile(r"cuda|nvidia|accelerator|dummy base class", re.IGNORECASE)
COUNTS = (
    "placed_on_cuda",
    "training_matmuls",
    "low_precision_matmuls",
    "compiled",
    "fp16_backwards",
    "scaled_fp16_backwards",
)
LOSS_SCALED_SHARE = 0.5  # of fp16 backward passes; GradScaler: all, none: 0
GPU_MACHINE = r'''# Staged by the grader: this sandbox plays a machine with one GPU, on the CPU.
# torch reports one CUDA device; what the script puts there stays on the CPU. At exit the
# record of what a GPU run would have done is written to RECORD.
import atexit
import json
import os
import sys
import types

import torch
import torch.nn.functional as F
import torch.utils._device
from torch.overrides import TorchFunctionMode

RECORD = os.path.abspath(".grader/gpu-machine/record.json")
# Where an error raised counts as torch's own: its package, and this stand-in.
RAISED_BY_TORCH = (os.path.dirname(os.path.abspath(torch.__file__)) + os.sep,
                   os.path.abspath(__file__))
BEYOND_STAND_IN = 86
CPU = torch.device("cpu")
LOW_PRECISION = (torch.float16, torch.bfloat16)
MATMULS = {F.linear, F.bilinear, F.conv1d, F.conv2d, F.conv3d, torch.matmul, torch.mm,
           torch.bmm, torch.addmm, torch.baddbmm, torch.einsum, torch.Tensor.matmul,
           torch.Tensor.mm, torch.Tensor.__matmul__, torch.Tensor.__rmatmul__}
BACKWARDS = {torch.Tensor.backward, torch.autograd.backward}
MIN_LOSS_SCALE = 2.0  # GradScaler starts at 2**16; a static scale is 128 or more
record = {"placed_on_cuda": 0, "training_matmuls": 0, "low_precision_matmuls": 0,
          "compiled": 0, "fp16_backwards": 0, "scaled_fp16_backwards": 0,
          "beyond_stand_in": None, "error": None, "raised_by_torch": False}
fp16_since_backward = [False]  # an fp16 training matmul since the last backward pass


def _save_record():
    if os.environ.get("GRADER_GPU_STAND_IN") != str(os.getpid()):
        return  # a child process (a spawned DataLoader worker): the script's process reports
    try:
        os.makedirs(os.path.dirname(RECORD), exist_ok=True)
        with open(RECORD, "w") as out:
            json.dump(record, out)
    except OSError:
        pass


def _record_error(kind, error, trace, _previous=sys.excepthook):
    """The uncaught error's text, and whether torch raised it: the grader tells the
    stand-in's gaps (torch failing where a GPU would serve) from the script's own errors."""
    record["error"] = f"{kind.__name__}: {error}"[:300]
    innermost = trace
    while innermost is not None and innermost.tb_next is not None:
        innermost = innermost.tb_next
    where = os.path.abspath(innermost.tb_frame.f_code.co_filename) if innermost else ""
    record["raised_by_torch"] = where.startswith(RAISED_BY_TORCH)
    _previous(kind, error, trace)


def _beyond(what):
    """A part of CUDA the stand-in does not serve: record it and end the run."""
    def stop(*args, **kwargs):
        record["beyond_stand_in"] = what
        _save_record()
        os.write(2, f"grader's GPU stand-in: {what} is beyond it\n".encode())
        os._exit(BEYOND_STAND_IN)
    return stop


def _on_cpu(value):
    """A CUDA device (torch.device, "cuda", "cuda:N") becomes the CPU, counted."""
    if isinstance(value, torch.device):
        is_cuda = value.type == "cuda"
    else:
        is_cuda = isinstance(value, str) and (value == "cuda" or value.startswith("cuda:"))
    if is_cuda:
        record["placed_on_cuda"] += 1
        return CPU
    return value


def _low_precision_autocast(dtypes=LOW_PRECISION):
    # A script that reads the device type off a tensor (the CPU here) gets CPU autocast.
    return any(torch.is_autocast_enabled(device) and
               torch.get_autocast_dtype(device) in dtypes for device in ("cuda", "cpu"))


def _scaled(loss):
    """Whether the tensor a backward pass starts from is a loss times a scale factor: what
    GradScaler.scale returns (loss * scale), or a static scale by hand; a division (by the
    steps of gradient accumulation) may come after it."""
    node = getattr(loss, "grad_fn", None)
    for _ in range(3):
        kind = type(node).__name__
        if kind.startswith("MulBackward") and _scale_factor(node) >= MIN_LOSS_SCALE:
            return True
        if not kind.startswith(("MulBackward", "DivBackward")) or not node.next_functions:
            return False
        node = node.next_functions[0][0]
    return False


def _scale_factor(node) -> float:
    """The largest single-number factor a multiplication saved (0 when none)."""
    found = 0.0
    for name in ("_saved_other", "_saved_self"):
        try:
            factor = getattr(node, name)
            if isinstance(factor, torch.Tensor) and factor.numel() == 1:
                factor = factor.item()
            if isinstance(factor, (int, float)):
                found = max(found, abs(factor))
        except Exception:  # a factor autograd did not save
            continue
    return found


def _note_backward(args, kwargs):
    """A backward pass after fp16 training matmuls: count it, and whether its loss was scaled
    (fp16 gradients underflow without it; bf16 needs none, so bf16 passes are not counted)."""
    if not fp16_since_backward[0]:
        return
    fp16_since_backward[0] = False
    loss = args[0] if args else kwargs.get("tensors")
    if isinstance(loss, (list, tuple)):
        loss = loss[0] if loss else None
    record["fp16_backwards"] += 1
    record["scaled_fp16_backwards"] += _scaled(loss)


class GpuStandIn(TorchFunctionMode):
    """Every torch call passes here: CUDA placements go to the CPU, matmuls are counted."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func is torch.Tensor.cuda:
            record["placed_on_cuda"] += 1
            return args[0]
        if "device" in kwargs:
            kwargs["device"] = _on_cpu(kwargs["device"])
        if func is torch.Tensor.to and len(args) > 1:
            target = args[1]
            if isinstance(target, int) and not isinstance(target, bool):
                target = "cuda"  # x.to(0) is cuda:0
            args = (args[0], _on_cpu(target), *args[2:])
        if func in MATMULS and torch.is_grad_enabled():
            tensors = [a for a in args if isinstance(a, torch.Tensor)]
            if any(t.requires_grad for t in tensors):
                record["training_matmuls"] += 1
                low = any(t.dtype in LOW_PRECISION for t in tensors)
                record["low_precision_matmuls"] += low or _low_precision_autocast()
                if any(t.dtype == torch.float16 for t in tensors) or _low_precision_autocast(
                        (torch.float16,)):
                    fp16_since_backward[0] = True
        if func in BACKWARDS:
            _note_backward(args, kwargs)
        return func(*args, **kwargs)


def _default_device_on_cpu(init=torch.utils._device.DeviceContext.__init__):
    """`torch.set_default_device("cuda")` and `with torch.device("cuda"):` place on the CPU
    (their mode sits below the stand-in's, so it cannot see the device they add)."""
    def place(self, device):
        init(self, _on_cpu(device))
    return place


def _compile(model=None, **options):
    """torch.compile without compiling; a module gets the wrapper, and its key prefix."""
    if model is None:
        return lambda target: _compile(target, **options)
    record["compiled"] += 1
    if isinstance(model, torch.nn.Module):
        from torch._dynamo.eval_frame import DisableContext, OptimizedModule

        return OptimizedModule(model, DisableContext())
    return model


class _Inert:
    """A CUDA stream, event or device context that does nothing, and no time passes."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def is_capturing(self):
        return False

    def query(self):
        return True

    def elapsed_time(self, end):
        return 0.0

    def record(self, *args, **kwargs):
        return None

    synchronize = wait = wait_stream = wait_event = record


def _returning(value):
    """A new function each time: torch._dynamo refuses one object under two names."""
    return lambda *args, **kwargs: value


def _properties(device=None):
    return types.SimpleNamespace(name="NVIDIA A100-SXM4-40GB", total_memory=40 << 30,
                                 major=8, minor=0, multi_processor_count=108)


def _patch_cuda(cuda):
    cuda.is_available = _returning(True)
    cuda.device_count = _returning(1)
    cuda._lazy_init = _beyond("CUDA initialisation")
    cuda.current_device = _returning(0)
    cuda.get_device_name = _returning(_properties().name)
    cuda.get_device_properties = _properties
    cuda.get_device_capability = _returning((8, 0))
    cuda.is_bf16_supported = _returning(True)
    cuda.is_current_stream_capturing = _returning(False)
    cuda.mem_get_info = _returning((39 << 30, 40 << 30))
    cuda.memory_summary = _returning("")
    for name in ("set_device", "synchronize", "empty_cache", "ipc_collect", "manual_seed",
                 "manual_seed_all", "seed", "seed_all", "set_rng_state", "set_rng_state_all",
                 "reset_peak_memory_stats", "reset_max_memory_allocated"):
        setattr(cuda, name, _returning(None))
    for name in ("memory_allocated", "max_memory_allocated", "memory_reserved",
                 "max_memory_reserved"):
        setattr(cuda, name, _returning(0))
    for name in ("Stream", "Event", "device", "stream", "current_stream", "default_stream"):
        setattr(cuda, name, type(name, (_Inert,), {}))
    cuda.get_rng_state = lambda device="cuda": torch.get_rng_state()
    cuda.get_rng_state_all = lambda: [torch.get_rng_state()]


def _patch_accelerator(accelerator):
    accelerator.is_available = _returning(True)
    accelerator.device_count = _returning(1)
    accelerator.current_accelerator = _returning(torch.device("cuda"))
    accelerator.current_device_index = _returning(0)
    accelerator.current_stream = type("current_stream", (_Inert,), {})
    for name in ("set_device_index", "set_device_idx", "synchronize", "empty_cache"):
        setattr(accelerator, name, _returning(None))


os.environ.setdefault("GRADER_GPU_STAND_IN", str(os.getpid()))
atexit.register(_save_record)
sys.excepthook = _record_error
_patch_cuda(torch.cuda)
if hasattr(torch, "accelerator"):
    _patch_accelerator(torch.accelerator)
torch.Tensor.pin_memory = lambda self, *args, **kwargs: self  # also in DataLoader's thread
torch.compile = _compile
torch.utils._device.DeviceContext.__init__ = _default_device_on_cpu()
GpuStandIn().__enter__()
'''
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


def _pickle_text(text: str) -> bytes:
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data  # BINUNICODE


def _pickle_int(value: int) -> bytes:
    return b"J" + struct.pack("<i", value)  # BININT


def _pickle_ints(values) -> bytes:
    return b"(" + b"".join(_pickle_int(v) for v in values) + b"t" if values else b")"


def _pickle_tensor(key: str, array: np.ndarray) -> bytes:
    """torch._utils._rebuild_tensor_v2 of a CUDA storage `key` holding `array` (C order)."""
    storage = "FloatStorage" if array.dtype == np.float32 else "LongStorage"
    strides = [int(np.prod(array.shape[i + 1 :], dtype=np.int64)) for i in range(array.ndim)]
    return (
        b"ctorch._utils\n_rebuild_tensor_v2\n("
        + b"("
        + _pickle_text("storage")
        + f"ctorch\n{storage}\n".encode()
        + _pickle_text(key)
        + _pickle_text("cuda:0")
        + _pickle_int(array.size)
        + b"tQ"  # the storage's persistent id
        + _pickle_int(0)
        + _pickle_ints(array.shape)
        + _pickle_ints(strides)
        + b"\x89ccollections\nOrderedDict\n)R"  # requires_grad False, no backward hooks
        + b"tR"
    )


def cluster_checkpoint(weights: dict[str, np.ndarray], target: Path) -> None:
    """Write `weights` as the starter's train.py saved them on a GPU: a torch.save archive
    of {"n_features", "n_classes", "weights": state dict}, storages on "cuda:0". Written
    by hand (pickle protocol 2, as torch.save does) since the grader has no torch."""
    tensors = b"".join(
        _pickle_text(name) + _pickle_tensor(str(i), array)
        for i, (name, array) in enumerate(weights.items())
    )
    n_classes, n_features = weights["6.weight"].shape[0], weights["0.weight"].shape[1]
    pickle_bytes = (
        b"\x80\x02}("
        + _pickle_text("n_features")
        + _pickle_int(n_features)
        + _pickle_text("n_classes")
        + _pickle_int(n_classes)
        + _pickle_text("weights")
        + b"}("
        + tensors
        + b"uu."
    )
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        out.writestr("archive/data.pkl", pickle_bytes)
        out.writestr("archive/byteorder", "little")
        for i, array in enumerate(weights.values()):
            out.writestr(
                f"archive/data/{i}",
                np.ascontiguousarray(array).astype("<" + array.dtype.str[1:]).tobytes(),
            )
        out.writestr("archive/version", "3\n")


def _gpu_twin(ctx, run):
    """(host file holding the GPU-saved twin of run's model.pt, None) or (None, problem)."""
    raw = run.read_bytes("model.pt", "model.pt", MAX_CHECKPOINT_BYTES)  # never via a link
    if not raw.ok:
        return None, raw.check.message
    twin = ctx.staging("gpu-ckpt") / "gpu_model.pt"
    problem = to_gpu_checkpoint(io.BytesIO(raw.value), twin)
    return (None, f"model.pt: {problem}") if problem else (twin, None)


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    gpu_checks, gpu_run = _train_on_a_gpu_machine(ctx)
    if not all(check.passed for check in gpu_checks):
        return ctx.grade(None, gpu_checks)
    command = (
        f"python train.py > .grader/train.log && "
        f"python predict.py --input {FEATURES} --output {PREDICTIONS}"
    )
    cpu_run = ctx.exec(
        f"{NO_CUDA} && mkdir -p .grader && {command}",
        timeout=240,
        inputs={FEATURES: ctx.hidden / "test_features.csv"},
    )
    if gate := cpu_run.failed_gate("train and predict on CPU", f"`{command}`"):
        return ctx.grade(None, [*gpu_checks, gate])
    preds = _read_classes(cpu_run, PREDICTIONS, labels)
    if not preds.ok:
        return ctx.grade(None, [*gpu_checks, preds.check])
    cpu_accuracy = _accuracy(preds, labels)

    # The stand-in's own checkpoint when it could follow the GPU run to the end.
    checks = [*gpu_checks, preds.check]
    trained = gpu_run if gpu_run is not None else cpu_run
    gpu_preds, same = _predict_with_gpu_checkpoint(ctx, trained, labels)
    if not same.passed:
        return ctx.grade(None, [*checks, same])
    gpu_accuracy = _accuracy(gpu_preds, labels)
    accurate = ctx.check(
        "the model trained on the GPU is accurate",
        gpu_accuracy >= GPU_ACCURACY_FLOOR,
        f"accuracy {gpu_accuracy:.3f} on the hidden rows (floor {GPU_ACCURACY_FLOOR})",
        gate=True,
    )
    metrics = {"accuracy_trained_on_gpu": gpu_accuracy}
    return ctx.grade(cpu_accuracy, [*checks, same, accurate], metrics)


def _read_classes(run, rel, rows):
    return run.read_predictions(
        rel, id_column="id", columns={"defect": "number"}, expected_ids=rows["id"].tolist()
    )


def _accuracy(preds, labels) -> float:
    return float((preds.frame["defect"].to_numpy() == labels["defect"].to_numpy()).mean())


def _predict_with_gpu_checkpoint(ctx, trained, labels):
    """(predictions, gate): predict.py on a CPU-only machine with GPU-saved checkpoints: the
    twin of the one `trained` wrote, on every test row, then the one already saved on the
    cluster in the starter's layout, on 7 rows of one class alone (one run of each, so no
    extra process). The 7 must get the classes that model gives them (its running
    statistics, as in any batch): the old layout still loads, and in eval mode."""
    name = "GPU-saved checkpoints load and predict on CPU"
    twin, problem = _gpu_twin(ctx, trained)
    if problem:
        return None, ctx.check(name, False, problem, gate=True)
    cluster = ctx.staging("cluster-ckpt") / "cluster_model.pt"
    cluster_checkpoint(dict(np.load(ctx.hidden / "cluster_model.npz")), cluster)
    few = pd.read_csv(ctx.hidden / "test_few_cluster.csv")
    predict = "python predict.py --checkpoint"
    command = (
        f"{predict} {GPU_CHECKPOINT} --input {FEATURES} --output {GPU_PREDICTIONS} && "
        f"{predict} {CLUSTER_CHECKPOINT} --input {FEW} --output {FEW_PREDICTIONS}"
    )
    # The workspace's own model.pt goes first: a predict.py that ignores --checkpoint
    # and loads it would otherwise predict without reading the GPU copy.
    run = ctx.exec(
        f"{NO_CUDA} && rm -f model.pt && {command}",
        timeout=120,
        inputs={
            FEATURES: ctx.hidden / "test_features.csv",
            FEW: ctx.hidden / "test_few.csv",
            GPU_CHECKPOINT: twin,
            CLUSTER_CHECKPOINT: cluster,
        },
    )
    if gate := run.failed_gate(name, f"`{command}`"):
        return None, gate
    full = _read_classes(run, GPU_PREDICTIONS, labels)
    alone = _read_classes(run, FEW_PREDICTIONS, few)
    if not (full.ok and alone.ok):
        return None, full.check if not full.ok else alone.check
    differ = int((alone.frame["defect"].to_numpy() != few["defect"].to_numpy()).sum())
    message = (
        f"the cluster's checkpoint (the starter's layout) gave {differ} of {len(few)} rows "
        "predicted alone another class than its weights give them"
        if differ
        else f"both loaded on CPU; the cluster's checkpoint gave {len(few)} rows alone the "
        "classes its weights give them"
    )
    return full, ctx.check(name, differ == 0, message, gate=True)


def _train_on_a_gpu_machine(ctx):
    """([gates], the run whose model.pt is the GPU checkpoint, or None) from train.py on the
    GPU stand-in (see the docstring). None: the stand-in could not follow the run."""
    stand_in = ctx.staging("gpu-machine") / "sitecustomize.py"
    stand_in.write_text(GPU_MACHINE)
    run = ctx.exec(
        f'rm -f model.pt && export PYTHONPATH="$PWD/{GPU_MACHINE_DIR}" && '
        f"python train.py > .grader/gpu.log",
        timeout=120,
        inputs={
            f"{GPU_MACHINE_DIR}/sitecustomize.py": stand_in,
            "data/train.csv": ctx.hidden / "gpu_train.csv",
        },
    )
    name = "train.py uses the GPU when there is one"
    result, record = run.result, _gpu_record(ctx, run)
    if result.timed_out:
        return [ctx.check(name, False, "with a GPU present, train.py timed out", gate=True)], None
    if record is None:
        message = f"with a GPU present, train.py left no record of its run: {_tail(result)}"
        return [ctx.check(name, False, message, gate=True)], None
    beyond = _beyond_stand_in(result, record)
    if record["placed_on_cuda"] == 0 and not beyond:
        how = "trained on the CPU" if result.ok else f"exited {result.exit_code}: {_tail(result)}"
        message = f"with a GPU present, train.py never used CUDA: it {how}"
        return [ctx.check(name, False, message, gate=True)], None
    if not (result.ok or beyond):
        message = f"with a GPU present, train.py exited {result.exit_code}: {_tail(result)}"
        return [ctx.check(name, False, message, gate=True)], None
    used = ctx.check(name, True, "with a GPU present, train.py moved its work to CUDA", gate=True)
    checks = [used, _mixed_precision(ctx, record, beyond), _loss_scaling(ctx, record)]
    return checks, None if beyond else run


def _gpu_record(ctx, run) -> dict | None:
    """The stand-in's counts (and texts), or None when the run left no readable record."""
    read = run.read_json(GPU_RECORD)
    counts = ctx.numbers(read.value, COUNTS) if isinstance(read.value, dict) else None
    if counts is None:
        return None
    texts = {key: read.value.get(key) for key in ("beyond_stand_in", "error")}
    texts = {key: value for key, value in texts.items() if isinstance(value, str)}
    return {**counts, **texts, "raised_by_torch": read.value.get("raised_by_torch") is True}


def _beyond_stand_in(result, record) -> str | None:
    """What the run needed of CUDA that the stand-in does not serve, if that ended it."""
    if result.exit_code == BEYOND_STAND_IN and record.get("beyond_stand_in"):
        return record["beyond_stand_in"]
    error = record.get("error")
    if not result.ok and error and record["raised_by_torch"] and CUDA_ERROR.search(error):
        return error
    return None


def _mixed_precision(ctx, record, beyond):
    """Gate: on the GPU, most training matmuls ran in fp16/bf16 (autocast or tensors)."""
    name = "train.py trains in mixed precision on the GPU"
    total, low = record["training_matmuls"], record["low_precision_matmuls"]
    if beyond and not total:
        message = f"not observed: the run needed more of CUDA than the grader serves ({beyond})"
        return ctx.check(name, True, message, gate=True)
    share = low / total if total else 0.0
    message = f"{low:.0f} of {total:.0f} training matmuls on the GPU ran in fp16 or bf16"
    return ctx.check(name, total > 0 and share >= MIXED_PRECISION_SHARE, message, gate=True)


def _loss_scaling(ctx, record):
    """Gate: fp16 training scales its loss before the backward pass (GradScaler or a static
    scale), as the starter does: unscaled fp16 gradients underflow to zero on a real GPU,
    which the stand-in (fp32 underneath) cannot show in the accuracy. bf16 needs none."""
    name = "fp16 training scales the loss"
    total, scaled = record["fp16_backwards"], record["scaled_fp16_backwards"]
    if not total:
        message = "no backward pass after fp16 matmuls (bf16 or fp32)"
        return ctx.check(name, True, message, gate=True)
    message = f"{scaled:.0f} of {total:.0f} backward passes after fp16 matmuls had a scaled loss"
    return ctx.check(name, scaled >= LOSS_SCALED_SHARE * total, message, gate=True)


def _tail(result) -> str:
    return (result.stderr or "").strip()[-200:]
