"""Retrain with the agent's train.py, predict the hidden test rows with its predict.py.

Both run in one fresh sandbox on a copy of the workspace: the grader copies the hidden
features in, and reads the predictions back as a table. Accuracy on the hidden labels is
the metric; a crash, a missing row or a non-integer fault code is a failed gate.

Two more deliverables are graded as gates, because the ticket names them:
- the validation accuracy train.py prints (its last `val accuracy X` line) must be the
  truth: within VAL_TOLERANCE of the accuracy the saved model reaches on the hidden rows
  (1500 validation and 2000 test rows: the difference has a standard error of ~0.015),
  so a validation pass left in training mode (0.59 against 0.74) fails;
- predict.py on a second, small batch (50 of the same rows, one machine's readings), and
  on a single row (the ticket's smallest READINGS.csv; a loader without ndmin=2 crashes
  on it), must give those rows the faults it gave them in the full batch: predictions
  must not depend on the batch, as they do when predict.py re-standardises each file.

Two of the starter's bugs can be hidden rather than fixed: other settings (Adam, more
epochs, less dropout) bring a model with its Softmax still before CrossEntropyLoss, or one
whose gradients are never cleared, to the oracle's accuracy (0.70-0.74). So the retrain
runs under a watcher the grader stages as sitecustomize.py (first on PYTHONPATH, for
train.py only; it costs no extra run), which records how train.py trains, whatever its
optimiser: the training calls of cross-entropy or log-softmax whose input rows were
already probabilities, the gradients added to a non-zero .grad left from before the
parameter's last update, and the optimizer steps whose forward ran with every dropout and
batch-norm layer in eval mode (a model.train() left above the epoch loop, undone by the
first validation pass: ~3 points of accuracy, so the metric alone lets it through). Gates:
each in at most MAX_FAULTY_SHARE of what was watched (honest loops: 0; the faults: all
but the first step or epoch). It also fingerprints the rows the model itself is given
(exact float32 bits): those it trained on, and those it was given with grad off or in eval
mode once training had begun. Gate: at least MIN_HELD_OUT_ROWS of the latter had not been
trained on, so the printed validation accuracy can come from held-out rows; a script that
trains on every row and validates on rows it trained on holds out none (its printed
accuracy was 0.045 high, inside VAL_TOLERANCE, which honest noise keeps that wide).
A script written to fool the watcher could; it is there for the honest mistake.
"""

import json
import re

import numpy as np
import pandas as pd

FEATURES = ".grader/test_features.csv"
PREDICTIONS = ".grader/predictions.csv"
SMALL, SMALL_PREDICTIONS = ".grader/small_features.csv", ".grader/small_predictions.csv"
ONE, ONE_PREDICTION = ".grader/one_row.csv", ".grader/one_prediction.csv"
VAL_TOLERANCE = 0.06
MAX_LOG_BYTES = 16 << 20  # what train.py prints; a per-batch log stays far below
PRINTED = re.compile(r"val accuracy\s*[:=]?\s*([0-9]*\.?[0-9]+)")
WATCH_DIR = ".grader/watch"
WATCH_RECORD = f"{WATCH_DIR}/record.jsonl"  # where the watcher appends its counts
WATCHED = (
    "loss_calls",
    "probability_inputs",
    "gradients",
    "stale_gradients",
    "steps",
    "eval_mode_steps",
    "evaluated_rows",
    "held_out_rows",
)
MAX_FAULTY_SHARE = 0.1  # honest loops: 0; a fault left in: every step but the first
# Rows a validation pass must hold out of training: the starter's split holds out 1,500 (a
# 5% split 375); a pass on rows it trained on holds out none.
MIN_HELD_OUT_ROWS = 100
WATCHER = r'''# Staged by the grader: watches how train.py trains, whatever its optimiser or epochs.
# At exit each process that trained appends one JSON line to RECORD:
# - loss_calls / probability_inputs: training calls of a loss that applies log-softmax
#   itself (cross_entropy, log_softmax), and those whose input rows were already
#   probabilities (non-negative, summing to 1): a softmax applied twice;
# - gradients / stale_gradients: gradients accumulated into a parameter's .grad, and those
#   added to a non-zero .grad left from before the parameter last changed: gradients
#   never cleared between updates;
# - steps / eval_mode_steps: optimizer steps after grad-enabled forwards through dropout or
#   batch-norm layers, and those whose such forwards all ran in eval mode: training with
#   dropout off and batch-norm frozen (a model.train() that never comes back);
# - evaluated_rows / held_out_rows: distinct rows given to the model (its outermost module)
#   with grad off or in eval mode once training had begun, and those among them it had not
#   trained on by then: a validation pass on rows it trained on holds out none.
import atexit
import json
import os
import weakref

import torch
import torch.nn.functional as F
from torch.optim.optimizer import register_optimizer_step_pre_hook
from torch.utils.hooks import unserializable_hook

RECORD = os.path.abspath(".grader/watch/record.jsonl")
MAIN = str(os.getpid())
WATCHED_GRADIENTS = 200  # per parameter: two epochs of the starter's batches
record = {"loss_calls": 0, "probability_inputs": 0, "gradients": 0, "stale_gradients": 0,
          "steps": 0, "eval_mode_steps": 0, "evaluated_rows": 0, "held_out_rows": 0}
MAX_ROWS = 1_000_000  # fingerprints kept per set (augmented rows are all new)
trained_rows, evaluated_rows, held_out_rows = set(), set(), set()
depth = [0]  # nesting of module forwards: 0 is the model itself
# Layers whose forward differs between train and eval mode (every Dropout and BatchNorm).
MODE_SENSITIVE = (torch.nn.modules.dropout._DropoutNd, torch.nn.modules.batchnorm._BatchNorm)
modes_since_step = set()  # "train" / "eval": the modes of those layers' grad-enabled forwards
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
    """Global forward pre-hook: note a mode-sensitive layer's mode in a grad-enabled forward,
    and hook every trainable parameter the first time it is used."""
    if isinstance(module, MODE_SENSITIVE) and torch.is_grad_enabled():
        modes_since_step.add("train" if module.training else "eval")
    for parameter in module._parameters.values():
        if parameter is None or not parameter.requires_grad:
            continue
        entry = watched.get(id(parameter))
        if entry is not None and entry[0]() is parameter:
            continue
        ref, state = weakref.ref(parameter), {"checksum": None, "seen": 0}
        watched[id(parameter)] = (ref, state)
        state["handle"] = parameter.register_hook(_before_accumulating(ref, state))


def _fingerprints(x):
    """Exact per-row fingerprints of a 2-D float batch (its float32 bits), batch-independent."""
    bits = x.detach().to("cpu", torch.float32).contiguous().view(torch.int32).to(torch.int64)
    weights = torch.arange(1, bits.shape[1] + 1, dtype=torch.int64) * 0x9E3779B1 + 0x7F4A7C15
    return (bits * weights).sum(1).tolist()  # int64 wrap-around: still exact and cheap


def _note_rows(module, args):
    """The model's own forward (no module around it): which rows it trained or evaluated on."""
    x = args[0] if args else None
    if not (isinstance(x, torch.Tensor) and x.dim() == 2 and x.is_floating_point()):
        return
    try:
        rows = _fingerprints(x)
    except Exception:
        return
    if torch.is_grad_enabled() and module.training:
        if len(trained_rows) < MAX_ROWS:
            trained_rows.update(rows)
    elif trained_rows and len(evaluated_rows) < MAX_ROWS:  # evaluations once training began
        evaluated_rows.update(rows)
        held_out_rows.update(row for row in rows if row not in trained_rows)
        record["evaluated_rows"], record["held_out_rows"] = len(evaluated_rows), len(held_out_rows)


def _enter(module, args):
    if depth[0] == 0:
        _note_rows(module, args)
    depth[0] += 1


def _leave(module, args, output):
    depth[0] = max(0, depth[0] - 1)


def _count_step(optimizer, args, kwargs):
    """Global optimizer step pre-hook: was the step's forward in train mode? A validation
    pass in eval mode with grad enabled is fine when the step's own forward was in train."""
    if modes_since_step:
        record["steps"] += 1
        record["eval_mode_steps"] += modes_since_step == {"eval"}
    modes_since_step.clear()


os.environ.setdefault("GRADER_WATCH", MAIN)
atexit.register(_save_record)
F.cross_entropy = _watch_cross_entropy(F.cross_entropy)
torch.log_softmax = _watch_log_softmax(torch.log_softmax)
torch.Tensor.log_softmax = _watch_log_softmax(torch.Tensor.log_softmax)
torch.nn.modules.module.register_module_forward_pre_hook(_watch_parameters)
register_optimizer_step_pre_hook(_count_step)
torch.nn.modules.module.register_module_forward_pre_hook(_enter)
torch.nn.modules.module.register_module_forward_hook(_leave, always_call=True)
'''


def grade(ctx):
    labels = pd.read_csv(ctx.hidden / "test_labels.csv")
    watcher = ctx.staging("watch") / "sitecustomize.py"
    watcher.write_text(WATCHER)
    one_row = _one_row_file(ctx)
    run = ctx.exec(
        f'PYTHONPATH="$PWD/{WATCH_DIR}" python3 train.py > .grader/train.log && '
        f"python3 predict.py --input {FEATURES} --output {PREDICTIONS} && "
        f"python3 predict.py --input {SMALL} --output {SMALL_PREDICTIONS} && "
        f"python3 predict.py --input {ONE} --output {ONE_PREDICTION}",
        timeout=240,
        inputs={
            FEATURES: ctx.hidden / "test_features.csv",
            SMALL: ctx.hidden / "small_features.csv",
            ONE: one_row,
            f"{WATCH_DIR}/sitecustomize.py": watcher,
        },
    )
    if gate := run.failed_gate(
        "train and predict", "`python3 train.py && python3 predict.py` (x3: 2000, 50, 1 rows)"
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


def _one_row_file(ctx):
    """A READINGS.csv of one row (the first hidden test row, as written): the smallest batch
    the ticket allows, which a loader that drops a dimension on one row cannot read."""
    lines = (ctx.hidden / "test_features.csv").read_text().splitlines()
    path = ctx.staging("one-row") / "one_row.csv"
    path.write_text("\n".join(lines[:2]) + "\n")
    return path


def _batch_check(ctx, run, full):
    """Gate: the small batch's rows, and the one row alone, get the faults they got in the
    full batch."""
    changed, total = 0, 0
    for rel, features, rows, name in (
        (SMALL_PREDICTIONS, "small_features.csv", None, "small batch predictions valid"),
        (ONE_PREDICTION, "test_features.csv", 1, "one-row prediction valid"),
    ):
        ids = pd.read_csv(ctx.hidden / features, usecols=["id"], nrows=rows)["id"].tolist()
        batch = run.read_predictions(
            rel, id_column="id", columns={"fault": "number"}, expected_ids=ids, name=name
        )
        if not batch.ok:
            return batch.check
        before = full.frame.loc[[str(i) for i in ids], "fault"].to_numpy()  # indexed by str id
        changed += int(np.sum(batch.frame["fault"].to_numpy() != before))
        total += len(ids)
    return ctx.check(
        "predictions independent of the batch",
        changed <= 1,  # one flip allowed for a float tie; re-standardising changes dozens
        f"{changed} of {total} rows changed fault between the full batch and a batch of "
        "50 rows or of one row alone",
        gate=True,
    )


def _training_checks(ctx, run):
    """Gates: train.py fed the loss logits and cleared gradients between updates (see the
    docstring), from the watcher's counts summed over the processes that trained."""
    counts = _watched_counts(ctx, run)
    names = (
        "the loss is given logits, not probabilities",
        "gradients cleared between updates",
        "trains in train mode",
        "validation rows held out of training",
    )
    if counts is None:
        message = "train.py's run left no record of its training (did it exit early?)"
        return [ctx.check(name, False, message, gate=True) for name in names]
    calls, probabilities = counts["loss_calls"], counts["probability_inputs"]
    gradients, stale = counts["gradients"], counts["stale_gradients"]
    steps, eval_steps = counts["steps"], counts["eval_mode_steps"]
    evaluated, held_out = counts["evaluated_rows"], counts["held_out_rows"]
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
        ctx.check(
            names[2],
            eval_steps <= MAX_FAULTY_SHARE * steps,
            f"{eval_steps:.0f} of {steps:.0f} optimizer steps trained with dropout and "
            "batch-norm in eval mode",
            gate=True,
        ),
        ctx.check(
            names[3],
            not evaluated or held_out >= MIN_HELD_OUT_ROWS,
            f"{held_out:.0f} of {evaluated:.0f} distinct rows evaluated once training began "
            "had not been trained on (validation needs rows held out of training)",
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
