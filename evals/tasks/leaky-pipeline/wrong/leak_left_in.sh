#!/usr/bin/env bash
# Runs train.py as shipped: the refund flag (known only after a chargeback), the in-sample
# merchant risk and the duplicated orders all inflate the estimate, and the model leans on a
# column that is empty at checkout.
set -euo pipefail
python3 train.py
# A note long enough for the note gate, so the grade shows the mistake this script is about.
cat > VALIDATION.md <<'MD'
The old estimate looked optimistic to us; this version keeps the model and reports the
validation AUC from the hold-out in train.py. It cannot tell the board how the model will
do on orders from merchants or periods the training data does not cover.
MD
