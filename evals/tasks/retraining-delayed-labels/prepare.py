"""Weekly scoring batches and late-arriving labels, with and without real concept drift.

A fraud-style model (the `score` column, fixed for the whole year) is scored on 400 cases
a week for 52 weeks. Each case's label arrives `delay` weeks after its batch, plus 0-2
weeks of jitter (`arrived_week`). Scenarios:
- steady: nothing changes;
- inputs: from some week two inputs the model barely uses shift strongly (covariate
  shift, the model's accuracy does not change);
- abrupt: from week `onset` the relationship between inputs and label changes (two
  coefficients move towards their flipped values), and accuracy drops;
- gradual: phased in linearly over 8 weeks. The public year's is the full flip; the hidden
  one is a fraud wave (the label rule's intercept rises: more fraud at the same inputs),
  which costs ~15 points of accuracy at the 0.5 threshold while the scores rank cases as
  well as before (AUC unchanged or up), so a trigger that watches the ranking (AUC)
  instead of the accuracy the ticket names never fires on it, and one that watches only
  the inputs or the score distribution does not either.
Two more hidden scenarios are constructed rather than drawn (see CONSTRUCTED): small_drop,
a lasting drop under the ticket's 5 points (no retrain), and slow_decline, 0.4 points a
week for months (a retrain once it is 5 points down).
The public data is one year of a gradual-drift stream at the model's usual accuracy
(~0.75), labels arriving 3-5 weeks after their batch. The hidden streams differ in the
things the instruction leaves open, so a rule fitted to the public year fails somewhere:
their accuracy levels (how sharp the labels are: ~0.66 to ~0.89) and their drops (the
abrupt one 9-11 points, near the 5-point rule, the gradual one ~15), and their label
delays (2-5 weeks to 9-11). Any fixed accuracy floor either fires on the steady stream
(below the public level) or never on the abrupt one (which stays above it after its
drop), and a rule much blunter than 5 points misses the abrupt drop. The hidden scenarios
are written with their drift onset and label delay so the grader knows when a retrain was
warranted and when it first became knowable.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

WEEKS, PER_WEEK = 52, 400
BETA = np.array([1.3, -0.9, 0.7, 0.0, 0.0])
DRIFTED = np.array([1.3, 0.9, -0.7, 0.0, 0.0])
RAMP = 8  # weeks for a gradual drift to complete


def _mix(week, onset, kind):
    """How far the label rule has moved from BETA to DRIFTED in a week (0 to 1)."""
    if kind == "abrupt":
        return float(week >= onset)
    if kind == "gradual":
        return float(np.clip((week - onset + 1) / RAMP, 0, 1))
    return 0.0


def stream(
    rng, kind, onset, delay, first_id, sharpness=1.0, reach=1.0, wave=0.0, per_week=PER_WEEK
):
    """One year. `sharpness` scales the label rule's logit (the model's accuracy level:
    0.5 -> ~0.66, 1 -> ~0.76, 3 -> ~0.90); `reach` is how far a drift moves the rule
    towards DRIFTED (1: the full flip, ~23 points at sharpness 1; 0.4: ~11 at 3); `wave`
    is how far a drift raises the rule's intercept (a fraud wave: more fraud at the same
    inputs, so the scores rank cases as well as before but the 0.5 threshold misses more:
    3 -> ~16 points at sharpness 1, with the model's AUC unchanged); `per_week` is the
    cases scored a week."""
    model = BETA + rng.normal(0, 0.05, 5)  # the production model: close to the old rule
    rows = []
    for week in range(1, WEEKS + 1):
        x = rng.normal(0, 1, (per_week, 5))
        if kind == "inputs" and week >= onset:
            x[:, 3] = x[:, 3] * 2.0 + 2.5
            x[:, 4] = x[:, 4] * 0.4 - 1.5
        mix = _mix(week, onset, kind)
        rule = (1 - reach * mix) * BETA + reach * mix * DRIFTED
        logit = sharpness * (x @ rule) + wave * mix
        label = (rng.random(per_week) < 1 / (1 + np.exp(-logit))).astype(int)
        score = 1 / (1 + np.exp(-(x @ model)))
        arrived = week + delay + rng.choice([0, 1, 2], per_week, p=[0.6, 0.3, 0.1])
        frame = pd.DataFrame(x.round(4), columns=[f"x{i}" for i in range(5)])
        frame.insert(0, "week", week)
        frame["score"] = score.round(5)
        frame["label"], frame["arrived_week"] = label, arrived
        rows.append(frame)
    data = pd.concat(rows, ignore_index=True)
    data.insert(0, "case_id", np.arange(len(data)) + first_id)
    batches = data[["week", "case_id", *[f"x{i}" for i in range(5)], "score"]]
    labels = data[["case_id", "label", "arrived_week"]].sort_values(
        ["arrived_week", "case_id"], kind="stable"
    )
    return batches, labels


# The hidden scenarios: (name, kind, onset, delay). Onsets and delays move with the seed.
# The abrupt drift comes after at least 37 good weeks, so a trigger that compares the
# baseline with every week since (not a recent window) is diluted by that history and
# fires late. The pooled drop after k labelled bad weeks is about D * k / (onset - 11 + k)
# (D ~ 0.25): a 5-point rule needs k >= 0.05 * (onset - 11) / (D - 0.05), 4.3 weeks at
# onset 28 (inside the 4-week window by luck of the label jitter: it passed on seed 3) and
# 6.8 at onset 38. The latest onset, 43, still leaves the window inside the 52 weeks.
# Label delays differ from the public year's 3-5 weeks on both sides: the abrupt stream's
# labels come in 2-5 weeks, the gradual one's 7-11 (the ticket promises no fixed delay).
# A trigger that assumes the labels of a batch are in after a fixed k weeks (read off the
# public year, arrived_week ignored) either reads gradual-stream labels weeks before they
# arrive (k below 9-11: the replay at its firing week, without those labels, decides
# otherwise) or fires too late on the abrupt drift (k >= 9). Red team: with the gradual
# labels arriving in 4-8 weeks, k = 5 peeked too little to change a decision and scored
# 1.0 on seeds 11-12.
def _scenarios(rng):
    return [
        ("steady", "steady", 0, int(rng.integers(2, 4))),
        ("inputs", "inputs", int(rng.integers(16, 30)), int(rng.integers(3, 6))),
        ("abrupt", "abrupt", int(rng.integers(38, 44)), int(rng.integers(2, 4))),
        ("gradual", "gradual", int(rng.integers(15, 26)), int(rng.integers(7, 10))),
    ]


# (sharpness, reach, wave) ranges per hidden scenario, drawn from a generator of their own
# so the onsets and delays above stay what they were for every seed. Accuracy ~0.66-0.68
# on the steady stream and ~0.82-0.85 on the inputs one; the abrupt stream starts at
# ~0.88-0.90 and loses 9-11 points (to ~0.78, above the public year's level), the gradual
# one starts at ~0.73-0.78 and loses 14-17 to its fraud wave while its AUC stays or rises
# (seeds 0-7: AUC 0.81-0.86 before, 0.83-0.87 after). It was a full flip (~22 points, and
# AUC fell as much): a trigger on a 5-point AUC drop fired in the window on every drift
# and scored 1.0 on seeds 11-12 (red team); it never fires on the wave. The wave is sized
# so honest triggers fire mid-window (seeds 0-7: 3-6 weeks into the 8).
LEVELS = {
    "steady": {"sharpness": (0.5, 0.6), "reach": (0.0, 0.0), "wave": (0.0, 0.0)},
    "inputs": {"sharpness": (1.5, 2.0), "reach": (0.0, 0.0), "wave": (0.0, 0.0)},
    "abrupt": {"sharpness": (2.5, 3.0), "reach": (0.36, 0.42), "wave": (0.0, 0.0)},
    "gradual": {"sharpness": (0.85, 1.15), "reach": (0.0, 0.0), "wave": (2.7, 3.3)},
}


def _levels(seed: int, kind: str) -> dict[str, float]:
    # Drawn in the order listed, so adding a range at the end leaves the others' draws.
    rng = np.random.default_rng((5300 + seed, list(LEVELS).index(kind)))
    return {name: float(rng.uniform(*bounds)) for name, bounds in LEVELS[kind].items()}


# A steady or inputs stream must be steady in the sample, not only in expectation: on
# seed 7 the steady stream's accuracy dipped by chance around week 15 as far as a drift
# would, and honest triggers (the oracle's, right/rolling_window_z's) fired: a 5-point,
# 3-sigma rule fires on ~30% of such streams (seeds 0-23). A stream whose accuracy over
# any 1-6 consecutive weeks after the first 8 or 10 falls CALM_DROP below those first
# weeks' with z >= CALM_Z (a little looser than the right/ rules) is drawn again, from a
# generator of its own, so the other scenarios' data stay as they were (seeds 1 and 2
# keep theirs; 0, 6, 7, 10, 13, 14, 20 and 23 of 0-23 get calmer streams).
CALM_DROP, CALM_Z, REDRAWS = 0.045, 3.0, 50


def _looks_drifted(batches: pd.DataFrame, labels: pd.DataFrame) -> bool:
    cases = labels.merge(batches[["case_id", "week", "score"]], on="case_id")
    correct = ((cases["score"] >= 0.5).astype(int) == cases["label"]).astype(int)
    weekly = correct.groupby(cases["week"]).agg(["sum", "count"])
    for base in (8, 10):
        first = weekly.loc[:base]
        p = first["sum"].sum() / first["count"].sum()
        later = weekly.loc[base + 1 :]
        for length in range(1, 7):
            n = later["count"].rolling(length).sum()
            accuracy = later["sum"].rolling(length).sum() / n
            z = (p - accuracy) / np.sqrt(p * (1 - p) / n)
            if ((p - accuracy >= CALM_DROP) & (z >= CALM_Z)).any():
                return True
    return False


def _calm_stream(rng, seed, index, kind, onset, delay, first_id, levels):
    """stream(), drawn again while a stream that should not trigger looks drifted: first
    from the scenarios' generator, then from generators of its own."""
    for attempt in range(REDRAWS + 1):
        source = rng if attempt == 0 else np.random.default_rng((5200 + seed, index, attempt))
        batches, labels = stream(source, kind, onset, delay, first_id, **levels)
        if not _looks_drifted(batches, labels):
            return batches, labels
    raise RuntimeError(f"no calm {kind} stream in {REDRAWS + 1} draws (seed {seed})")


# Two constructed scenarios (red team, session 13), whose weekly accuracy at 0.5 is set,
# not drawn, so that what they test holds on every seed:
# - small_drop: from `onset` on, accuracy sits 3.5 points below its level for the rest of
#   the year: a lasting drop, but clearly under the ticket's 5 points, so no retrain. At a
#   level of ~0.60 a "5 points" read as 5% relative is 3.0 points and fires; 800 cases a
#   week (another product) make that drop significant to a 3-week z-test (z ~2.9).
# - slow_decline: from `decline_start` on, accuracy falls 0.4 points a week from ~0.88
#   (15 points by week 52): a trigger whose baseline moves with the recent weeks (a
#   rolling baseline 4-12 weeks back sees 1.6-4.8 points) never fires; one anchored on the
#   model's normal level fires once the 5 points are in. Its `onset` is the first week
#   within JITTER of 5 points down, so the window opens when the drop can first be seen.
# Each week's target is the scenario's level minus its drop, give or take JITTER (weekly
# accuracies are not all equal: a trigger that estimates the spread from them divides by
# something), and each arrival cohort of a week holds that accuracy too (to one case), so
# a partly labelled week reads as the whole week.
CONSTRUCTED = {
    "small_drop": {"level": (0.59, 0.62), "sharpness": 0.4, "per_week": 800},
    "slow_decline": {"level": (0.87, 0.90), "sharpness": 2.5, "per_week": 400},
}
SMALL_DROP, DECLINE_PER_WEEK, VISIBLE_DROP, JITTER = 0.035, 0.004, 0.05, 0.004


def _constructed_scenarios(seed: int):
    """(name, onset, delay, decline start, level) of the constructed scenarios, from a
    generator of their own so the other scenarios' data stay as they were."""
    rng = np.random.default_rng((5400 + seed, 0))
    level = {name: float(rng.uniform(*c["level"])) for name, c in CONSTRUCTED.items()}
    small_onset, small_delay = int(rng.integers(14, 25)), int(rng.integers(3, 6))
    start, slow_delay = int(rng.integers(12, 17)), int(rng.integers(3, 7))
    # First week whose drop, give or take the jitter, reaches VISIBLE_DROP.
    weeks_to_visible = int(np.ceil((VISIBLE_DROP - JITTER) / DECLINE_PER_WEEK - 1e-9))
    visible = start + weeks_to_visible - 1
    return [
        ("small_drop", small_onset, small_delay, small_onset, level["small_drop"]),
        ("slow_decline", visible, slow_delay, start, level["slow_decline"]),
    ]


def _drop(name: str, week: int, start: int) -> float:
    if week < start:
        return 0.0
    if name == "small_drop":
        return SMALL_DROP
    return DECLINE_PER_WEEK * (week - start + 1)


def _set_accuracy(rng, batches, labels, target):
    """Relabel cases so that each (week, arrival week) cohort's accuracy at 0.5 is the
    week's target (to one case): flip the labels of randomly chosen right or wrong cases."""
    cases = labels.merge(batches[["case_id", "week", "score"]], on="case_id")
    predicted = (cases["score"].to_numpy() >= 0.5).astype(int)
    label = cases["label"].to_numpy().copy()
    for week, cohort in cases.groupby("week")["arrived_week"]:
        wanted_errors = _allocate(len(cohort) * (1 - target[week]), cohort.value_counts())
        for arrived, errors in wanted_errors.items():
            rows = np.flatnonzero((cases["week"] == week) & (cases["arrived_week"] == arrived))
            wrong = rows[label[rows] != predicted[rows]]
            right = rows[label[rows] == predicted[rows]]
            change = errors - len(wrong)
            pool = right if change > 0 else wrong
            flip = rng.choice(pool, abs(change), replace=False)
            label[flip] = 1 - label[flip]
    return labels.assign(
        label=labels["case_id"].map(dict(zip(cases["case_id"], label, strict=True)))
    )


def _allocate(total: float, sizes: pd.Series) -> dict:
    """Split a week's error count over its cohorts in proportion to their sizes, whole
    numbers summing to the rounded total (largest remainders first)."""
    share = sizes / sizes.sum() * round(total)
    counts = np.floor(share).astype(int)
    for key in (share - counts).sort_values(ascending=False).index[: round(total) - counts.sum()]:
        counts[key] += 1
    return counts.to_dict()


def _constructed_stream(seed, index, name, start, level, delay, first_id):
    config = CONSTRUCTED[name]
    rng = np.random.default_rng((5400 + seed, index + 1))
    batches, labels = stream(
        rng, "steady", 0, delay, first_id, config["sharpness"], per_week=config["per_week"]
    )
    jitter = rng.uniform(-JITTER, JITTER, WEEKS + 1)
    target = {w: level - _drop(name, w, start) + jitter[w] for w in range(1, WEEKS + 1)}
    return batches, _set_accuracy(rng, batches, labels, target)


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(5200 + seed)
    batches, labels = stream(rng, "gradual", int(rng.integers(20, 30)), 3, 1_000_000)
    (public_dir / "data").mkdir()
    batches.to_csv(public_dir / "data" / "batches.csv", index=False)
    labels.to_csv(public_dir / "data" / "labels.csv", index=False)
    meta = []
    for i, (name, kind, onset, delay) in enumerate(_scenarios(rng)):
        first_id = 2_000_000 + i * 100_000
        levels = _levels(seed, kind)
        if kind in ("steady", "inputs"):
            batches, labels = _calm_stream(rng, seed, i, kind, onset, delay, first_id, levels)
        else:
            batches, labels = stream(rng, kind, onset, delay, first_id, **levels)
        folder = hidden_dir / name
        folder.mkdir()
        batches.to_csv(folder / "batches.csv", index=False)
        labels.to_csv(folder / "labels.csv", index=False)
        entry = {"name": name, "kind": kind, "onset": onset, "delay": delay, **levels}
        if kind in ("abrupt", "gradual"):
            # What was known at the end of the week before the drop could first be seen.
            cut = onset + delay - 1
            batches[batches["week"] <= cut].to_csv(folder / "cut_batches.csv", index=False)
            labels[labels["arrived_week"] <= cut].to_csv(folder / "cut_labels.csv", index=False)
            entry["cut_week"] = cut
        meta.append(entry)
    for i, (name, onset, delay, start, level) in enumerate(_constructed_scenarios(seed)):
        first_id = 2_000_000 + len(meta) * 100_000
        batches, labels = _constructed_stream(seed, i, name, start, level, delay, first_id)
        folder = hidden_dir / name
        folder.mkdir()
        batches.to_csv(folder / "batches.csv", index=False)
        labels.to_csv(folder / "labels.csv", index=False)
        entry = {"name": name, "kind": name, "onset": onset, "delay": delay}
        meta.append(entry | {"decline_start": start, "level": level})
    (hidden_dir / "scenarios.json").write_text(json.dumps(meta, indent=1))
