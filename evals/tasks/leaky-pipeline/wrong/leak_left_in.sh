#!/usr/bin/env bash
# Runs train.py as shipped: the refund flag (known only after a chargeback), the in-sample
# merchant risk and the duplicated orders all inflate the estimate, and the model leans on a
# column that is empty at checkout.
set -euo pipefail
python3 train.py
