#!/usr/bin/env bash
# The oracle's service without README.md, the runbook the ticket asks the backend team to
# get. Passed at 1.0 while no check read it (the red team's no_readme, seeds 13 and 14).
set -euo pipefail
cp "$(dirname "$0")/reference_serve.py" serve.py
