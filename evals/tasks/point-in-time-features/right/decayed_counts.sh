#!/usr/bin/env bash
# Another feature design: exponentially decayed event counts per type (half-lives of 7
# and 30 days) plus days since the last event, all measured from the cut-off argument.
set -euo pipefail
cp "$(dirname "$0")/pit_kit.py" .
cat > design.py <<'PY'
import numpy as np
import pandas as pd


def features(past, cutoff):
    past = past.assign(days=(cutoff - past["ts"]).dt.total_seconds() / 86400)
    columns = {}
    for half_life in (7, 30):
        past["w"] = np.exp(-np.log(2) * past["days"] / half_life)
        decayed = past.pivot_table(index="user_id", columns="event_type", values="w", aggfunc="sum")
        columns.update({f"{kind}_hl{half_life}": decayed[kind] for kind in decayed.columns})
    out = pd.DataFrame(columns).fillna(0.0)
    out["days_since_last"] = past.groupby("user_id")["days"].min()
    return out
PY
printf '%s\n' 'from design import features' 'from pit_kit import main' '' 'main(features)' > features.py
