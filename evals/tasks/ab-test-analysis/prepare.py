"""Five A/B experiments on checkout conversion, each of a known kind, in shuffled order.

Every seed holds one experiment of each kind, so every judgement is tested on every seed:
- `real_gain`: the treatment truly lifts conversion a little (0.7 points) in a large,
  well-powered experiment; the full-data interval lies clearly above 0 (z > 3, so a
  Bonferroni correction for five tests still ships it).
- `null_peek`: no true effect, in a small experiment, but the cumulative test dips below
  p = 0.05 on an early day before the planned end with the treatment ahead (a team that
  stops at the first significant day ships it), and at the end the treatment is still
  ahead, by a quarter to one standard error: positive, nowhere near significant, so a team
  that ships on the sign of the point estimate ships it on every seed (without that, seed
  luck decided it). Its small size gives it a wide interval, and it is redrawn until its
  point estimate, in points and relative to control, is larger than the real gain's: a
  rule that ships on the size of the estimate (any fixed cut-off, absolute or relative)
  cannot ship the one without the other on any seed; only the uncertainty separates them.
- `harm`: the treatment truly lowers conversion a little, and significantly (so a rule
  that ships any significant difference, whatever its sign, ships it).
- `srm`: a logging bug drops users of one arm who did not convert. On even seeds it hits
  treatment, which has fewer users than planned and looks like a clear win; on odd seeds it
  hits control, so treatment has more users than planned and looks like a clear loss. The
  mismatch goes either way, so a one-sided check (one that only looks for too few
  treatment users) misses it on odd seeds (red team: it passed with both seeds' shortfalls).
- `small_gain`: a real gain in a small experiment (5-8k users): large enough to be
  clearly significant there (z > 3.2: a Bonferroni correction for five tests still ships
  it), so a rule that trusts only large experiments ("ship from more than 10k users") does
  not ship a feature that works (red team: with the no-effect experiment the only small
  one, that rule passed). It is drawn from a generator of its own and placed at a seeded
  position, so the other four experiments are exactly those of earlier versions.
Planned splits differ between experiments (not all 50/50). Each non-SRM experiment is
redrawn until the true effect lies within 1.75 standard errors of the full-data difference,
inside the 95% Wald interval with a margin, so an honest analysis is always right on its
data, whichever 95% interval it uses (Newcombe's and a bootstrap's ends differ a little).
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

DAYS = 14
BASE = {"real_gain": 0.10, "null_peek": 0.08, "harm": 0.12, "srm": 0.09, "small_gain": 0.11}
LIFT = {"real_gain": 0.007, "null_peek": 0.0, "harm": -0.01, "srm": 0.0, "small_gain": 0.03}
# Users per experiment: the real gain is large, the no-effect one and the small gain small
# (see above).
USERS = {
    "real_gain": (70000, 90000),
    "null_peek": (1500, 2500),
    "harm": (30000, 36000),
    "srm": (30000, 36000),
    "small_gain": (5000, 8000),
}
FIRST_FOUR = ("real_gain", "null_peek", "harm", "srm")  # drawn as in earlier versions
NAMES = [
    "one_page_checkout", "saved_cards", "free_shipping_banner", "express_pay_button",
    "address_autocomplete", "trust_badges", "guest_checkout", "order_summary_redesign",
]  # fmt: skip
Z95 = 1.959964
COVER_Z = 1.75  # the truth this close to the estimate: inside any honest 95% interval


def _split(rng, kind):
    """Planned treatment share: the SRM and harm experiments 50/50, the others vary."""
    if kind in ("srm", "harm"):
        return 0.5
    return float(rng.choice([0.3, 0.4, 0.6, 0.7]))


def _lossy_arm(seed: int) -> str:
    """The arm whose logging bug loses users: constructed, so both directions are graded."""
    return "treatment" if seed % 2 == 0 else "control"


def _draw(rng, kind, share, n, lossy_arm="treatment"):
    """Arrays (treated, day, converted) of the users that made it into the log."""
    day = rng.integers(1, DAYS + 1, n)
    treated = rng.random(n) < share
    converted = rng.random(n) < BASE[kind] + LIFT[kind] * treated
    keep = np.ones(n, bool)
    if kind == "srm":  # the lossy arm's logging loses 6% of its non-converting users
        in_arm = treated if lossy_arm == "treatment" else ~treated
        keep = ~(in_arm & ~converted & (rng.random(n) < 0.06))
    return treated[keep], day[keep], converted[keep]


def _cumulative_z(treated, day, converted):
    """Difference, standard error and z of the cumulative data at the end of each day."""

    def by_day(mask):
        return np.cumsum(np.bincount(day[mask], minlength=DAYS + 1)[1:])

    n_t, n_c = by_day(treated), by_day(~treated)
    p_t, p_c = by_day(treated & converted) / n_t, by_day(~treated & converted) / n_c
    diff = p_t - p_c
    se = np.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
    return diff, se, diff / se


def _srm_z(treated, share):
    """z of the treatment count against the planned share (the chi-square test's root)."""
    n = len(treated)
    return (treated.sum() - n * share) / np.sqrt(n * share * (1 - share))


def _relative(treated, converted):
    """The final difference relative to control's conversion (the relative lift)."""
    return converted[treated].mean() / converted[~treated].mean() - 1


def _beats(gain, arrays):
    """Whether this draw's final estimate is larger than the real gain's, absolute and relative.

    By a tenth of a point and a tenth of the relative lift, so that no cut-off separates
    them by a rounding accident.
    """
    diff, relative = _cumulative_z(*arrays)[0][-1], _relative(arrays[0], arrays[2])
    return diff > gain["observed_effect"] + 0.001 and relative > 1.1 * gain["relative_effect"]


def _acceptable(kind, share, arrays, gain, lossy_arm="treatment"):
    diff, se, z = _cumulative_z(*arrays)
    if kind == "srm":  # clear mismatch, and the biased data looks like a clear win (loss)
        looks = (
            diff[-1] - Z95 * se[-1] > 0 if lossy_arm == "treatment" else diff[-1] + Z95 * se[-1] < 0
        )
        return abs(_srm_z(arrays[0], share)) > 4.0 and looks
    if abs(_srm_z(arrays[0], share)) > 1.9:  # no accidental mismatch elsewhere
        return False
    covers = abs(diff[-1] - LIFT[kind]) <= COVER_Z * se[-1]
    if kind == "real_gain":  # clearly significant, even after a correction for five tests
        return covers and z[-1] > 3.0
    if kind == "small_gain":  # as clear in a small experiment, after a correction for five
        return covers and z[-1] > 3.2
    if kind == "harm":  # significant, so "ship whatever is significant" ships it
        return covers and diff[-1] + Z95 * se[-1] < 0
    if kind == "null_peek":  # significantly up on some day 3-9, up but far from it at the end
        early_and_end = covers and 0.25 < z[-1] < 1.0 and z[2:9].max() > 2.1
        return early_and_end and _beats(gain, arrays)
    return False


def _experiment(rng, kind, gain=None, lossy_arm="treatment"):
    """(planned share, the logged users, the hidden statistics) of an acceptable draw.

    `gain` is the real gain's statistics, which the no-effect experiment must beat;
    `lossy_arm` is the arm the SRM experiment's logging bug hits.
    """
    share = _split(rng, kind)
    n = int(rng.integers(*USERS[kind]))
    for _ in range(5000):
        treated, day, converted = arrays = _draw(rng, kind, share, n, lossy_arm)
        if _acceptable(kind, share, arrays, gain, lossy_arm):
            frame = pd.DataFrame(
                {
                    "variant": np.where(treated, "treatment", "control"),
                    "day": day,
                    "converted": converted.astype(int),
                }
            )
            diff, se, _ = _cumulative_z(*arrays)
            stats = {
                "observed_effect": diff[-1],
                "standard_error": se[-1],
                "relative_effect": _relative(treated, converted),
                # For the grader's own sample-ratio test (every experiment's p-value is
                # compared with it, not only the SRM one's flag).
                "planned_share": share,
                "treatment_users": int(treated.sum()),
                "users": len(treated),
            }
            return share, frame, stats
    raise RuntimeError(f"no acceptable draw for {kind}")


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(18200 + seed)
    kinds = list(rng.permutation(list(FIRST_FOUR)))
    names = list(rng.choice(NAMES, len(kinds), replace=False))
    drawn = {"real_gain": _experiment(rng, "real_gain")}  # first: null_peek must beat it
    for kind in ("null_peek", "harm", "srm"):
        drawn[kind] = _experiment(rng, kind, gain=drawn["real_gain"][2], lossy_arm=_lossy_arm(seed))
    # The small gain from a generator of its own: the four above stay as they were.
    extra = np.random.default_rng([18200 + seed, 5])
    drawn["small_gain"] = _experiment(extra, "small_gain")
    at = int(extra.integers(len(kinds) + 1))
    kinds.insert(at, "small_gain")
    names.insert(at, str(extra.choice([n for n in NAMES if n not in names])))
    frames, plan, truth = [], {}, {}
    for kind, name in zip(kinds, names, strict=True):
        share, frame, stats = drawn[kind]
        frames.append(frame.assign(experiment=name))
        plan[name] = {"planned_treatment_share": share, "planned_days": DAYS, "metric": "converted"}
        truth[name] = {"kind": kind, "true_effect": LIFT[kind], **stats}
    log = pd.concat(frames, ignore_index=True)
    log = log.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True)
    log.insert(0, "user_id", [f"U{i}" for i in rng.permutation(len(log)) + 1000000])
    log = log[["user_id", "experiment", "variant", "day", "converted"]]
    (public_dir / "data").mkdir()
    log.to_csv(public_dir / "data" / "exposures.csv", index=False)
    (public_dir / "data" / "experiments.json").write_text(json.dumps(plan, indent=2))
    (hidden_dir / "truth.json").write_text(json.dumps(truth, indent=2))
