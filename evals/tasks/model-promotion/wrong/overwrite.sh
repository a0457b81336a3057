#!/usr/bin/env bash
# Applies the policy correctly but overwrites production.json with just the new version:
# the record of what served before is gone, and the rollback script, written for this one
# promotion, can only ever restore v3.
set -euo pipefail
python3 "$(dirname "$0")/policy.py"
python3 - <<'PY'
import json
from pathlib import Path

winner = json.loads(Path("promotion.json").read_text())["promoted"]
Path("registry/production.json").write_text(json.dumps({"version": winner}, indent=2))
PY
cat > rollback.sh <<'SH'
#!/usr/bin/env bash
echo '{"version": "v3"}' > registry/production.json
SH
