"""Retrain with the agent's train.py, predict the hidden test rows with its predict.py.

Both run in one fresh sandbox on a copy of the workspace: the grader copies the hidden
features in, and reads the predictions back as a table. Accuracy on the hidden labels is
the metric; a crash, a missing row or a non-integer fault code is a failed gate.

Two more deliverables are graded as gates, because the ticket names them:
- the validation accuracy train.py prints (its last `val accuracy X` line) must be the
  truth: within VAL_TOLERANCE of the accuracy the saved model reaches on the hidden rows
  (1500 validation and 2000 test rows: the difference has a standard error of ~0.015),
  so a validation pass left in training mode (0.59 against 0.74) fails;
- predict.py on a second, small batch (50 of the same rows, one machine's readings) must
  give those rows the faults it gave them in the full batch: predictions must not depend
  on the batch, as they do when predict.py re-standardises each file.

Two of the starter's bugs can be hidden rather than fixed: other settings (Adam, more
epochs, less dropout) bring a model with its Softmax still before CrossEntropyLoss, or one
whose gradients are never cleared, to the oracle's accuracy (0.70-0.74). So the retrain
runs under a watcher the grader stages as sitecustomize.py (first on PYTHONPATH, for
train.py only; it costs no extra run), which records how train.py trains, whatever its
optimiser: the training calls of cross-entropy or log-softmax whose input rows were
already probabilities, and the gradients added to a non-zero .grad left from before the
parameter's last update. Gates: each in at most MAX_FAULTY_SHARE of what was watched
(honest loops: 0; the faults: all but the first step). A script written to fool the
watcher could; it is there for the honest mistake.
"""

import json
import re

import numpy as np
import pandas as pd

FEATURES = ".grader/test_features.csv"
PREDICTIONS = ".grader/predictions.csv"
SMALL, SMALL_PREDICTIONS = ".grader/small_features.csv", ".grader/small_predictions.csv"
VAL_TOLERANCE = 0.06
MAX_LOG_BYTES = 16 << 20  # what train.py prints; a per-batch log stays far below
PRINTED = re.compile(r"val accuracy\s*[:=]?\s*([0-9]*\.?[0-9]+)")
WATCH_DIR = ".grader/watch"
WATCH_RECORD = f"{WATCH_DIR}/record.jsonl"  # where the watcher appends its counts
WATCHED = ("loss_calls", "probability_inputs", "gradients", "stale_gradients")
MAX_FAULTY_SHARE = 0.1  # honest loops: 0; a fault left in: every step but the first
WATCHER = r'''# Staged by the grader: watches how train.py trains, whatever its optimiser or epochs.
# At exit each process that trained appends one JSON line to RECORD:
# - loss_calls / probability_inputs: training calls of a loss that applies log-softmax
#   itself (cross_entropy, log_softmax), and those whose input rows were already
#   probabilities (non-negative, summing to 1): a softmax applied twice;
# - gradients / stale_gradients: gradients accumulated into a parameter's .grad, and those
#   added to a non-zero .grad left from before the parameter last changed: gradients
#   never cleared between updates.
import atexit
import json
import os
import weakref

import torch
import torch.nn.functional as F
from torch.utils.hooks import unserializable_hook

RECORD = os.path.abspath(".grader/watch/record.jsonl")
MAIN = str(os.getpid())
WATCHED_GRADIENTS = 200  # per parameter: two epochs of the starter's batches
record = {"loss_calls": 0, "probability_inputs": 0, "gradients": 0, "stale_gradients": 0}
watched = {}  # id(parameter) -> (weak reference, state): hooked once each


def _save_record():
    if os.environ.get("GRADER_WATCH") != MAIN and not any(record.values()):
        return  # a child process that trained nothing (a DataLoader worker)
    try:
        fd = os.open(RECORD, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(fd, (json.dumps(record) + "\n").encode())
        os.close(fd)
    except OSError:
        pass


def _note_input(x, dim):
    """Count a training call of a log-softmax loss, and whether x held probabilities."""
    if not (isinstance(x, torch.Tensor) and x.requires_grad and torch.is_grad_enabled()):
        return
    if not isinstance(dim, int) or x.dim() < 2 or not x.is_floating_point() or not x.numel():
        return
    try:  # never break the script: an input torch refuses fails in torch's call after
        with torch.no_grad():
            x = x.detach()
            sums = x.sum(dim)
            probabilities = bool(x.min() >= -1e-6) and bool(((sums - 1).abs() <= 1e-3).all())
    except Exception:
        return
    record["loss_calls"] += 1
    record["probability_inputs"] += probabilities


def _watch_cross_entropy(cross_entropy):
    def watched_cross_entropy(input, *args, **kwargs):
        _note_input(input, 1)  # the class dimension
        return cross_entropy(input, *args, **kwargs)

    return watched_cross_entropy


def _watch_log_softmax(log_softmax):
    def watched_log_softmax(input, *args, **kwargs):
        _note_input(input, args[0] if args else kwargs.get("dim"))
        return log_softmax(input, *args, **kwargs)

    return watched_log_softmax


def _before_accumulating(ref, state):
    """A hook on a parameter's gradient, run before it is added to .grad."""

    @unserializable_hook
    def hook(grad):
        parameter = ref()
        if parameter is None:
            return None
        try:  # never break the backward pass (a sparse or odd gradient is not counted)
            with torch.no_grad():
                checksum = float(parameter.detach().sum(dtype=torch.float64))
                left = parameter.grad
                stale = left is not None and bool(left.any())
        except Exception:
            return None
        moved = state["checksum"] is not None and checksum != state["checksum"]
        record["gradients"] += 1
        record["stale_gradients"] += moved and stale
        state["checksum"] = checksum
        state["seen"] += 1
        if state["seen"] >= WATCHED_GRADIENTS:
            state["handle"].remove()  # the habit shows in the first steps; spare the rest
        return None

    return hook


def _watch_parameters(module, args):
    """Global forward pre-hook: hook every trainable parameter the first time it is used."""
    for parameter in module._parameters.values():
        if parameter is None or not parameter.requires_grad:
            continue
        entry = watched.get(id(parameter))
        if entry is not None and entry[0]() is parameter:
            continue
        ref, state = weakref.ref(parameter), {"checksum": None, "seen": 0}
        watched[id(parameter)] = (ref, state)
        state["handle"] = parameter.register_hook(_before_accumulating(ref, state))


os.environ.setdefault("GRADER_WATCH", MAIN)
atexit.register(_save_record)
F.cross_entropy = _watch_cross_entropy(F.cross_entropy)
torch.log_softmax = _watch_log_softmax(torch.log_softmax)
torch.Tensor.log_softmax = _watch_log_softmax(torch.Tensor.log_softmax)
torch.nn.modules.module.register_module_forward_pre_hook(_watch_parameters)
'''


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    watcher = ctx.staging("watch") / "sitecustomize.py"
    watcher.write_text(WATCHER)
    run = ctx.exec(
        f'PYTHONPATH="$PWD/{WATCH_DIR}" python3 train.py > .grader/train.log && '
        f"python3 predict.py --input {FEATURES} --output {PREDICTIONS} && "
        f"python3 predict.py --input {SMALL} --output {SMALL_PREDICTIONS}",
        timeout=240,
        inputs={
            FEATURES: ctx.hidden / "test_features.csv",
            SMALL: ctx.hidden / "small_features.csv",
            f"{WATCH_DIR}/sitecustomize.py": watcher,
        },
    )
    if gate := run.failed_gate(
        "train and predict", "`python3 train.py && python3 predict.py` (x2)"
    ):
        return ctx.grade(None, [gate])
    preds = run.read_predictions(
        PREDICTIONS,
        id_column="id",
        columns={"fault": "number"},
        expected_ids=labels["id"].tolist(),
    )
    if not preds.ok:
        return ctx.grade(None, [preds.check])
    predicted = preds.frame["fault"].to_numpy()
    accuracy = float((predicted == labels["fault"].to_numpy()).mean())
    checks = [
        preds.check,
        *_training_checks(ctx, run),
        _printed_check(ctx, run, accuracy),
        _batch_check(ctx, run, preds),
    ]
    return ctx.grade(accuracy, checks)


def _printed_check(ctx, run, accuracy):
    """Gate: the last validation accuracy train.py printed is close to the true accuracy."""
    log = run.read_bytes(".grader/train.log", "train.log", MAX_LOG_BYTES)  # never via a link
    if not log.ok:
        return ctx.check("printed validation accuracy true", False, log.check.message, gate=True)
    text = log.value.decode("utf-8", errors="replace")[-20000:]
    found = PRINTED.findall(text)
    if not found:
        return ctx.check("printed validation accuracy true", False,
                         "train.py printed no `val accuracy X` line", gate=True)  # fmt: skip
    printed = float(found[-1])
    printed = printed / 100 if printed > 1 else printed  # a percentage
    ok = abs(printed - accuracy) <= VAL_TOLERANCE
    message = f"printed {printed:.3f}; the saved model scores {accuracy:.3f} on hidden rows"
    return ctx.check("printed validation accuracy true", ok, message, gate=True)


def _batch_check(ctx, run, full):
    """Gate: the small batch's rows get the faults they got in the full batch."""
    ids = pd.read_csv(ctx.hidden / "small_features.csv", usecols=["id"])["id"].tolist()
    small = run.read_predictions(
        SMALL_PREDICTIONS,
        id_column="id",
        columns={"fault": "number"},
        expected_ids=ids,
        name="small batch predictions valid",
    )
    if not small.ok:
        return small.check
    before = full.frame.loc[[str(i) for i in ids], "fault"].to_numpy()  # indexed by str id
    changed = int(np.sum(small.frame["fault"].to_numpy() != before))
    return ctx.check(
        "predictions independent of the batch",
        changed <= 1,  # one flip allowed for a float tie; re-standardising changes dozens
        f"{changed} of {len(ids)} rows changed fault between the full and a small batch",
        gate=True,
    )


def _training_checks(ctx, run):
    """Gates: train.py fed the loss logits and cleared gradients between updates (see the
    docstring), from the watcher's counts summed over the processes that trained."""
    counts = _watched_counts(ctx, run)
    names = ("the loss is given logits, not probabilities", "gradients cleared between updates")
    if counts is None:
        message = "train.py's run left no record of its training (did it exit early?)"
        return [ctx.check(name, False, message, gate=True) for name in names]
    calls, probabilities = counts["loss_calls"], counts["probability_inputs"]
    gradients, stale = counts["gradients"], counts["stale_gradients"]
    return [
        ctx.check(
            names[0],
            probabilities <= MAX_FAULTY_SHARE * calls,
            f"{probabilities:.0f} of {calls:.0f} training calls of cross-entropy or "
            "log-softmax got rows that were already probabilities (softmax applied twice)",
            gate=True,
        ),
        ctx.check(
            names[1],
            stale <= MAX_FAULTY_SHARE * gradients,
            f"{stale:.0f} of {gradients:.0f} watched gradients were added to the gradient "
            "of an earlier update (gradients never cleared)",
            gate=True,
        ),
    ]


def _watched_counts(ctx, run) -> dict | None:
    """The watcher's counts summed over its lines, or None when it left no valid line."""
    log = run.read_bytes(WATCH_RECORD, "watch record", MAX_LOG_BYTES)  # never via a link
    if not log.ok:
        return None
    totals, found = dict.fromkeys(WATCHED, 0.0), False
    for line in log.value.decode("utf-8", errors="replace").splitlines():
        try:
            counts = ctx.numbers(json.loads(line), WATCHED)
        except (ValueError, RecursionError):
            counts = None
        if isinstance(counts, dict):
            found = True
            totals = {key: totals[key] + counts[key] for key in WATCHED}
    return totals if found else None
