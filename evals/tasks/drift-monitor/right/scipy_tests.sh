#!/usr/bin/env bash
# Materiality plus significance with scipy's textbook tests: a z-test of the mean against
# the reference, Brown-Forsythe (spread), Fisher's exact test (each category's share,
# unseen ones included, and the missing rate); a feature drifts when a change is past the
# ticket's threshold and p < 1e-4. (Welch's t and two-proportion z-tests paged on healthy
# batches of 25 and 58 rows on seed 4: their approximations fail at that size.)
set -euo pipefail
cp "$(dirname "$0")/scipy_monitor.py" monitor.py
