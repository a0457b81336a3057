"""Rerun the agent's train.py, one run per sandbox, and judge the raw outputs here.

Each run is its own `ctx.exec` (a fresh sandbox on a fresh copy of the workspace), so no
run can see or touch another's outputs, and no grader script runs beside agent code:
  a: --seed S                     b: --seed S again                (same seed twice)
  c: --seed S --stop-after-epoch K  ->  d: --resume c's folder      (pre-empted, finished)
  c2: like c, on the refreshed export  ->  d2: --resume c2's folder, on the original data
                                      e: --resume c's folder, on the refreshed export
  x: --seed S + OTHER_SEED_STEP, watched, ended by the watcher after X_BATCHES batches
The refreshed export is the nightly one the ticket describes: the same training rows in
another order, with a few readings corrected (same row count). d, d2 and e get no --seed
and only the stopped run's folder, copied in. d must equal a bit for bit. d2 must not: its
first K epochs trained on other data, so a "resume" that quietly retrains from scratch
(and so equals a) is caught. e must not either: its last epochs train on the refreshed
export, so a resume that trains on a copy of the data kept in the checkpoint (and so
equals a) is caught. Corrected values, not only a new order, make both hold for every
honest trainer: one that sorts the rows into a canonical order trains identically on a
reordering and could not otherwise be told from a retrain or a copy.

Outputs alone cannot show how train.py trains (every output is a deterministic function of
the seed and the data, whatever order the batches came in), so runs a and x run under a
watcher the grader stages as sitecustomize.py (first on PYTHONPATH; see WATCHER): it
records, as they happen, a key for the set of rows of each training batch (the input of
an outermost forward in training mode with gradients on) and each training loss. Gates
on what it saw, never on what train.py reports: no batch of run a repeats an earlier one
(each epoch draws a new order, as the ticket's kept reshuffling does; one order reused
every epoch repeats them all); metrics.json's train_loss is the mean of run a's watched
last-epoch losses; x's first batches are not those of a's first epoch (a seed that leaves
the data order unchanged). A run that left no record fails its gate: unknown is not clean.

The runs go in rounds. First two lanes (one per core): a and c in one, c2 and d2 in the
other; they decide the first gates. Then d, e and x in three lanes, only if no gate failed:
a failed gate zeroes the score whatever the rest would show, and each run costs a torch
start-up per grading of every such train.py (the starter's included). Then b, only if d
differs from a and the second round's gates passed: d equal to a bit for bit already shows that the
same seed gives identical results in other processes (c and d, started from --seed S,
reproduced a), which b could only confirm.

The grader hashes each weights.pt itself (torch.save writes a zip archive; its data/N
records hold the raw tensor bytes and data.pkl the names, dtypes and shapes: hashing those
identifies the weights without unpickling anything), and computes the accuracy itself
from run a's predictions on the hidden scoring batch, whose labels never enter a sandbox.

metric = fraction of four checks: same seed gives identical weights / identical metrics;
the resumed run gives weights / metrics identical to the uninterrupted one (only if the
pre-empted run really stopped after epoch K). Gates: run a succeeds with the required
outputs; its predictions clear a sanity bar (a run that "reproduces" by not learning is
not a fix); a resume continues the stopped run rather than restarting (d2) and trains on
the files as they are when it resumes (e); the three watched gates above. After a failed
gate the metric is not measured (None): the runs after it do not start.
"""

import hashlib
import io
import json
import threading
import zipfile
import zlib

import pandas as pd

SEED_OFFSET = 17  # reruns use seed 17 + instance seed
# Not the instruction's example (6 epochs, stop after 2): the property, on another run
# length and a pre-emption epoch that moves with the seed. Four epochs also keep the six
# reruns short (a grading is most of this task's `tasks check` time).
EPOCHS, STOP_CHOICES = 4, (2, 3, 1)
KEYS = ("epoch", "train_loss", "val_loss", "val_accuracy")
MIN_ACCURACY = 0.75  # the starter's model reaches 0.82-0.87 on the hidden batch
RUN_TIMEOUT = 150  # seconds per run: torch alone takes seconds to import on a busy machine
MAX_ARCHIVE = 64 * 2**20  # the model's weights are ~30 KB
# The watcher (see WATCHER) in runs a and x. x uses another seed: not a small multiple of a
# round number, so an honest per-epoch seed such as seed + 1000 * epoch cannot give x's
# first epoch the order of one of a's epochs.
WATCH_DIR, WATCH_RECORD = ".grader-watch", ".grader-watch/record.jsonl"
OTHER_SEED_STEP = 7331
X_BATCHES = 8  # x's watcher ends the run after this many batches: only its order is read
MAX_RECORD = 8 * 2**20  # four epochs of 75 batches write ~25 KB
MAX_REPEATED_SHARE = 0.1  # honest reshuffling: 0 (seeds 0-4); one order reused: 0.75
MAX_SAME_ORDER_SHARE = 0.25  # x's first batches in a's first epoch; honest 0, seed-free 1
LOSS_TOLERANCE = 1e-3  # relative; honest: float rounding (<1e-7); the eval-mode loss: ~20%
WATCHER = r'''# Staged by the grader as sitecustomize.py: records how train.py trains, as it
# happens, one JSON line per event (a run that dies mid-way keeps what it did):
#   {"batch": key, "rows": n}  the input of an outermost forward of a module with parameters,
#       in training mode with gradients on; key names the SET of the batch's rows (their
#       values; order within the batch ignored), so a batch trained on again has the same key;
#   {"loss": mean, "rows": n}  a cross-entropy or NLL loss, after such a forward, on an input
#       that needs gradients: its mean over the batch's n rows.
# It draws no random number and changes no tensor: a watched run trains bit for bit as an
# unwatched one. With GRADER_WATCH_BATCHES=N it ends the process after N batches.
import hashlib
import json
import os

import torch
import torch.nn.functional as F

RECORD = os.path.abspath(".grader-watch/record.jsonl")
QUANTUM = 1e4  # the data has 4 decimals: rounding makes a row's key exact, not float noise
STOP_AFTER = int(os.environ.get("GRADER_WATCH_BATCHES") or 0)
state = {"depth": 0, "training": False, "fd": None, "batches": 0}


def _write(event):
    try:
        if state["fd"] is None:
            state["fd"] = os.open(RECORD, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(state["fd"], (json.dumps(event) + "\n").encode())
    except OSError:
        pass


def _batch_key(x):
    """A name for the set of rows in x: integer row keys, sorted, hashed."""
    with torch.no_grad():
        rows = torch.round(x.detach().reshape(len(x), -1).double() * QUANTUM).long()
        weights = (torch.arange(rows.shape[1]) * 2654435761 + 97531) % 2**31 + 1
        keys = torch.sort((rows * weights).sum(1)).values.tolist()
    return hashlib.blake2b(str(keys).encode(), digest_size=8).hexdigest()


def _before_forward(module, args):
    state["depth"] += 1
    if state["depth"] != 1 or next(module.parameters(), None) is None:
        return  # an inner layer, or a module without parameters (a loss, an activation)
    state["training"] = module.training and torch.is_grad_enabled()
    x = args[0] if args else None
    if not (state["training"] and isinstance(x, torch.Tensor) and x.dim() and len(x)):
        return
    try:
        _write({"batch": _batch_key(x), "rows": len(x)})
    except Exception:
        return  # never break the script
    state["batches"] += 1
    if state["batches"] == STOP_AFTER:
        os._exit(0)


def _after_forward(module, args, output):
    state["depth"] = max(state["depth"] - 1, 0)


def _note_loss(input, loss, reduction):
    if not (state["training"] and torch.is_grad_enabled() and isinstance(input, torch.Tensor)):
        return
    if not (input.requires_grad and input.dim()):
        return
    try:
        with torch.no_grad():
            rows = len(input) if input.dim() > 1 else 1
            value = loss.detach().double()
            if reduction == "none":
                value = value.mean()
            elif reduction == "sum":
                value = value / rows
            _write({"loss": float(value), "rows": rows})
    except Exception:
        pass


def _watch_loss(loss_function):
    def watched(input, target, *args, **kwargs):
        loss = loss_function(input, target, *args, **kwargs)
        _note_loss(input, loss, kwargs.get("reduction", "mean"))
        return loss

    return watched


F.cross_entropy = _watch_loss(F.cross_entropy)
F.nll_loss = _watch_loss(F.nll_loss)
torch.nn.modules.module.register_module_forward_pre_hook(_before_forward)
torch.nn.modules.module.register_module_forward_hook(_after_forward, always_call=True)
'''


def weights_hash(data: bytes) -> str | None:
    """sha256 over a torch.save archive's records (names and bytes), or None if it is not
    one. The archive's top folder name is cosmetic and .data/serialization_id is
    bookkeeping, so both are left out."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_ARCHIVE:
                return None
            digest = hashlib.sha256()
            records = {i.filename.partition("/")[2]: i for i in infos}
            for name in sorted(records):
                if name and not name.endswith("serialization_id"):
                    digest.update(name.encode() + b"\0" + archive.read(records[name]) + b"\0")
            return digest.hexdigest()
    # RuntimeError: an encrypted member; zlib.error: deflate data that is not
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError, zlib.error):  # fmt: skip
        return None


class Runs:
    """The reruns: each in its own sandbox, two lanes at a time (one per core)."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.seed = SEED_OFFSET + ctx.seed
        self.stop_after = stop_after(ctx)
        self.score_input = {"data/score.csv": ctx.hidden / "score.csv"}
        self.refreshed = {"data/train.csv": ctx.hidden / "train_refreshed.csv"}
        self.full = f"--seed {self.seed} --epochs {EPOCHS}"
        self.stop = f"{self.full} --stop-after-epoch {self.stop_after}"
        self.resume = f"--epochs {EPOCHS} --resume .grader-runs/from"
        self.other_seed = f"--seed {self.seed + OTHER_SEED_STEP} --epochs {EPOCHS}"
        self.watcher = ctx.staging("watch") / "sitecustomize.py"
        self.watcher.write_text(WATCHER)
        self.done: dict = {}

    def run(self, name: str, args: str, inputs: dict | None = None, watch: str = ""):
        """Run train.py with `args` as run `name`; with `watch` (environment assignments,
        or " "), under the watcher, whose record a planted file cannot pre-fill."""
        command = f"python train.py {args} --out .grader-runs/{name}"
        inputs = {**self.score_input, **(inputs or {})}
        shell = command
        if watch:
            inputs[f"{WATCH_DIR}/sitecustomize.py"] = self.watcher
            shell = f'rm -f {WATCH_RECORD} && PYTHONPATH="$PWD/{WATCH_DIR}"{watch}{command}'
        run = self.ctx.exec(shell, timeout=RUN_TIMEOUT, inputs=inputs)
        self.done[name] = (command, run)
        return run

    def resume_from(self, stopped: str, resumed: str, inputs: dict | None = None) -> None:
        """Run `resumed` from `stopped`'s folder, only if that run really stopped after
        epoch K (nothing reads the resume otherwise), on the original data unless `inputs`
        swaps a file in."""
        if not _stopped(self.ctx, self.done, stopped):
            carried = self.done[stopped][1].output(f".grader-runs/{stopped}")
            self.run(resumed, self.resume, {".grader-runs/from": carried, **(inputs or {})})

    def first_round(self) -> dict:
        """a and c (pre-empted) in one lane, c2 -> d2 in the other: what the gates need."""

        def lane_one() -> None:
            self.run("a", self.full, watch=" ")
            self.run("c", self.stop)

        def lane_two() -> None:
            self.run("c2", self.stop, self.refreshed)
            self.resume_from("c2", "d2")

        return self._lanes(lane_one, lane_two)

    def resumed(self) -> dict:
        """c resumed twice, d on the original data, e on the refreshed export, and x: the
        first batches of a run with another seed (see `_order_from_seed`). Three lanes:
        e and x cost CPU, not wall time (d would run alone otherwise); x is ended by the
        watcher after X_BATCHES batches, so it costs little more than a torch start-up."""
        watch = f" GRADER_WATCH_BATCHES={X_BATCHES} OMP_NUM_THREADS=1 "
        return self._lanes(
            lambda: self.resume_from("c", "d"),
            lambda: self.resume_from("c", "e", self.refreshed),
            lambda: self.run("x", f"{self.other_seed} --stop-after-epoch 1", watch=watch),
        )

    def same_seed_again(self) -> dict:
        """b: the uninterrupted run again, with the same seed."""
        self.run("b", self.full)
        return self.done

    def _lanes(self, *lanes) -> dict:
        faults: list[Exception] = []

        def guarded(lane) -> None:
            try:
                lane()
            except Exception as exc:  # a WorkspaceFault: re-raised in the grading thread
                faults.append(exc)

        threads = [threading.Thread(target=guarded, args=(lane,)) for lane in lanes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if faults:  # lost in its thread, the fault would leave runs unstarted and unexplained
            raise faults[0]
        return self.done


def _outcome(ctx, runs: dict, name: str, weights: bool = True) -> tuple[dict | None, str]:
    """(facts about run `name`, why it failed or ""): its metrics and weights hash."""
    if name not in runs:
        return None, f"run {name} did not start (the run it resumes from failed)"
    command, run = runs[name]
    if gate := run.failed_gate(name, f"`{command}`"):
        return None, gate.message
    data, _ = run.read_json(f".grader-runs/{name}/metrics.json", "metrics")
    facts = {"command": command, "metrics": ctx.numbers(data, KEYS), "run": run}
    if weights:
        raw = run.read_bytes(f".grader-runs/{name}/weights.pt", "weights", MAX_ARCHIVE)
        facts["weights"] = weights_hash(raw.value) if raw.ok else None
        if facts["weights"] is None:
            return None, f"`{command}`: no weights.pt saved with torch.save"
    return facts, ""


def _compare(ctx, reference: dict, other: dict | None, problem: str, what: str) -> list:
    """Two checks: `other` has the same weights, and the same metrics, as `reference`."""
    if other is None:
        return [ctx.check(f"{what}: identical {k}", False, problem) for k in ("weights", "metrics")]
    same = reference["weights"] == other["weights"]
    pair = reference["weights"][:12], other["weights"][:12]
    same_weights = ctx.check(
        f"{what}: identical weights",
        same,
        "identical" if same else f"sha256 {pair[0]} vs {pair[1]}",
    )
    metrics = other["metrics"]
    if metrics is None:
        message = f"metrics.json lacks finite numbers for {', '.join(KEYS)}"
    else:
        want = reference["metrics"]
        differ = {k: [want[k], metrics[k]] for k in KEYS if want[k] != metrics[k]}
        message = f"differ (uninterrupted, this run): {differ}" if differ else "identical"
    same_metrics = ctx.check(f"{what}: identical metrics", metrics == reference["metrics"], message)
    return [same_weights, same_metrics]


def stop_after(ctx) -> int:
    """The epoch after which the grader's pre-empted runs stop, on this seed."""
    return STOP_CHOICES[ctx.seed % len(STOP_CHOICES)]


def _stopped(ctx, runs: dict, name: str) -> str:
    """Why run `name` is not a run stopped after epoch K (`stop_after`), or ""."""
    facts, problem = _outcome(ctx, runs, name, weights=False)
    if facts is None:
        return problem
    metrics = facts["metrics"]
    if metrics is None or metrics["epoch"] != stop_after(ctx):
        epoch = "no epoch" if metrics is None else f"epoch {metrics['epoch']:g}"
        return f"`{facts['command']}` left metrics.json with {epoch}, not {stop_after(ctx)}"
    return ""


def _accuracy(ctx, run) -> tuple[float | None, object]:
    labels = pd.read_csv(ctx.hidden / "score_labels.csv")
    preds = run.read_predictions(
        ".grader-runs/a/predictions.csv",
        id_column="id",
        columns={"label": "label"},
        expected_ids=labels["id"].tolist(),
        name="predictions.csv",
    )
    if not preds.ok:
        return None, preds.check
    truth = labels["label"].astype(str).to_numpy()
    predicted = preds.frame["label"].astype(str).str.strip().to_numpy()
    return float((predicted == truth).mean()), preds.check


def grade(ctx):
    if not ctx.is_file("train.py"):
        return ctx.fail("train.py runs", "train.py not found in the workspace root")
    reruns = Runs(ctx)
    runs = reruns.first_round()
    reference, problem = _outcome(ctx, runs, "a")
    if reference is None:
        return ctx.fail("train.py runs", problem)
    if reference["metrics"] is None:
        return ctx.fail("metrics.json", f"run a's metrics.json lacks finite {', '.join(KEYS)}")
    accuracy, readable = _accuracy(ctx, reference["run"])
    if accuracy is None:
        return ctx.grade(None, [readable])
    learns = ctx.check(
        "model learns",
        accuracy >= MIN_ACCURACY,
        f"accuracy {accuracy:.3f} of run a's predictions on the hidden batch "
        f"(sanity bar {MIN_ACCURACY})",
        gate=True,
    )
    watched = _watched(reference["run"])
    first_gates = [
        learns,
        _continues(ctx, runs, reference),
        _new_order_every_epoch(ctx, watched),
        _train_loss_is_epoch_mean(ctx, watched, reference["metrics"]),
    ]
    if not all(gate.passed for gate in first_gates):
        skipped = ctx.check(
            "same seed twice; pre-empted and resumed",
            False,
            "not run: a failed gate makes the score 0 whatever they show",
        )
        return ctx.grade(None, [readable, *first_gates, skipped], {"accuracy": accuracy})
    runs = reruns.resumed()
    gates = [
        *first_gates,
        _trains_on_todays_files(ctx, runs, reference),
        _order_from_seed(ctx, watched, _watched(runs["x"][1])),
    ]
    if not all(gate.passed for gate in gates):
        skipped = ctx.check(
            "same seed twice; pre-empted and resumed",
            False,
            "not scored: a failed gate makes the score 0 whatever they show",
        )
        return ctx.grade(None, [readable, *gates, skipped], {"accuracy": accuracy})
    stop_problem = _stopped(ctx, runs, "c")
    d, problem_d = _outcome(ctx, runs, "d") if not stop_problem else (None, stop_problem)
    resumed = _compare(ctx, reference, d, problem_d, "pre-empted and resumed")
    if all(check.passed for check in resumed):
        shown = "shown by c then d: two other processes from the same seed reproduced a"
        same_seed = [
            ctx.check(f"same seed twice: identical {what}", True, shown)
            for what in ("weights", "metrics")
        ]
    else:
        runs = reruns.same_seed_again()
        b, problem_b = _outcome(ctx, runs, "b")
        same_seed = _compare(ctx, reference, b, problem_b, "same seed twice")
    fraction = sum(c.passed for c in same_seed + resumed) / 4
    checks = [readable, *same_seed, *resumed, *gates]
    return ctx.grade(fraction, checks, {"accuracy": accuracy})


def _continues(ctx, runs: dict, reference: dict):
    """The gate for a resume on refreshed data: it must run, and must not equal run a."""
    return _differs_from_a(
        ctx, runs, reference, "resume continues the stopped run",
        stopped=("c2", "pre-empted run on refreshed data"),
        resumed=("d2", "resume after a data refresh"),
        verdicts=(
            "the resumed run equals a fresh run on today's data: it retrained from scratch "
            "instead of continuing from the checkpoint",
            "the resumed run continued from its checkpoint",
        ),
    )  # fmt: skip


def _trains_on_todays_files(ctx, runs: dict, reference: dict):
    """The gate for the data a resume trains on: c resumed on the refreshed export (e)
    must run, and must not equal run a (which never saw that export)."""
    return _differs_from_a(
        ctx, runs, reference, "resume trains on the files as they are",
        stopped=("c", "pre-empted run"),
        resumed=("e", "resume on a refreshed export"),
        verdicts=(
            "resumed on a refreshed export, the run still equals the uninterrupted one on "
            "the original data: the epochs after the resume did not train on data/ as it was",
            "the epochs after the resume trained on the refreshed export",
        ),
    )  # fmt: skip


def _differs_from_a(ctx, runs, reference, name, *, stopped, resumed, verdicts):
    """A gate on one resume: the (run, what) `stopped` really stopped, the (run, what)
    `resumed` ran, and its weights differ from run a's; `verdicts` say (equal, differ)."""
    if problem := _stopped(ctx, runs, stopped[0]):
        return ctx.check(name, False, f"{stopped[1]}: {problem}", gate=True)
    facts, problem = _outcome(ctx, runs, resumed[0])
    if facts is None:
        return ctx.check(name, False, f"{resumed[1]}: {problem}", gate=True)
    equal = facts["weights"] == reference["weights"]
    return ctx.check(name, not equal, verdicts[0] if equal else verdicts[1], gate=True)


def _watched(run) -> tuple[list, list]:
    """What the watcher recorded in `run`: batches [(key, rows)] and training losses
    [(mean, rows, batches before it)], in order; lines that are not its events are
    skipped, and a run without a record has neither."""
    batches: list = []
    losses: list = []
    record = run.read_bytes(WATCH_RECORD, "watch record", MAX_RECORD)  # never via a link
    lines = record.value.decode("utf-8", errors="replace").splitlines() if record.ok else []
    for line in lines:
        try:
            event = json.loads(line)
            rows = int(event["rows"])
            if "batch" in event:
                batches.append((str(event["batch"]), rows))
            elif "loss" in event:
                losses.append((float(event["loss"]), rows, len(batches)))
        except (ValueError, TypeError, KeyError, RecursionError):
            continue
    return batches, losses


UNWATCHED = (
    "{run} left no record of training batches: the grader watches the input of each "
    "outermost forward of the model in training mode with gradients on"
)


def _new_order_every_epoch(ctx, watched):
    """Gate: the per-epoch reshuffling is kept. Each epoch of an honest run draws a new
    order, so no batch (a set of rows) is trained on twice; one order reused every epoch
    (shuffled once, or the generator re-seeded with --seed each epoch) repeats them all.
    The same batch twice in a row (a second forward of one batch) is not a repeat."""
    name = "each epoch draws a new data order"
    batches = watched[0]
    if not batches:
        return ctx.check(name, False, UNWATCHED.format(run="run a"), gate=True)
    seen, repeated, previous = set(), 0, None
    for key, _ in batches:
        repeated += key in seen and key != previous
        seen.add(key)
        previous = key
    share = repeated / len(batches)
    message = (
        f"{repeated} of run a's {len(batches)} training batches repeat an earlier batch's "
        f"rows (at most {MAX_REPEATED_SHARE:.0%}: the order is reshuffled every epoch)"
    )
    return ctx.check(name, share <= MAX_REPEATED_SHARE, message, gate=True)


def _last_epoch_losses(ctx, watched) -> list:
    """The watched losses of run a's last epoch: those after the last batches whose rows
    add up to one pass over the training rows."""
    batches, losses = watched
    rows = len(pd.read_csv(ctx.hidden / "train_refreshed.csv"))  # as many as train.csv
    start, covered = len(batches), 0
    while start > 0 and covered < rows:
        start -= 1
        covered += batches[start][1]
    return [(mean, n) for mean, n, before in losses if before > start]


def _train_loss_is_epoch_mean(ctx, watched, metrics: dict):
    """Gate: metrics.json's train_loss is what the ticket defines, the mean training loss
    over the final epoch, as the watcher saw the losses train.py trained on (weighted by
    batch size as the starter does, or a plain mean of the batch losses): never a
    number the agent's code reports about itself, such as the end-of-epoch model's loss."""
    name = "train_loss is the final epoch's mean training loss"
    last = _last_epoch_losses(ctx, watched)
    if not last:
        message = "run a left no record of training losses (cross-entropy or NLL on the batches)"
        return ctx.check(name, False, message, gate=True)
    weighted = sum(mean * n for mean, n in last) / sum(n for _, n in last)
    plain = sum(mean for mean, _ in last) / len(last)
    reported = metrics["train_loss"]
    close = any(
        abs(reported - watched_mean) <= LOSS_TOLERANCE * abs(watched_mean) + 1e-9
        for watched_mean in (weighted, plain)
    )
    message = (
        f"run a's metrics.json says {reported:.6g}; the mean of its last epoch's "
        f"{len(last)} watched batch losses is {weighted:.6g}"
    )
    return ctx.check(name, close, message, gate=True)


def _order_from_seed(ctx, watched_a, watched_x):
    """Gate: the data order is derived from --seed, as everything random must be. x starts
    from another seed: its first batches must not be among run a's first epoch (a shuffle
    seeded by the epoch number alone gives both the same order)."""
    name = "the data order comes from --seed"
    first_x = [key for key, _ in watched_x[0]][:X_BATCHES]
    if not first_x:
        return ctx.check(name, False, UNWATCHED.format(run="run x (another seed)"), gate=True)
    batches_a = watched_a[0]
    first_epoch_a = {key for key, _ in batches_a[: -(-len(batches_a) // EPOCHS)]}
    same = sum(key in first_epoch_a for key in first_x)
    message = (
        f"{same} of the first {len(first_x)} batches of a run with seed "
        f"{OTHER_SEED_STEP} higher were also batches of run a's first epoch"
    )
    return ctx.check(name, same <= MAX_SAME_ORDER_SHARE * len(first_x), message, gate=True)
