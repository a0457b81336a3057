#!/usr/bin/env bash
# Ship the predictor (predict.py + schema.py) into the workspace root, then fit and save.
set -euo pipefail
here="$(dirname "$0")"
cp "$here/predict.py" "$here/schema.py" "$here/train.py" .
python train.py
