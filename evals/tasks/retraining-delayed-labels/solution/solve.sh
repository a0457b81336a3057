#!/usr/bin/env bash
# Ship the label-based retraining trigger and replay last year's stream with it.
set -euo pipefail
cp "$(dirname "$0")/retrain_trigger.py" retrain_trigger.py
python retrain_trigger.py --batches data/batches.csv --labels data/labels.csv --out decisions.csv
