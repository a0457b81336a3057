#!/usr/bin/env bash
# Materiality plus significance with scipy's textbook tests: Welch's t-test (mean),
# Brown-Forsythe (spread), two-proportion z-tests (each category's share, unseen ones
# included, and the missing rate); a feature drifts when a change is past the ticket's
# threshold and p < 1e-4.
set -euo pipefail
cp "$(dirname "$0")/scipy_monitor.py" monitor.py
