#!/usr/bin/env bash
# Applies the policy, keeps history, dates and rollback right, but writes the review
# record's `previous` as the last entry of the old history (v2), not the version the
# promotion replaced (v3). Passed at 1.0 while `previous` went unread (the red team's
# wrong_previous, seeds 13 and 14).
set -euo pipefail
python3 - "$(dirname "$0")/policy.py" <<'PY'
import json
import runpy
import sys
from pathlib import Path

old_history = json.loads(Path("registry/production.json").read_text())["history"]
runpy.run_path(sys.argv[1], run_name="__main__")
record = json.loads(Path("promotion.json").read_text())
Path("promotion.json").write_text(json.dumps({**record, "previous": old_history[-1]}, indent=2))
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
