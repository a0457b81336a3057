"""Run the agent's predict.py on a hidden production batch, twice, in fresh sandboxes.

Gates: predict.py exists, exits 0 within the time limit on each batch, and writes one
finite price per input row (ids matched, no extras); a row's price must not depend on
which other rows share its batch (a second, small batch holds some of the same rows in
another order and column layout). The metric is the mean absolute error of log price
on the hidden labels: prices are judged relative to the car's value.

The ticket asks for the training code too: a code file must name train.csv and a file it
saved (a gate, read as text before anything runs; `ctx.producing_code`), and `python
train.py`, rerun once on an export with every price PRICE_SCALE times higher, must rebuild
what predict.py loads (a gate, see `_rebuilt`; a red team's model was fitted by a
throwaway script and the train.py left beside it imported a library that is not installed).

The nightly job runs on a copy of the workspace without data/ (the instruction says so),
so every run here deletes data/ first: a predict.py that retrains from train.csv on each
call, or reads anything else from data/, fails instead of passing as a "predictor".

The nightly job's copy lives wherever the job puts it, so the second batch runs from the
workspace moved to another folder (the sandbox's own /tmp), with nothing left where it
was: a predict.py that loads its model by the absolute path it was trained in, or from
the current directory only by accident, fails instead of passing on the one path seen.
"""

import numpy as np
import pandas as pd

COMMAND = "rm -rf data && python predict.py --input {src} --output {dst}"
# The same from a folder the workspace was moved to; only the predictions come back.
MOVED = (
    'shopt -s dotglob && ws="$PWD" && nightly="$(mktemp -d)/nightly" && rm -rf data'
    ' && mkdir "$nightly" && mv "$ws"/* "$nightly"/ && mkdir -p "$ws/incoming"'
    ' && cd "$nightly" && python predict.py --input {src} --output {dst}'
    ' && cp {dst} "$ws/{dst}"'
)
TIMEOUT = 60.0
TRAIN_TIMEOUT = 180.0  # the ticket's three minutes for python train.py
# python train.py on the rescaled export (prices times PRICE_SCALE, columns reordered; see
# prepare.py), then predict.py on the big batch without data/, as the nightly job runs it.
REBUILD = "python train.py > /dev/null && " + COMMAND
PRICE_SCALE = 1.5  # prepare.PRICE_SCALE
REBUILT_WITHIN = 0.1  # |log price - log(PRICE_SCALE x shipped price)| of a rebuilt row
REBUILT_AGREEMENT = 0.8  # share of the batch's rows the rebuilt model must price so


def _run(ctx, name, ids, moved=False):
    """Run predict.py on hidden/<name>; (aligned predictions or None, failed-check or None).
    `moved`: from the workspace moved to another folder (see the module docstring)."""
    src, dst = f"incoming/{name}", f"incoming/{name}.preds.csv"
    command = (MOVED if moved else COMMAND).format(src=src, dst=dst)
    run = ctx.exec(command, timeout=TIMEOUT, inputs={src: ctx.hidden / name})
    label = f"predict.py on a batch of {len(ids)} rows"
    if moved:
        label += ", run from the workspace moved to another folder"
    if gate := run.failed_gate(f"predict.py ran on {name}", label):
        return None, gate
    preds = run.read_predictions(
        dst,
        id_column="listing_id",
        columns={"price": "number"},
        expected_ids=ids,
        name=f"{name} predictions valid",
    )
    if not preds.ok:
        return None, preds.check
    if (preds.frame["price"] <= 0).any():
        bad = int((preds.frame["price"] <= 0).sum())
        return None, ctx.check(f"{name} predictions valid", False, f"{bad} prices <= 0", gate=True)
    return preds.frame["price"], None


def _rebuilt(ctx, shipped):
    """Does train.py make what predict.py loads? Rerun it on the export whose prices are
    all PRICE_SCALE times higher (its columns in another order, which the ticket allows),
    then predict.py on the big batch: a rebuilt model prices each listing PRICE_SCALE
    times the shipped model's price (log-price models exactly; trees on raw price too,
    their splits unchanged), one train.py did not make keeps its old prices, off by
    log(PRICE_SCALE) = 0.41 everywhere."""
    name = "train.py rebuilds the model predict.py loads"
    src, dst = "incoming/batch.csv", "incoming/batch.csv.rebuilt.csv"
    run = ctx.exec(
        REBUILD.format(src=src, dst=dst),
        timeout=TRAIN_TIMEOUT + TIMEOUT,
        inputs={"data/train.csv": ctx.hidden / "rescaled_train.csv", src: ctx.hidden / "batch.csv"},
    )
    if gate := run.failed_gate(name, "python train.py, then predict.py,"):
        return gate
    preds = run.read_predictions(
        dst,
        id_column="listing_id",
        columns={"price": "number"},
        expected_ids=shipped.index.tolist(),
        name=name,
    )
    if not preds.ok:
        return preds.check
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.abs(np.log(preds.frame["price"].to_numpy() / (PRICE_SCALE * shipped.to_numpy())))
    agreement = float(np.mean(off <= REBUILT_WITHIN))  # NaN (a price <= 0) counts as off
    message = (
        f"after python train.py on an export with every price x{PRICE_SCALE}, predict.py "
        f"priced {agreement:.0%} of the batch within {REBUILT_WITHIN} in log of "
        f"{PRICE_SCALE} x the shipped model's price (at least {REBUILT_AGREEMENT:.0%}; "
        f"median log gap {np.nanmedian(off):.3f})"
    )
    return ctx.check(name, agreement >= REBUILT_AGREEMENT, message, gate=True)


def grade(ctx):
    if not ctx.is_file("predict.py"):
        return ctx.fail("predict.py present", "predict.py not found in the workspace root")
    code = ctx.producing_code("train.csv", name="training code present")
    if not code.passed:
        return ctx.grade(None, [code])
    labels = pd.read_csv(ctx.hidden / "batch_labels.csv", dtype={"listing_id": str})
    small_ids = pd.read_csv(ctx.hidden / "small_batch.csv", dtype={"listing_id": str})[
        "listing_id"
    ].tolist()
    full, problem = _run(ctx, "batch.csv", labels["listing_id"].tolist())
    if problem:
        return ctx.grade(None, [code, problem])
    small, problem = _run(ctx, "small_batch.csv", small_ids, moved=True)
    if problem:
        return ctx.grade(None, [code, problem])

    a, b = full.loc[small_ids].to_numpy(), small.to_numpy()
    worst = float(np.max(np.abs(a - b) / np.abs(a)))
    stable = ctx.check(
        "row predictions independent of the batch",
        worst <= 1e-6,
        f"largest relative change of a row's price between two batches: {worst:.2g}",
        gate=True,
    )
    truth = labels.set_index("listing_id")["price"].loc[full.index].to_numpy()
    male = float(np.mean(np.abs(np.log(full.to_numpy()) - np.log(truth))))
    ran = ctx.check("predict.py ran on both batches", True, f"{len(full)} and {len(small)} rows")
    checks = [code, ran, stable]
    if stable.passed:  # the costly rerun: no gate failed
        checks.append(_rebuilt(ctx, full))
    return ctx.grade(male, checks)
