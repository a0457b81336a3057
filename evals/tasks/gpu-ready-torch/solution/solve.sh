#!/usr/bin/env bash
# Device-agnostic training (AMP on CUDA only, CPU tensors in the checkpoint) and a
# predictor that maps any checkpoint to the CPU; train once and smoke-test.
set -euo pipefail
here="$(dirname "$0")"
cp "$here/train.py" "$here/predict.py" .
python train.py
head -20 data/train.csv | cut -d, -f1-17 > "${TMPDIR:-/tmp}/parts.csv"
python predict.py --input "${TMPDIR:-/tmp}/parts.csv" --output "${TMPDIR:-/tmp}/predictions.csv"
