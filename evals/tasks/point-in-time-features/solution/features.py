"""Point-in-time user features: python features.py --events PATH --cutoff ISO --out PATH

Only events strictly before the cut-off are used, and every time-based feature is measured
from the cut-off (never from the end of the log or the clock), so the output is the same
whether or not the log also holds later events. Users enter only once they have an event
before the cut-off.
"""

import argparse

import pandas as pd

WINDOWS = (7, 30, 90)
NEVER = 365.0  # "days since" for something that has not happened yet


def build(events: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    ts = pd.to_datetime(events["timestamp"], utc=True)
    past = events.assign(ts=ts)[ts < cutoff]
    age = (cutoff - past["ts"]).dt.total_seconds() / 86400  # days before the cut-off
    past = past.assign(age=age)
    users = pd.Index(sorted(past["user_id"].unique()), name="user_id")
    out = pd.DataFrame(index=users)
    kinds = {"session_start": "sessions", "purchase": "purchases", "add_to_cart": "carts"}
    for kind, name in kinds.items():
        rows = past[past["event_type"] == kind]
        for days in WINDOWS:
            out[f"{name}_{days}d"] = rows[rows["age"] < days].groupby("user_id").size()
        out[f"days_since_{name}"] = rows.groupby("user_id")["age"].min()
    buys = past[past["event_type"] == "purchase"]
    for days in (30, 90):
        out[f"spend_{days}d"] = buys[buys["age"] < days].groupby("user_id")["amount"].sum()
    tickets = past[past["event_type"] == "support_ticket"]
    out["tickets_30d"] = tickets[tickets["age"] < 30].groupby("user_id").size()
    renewals = past[past["event_type"] == "subscription_renewal"]
    out["subscribed"] = renewals[renewals["age"] < 35].groupby("user_id").size().clip(upper=1)
    out["tenure_days"] = past.groupby("user_id")["age"].max()
    out["days_since_event"] = past.groupby("user_id")["age"].min()
    counts = [c for c in out.columns if not c.startswith(("days_since", "tenure"))]
    out[counts] = out[counts].fillna(0)
    since = [c for c in out.columns if c.startswith("days_since")]
    out[since] = out[since].fillna(NEVER)
    # Trend: the last 30 days against the 60 before, per day (1 = steady).
    earlier = (out["sessions_90d"] - out["sessions_30d"]) / 60
    out["session_trend"] = (out["sessions_30d"] / 30 + 0.01) / (earlier + 0.01)
    out["conversion_90d"] = out["purchases_90d"] / (out["sessions_90d"] + 1)
    return out.round(6).reset_index()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", required=True)
    parser.add_argument("--cutoff", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    cutoff = pd.Timestamp(args.cutoff)
    cutoff = cutoff.tz_localize("UTC") if cutoff.tzinfo is None else cutoff.tz_convert("UTC")
    events = pd.read_csv(args.events, dtype={"user_id": str, "event_type": str})
    build(events, cutoff).to_csv(args.out, index=False)
