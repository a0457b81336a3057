#!/usr/bin/env bash
# Ship predict.py into the workspace root, then fit, validate and save the pipeline.
set -euo pipefail
here="$(dirname "$0")"
cp "$here/predict.py" "$here/train.py" .
python train.py
python predict.py --input data/sample_batch.csv --output sample_predictions.csv
