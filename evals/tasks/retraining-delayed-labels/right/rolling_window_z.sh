#!/usr/bin/env bash
# Honest and plain: at each week, only the labels that have arrived by then; accuracy of
# the last six batch weeks with labels against the first ten batch weeks', fire when the
# drop is at least 5 points and three standard errors.
set -euo pipefail
cp "$(dirname "$0")/rolling_window.py" retrain_trigger.py
