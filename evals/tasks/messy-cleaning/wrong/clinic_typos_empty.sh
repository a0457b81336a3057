#!/usr/bin/env bash
# Careful everywhere except misspelt clinic names ("nroth", "cetnral"): case, " Clinic" and
# spaces are normalised, but a name that is not then one of the five is left empty (and
# the pounds clinic's misspelt rows keep their weights in pounds). About 8% of each
# clinic's records; at 4% (before session 13) this passed the per-clinic gate by seed.
set -euo pipefail
python3 "$(dirname "$0")/partial_clean.py" --exact-clinics
