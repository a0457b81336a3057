#!/usr/bin/env bash
# Careful everywhere except sentinel codes in numbers: 999, -999, -1 and 0 are parsed as
# ages, weights and blood pressures instead of being left empty.
set -euo pipefail
python3 "$(dirname "$0")/partial_clean.py" --keep-sentinels
