#!/usr/bin/env bash
# Careful with dates, sentinels, categories and duplicates, but never looks at units:
# one clinic's weights stay in pounds and another's heights in metres.
set -euo pipefail
python3 "$(dirname "$0")/partial_clean.py" --no-units
