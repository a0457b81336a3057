#!/usr/bin/env bash
# Applies the policy, keeps the history and rolls back right, but never touches
# `promoted_at`: the registry's date of the last change still says 2024-05-02 after the
# promotion and after every rollback. Passed before the grader read the date (the red
# team's w5_nodate, 1.0 on seeds 11 and 12).
set -euo pipefail
python3 - "$(dirname "$0")/policy.py" <<'PY'
import json
import runpy
import sys
from pathlib import Path

path = Path("registry/production.json")
stale = json.loads(path.read_text())["promoted_at"]
runpy.run_path(sys.argv[1], run_name="__main__")
production = json.loads(path.read_text())
path.write_text(json.dumps({**production, "promoted_at": stale}, indent=2))
PY
cat > rollback.sh <<'SH'
#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")"
python3 -c '
import json, sys; p = "registry/production.json"; d = json.load(open(p))
d["history"] or sys.exit("nothing to roll back to")
d["version"] = d["history"].pop(); json.dump(d, open(p, "w"), indent=2)'
SH
