#!/usr/bin/env bash
set -euo pipefail
cp "$(dirname "$0")/monitor.py" monitor.py
# Smoke test on the healthy example batches: both should come back without an alert.
python3 monitor.py --reference data/reference.csv --batches data/examples --out reports
