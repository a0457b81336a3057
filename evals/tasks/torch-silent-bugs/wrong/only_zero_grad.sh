#!/usr/bin/env bash
# A partial fix: clears the gradients each step, leaves the other three bugs in.
set -euo pipefail
python3 .mlskills-script/fixes.py zero_grad
