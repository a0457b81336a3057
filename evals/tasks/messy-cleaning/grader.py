"""Cell-by-cell accuracy of clean.csv against the hidden clean table.

Rows are matched on the key (patient_id, visit_date), exactly as the schema writes them.
Each of the 7 other columns of each true visit is one cell: categorical cells must match
exactly, numeric cells within a small tolerance (unit conversions round) and at the
schema's precision (whole numbers, or one decimal for weight and height), and a missing
true value must be left empty. A visit the agent lost counts 7 wrong cells, and so does
every extra row (a duplicate left in, a visit with a misparsed date), so
accuracy = correct cells / (7 x (true visits + extra rows)).

The ticket forbids imputing, and missing cells are a few percent of all cells, so the
accuracy barely notices a filled-in gap. A gate does: of the cells the export does not
tell (empty in the truth) of the visits found, at most MAX_FILLED may hold a value,
whether imputed (a median, a mode) or a sentinel kept as data (999, -1, 0). A few slips
pass; a rule applied to a column does not.

The converse gate: about 6% of visits were entered twice, the re-entry copy with a field
or two left blank. Merging the copies keeps every value either gives; keeping one copy
(the first in file order, say) empties the blanked fields whenever the re-entry copy wins,
about a fifth of those visits' cells, yet costs under 1% of accuracy. So of the cells of
the re-entered visits the export does tell, at most MAX_LOST_IN_MERGE may be left empty.

An average over 21,000 cells also hides a column that is wrong for a whole kind of record:
one clinic's weights left in pounds is ~3% of the cells, treating a unit-less weight as
pounds only above 130 leaves ~10% of that clinic's weights 2.2x too high for under 1%
(both passed). The study compares clinics, so a gate asks each column to be right for
each clinic's visits: at least MIN_CLINIC_COLUMN of them, a lost visit counting wrong.
"""

import numpy as np
import pandas as pd

KEY = ["patient_id", "visit_date"]
TOLERANCE = {"age": 0.5, "weight_kg": 0.3, "height_cm": 0.5, "systolic_bp": 0.5}
# The schema's precision: whole years and mmHg, kilograms and centimetres to one decimal.
# A value with more digits is not in the schema (red team, session 13: weights converted
# from pounds and never rounded passed, within the tolerance); float noise is allowed.
DECIMALS = {"age": 0, "weight_kg": 1, "height_cm": 1, "systolic_bp": 0}
CATEGORICAL = ["clinic", "sex", "smoker"]
SCHEMA = [*KEY, "clinic", "sex", "age", "weight_kg", "height_cm", "systolic_bp", "smoker"]
MAX_FILLED = 0.05  # of the truly missing cells; the oracle fills none
REENTRY_FIELDS = ["age", "weight_kg", "height_cm", "systolic_bp", "smoker"]  # clerk may skip
MAX_LOST_IN_MERGE = 0.08  # of the told re-entry-field cells of visits entered twice; oracle 0
# Of one clinic's visits, the share whose cell in one column must be right. Honest work
# scores 1.0 in every (column, clinic) on seeds 0-7; pounds by value (> 130) 0.86-0.92 at
# the pounds clinic, "1"/"0" smoker codes left empty under 0.85 at every clinic. Each
# kind of messy value is now at least ~5% of a clinic's records (prepare.py), so a rule
# wrong for one kind lands near 0.95 or below at every clinic it touches: 0.97 fails it
# on every seed (at 0.95, typos left empty and "lb" marks ignored passed by seed luck).
MIN_CLINIC_COLUMN = 0.97


def _cells_correct(agent: pd.Series, truth: pd.Series, column: str) -> np.ndarray:
    if column in CATEGORICAL:
        a = agent.astype("string").fillna("<empty>").to_numpy()
        t = truth.astype("string").fillna("<empty>").to_numpy()
        return a == t
    a = pd.to_numeric(agent, errors="coerce").to_numpy(dtype=float)
    t = truth.to_numpy(dtype=float)
    blank = agent.isna().to_numpy()  # an unparsable non-empty value is wrong, not empty
    in_schema = np.abs(a - np.round(a, DECIMALS[column])) <= 1e-6
    close = (np.abs(a - t) <= TOLERANCE[column]) & in_schema
    return np.where(np.isnan(t), blank, close)


def grade(ctx):
    truth = pd.read_csv(ctx.hidden / "visits_clean.csv", dtype={"patient_id": str})
    frame, readable = ctx.read_table("clean.csv", "clean.csv readable")
    if frame is None:
        return ctx.grade(None, [readable])
    schema = ctx.check(
        "clean.csv has the schema's columns",
        list(frame.columns) == SCHEMA,
        f"columns {list(frame.columns)}; expected {SCHEMA}",
        gate=True,
    )
    if not schema.passed:
        return ctx.grade(None, [readable, schema])
    frame = frame.astype({"patient_id": "string", "visit_date": "string"})
    extra_dupes = int(frame.duplicated(KEY).sum())
    frame = frame.drop_duplicates(KEY)
    keys = pd.MultiIndex.from_frame(truth[KEY].astype("string"))
    agent = frame.set_index(KEY)
    found = keys.isin(agent.index)
    unknown = int((~agent.index.isin(keys)).sum())
    aligned = agent.reindex(keys)
    values = [c for c in SCHEMA if c not in KEY]
    per_column, right = {}, {}
    filled = _filled_gaps(aligned, truth, found, values)
    for column in values:
        right[column] = _cells_correct(aligned[column], truth[column], column) & found
        per_column[f"accuracy_{column}"] = float(right[column].mean())
    correct = sum(int(ok.sum()) for ok in right.values())
    extra = extra_dupes + unknown
    accuracy = correct / (len(values) * (len(truth) + extra))
    rows = ctx.check(
        "one row per visit",
        extra == 0 and found.all(),
        f"{int(found.sum())} of {len(truth)} visits found; {extra_dupes} duplicate keys, "
        f"{unknown} rows matching no visit",
    )
    gaps = sum(total for _, total in filled.values())
    n_filled = sum(n for n, _ in filled.values())
    detail = ", ".join(f"{c} {n}/{t}" for c, (n, t) in filled.items() if n)
    left_empty = ctx.check(
        "missing values left empty",
        n_filled <= MAX_FILLED * gaps,
        f"{n_filled} of {gaps} cells the export does not tell hold a value"
        + (f" ({detail}): do not impute or keep sentinels" if detail else ""),
        gate=True,
    )
    merged = _merge_check(ctx, aligned, truth, found)
    every_clinic, worst = _clinic_column_check(ctx, right, truth)
    metrics = {**per_column, "visits_found": float(found.mean()), "extra_rows": float(extra),
               "filled_gaps": float(n_filled), "worst_clinic_column": worst}  # fmt: skip
    checks = [readable, schema, rows, left_empty, merged, every_clinic]
    return ctx.grade(accuracy, checks, metrics)


def _clinic_column_check(ctx, right, truth):
    """Gate: every column is right for (almost) all of every clinic's visits, so a rule that
    is wrong for a whole clinic or a whole kind of value fails however small its share of
    all cells. Returns the check and the lowest (column, clinic) accuracy."""
    shares = {
        (column, clinic): float(ok[(truth["clinic"] == clinic).to_numpy()].mean())
        for column, ok in right.items()
        for clinic in sorted(truth["clinic"].unique())
    }
    low = sorted((share, column, clinic) for (column, clinic), share in shares.items())
    failing = [f"{column} at {clinic} {share:.1%}" for share, column, clinic in low
               if share < MIN_CLINIC_COLUMN]  # fmt: skip
    share, column, clinic = low[0]
    message = (
        f"right for under {MIN_CLINIC_COLUMN:.0%} of a clinic's visits: " + ", ".join(failing)
        if failing
        else f"lowest: {column} right for {share:.1%} of {clinic}'s visits"
    )
    return ctx.check("every column right at every clinic", not failing, message, gate=True), share


def _merge_check(ctx, aligned, truth, found):
    """Gate: the two copies of a re-entered visit are merged, not one of them kept."""
    twice = pd.read_csv(ctx.hidden / "reentered.csv", dtype={"patient_id": str})
    keys = pd.MultiIndex.from_frame(truth[KEY].astype("string"))
    entered_twice = keys.isin(pd.MultiIndex.from_frame(twice[KEY].astype("string"))) & found
    told = lost = 0
    for column in REENTRY_FIELDS:
        known = truth[column].notna().to_numpy() & entered_twice
        told += int(known.sum())
        lost += int((known & aligned[column].isna().to_numpy()).sum())
    return ctx.check(
        "duplicate copies merged",
        lost <= MAX_LOST_IN_MERGE * told,
        f"{lost} of {told} known values of the {int(entered_twice.sum())} visits entered twice "
        "left empty"
        + (": merge the copies, do not keep just one" if lost > MAX_LOST_IN_MERGE * told else ""),
        gate=True,
    )


def _filled_gaps(aligned, truth, found, columns) -> dict[str, tuple[int, int]]:
    """Per column: (cells holding a value where the truth is empty, truly empty cells)."""
    out = {}
    for column in columns:
        gap = truth[column].isna().to_numpy() & found
        value = aligned[column].notna().to_numpy()
        out[column] = (int((gap & value).sum()), int(gap.sum()))
    return out
