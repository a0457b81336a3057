"""An app's event log (Jan-Jun 2024) and who buys in the 30 days after a cut-off.

Each user has a visit rate that drifts, may churn (activity drops to a trickle, often
after support tickets), buys on some visits, and may hold a subscription that renews at
00:00:00 on the 1st of each month. The agent sees the log up to the cut-off, 2024-06-01;
the hidden full log runs to 2024-07-01 and includes June's events and June's new users;
the grader gets it only moved to another period off the calendar's alignment, cut to a
share of the users and with other users' earlier history added (events_shifted.csv).
The label is "made a purchase in [cut-off, cut-off + 30 days)": recent activity and its
trend predict it, so point-in-time windows beat lifetime counts.
"""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

N_USERS = 2000
START = pd.Timestamp("2024-01-01")
CUTOFF = pd.Timestamp("2024-06-01")
PAST = pd.Timestamp("2024-05-01")  # a past cut-off, as when the script builds training sets
END = pd.Timestamp("2024-07-01")
N_DAYS = (END - START).days
# The same history in another period, moved by a seeded number of whole days between 8
# and 34 years that is not a multiple of a week and puts neither cut-off on the 1st of a
# month: weekdays, month starts, days of the year and leap days all move, the time of day
# and the time before the cut-off do not. Only a script that measures from the cut-off
# gives the same features; one anchored at a fixed date or at the clock, or that uses the
# calendar (weekday shares, months, calendar-month windows), does not. (A 28-year shift
# kept the calendar, so the red team's weekday, calendar-month and season features passed.)
SHIFT_DAYS = (3000, 12500)
# The moved log keeps only a seeded share of the users: a user's features come from that
# user's own events, so they must not change with who else is in the log. A script that
# standardises or ranks each feature over the users of the run (the red team's
# per-run z-scores: a user's row then depends on the population scored with it, so rows
# built for training and for scoring disagree) passed before; it changes every row here.
SUBSET_SHARE = 0.6
# Some of the users left out come back with their history moved earlier by 30-200 days
# (an archive that reaches further back), so the moved log starts months before the
# provided one: rates over "the days since the log began" (red team, session 13) change
# for every user. These users are in the run but not compared.
EARLIER_SHARE = 0.15
EARLIER_DAYS = (30, 200)


def _users(rng):
    n = N_USERS
    signup = rng.integers(-90, N_DAYS - 5, n)
    churn = signup + rng.exponential(110, n)
    return pd.DataFrame(
        {
            "signup": signup,
            "churn": churn,
            "rate": rng.lognormal(np.log(0.25), 0.8, n),
            "slope": rng.normal(0, 0.006, n),  # visit-rate drift per day
            "buy": rng.beta(2, 14, n),  # chance a visit ends in a purchase
            "spend": rng.lognormal(3.3, 0.5, n),
            "subscriber": rng.random(n) < 0.3,
        }
    )


def _day_rates(users):
    day = np.arange(N_DAYS)[None, :]
    signup, churn = users["signup"].to_numpy()[:, None], users["churn"].to_numpy()[:, None]
    rate = users["rate"].to_numpy()[:, None] * np.exp(users["slope"].to_numpy()[:, None] * day)
    rate = rate * np.where(day >= churn, 0.05, 1.0) * (day >= signup)
    return rate.clip(0, 3)


def _events(rng, users):
    rates = _day_rates(users)
    visits = rng.poisson(rates)
    uid, day = np.nonzero(visits)
    reps = visits[uid, day]
    uid, day = np.repeat(uid, reps), np.repeat(day, reps)
    t = START + pd.to_timedelta(day, "D") + pd.to_timedelta(rng.integers(0, 86400, len(day)), "s")
    frames = [pd.DataFrame({"u": uid, "t": t, "event_type": "session_start", "amount": np.nan})]
    buy = rng.random(len(uid)) < users["buy"].to_numpy()[uid]
    cart = buy | (rng.random(len(uid)) < users["buy"].to_numpy()[uid])
    lag = pd.to_timedelta(rng.integers(60, 1800, len(uid)), "s")
    frames.append(
        pd.DataFrame({"u": uid[cart], "t": t[cart] + lag[cart], "event_type": "add_to_cart"})
    )
    spend = users["spend"].to_numpy()[uid[buy]] * rng.lognormal(0, 0.4, buy.sum())
    frames.append(
        pd.DataFrame(
            {"u": uid[buy], "t": t[buy] + 2 * lag[buy], "event_type": "purchase", "amount": spend}
        )
    )
    # Support tickets: a low background rate, much higher in the month before churning.
    churn = users["churn"].to_numpy()[:, None]
    days = np.arange(N_DAYS)[None, :]
    near_churn = (days < churn) & (days > churn - 30)
    tickets = rng.random(rates.shape) < (0.004 + 0.03 * near_churn) * (rates > 0)
    tu, td = np.nonzero(tickets)
    tt = START + pd.to_timedelta(td, "D") + pd.to_timedelta(rng.integers(0, 86400, len(td)), "s")
    frames.append(pd.DataFrame({"u": tu, "t": tt, "event_type": "support_ticket"}))
    # Renewals at midnight on the 1st while the subscriber is signed up and not churned.
    months = pd.date_range(START, END - pd.Timedelta(days=1), freq="MS")
    for month in months:
        d = (month - START).days
        live = users["subscriber"] & (users["signup"] < d) & (users["churn"] > d)
        u = np.flatnonzero(live)
        frames.append(pd.DataFrame({"u": u, "t": month, "event_type": "subscription_renewal"}))
    events = pd.concat(frames, ignore_index=True)
    events["amount"] = events["amount"].round(2)
    return events


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(8200 + seed)
    users = _users(rng)
    events = _events(rng, users)
    ids = np.array([f"U{50000 + i}" for i in rng.permutation(N_USERS)])
    events = events[events["t"] < END].sort_values(["t", "u", "event_type"], kind="stable")
    log = pd.DataFrame(
        {
            "user_id": ids[events["u"].to_numpy()],
            "timestamp": events["t"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "event_type": events["event_type"].to_numpy(),
            "amount": events["amount"].to_numpy(),
        }
    )
    before = (events["t"] < CUTOFF).to_numpy()
    (public_dir / "data").mkdir()
    log[before].to_csv(public_dir / "data" / "events.csv", index=False)
    shutil.copyfile(public_dir / "data" / "events.csv", hidden_dir / "events_truncated.csv")
    _labels(log, events["t"], CUTOFF).to_csv(hidden_dir / "labels.csv", index=False)
    before_past = (events["t"] < PAST).to_numpy()
    log[before_past].to_csv(hidden_dir / "events_past.csv", index=False)
    _labels(log, events["t"], PAST).to_csv(hidden_dir / "labels_past.csv", index=False)
    _shifted(seed, events["t"], log, hidden_dir)


def _shifted(seed: int, t: pd.Series, log: pd.DataFrame, hidden_dir: Path) -> None:
    """The full log moved to another period with only some of its users plus others with
    earlier history, and the two cut-offs moved with it; shifted.json names the cut-offs,
    the users compared and, per cut-off, the other users who have an event before it."""
    rng = np.random.default_rng(8300 + seed)
    offset = _calendar_breaking_offset(rng)
    everyone = np.sort(log["user_id"].unique())
    kept = everyone[np.random.default_rng(8400 + seed).random(len(everyone)) < SUBSET_SHARE]
    left_out = np.setdiff1d(everyone, kept)
    earlier = left_out[rng.random(len(left_out)) < EARLIER_SHARE]
    back = dict(zip(earlier, rng.integers(*EARLIER_DAYS, len(earlier)), strict=True))
    keep, move = log["user_id"].isin(kept).to_numpy(), log["user_id"].isin(earlier).to_numpy()
    days_back = log.loc[move, "user_id"].map(back).to_numpy()
    moved_t = pd.concat([t[keep], t[move] - pd.to_timedelta(days_back, "D")]) + offset
    shifted = pd.concat([log[keep], log[move]]).assign(t=moved_t.to_numpy())
    shifted = shifted.sort_values("t", kind="stable")
    cutoffs = {"newest": CUTOFF + offset, "past": PAST + offset}
    others = {
        when: sorted(
            shifted.loc[(shifted["t"] < at) & shifted["user_id"].isin(earlier), "user_id"].unique()
        )
        for when, at in cutoffs.items()
    }
    shifted = shifted.assign(timestamp=shifted["t"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    shifted.drop(columns="t").to_csv(hidden_dir / "events_shifted.csv", index=False)
    plan = {when: at.strftime("%Y-%m-%dT%H:%M:%SZ") for when, at in cutoffs.items()}
    (hidden_dir / "shifted.json").write_text(
        json.dumps({**plan, "users": kept.tolist(), "others": others})
    )


def _calendar_breaking_offset(rng) -> pd.Timedelta:
    """Whole days, backward or forward, that move the weekday and take both cut-offs off
    the 1st of a month (so month starts, days of the year and leap days move too)."""
    while True:
        days = int(rng.integers(*SHIFT_DAYS)) * int(rng.choice([-1, 1]))
        offset = pd.Timedelta(days=days)
        if days % 7 and (CUTOFF + offset).day != 1 and (PAST + offset).day != 1:
            return offset


def _labels(log: pd.DataFrame, t: pd.Series, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Users with an event before the cut-off; purchased in [cut-off, cut-off + 30 days)."""
    t = t.to_numpy()
    known = log.loc[t < cutoff, "user_id"].unique()
    window = (t >= cutoff) & (t < cutoff + pd.Timedelta(days=30))
    buyers = log[window & (log["event_type"] == "purchase").to_numpy()]["user_id"].unique()
    labels = pd.DataFrame({"user_id": sorted(known)})
    labels["purchased"] = labels["user_id"].isin(buyers).astype(int)
    return labels
