"""Rerun the agent's train.py, one run per sandbox, and judge the raw outputs here.

Each run is its own `ctx.exec` (a fresh sandbox on a fresh copy of the workspace), so no
run can see or touch another's outputs, and no grader script runs beside agent code:
  a: --seed S                     b: --seed S again                (same seed twice)
  c: --seed S --stop-after-epoch K  ->  d: --resume c's folder      (pre-empted, finished)
  c2: like c, on the refreshed export  ->  d2: --resume c2's folder, on the original data
                                      e: --resume c's folder, on the refreshed export
The refreshed export is the nightly one the ticket describes: the same training rows in
another order, with a few readings corrected (same row count). d, d2 and e get no --seed
and only the stopped run's folder, copied in. d must equal a bit for bit. d2 must not: its
first K epochs trained on other data, so a "resume" that quietly retrains from scratch
(and so equals a) is caught. e must not either: its last epochs train on the refreshed
export, so a resume that trains on a copy of the data kept in the checkpoint (and so
equals a) is caught. Corrected values, not only a new order, make both hold for every
honest trainer: one that sorts the rows into a canonical order trains identically on a
reordering and could not otherwise be told from a retrain or a copy.

The runs go in rounds. First two lanes (one per core): a and c in one, c2 and d2 in the
other; they decide the first gates. Then d and e in two lanes, only if no gate failed: a
failed gate zeroes the score whatever the rest would show, and each run costs a torch
start-up per grading of every such train.py (the starter's included). Then b, only if d
differs from a and e passed its gate: d equal to a bit for bit already shows that the
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
the files as they are when it resumes (e). After a failed gate the metric is not measured
(None): the runs after it do not start.
"""

import hashlib
import io
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
        self.done: dict = {}

    def run(self, name: str, args: str, inputs: dict | None = None):
        command = f"python train.py {args} --out .grader-runs/{name}"
        run = self.ctx.exec(
            command, timeout=RUN_TIMEOUT, inputs={**self.score_input, **(inputs or {})}
        )
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
            self.run("a", self.full)
            self.run("c", self.stop)

        def lane_two() -> None:
            self.run("c2", self.stop, self.refreshed)
            self.resume_from("c2", "d2")

        return self._lanes(lane_one, lane_two)

    def resumed(self) -> dict:
        """c resumed twice, in two lanes: d on the original data, e on the refreshed export
        (the extra run costs CPU, not wall time: d would run alone otherwise)."""
        return self._lanes(
            lambda: self.resume_from("c", "d"),
            lambda: self.resume_from("c", "e", self.refreshed),
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
    continues = _continues(ctx, runs, reference)
    if not (learns.passed and continues.passed):
        skipped = ctx.check(
            "same seed twice; pre-empted and resumed",
            False,
            "not run: a failed gate makes the score 0 whatever they show",
        )
        return ctx.grade(None, [readable, learns, continues, skipped], {"accuracy": accuracy})
    runs = reruns.resumed()
    todays_files = _trains_on_todays_files(ctx, runs, reference)
    if not todays_files.passed:
        skipped = ctx.check(
            "same seed twice; pre-empted and resumed",
            False,
            "not scored: a failed gate makes the score 0 whatever they show",
        )
        checks = [readable, learns, continues, todays_files, skipped]
        return ctx.grade(None, checks, {"accuracy": accuracy})
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
    checks = [readable, learns, *same_seed, *resumed, continues, todays_files]
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
