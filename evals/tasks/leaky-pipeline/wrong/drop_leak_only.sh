#!/usr/bin/env bash
# Fixes the obvious leak only: drops refund_issued but keeps the merchant risk computed from
# all labels and the duplicated rows, so the estimate stays far too high.
set -euo pipefail
sed -i 's#pd.read_csv("data/t[a-z]*.csv")#&.drop(columns="refund_issued")#' train.py
python3 train.py
# A note long enough for the note gate, so the grade shows the mistake this script is about.
cat > VALIDATION.md <<'MD'
The old estimate looked optimistic to us; this version keeps the model and reports the
validation AUC from the hold-out in train.py. It cannot tell the board how the model will
do on orders from merchants or periods the training data does not cover.
MD
