#!/usr/bin/env bash
# Fix the four silent bugs (see fixes.py), then train and smoke-test the predictor.
set -euo pipefail
python3 "$(dirname "$0")/fixes.py" all
python3 train.py
head -50 data/train.csv | cut -d, -f1-21 > "${TMPDIR:-/tmp}/readings.csv"
python3 predict.py --input "${TMPDIR:-/tmp}/readings.csv" --output "${TMPDIR:-/tmp}/predictions.csv"
