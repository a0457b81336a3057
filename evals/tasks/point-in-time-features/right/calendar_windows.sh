#!/usr/bin/env bash
# A calendar-aware design: activity per event type in the 1, 2 and 3 calendar months
# before the cut-off (month offsets, not fixed day counts), weekend and night shares of
# sessions, and days since the last event of each type, all taken from the cut-off.
set -euo pipefail
cp "$(dirname "$0")/pit_kit.py" .
cat > design.py <<'PY'
import pandas as pd


def features(past, cutoff):
    out = pd.DataFrame(index=pd.Index(sorted(past["user_id"].unique())))
    for kind in ("session_start", "add_to_cart", "purchase", "support_ticket"):
        rows = past[past["event_type"] == kind]
        for months in (1, 2, 3):
            since = rows[rows["ts"] >= cutoff - pd.DateOffset(months=months)]
            out[f"{kind}_{months}m"] = since.groupby("user_id").size()
        last = rows.groupby("user_id")["ts"].max()
        out[f"days_since_{kind}"] = (cutoff - last).dt.total_seconds() / 86400
    sessions = past[past["event_type"] == "session_start"]
    by_user = sessions["user_id"]
    out["weekend_share"] = (sessions["ts"].dt.day_of_week >= 5).groupby(by_user).mean()
    out["night_share"] = (sessions["ts"].dt.hour < 6).groupby(by_user).mean()
    renewals = past[past["event_type"] == "subscription_renewal"]
    last_month = renewals[renewals["ts"] >= cutoff - pd.DateOffset(months=1)]
    out["renewed_last_month"] = last_month.groupby("user_id").size().clip(upper=1)
    return out.fillna({c: 0 for c in out.columns if c.endswith("m") or c == "renewed_last_month"})
PY
printf '%s\n' 'from design import features' 'from pit_kit import main' '' 'main(features)' > features.py
