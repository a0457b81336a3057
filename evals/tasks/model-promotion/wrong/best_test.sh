#!/usr/bin/env bash
# Picks the candidate with the best test AUC ("the number that matters in production"),
# with the registry bookkeeping and rollback done right.
set -euo pipefail
python3 - <<'PY'
import datetime
import json
from pathlib import Path

reg = Path("registry")
prod = json.loads((reg / "production.json").read_text())
cards = {p.parent.name: json.loads(p.read_text()) for p in reg.glob("models/*/card.json")}
cands = {v: c for v, c in cards.items() if c["stage"] == "candidate"}
best = max(cands, key=lambda v: cands[v]["metrics"]["test"]["auc"])
verdicts = {v: {"eligible": v == best, "reasons": ["best test auc" if v == best else "lower"]}
            for v in cands}
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
