"""A tiny feature store: two feature tables with event and ingestion times, label times
for training, and snapshots of the store for online lookups.

`profile` rows change now and then; `activity` rows are daily 7-day aggregates. Most rows
land minutes to hours after their event time, some days late (so a newer day can land
before an older one), and some are restated later with corrected values (same event
time, later ingestion). Some customers only appear late, so early requests for them have
no history, and some go quiet for weeks (no activity rows), so the latest row known for
them can be old; a few went dormant months or years before the quarter. The rule sets no
age limit, and a third kind of probe holds requests whose latest known activity row is 2
to 1,000 days old. The value known at time t is, per table, the row with the latest event
time among the rows ingested at or before t (ties: the later ingestion).

Two hidden scenarios: A is the public store with new request times and a late snapshot;
B is a new store with more late rows and new customers, and an early snapshot. For each,
the hidden truth is the features every request should get, computed by the rule above.
Random request times rarely land where the ticket's two tie rules decide, so each
scenario also holds probes for them, mixed in as ordinary training requests: requests at
the very second a row was ingested ("at or before t" counts it), and requests just after
a restatement landed ("the one ingested last" wins). Each probe is kept only where the
rule changes the answer, and each snapshot moment is itself such an ingestion second.
The public training requests' truth is hidden too, to grade training_set.csv.
"""

from pathlib import Path

import numpy as np
import pandas as pd

START = pd.Timestamp("2024-01-01")
N_DAYS = 91
PLANS = np.array(["basic", "plus", "pro"])
FEATURES = ["plan", "credit_limit", "txn_count_7d", "spend_7d"]
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
QUIET_SHARE, QUIET_DAYS = 0.3, (10, 71)  # customers with no activity for 10-70 days


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
        if rng.random() < QUIET_SHARE:  # a quiet spell of weeks, to the end for some
            start = rng.integers(day0 + 2, N_DAYS)
            active = active[(active < start) | (active >= start + rng.integers(*QUIET_DAYS))]
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
    dormant_ids, dormant_profile, dormant_activity = _dormant(rng, n_customers // 12, first_id)
    ids = np.concatenate([ids, dormant_ids])
    first_day = np.concatenate([first_day, np.zeros(len(dormant_ids), dtype=first_day.dtype)])
    profile, activity = profile + dormant_profile, activity + dormant_activity
    profile = _ingest(rng, pd.concat(profile, ignore_index=True), late_share, 60, 1800)
    activity = _ingest(rng, pd.concat(activity, ignore_index=True), late_share, 1800, 10800)
    activity = _restate(rng, activity)
    return ids, first_day, profile, activity


# Dormant customers were active for a while before the quarter and silent since, so the
# latest row known for them is months to years old at any request in it. The rule sets no
# age limit, so a freshness limit of a quarter, half a year or a year gets them wrong: one
# customer in twelve, spread evenly over the bands of how long ago they went silent.
DORMANT_SILENT_DAYS = ((80, 135), (180, 320), (365, 955))


def _dormant(rng, n, first_id):
    """`n` customers whose profile and activity rows all predate the quarter."""
    ids = np.array([f"D{first_id + i:05d}" for i in range(n)])
    profile, activity = [], []
    for k, cid in enumerate(ids):
        low, high = DORMANT_SILENT_DAYS[k % len(DORMANT_SILENT_DAYS)]
        last = -int(rng.integers(low, high))
        days = np.arange(last - int(rng.integers(5, 60)), last + 1)
        days = days[(rng.random(len(days)) < 0.7) | (days == last)]
        changes = np.unique(rng.choice(days, 1 + rng.poisson(0.5)))
        event = START + pd.to_timedelta(changes, "D") + _seconds(rng, 0, 86400, len(changes))
        profile.append(
            pd.DataFrame(
                {
                    "customer_id": cid,
                    "event_time": event,
                    "plan": PLANS[rng.integers(0, 3, len(changes))],
                    "credit_limit": rng.choice([500, 1000, 2000, 5000, 10000], len(changes)),
                }
            )
        )
        count = rng.poisson(rng.lognormal(1.0, 0.6) * 7, len(days))
        activity.append(
            pd.DataFrame(
                {
                    "customer_id": cid,
                    "event_time": START + pd.to_timedelta(days + 1, "D"),
                    "txn_count_7d": count,
                    "spend_7d": (count * rng.lognormal(3.0, 0.5, len(days))).round(2),
                }
            )
        )
    return ids, profile, activity


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


def _snapshot_requests(rng, ids, at, prefix, must, n_unknown=15):
    unknown = [f"X{90000 + i}" for i in rng.choice(5000, n_unknown, replace=False)]
    chosen = (rng.random(len(ids)) < 0.6) | (ids == must)
    who = np.concatenate([ids[chosen], unknown])
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


N_PROBES = 40  # per tie rule and scenario


def _differs(a, b):
    """Per row: some feature differs between two truth frames (empty equals empty)."""
    a, b = a.set_index("request_id")[FEATURES], b.set_index("request_id")[FEATURES]
    same = (a == b) | (a.isna() & b.isna())
    return ~same.all(axis=1).to_numpy()


def _requests(customers, times):
    """Requests with provisional ids (unique here; renumbered once the probes are kept)."""
    ids = [f"P{i:06d}" for i in range(len(customers))]
    return pd.DataFrame(
        {"request_id": ids, "customer_id": np.asarray(customers), "timestamp": times}
    )


def _boundary_probes(rng, profile, activity):
    """Requests at the second a row landed, where counting that row changes the answer."""
    rows = pd.concat([profile, activity], ignore_index=True)
    rows = rows.iloc[rng.permutation(len(rows))[: 20 * N_PROBES]]
    at = _requests(rows["customer_id"], rows["ingested_at"].to_numpy())
    before = at.assign(timestamp=at["timestamp"] - pd.Timedelta(seconds=1))
    keep = _differs(truth(profile, activity, at), truth(profile, activity, before))
    return at[keep].head(N_PROBES).reset_index(drop=True)


def _restated_probes(rng, profile, activity):
    """Requests soon after a restatement landed, where it (not the original) is the answer."""
    key = ["customer_id", "event_time"]
    restated = activity[activity.duplicated(key, keep=False)]
    corrections = restated.sort_values("ingested_at").drop_duplicates(key, keep="last")
    corrections = corrections.iloc[rng.permutation(len(corrections))[: 10 * N_PROBES]]
    times = corrections["ingested_at"] + _seconds(rng, 0, 3 * 3600, len(corrections))
    after = _requests(corrections["customer_id"], times.to_numpy())
    originals = activity.sort_values("ingested_at").drop_duplicates(key, keep="first")
    keep = _differs(truth(profile, activity, after), truth(profile, originals, after))
    return after[keep].head(N_PROBES).reset_index(drop=True)


# Edges (days) of the bands of a stale probe's age: the time from its latest known
# activity row to the request. Equal counts per band, so a freshness limit invented
# anywhere from 3 days to a year gets at least an eighth of them wrong (the bands past 80
# days are dormant customers').
STALE_DAYS = [2, 7, 14, 30, 45, 80, 180, 365, 1000]
N_STALE_PER_BAND = 8
N_STALE_CANDIDATES = 8000


def _stale_probes(rng, ids, first_day, activity):
    """Requests whose latest known activity row is days to years old (customers in a
    quiet spell, or dormant): the ticket's rule sets no age limit, so that row is the
    answer."""
    n = N_STALE_CANDIDATES
    who = rng.integers(0, len(ids), n)
    day = rng.uniform(first_day[who] + 1, N_DAYS)
    at = _requests(ids[who], (START + pd.to_timedelta(day * 86400, "s").round("s")).to_numpy())
    latest = known_at(activity, at, ["event_time"])["event_time"].to_numpy()
    age = (at["timestamp"].to_numpy() - latest) / pd.Timedelta(days=1)
    band = np.digitize(np.nan_to_num(age, nan=-1.0), STALE_DAYS)
    keep = [np.flatnonzero(band == b)[:N_STALE_PER_BAND] for b in range(1, len(STALE_DAYS))]
    return at.iloc[np.concatenate(keep)].reset_index(drop=True)


def _snapshot_moment(rng, profile, activity, day):
    """An ingestion second on `day` at which that row changes its customer's features."""
    rows = pd.concat([profile, activity], ignore_index=True)
    rows = rows[rows["ingested_at"].dt.normalize() == START + pd.Timedelta(days=day)]
    rows = rows.iloc[rng.permutation(len(rows))]
    at = _requests(rows["customer_id"], rows["ingested_at"].to_numpy())
    before = at.assign(timestamp=at["timestamp"] - pd.Timedelta(seconds=1))
    pick = at[_differs(truth(profile, activity, at), truth(profile, activity, before))].iloc[0]
    return pick["timestamp"], pick["customer_id"]


def _scenario(rng, hidden_dir, name, ids, first_day, profile, activity, snapshot_days):
    """Hidden files for one scenario: store, requests (offline + online) and the truth."""
    base = hidden_dir / name
    _write_store(base / "store", profile, activity)
    labelled = _label_requests(rng, ids, first_day, 3, f"{name}L")
    boundary = _boundary_probes(rng, profile, activity)
    restated = _restated_probes(rng, profile, activity)
    stale = _stale_probes(rng, ids, first_day, activity)
    offline = [labelled, boundary, restated, stale]
    # Probes look like any training request: the same id series, numbered on.
    n = len(labelled)
    for probes in (boundary, restated, stale):
        probes["request_id"] = [f"{name}L{i:06d}" for i in range(n, n + len(probes))]
        n += len(probes)
    kinds = ("offline", "boundary", "restated", "stale")
    frames = [
        truth(profile, activity, requests).assign(kind=kind)
        for requests, kind in zip(offline, kinds, strict=True)
    ]
    for i, day in enumerate(snapshot_days):
        at, customer = _snapshot_moment(rng, profile, activity, day)
        snap = base / f"snapshot{i}"
        _write_store(snap / "store", profile, activity, at)
        requests = _snapshot_requests(rng, ids, at, f"{name}S{i}", customer)
        _fmt(requests).to_csv(snap / "requests.csv", index=False)
        offline.append(requests)
        frames.append(truth(profile, activity, requests).assign(kind=f"snapshot{i}"))
    # The builder sees the probes and the online requests too (same customer and time),
    # mixed in by time.
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
    truth(profile, activity, train).to_csv(hidden_dir / "training_truth.csv", index=False)
    _scenario(rng, hidden_dir, "A", ids, first_day, profile, activity, [70])
    ids_b, first_b, profile_b, activity_b = _store(rng, 250, 0.35, 50001)
    _scenario(rng, hidden_dir, "B", ids_b, first_b, profile_b, activity_b, [35])
