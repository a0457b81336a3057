#!/usr/bin/env bash
# Applies the policy, keeps history, dates and rollback right, but leaves every
# candidate's `reasons` empty: the review record says who was rejected, never why.
# Passed at 1.0 while reasons went unread (the red team's no_reasons, seeds 13 and 14).
set -euo pipefail
python3 - "$(dirname "$0")/policy.py" <<'PY'
import json
import runpy
import sys
from pathlib import Path

runpy.run_path(sys.argv[1], run_name="__main__")
record = json.loads(Path("promotion.json").read_text())
for verdict in record["candidates"].values():
    verdict["reasons"] = []
Path("promotion.json").write_text(json.dumps(record, indent=2))
PY
cat > rollback.sh <<'SH'
#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")"
python3 -c '
import datetime, json, sys; p = "registry/production.json"; d = json.load(open(p))
d["history"] or sys.exit("nothing to roll back to")
d["version"] = d["history"].pop(); d["promoted_at"] = datetime.date.today().isoformat()
json.dump(d, open(p, "w"), indent=2)'
SH
