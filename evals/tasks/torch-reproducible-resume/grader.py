"""Rerun the agent's train.py and check that it is reproducible and resumable.

All runs happen in one sandbox through `rerun.py` (copied in): the same seed twice, and a
run pre-empted after epoch K then resumed from its checkpoint. The hidden test split is
copied over data/val.csv so the accuracy the runs report is on rows the agent never saw.
The grader reads back only data: the report (exit codes, weight hashes) and metrics.json.

metric = fraction of four checks: same seed gives identical weights / identical metrics;
the resumed run gives weights / metrics identical to the uninterrupted one (only if the
pre-empted run really stopped after epoch K). Gates: the first run succeeds with the
required metrics, and its accuracy clears a sanity bar (a run that "reproduces" by not
learning is not a fix).
"""

from mlskills.grading.predictions import finite_number, read_json

SEED_OFFSET, EPOCHS, STOP_AFTER = 17, 6, 2  # reruns use seed 17 + instance seed
KEYS = ("epoch", "train_loss", "val_loss", "val_accuracy")
MIN_ACCURACY = 0.75  # the starter's model reaches 0.82-0.87 on the hidden split


def _metrics(workdir, name):
    """Run `name`'s metrics.json as {key: float} for KEYS, or None if unusable."""
    data, _ = read_json(workdir / f".grader/{name}/metrics.json", workdir, "metrics")
    values = {key: finite_number(data, key) for key in KEYS}
    return None if None in values.values() else values


def _failure(report, name, weights=True):
    """Why run `name` failed (or, with `weights`, left no usable weights.pt), or None."""
    entry = report.get(name)
    if not isinstance(entry, dict):
        return f"run {name} did not start (the run it resumes from failed)"
    if entry["exit_code"] != 0:
        return f"`{entry['command']}` exited {entry['exit_code']}: {entry['stderr_tail'][-300:]}"
    if weights and len(entry["weights_sha256"]) != 64:
        return f"`{entry['command']}`: weights.pt {entry['weights_sha256']} (use torch.save)"
    return None


def _stop_problem(report, workdir):
    """Why the pre-empted run c is not a run stopped after epoch STOP_AFTER, or None."""
    if problem := _failure(report, "c", weights=False):
        return problem
    metrics = _metrics(workdir, "c")
    if metrics is None or metrics["epoch"] != STOP_AFTER:
        epoch = "no epoch" if metrics is None else f"epoch {metrics['epoch']:g}"
        return f"`{report['c']['command']}` left metrics.json with {epoch}, not {STOP_AFTER}"
    return None


def _compare(ctx, report, workdir, reference, name, what, problem=None):
    """Two checks: run `name` has the same weights, and the same metrics, as run a."""
    problem = problem or _failure(report, name)
    if problem:
        return [ctx.check(f"{what}: identical {k}", False, problem) for k in ("weights", "metrics")]
    hashes = report["a"]["weights_sha256"], report[name]["weights_sha256"]
    same_weights = ctx.check(
        f"{what}: identical weights",
        hashes[0] == hashes[1],
        "identical" if hashes[0] == hashes[1] else f"sha256 {hashes[0][:12]} vs {hashes[1][:12]}",
    )
    metrics = _metrics(workdir, name)
    if metrics is None:
        message = f"run {name}'s metrics.json lacks finite numbers for {', '.join(KEYS)}"
    else:
        differ = {k: [reference[k], metrics[k]] for k in KEYS if reference[k] != metrics[k]}
        message = f"differ (run a, run {name}): {differ}" if differ else "identical"
    same_metrics = ctx.check(f"{what}: identical metrics", metrics == reference, message)
    return [same_weights, same_metrics]


def grade(ctx):
    run = ctx.exec(
        f"python3 .grader/rerun.py {SEED_OFFSET + ctx.seed} {EPOCHS} {STOP_AFTER}",
        timeout=200,
        inputs={
            ".grader/rerun.py": ctx.task.path / "rerun.py",
            "data/val.csv": ctx.hidden / "test.csv",
        },
    )
    report, readable = read_json(run.path(".grader/report.json"), run.workdir, "reruns")
    if not readable.passed or not isinstance(report, dict):
        tail = (run.result.stderr or "")[-300:]
        return ctx.fail("reruns completed", f"the grader's reruns did not finish: {tail}")

    if problem := _failure(report, "a"):
        return ctx.fail("train.py runs", problem)
    reference = _metrics(run.workdir, "a")
    if reference is None:
        return ctx.fail("metrics.json", f"run a's metrics.json lacks finite {', '.join(KEYS)}")
    accuracy = reference["val_accuracy"]
    learns = ctx.check(
        "model learns",
        accuracy >= MIN_ACCURACY,
        f"val_accuracy {accuracy:.3f} on held-out rows (sanity bar {MIN_ACCURACY})",
        gate=True,
    )
    same_seed = _compare(ctx, report, run.workdir, reference, "b", "same seed twice")
    resumed = _compare(
        ctx,
        report,
        run.workdir,
        reference,
        "d",
        f"stopped after epoch {STOP_AFTER} and resumed",
        problem=_stop_problem(report, run.workdir),
    )
    fraction = sum(c.passed for c in same_seed + resumed) / 4
    return ctx.grade(fraction, [learns, *same_seed, *resumed], {"val_accuracy": accuracy})
