"""A tiny feature store: two feature tables with event and ingestion times, label times
for training, and snapshots of the store for online lookups.

`profile` rows change now and then; `activity` rows are daily 7-day aggregates. Most rows
land minutes to hours after their event time, some days late (so a newer day can land
before an older one), and some are restated later with corrected values (same event
time, later ingestion). Some customers only appear late, so early requests for them have
no history. The value known at time t is, per table, the row with the latest event time
among the rows ingested at or before t (ties: the later ingestion).

Two hidden scenarios: A is the public store with new request times and a late snapshot;
B is a new store with more late rows and new customers, and an early snapshot. For each,
the hidden truth is the features every request should get, computed by the rule above.
"""

from pathlib import Path

import numpy as np
import pandas as pd

START = pd.Timestamp("2024-01-01")
N_DAYS = 91
PLANS = np.array(["basic", "plus", "pro"])
FEATURES = ["plan", "credit_limit", "txn_count_7d", "spend_7d"]
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _seconds(rng, low, high, n):
    return pd.to_timedelta(rng.integers(low, high, n), "s")


def _store(rng, n_customers, late_share, first_id):
    ids = np.array([f"C{first_id + i:05d}" for i in range(n_customers)])
    first_day = np.where(rng.random(n_customers) < 0.25, rng.integers(20, 80, n_customers), 0)
    first_day = first_day + rng.integers(0, 5, n_customers)
    profile, activity = [], []
    for cid, day0 in zip(ids, first_day, strict=True):
        # Profile: a first row when the customer appears, then occasional changes.
        n_changes = 1 + rng.poisson(2.5)
        days = np.sort(np.concatenate([[day0], rng.integers(day0, N_DAYS, n_changes - 1)]))
        event = START + pd.to_timedelta(days, "D") + _seconds(rng, 0, 86400, len(days))
        plan = PLANS[rng.integers(0, 3, len(days))]
        limit = rng.choice([500, 1000, 2000, 5000, 10000], len(days))
        profile.append(
            pd.DataFrame(
                {"customer_id": cid, "event_time": event, "plan": plan, "credit_limit": limit}
            )
        )
        # Activity: daily 7-day aggregates, stamped at the end of the day they cover.
        active = np.arange(day0, N_DAYS)
        active = active[rng.random(len(active)) < 0.7]
        level = rng.lognormal(1.0, 0.6)
        count = rng.poisson(level * 7, len(active))
        spend = (count * rng.lognormal(3.0, 0.5, len(active))).round(2)
        activity.append(
            pd.DataFrame(
                {
                    "customer_id": cid,
                    "event_time": START + pd.to_timedelta(active + 1, "D"),
                    "txn_count_7d": count,
                    "spend_7d": spend,
                }
            )
        )
    profile = _ingest(rng, pd.concat(profile, ignore_index=True), late_share, 60, 1800)
    activity = _ingest(rng, pd.concat(activity, ignore_index=True), late_share, 1800, 10800)
    activity = _restate(rng, activity)
    return ids, first_day, profile, activity


def _ingest(rng, rows, late_share, low, high):
    """Ingestion time: a short lag, or 1-4 days for the late share."""
    n = len(rows)
    lag = _seconds(rng, low, high, n)
    late = rng.random(n) < late_share
    lag = lag.where(~late, _seconds(rng, 86400, 4 * 86400, n))
    return rows.assign(ingested_at=rows["event_time"] + lag)


def _restate(rng, rows):
    """Corrections: 8% of activity rows land again later with revised numbers."""
    fix = rows[rng.random(len(rows)) < 0.08].copy()
    fix["ingested_at"] = fix["ingested_at"] + _seconds(rng, 3600, 5 * 86400, len(fix))
    fix["spend_7d"] = (fix["spend_7d"] * rng.uniform(0.7, 1.3, len(fix))).round(2)
    fix["txn_count_7d"] = fix["txn_count_7d"] + rng.integers(-2, 3, len(fix)).clip(
        -fix["txn_count_7d"].to_numpy()
    )
    return pd.concat([rows, fix], ignore_index=True)


def known_at(rows, requests, columns):
    """Per request: the row with the latest event time among rows ingested by its time."""
    pairs = requests[["request_id", "customer_id", "timestamp"]].merge(rows, on="customer_id")
    pairs = pairs[pairs["ingested_at"] <= pairs["timestamp"]]
    pairs = pairs.sort_values(["request_id", "event_time", "ingested_at"], kind="stable")
    latest = pairs.groupby("request_id").tail(1).set_index("request_id")[columns]
    return latest.reindex(requests["request_id"])


def truth(profile, activity, requests):
    out = pd.concat(
        [
            known_at(profile, requests, ["plan", "credit_limit"]),
            known_at(activity, requests, ["txn_count_7d", "spend_7d"]),
        ],
        axis=1,
    )
    return out.reset_index()


def _label_requests(rng, ids, first_day, per_customer, prefix):
    n = len(ids) * per_customer
    who = rng.integers(0, len(ids), n)
    # Mostly after the customer appears, some shortly before (no history yet).
    day = first_day[who] + rng.integers(-6, N_DAYS - first_day[who])
    day = day.clip(3, N_DAYS - 1)
    t = START + pd.to_timedelta(day, "D") + _seconds(rng, 0, 86400, n)
    return pd.DataFrame(
        {
            "request_id": [f"{prefix}{i:06d}" for i in range(n)],
            "customer_id": ids[who],
            "timestamp": t,
        }
    ).sort_values("timestamp", kind="stable", ignore_index=True)


def _snapshot_requests(rng, ids, at, prefix, n_unknown=15):
    unknown = [f"X{90000 + i}" for i in rng.choice(5000, n_unknown, replace=False)]
    who = np.concatenate([ids[rng.random(len(ids)) < 0.6], unknown])
    rng.shuffle(who)
    return pd.DataFrame(
        {
            "request_id": [f"{prefix}{i:06d}" for i in range(len(who))],
            "customer_id": who,
            "timestamp": at,
        }
    )


def _fmt(frame):
    frame = frame.copy()
    for column in ("event_time", "ingested_at", "timestamp"):
        if column in frame:
            frame[column] = frame[column].dt.strftime(TIME_FORMAT)
    return frame


def _write_store(folder, profile, activity, at=None):
    folder.mkdir(parents=True)
    for name, rows in (("profile", profile), ("activity", activity)):
        if at is not None:
            rows = rows[rows["ingested_at"] <= at]
        rows = rows.sort_values(["ingested_at", "customer_id"], kind="stable")
        columns = ["customer_id", "event_time", "ingested_at"]
        rows = rows[columns + [c for c in rows.columns if c not in columns]]
        _fmt(rows).to_csv(folder / f"{name}.csv", index=False)


def _scenario(rng, hidden_dir, name, ids, first_day, profile, activity, snapshots):
    """Hidden files for one scenario: store, requests (offline + online) and the truth."""
    base = hidden_dir / name
    _write_store(base / "store", profile, activity)
    offline = [_label_requests(rng, ids, first_day, 3, f"{name}L")]
    frames = [truth(profile, activity, offline[0]).assign(kind="offline")]
    for i, at in enumerate(snapshots):
        snap = base / f"snapshot{i}"
        _write_store(snap / "store", profile, activity, at)
        requests = _snapshot_requests(rng, ids, at, f"{name}S{i}")
        _fmt(requests).to_csv(snap / "requests.csv", index=False)
        offline.append(requests)
        frames.append(truth(profile, activity, requests).assign(kind=f"snapshot{i}"))
    # The builder sees the online requests too (same customer and time), mixed in by time.
    offline = pd.concat(offline, ignore_index=True).sort_values("timestamp", kind="stable")
    _fmt(offline).to_csv(base / "offline_requests.csv", index=False)
    pd.concat(frames, ignore_index=True).to_csv(base / "truth.csv", index=False)


def _label(rng, profile, activity, requests):
    """A churn label for the training requests (only the agent's model would use it)."""
    known = truth(profile, activity, requests)
    spend = known["spend_7d"].fillna(0).to_numpy()
    p = 1 / (1 + np.exp(0.02 * spend - 1.0))
    return (rng.random(len(known)) < p).astype(int)


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(6300 + seed)
    ids, first_day, profile, activity = _store(rng, 300, 0.15, 1)
    _write_store(public_dir / "data" / "store", profile, activity)
    train = _label_requests(rng, ids, first_day, 4, "T")
    train["churned_30d"] = _label(rng, profile, activity, train)
    _fmt(train).to_csv(public_dir / "data" / "training_requests.csv", index=False)
    day = pd.Timedelta(days=1)
    at_a = [START + 70 * day + pd.Timedelta(seconds=int(rng.integers(0, 86400)))]
    _scenario(rng, hidden_dir, "A", ids, first_day, profile, activity, at_a)
    ids_b, first_b, profile_b, activity_b = _store(rng, 250, 0.35, 50001)
    at_b = [START + 35 * day + pd.Timedelta(seconds=int(rng.integers(0, 86400)))]
    _scenario(rng, hidden_dir, "B", ids_b, first_b, profile_b, activity_b, at_b)
