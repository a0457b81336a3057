#!/usr/bin/env bash
# Honest and plain: a Wald interval on the full data, scipy's chi-square goodness-of-fit
# test against the planned split, investigate below p = 0.001, ship when the interval is
# above zero.
set -euo pipefail
python "$(dirname "$0")/wald_chisquare.py"
