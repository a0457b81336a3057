#!/usr/bin/env bash
# Device-agnostic training (AMP on CUDA only, CPU tensors in the checkpoint) and a
# predictor that maps any checkpoint to the CPU. No training run here: the grader trains
# with this train.py itself, so one here would only cost time (in every `tasks check`).
set -euo pipefail
here="$(dirname "$0")"
cp "$here/train.py" "$here/predict.py" .
