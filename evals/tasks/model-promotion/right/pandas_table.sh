#!/usr/bin/env bash
# The policy as filters on a pandas table of the cards (json_normalize), with the rollback
# written as a standalone Python script that bash rollback.sh calls.
set -euo pipefail
python3 - <<'PY'
import datetime
import json
from pathlib import Path

import pandas as pd

registry = Path("registry")
production = json.loads((registry / "production.json").read_text())
cards = [json.loads(p.read_text()) for p in sorted(registry.glob("models/*/card.json"))]
table = pd.json_normalize(cards).set_index("version")
prod = table.loc[production["version"]]
cands = table[(table["stage"] == "candidate") & (table.index != production["version"])]
val = "metrics.validation."
rules = {
    "validated on val-2024-06": cands[val + "dataset"] == "val-2024-06",
    "auc gain >= 0.005": (cands[val + "auc"] - prod[val + "auc"]).round(4) >= 0.005,
    "ece rise <= 0.005": (cands[val + "ece"] - prod[val + "ece"]).round(4) <= 0.005,
    "new-customer auc drop <= 0.01": (
        prod[val + "auc_new_customers"] - cands[val + "auc_new_customers"]
    ).round(4) <= 0.01,
    "p95 latency <= 25 ms": cands["latency_p95_ms"] <= 25,
}
passes = pd.DataFrame(rules)
eligible = passes.all(axis=1)
verdicts = {
    v: {"eligible": bool(eligible[v]), "reasons": [r for r in rules if not passes.loc[v, r]]}
    for v in cands.index
}
winner = cands[eligible][val + "auc"].idxmax() if eligible.any() else None
Path("promotion.json").write_text(
    json.dumps({"promoted": winner, "previous": production["version"], "candidates": verdicts})
)
if winner:
    production["history"] = [*production["history"], production["version"]]
    production["version"] = winner
    production["promoted_at"] = datetime.date.today().isoformat()
    (registry / "production.json").write_text(json.dumps(production, indent=2))
PY
cat > rollback.py <<'PY'
"""One step back: serve history[-1] again; refuse if there is none or its model is gone."""
import datetime
import json
import sys
from pathlib import Path

path = Path("registry/production.json")
state = json.loads(path.read_text())
if not state.get("history"):
    sys.exit("rollback: history is empty")
previous = state["history"][-1]
if not (Path("registry/models") / previous / "model.json").is_file():
    sys.exit(f"rollback: model {previous} is missing")
state["version"], state["history"] = previous, state["history"][:-1]
state["promoted_at"] = datetime.date.today().isoformat()
path.write_text(json.dumps(state, indent=2))
PY
printf '#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")"\nexec python3 rollback.py\n' > rollback.sh
