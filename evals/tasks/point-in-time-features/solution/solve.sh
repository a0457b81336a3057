#!/usr/bin/env bash
# Ship the point-in-time feature script and run it once at the newest cut-off as a smoke test.
set -euo pipefail
cp "$(dirname "$0")/features.py" features.py
python features.py --events data/events.csv --cutoff 2024-06-01T00:00:00Z --out features.csv
