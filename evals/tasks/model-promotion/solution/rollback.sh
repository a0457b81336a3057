#!/usr/bin/env bash
# Roll production back one step: serve the last version in `history` again and drop it
# from the history. Model folders are never touched, so this is always safe to run.
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import datetime
import json
from pathlib import Path

path = Path("registry/production.json")
production = json.loads(path.read_text())
if not production.get("history"):
    raise SystemExit("nothing to roll back to: history is empty")
current, previous = production["version"], production["history"][-1]
if not Path("registry/models", previous, "model.json").is_file():
    raise SystemExit(f"cannot roll back: registry/models/{previous} is missing")
production.update(
    version=previous,
    history=production["history"][:-1],
    promoted_at=datetime.date.today().isoformat(),
)
path.write_text(json.dumps(production, indent=2))
print(f"rolled back {current} -> {previous}")
PY
