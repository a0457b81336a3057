#!/usr/bin/env bash
# The oracle's service, rejecting every bad request with a 4xx but one message for all:
# {"error": "invalid request"}, never saying what is wrong or which field. Passed at 0.9
# while a clear error was a weighted share (the red team's generic, seeds 11 and 12).
set -euo pipefail
cp "$(dirname "$0")/reference_README.md" README.md  # the runbook is not the mistake here
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_serve.py").read_text()
reply = '            self._send(exc.status, {"error": str(exc)})\n'
assert code.count(reply) == 1
Path("serve.py").write_text(code.replace(reply, reply.replace("str(exc)", '"invalid request"')))
PY
