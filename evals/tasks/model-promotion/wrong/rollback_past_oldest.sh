#!/usr/bin/env bash
# Applies the policy and keeps history and dates right, but the rollback never checks that
# there is a version to go back to: with the history used up it "rolls back" to null,
# and production serves nothing. Passed before the grader ran rollback past the oldest
# version (the red team's w6_emptyhist, 1.0 on seeds 11 and 12).
set -euo pipefail
python3 "$(dirname "$0")/policy.py"
cat > rollback.sh <<'SH'
#!/usr/bin/env bash
cd "$(dirname "$0")"
python3 -c '
import datetime, json; p = "registry/production.json"; d = json.load(open(p))
d["version"] = d["history"].pop() if d["history"] else None
d["promoted_at"] = datetime.date.today().isoformat()
json.dump(d, open(p, "w"), indent=2)'
SH
