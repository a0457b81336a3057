#!/usr/bin/env bash
# Keep the team's model, calibrate it with cross-validated isotonic regression, and write
# probabilities for next week's cases.
set -euo pipefail
cp "$(dirname "$0")/calibrate.py" calibrate.py
python calibrate.py
