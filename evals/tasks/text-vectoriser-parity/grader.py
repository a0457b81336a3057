"""Run the agent's predict.py on hidden tickets from new forms, twice, in fresh sandboxes.

Gates: predict.py exists, exits 0 within the time limit on each batch and writes one known
queue and a confidence in [0, 1] per ticket. In both runs `data/train.csv` is replaced by
an export whose queues are shuffled, as the ticket says `data/` on the serving machine is
not the training set: a predictor that refits at serving time scores like chance. A
ticket's queue and confidence must not depend on the batch (a second, small batch repeats
some tickets in another order and column layout): refitting the vectoriser, or just its
IDF weights, on the incoming batch changes them.

Nor may it refit from a copy of the training tickets kept anywhere else in the workspace
(a red team's predict.py refit from model/training_tickets.csv and passed): before the
serving runs a `find` (no agent code) lists the workspace, and every file the grader can
read as data that holds at least MIN_LABELS ticket texts and MIN_LABELS queue names as
fields of their own (CSV, TSV, JSON, JSON lines, a Python literal, any of them gzip/bz2/xz-
compressed or zipped; numpy string arrays in .npy/.npz) has those fields permuted among
themselves in the serving copies. Counts per queue stay, the link between a ticket and its
queue goes: a model applied as saved is untouched, a refit from the copy routes like
chance. A file of queues without texts is left alone (nothing to refit on, and a table of
per-queue word weights looks like one). A pickled copy (joblib, pickle) is beyond this:
the grader never unpickles an agent's file.

The ticket asks for the training code too: a code file must name data's train.csv and a
file it saved (a gate, read as text; `ctx.producing_code`), and `python train.py`, rerun
once on an export whose queues are renamed by a derangement, must rebuild what predict.py
loads: predict.py then has to route at least RETRAINED_AGREEMENT of the big batch to the
renamed queue of the shipped model's routing (a red team's broken train.py next to a
model fitted by a throwaway script passed the text gate). Deterministic honest training
agrees 1.0, an unseeded random forest 0.94-0.96; the shipped model left in place agrees
0, since no queue keeps its name, and models of another family 0.73-0.92.

The confidence is what sends a ticket to a human dispatcher, so it must rank: over the
big batch, ROC AUC of the confidence for "routed right" at least CONFIDENCE_AUC (honest
probabilities, naive Bayes' included, measured 0.75-0.85; a constant, as a linear SVM
without probabilities gets, is 0.5 and passed before). A gate: a confidence that cannot
tell a sure routing from a guess is a missing deliverable, and as a weighted check it
would have lowered the macro-F1 a pass needs.

The metric is macro-F1 on the big batch. Half of the score is whether the reported
`validation_macro_f1` lies within the window HONEST of it: the batch comes from forms that
are not in the training data, and tickets of one form are near-duplicates, so a random
split of the training rows reports ~0.99 against ~0.85 (measured). The window leans low:
an honest estimate held out by form trains each fold on 80-90% of the forms, and the
router learns from every new form, so it runs ~0.045 below the batch on average (the
oracle -0.047 and -0.044 on seeds 11 and 12; a red team's 5-fold and 10-fold GroupKFold
-0.086 and -0.097 on seed 12, where the batch's ~200 forms add their own +-0.025; an
unseeded random forest's GroupKFold -0.121 on seed 11, hence -0.15). The harm the ticket
names is the flattering number, so above the batch the bound stays tight.
"""

import bz2
import gzip
import io
import lzma
import re
import zipfile
import zlib

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, roc_auc_score

COMMAND = "python predict.py --input {src} --output {dst}"
TIMEOUT = 60.0
TRAIN_TIMEOUT = 180.0  # the ticket's three minutes for python train.py
HONEST = (-0.15, 0.06)  # allowed reported minus measured macro-F1
CONFIDENCE_AUC = 0.6
RETRAINED_AGREEMENT = 0.8  # share of the batch the rebuilt model routes like the shipped one
QUEUES = ["network", "printing", "email", "account_access", "hardware", "software"]

# A copy of the training tickets: one file (an archive counts as one) that holds at
# least MIN_LABELS ticket texts and MIN_LABELS queue names as fields of their own. The
# training set holds ~2400 of each; a model's class list or a per-queue config holds 6
# names and no texts, and a table of per-queue word weights holds no ticket texts.
MIN_LABELS = 50
# A queue name as a field of its own (after a comma, tab, quote, bracket, line start), not
# as a word in a ticket's text, where a space always stands before or after it.
LABEL_FIELD = re.compile(r"(?<![\w \-])(" + "|".join(QUEUES) + r")(?![\w \-])")
TICKET_TEXT = re.compile(r"[A-Za-z]+(?:[ ,.'?:/]+[A-Za-z0-9]+){7,}")  # a run of 8+ words
# Regular files over 255 bytes (50 fields cannot fit in less), listed as depth, size, path.
LISTING = ["find", ".", "-type", "f", "-size", "+255c", "-printf", r"%d\t%s\t%P\0"]
SCAN_FILES, SCAN_FILE_BYTES, SCAN_TOTAL_BYTES = 2000, 32 << 20, 96 << 20
GRADER_PATHS = {"data/train.csv", "incoming/batch.csv", "incoming/small_batch.csv"}
STREAMS = {  # magic bytes: (decompressor, compressor)
    b"\x1f\x8b": (lambda: zlib.decompressobj(31), gzip.compress),
    b"BZh": (bz2.BZ2Decompressor, bz2.compress),
    b"\xfd7zXZ\x00": (lzma.LZMADecompressor, lzma.compress),
}


def _shuffled_fields(text, rng, seen):
    """text with its queue-name fields permuted among themselves, or None if too few."""
    seen["texts"] += len(TICKET_TEXT.findall(text))
    found = LABEL_FIELD.findall(text)
    if len(found) < MIN_LABELS:
        return None
    order = iter(rng.permutation(found).tolist())
    return LABEL_FIELD.sub(lambda _: next(order), text)


def _shuffled_array(raw, rng, seen):
    """An .npy string array with its queue names permuted (allow_pickle=False: no object
    arrays, nothing is unpickled)."""
    array = np.load(io.BytesIO(raw), allow_pickle=False)
    if array.dtype.kind not in "US":
        return None
    names = QUEUES if array.dtype.kind == "U" else [q.encode() for q in QUEUES]
    flat = array.ravel().copy()
    as_text = flat if array.dtype.kind == "U" else flat.astype("U")
    seen["texts"] += sum(TICKET_TEXT.search(str(v)) is not None for v in as_text)
    hits = np.isin(flat, names)
    if hits.sum() < MIN_LABELS:
        return None
    flat[hits] = rng.permutation(flat[hits])
    out = io.BytesIO()
    np.save(out, flat.reshape(array.shape), allow_pickle=False)
    return out.getvalue()


def _shuffled_zip(raw, rng, seen):
    """A zip (an .npz, a .csv.zip) with each member shuffled; its declared sizes capped."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        members = archive.infolist()
        if len(members) > 100 or sum(m.file_size for m in members) > SCAN_FILE_BYTES:
            return None
        out, changed = io.BytesIO(), False
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rewritten:
            for member in members:
                data = archive.read(member)
                new = _shuffled(data, rng, seen, nested=True)
                changed = changed or new is not None
                rewritten.writestr(member, data if new is None else new)
    return out.getvalue() if changed else None


def _inflated(raw, make):
    """A compressed stream's content, or None past SCAN_FILE_BYTES (a bomb is not opened)."""
    content = make().decompress(raw, SCAN_FILE_BYTES + 1)
    return None if len(content) > SCAN_FILE_BYTES else content


def _shuffled(raw, rng, seen, nested=False):
    """raw with the queue fields it holds permuted, or None: none, or not a format read
    here. seen["texts"] counts the ticket texts met on the way."""
    if raw.startswith(b"\x93NUMPY"):
        return _shuffled_array(raw, rng, seen)
    if not nested and raw.startswith(b"PK\x03\x04"):
        return _shuffled_zip(raw, rng, seen)
    for magic, (decompressor, compress) in STREAMS.items():
        if raw.startswith(magic):
            content = None if nested else _inflated(raw, decompressor)
            new = None if content is None else _shuffled(content, rng, seen, nested=True)
            return None if new is None else compress(new)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
        new = _shuffled_fields(raw.decode("utf-16"), rng, seen)
        return None if new is None else new.encode("utf-16")
    if sum(raw.count(q.encode()) for q in QUEUES) < MIN_LABELS:
        return None  # cheap: most files hold no queue names at all
    new = _shuffled_fields(raw.decode("utf-8"), rng, seen)
    return None if new is None else new.encode("utf-8")


def _listed(run):
    """Workspace files worth scanning, shallowest first, within the scan caps."""
    rows = []
    for entry in run.result.stdout.split("\0"):
        depth, size, rel = [*entry.split("\t", 2), "", ""][:3]
        if depth.isdigit() and size.isdigit() and rel and rel not in GRADER_PATHS:
            rows.append((int(depth), rel, int(size)))
    chosen, total = [], 0
    for _, rel, size in sorted(rows)[:SCAN_FILES]:
        if size <= SCAN_FILE_BYTES and total + size <= SCAN_TOTAL_BYTES:
            chosen.append(rel)
            total += size
    return chosen


def _scrambled_copy(raw, rng):
    """The file with its queue fields permuted if it is a copy of the training tickets
    (texts and queues in one file), else None."""
    seen = {"texts": 0}
    try:
        new = _shuffled(raw, rng, seen)
    except Exception:  # an agent's file that does not parse is not a copy we can read
        return None
    return new if seen["texts"] >= MIN_LABELS else None


def _label_copies(ctx, folder):
    """{rel: host file} for each copy of the training tickets in the workspace, its queues
    scrambled into `folder`, and a check naming them (informational: the metric shows
    what a refit from them is worth)."""
    listing = ctx.exec(LISTING, timeout=TIMEOUT)  # find, not agent code
    rng = np.random.default_rng(18_200 + ctx.seed)
    staged = {}
    for rel in _listed(listing):
        raw = ctx.read_bytes(rel, "workspace file readable", SCAN_FILE_BYTES)
        new = _scrambled_copy(raw.value, rng) if raw.ok else None
        if new is not None:
            staged[rel] = folder / f"copy{len(staged)}"
            staged[rel].write_bytes(new)
    named = ", ".join(sorted(staged)[:5]) or "none"
    message = f"copies of the training tickets served with their queues scrambled: {named}"
    return staged, ctx.check("copies of the training queues scrambled for serving", True, message)


def _run(ctx, name, ids, copies):
    """predict.py on hidden/<name> with the decoy export and the scrambled copies of the
    training queues: (frame or None, failed check or None)."""
    src, dst = f"incoming/{name}", f"incoming/{name}.preds.csv"
    decoy = {"data/train.csv": ctx.hidden / "decoy_train.csv"}
    run = ctx.exec(
        COMMAND.format(src=src, dst=dst),
        timeout=TIMEOUT,
        inputs={**copies, **decoy, src: ctx.hidden / name},
    )
    label = f"predict.py on a batch of {len(ids)} tickets"
    if gate := run.failed_gate(f"predict.py ran on {name}", label):
        return None, gate
    return _predictions(ctx, run, dst, ids, f"{name} predictions valid")


def _predictions(ctx, run, dst, ids, name):
    """The run's predictions as a frame in ids' order, or a failed gate that says why."""
    preds = run.read_predictions(
        dst,
        id_column="ticket_id",
        columns={"queue": "label", "confidence": "probability"},
        expected_ids=ids,
        name=name,
    )
    if not preds.ok:
        return None, preds.check
    frame = preds.frame.assign(queue=preds.frame["queue"].str.strip())
    unknown = sorted(set(frame["queue"]) - set(QUEUES))
    if unknown:
        message = f"unknown queue names {unknown[:5]}; the queues are {QUEUES}"
        return None, ctx.check(name, False, message, gate=True)
    return frame, None


def _rebuilt(ctx, shipped):
    """Does train.py make what predict.py loads? Rerun it on the export whose queues are
    renamed, then predict.py on the big batch: a rebuilt model routes each ticket to the
    renamed queue of the shipped model's routing; a model train.py did not rebuild keeps
    the old names, which the derangement makes wrong everywhere."""
    name = "train.py rebuilds the model predict.py loads"
    renamed = pd.read_csv(ctx.hidden / "renamed.csv", index_col="queue")["renamed"]
    src, dst = "incoming/batch.csv", "incoming/batch.csv.rebuilt.csv"
    run = ctx.exec(
        f"python train.py > /dev/null && {COMMAND.format(src=src, dst=dst)}",
        timeout=TRAIN_TIMEOUT + TIMEOUT,
        inputs={
            "data/train.csv": ctx.hidden / "relabelled_train.csv",
            src: ctx.hidden / "batch.csv",
        },
    )
    if gate := run.failed_gate(name, "python train.py, then predict.py,"):
        return gate
    frame, problem = _predictions(ctx, run, dst, shipped.index.tolist(), name)
    if problem:
        return problem
    routed = frame["queue"].to_numpy()
    agreement = float((routed == shipped["queue"].map(renamed).to_numpy()).mean())
    unchanged = float((routed == shipped["queue"].to_numpy()).mean())
    message = (
        f"after python train.py on an export with every queue renamed, predict.py routed "
        f"{agreement:.0%} of the batch to the renamed queue of the shipped model's routing "
        f"(at least {RETRAINED_AGREEMENT:.0%}) and {unchanged:.0%} as the shipped model did"
    )
    return ctx.check(name, agreement >= RETRAINED_AGREEMENT, message, gate=True)


def _honesty(ctx, macro_f1):
    data, readable = ctx.read_json("metrics.json", "metrics.json readable")
    estimate = ctx.number(data, "validation_macro_f1")
    if estimate is None:
        why = readable.message if not readable.passed else "no number under 'validation_macro_f1'"
        return None, ctx.check("estimate honest", False, f"metrics.json: {why}", weight=1.0)
    off = estimate - macro_f1
    message = (
        f"reported macro-F1 {estimate:.3f}, hidden batch macro-F1 {macro_f1:.3f} "
        f"({off:+.3f}; allowed {HONEST[0]:+.2f} to {HONEST[1]:+.2f})"
    )
    honest = HONEST[0] <= off <= HONEST[1]
    return estimate, ctx.check("estimate honest", honest, message, weight=1.0)


def _confidence_check(ctx, correct, confidence):
    """Does a higher confidence mean a likelier right queue (ROC AUC over the batch)?"""
    if correct.all() or not correct.any():
        auc, ok = None, True  # nothing to separate
    else:
        auc = float(roc_auc_score(correct, confidence.to_numpy(dtype=float)))
        ok = auc >= CONFIDENCE_AUC
    message = (
        f"ROC AUC of the confidence for a right routing {auc:.3f} (at least {CONFIDENCE_AUC})"
        if auc is not None
        else "every ticket routed alike: nothing to rank"
    )
    return ctx.check("confidence separates right from wrong routings", ok, message, gate=True)


def grade(ctx):
    if not ctx.is_file("predict.py"):
        return ctx.fail("predict.py present", "predict.py not found in the workspace root")
    code = ctx.producing_code("train.csv", name="training code present")
    if not code.passed:
        return ctx.grade(None, [code])
    if not ctx.is_file("train.py"):
        return ctx.fail("train.py present", "train.py (the training code) not found in the root")
    labels = pd.read_csv(ctx.hidden / "batch_labels.csv", dtype={"ticket_id": str})
    small_ids = pd.read_csv(ctx.hidden / "small_batch.csv", dtype={"ticket_id": str})[
        "ticket_id"
    ].tolist()
    copies, scrambled = _label_copies(ctx, ctx.staging("text-copies"))
    full, problem = _run(ctx, "batch.csv", labels["ticket_id"].tolist(), copies)
    if problem:
        return ctx.grade(None, [code, scrambled, problem])
    small, problem = _run(ctx, "small_batch.csv", small_ids, copies)
    if problem:
        return ctx.grade(None, [code, scrambled, problem])

    same_queue = (full.loc[small_ids, "queue"].to_numpy() == small["queue"].to_numpy()).mean()
    drift = float(np.max(np.abs(full.loc[small_ids, "confidence"] - small["confidence"])))
    stable = ctx.check(
        "ticket predictions independent of the batch",
        same_queue == 1.0 and drift <= 1e-6,
        f"{same_queue:.0%} of repeated tickets kept their queue; largest confidence change "
        f"{drift:.2g}",
        gate=True,
    )
    predicted = full["queue"].to_numpy()
    macro_f1 = float(f1_score(labels["queue"], predicted, labels=QUEUES, average="macro"))
    estimate, honest = _honesty(ctx, macro_f1)
    ran = ctx.check("predict.py ran on both batches", True, f"{len(full)} and {len(small)} rows")
    ranks = _confidence_check(ctx, predicted == labels["queue"].to_numpy(), full["confidence"])
    checks = [code, scrambled, ran, stable, honest, ranks]
    if stable.passed and ranks.passed:  # the costly rerun only when no gate failed yet
        checks.append(_rebuilt(ctx, full))
    metrics = {"reported_macro_f1": estimate} if estimate is not None else {}
    return ctx.grade(macro_f1, checks, metrics)
