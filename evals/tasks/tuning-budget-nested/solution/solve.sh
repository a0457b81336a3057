#!/usr/bin/env bash
set -euo pipefail
cp "$(dirname "$0")/tune.py" tune.py
python3 tune.py --data data --out out
