#!/usr/bin/env bash
# Careful everywhere except dates, which pandas parses by guessing the format per value:
# day-first dates like 05.03.2023 become 3 May, so those visits get the wrong key.
set -euo pipefail
python3 "$(dirname "$0")/partial_clean.py" --naive-dates
