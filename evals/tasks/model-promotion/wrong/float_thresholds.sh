#!/usr/bin/env bash
# The oracle's review with the policy's limits compared as plain float differences of the
# cards' numbers: a candidate exactly on a limit ("at least 0.005 higher" with 0.8382 vs
# 0.8332, whose float difference is 0.00499...) is wrongly rejected. Passed before the
# runner-up sat on the limits (the red team's w4_float, 1.0 on seeds 11 and 12).
set -euo pipefail
sed 's/^EPS = 1e-9 .*/EPS = 0.0/' "$(dirname "$0")/policy.py" > promote.py
grep -q "^EPS = 0.0$" promote.py
python3 promote.py
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
