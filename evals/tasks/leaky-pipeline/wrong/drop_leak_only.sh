#!/usr/bin/env bash
# Fixes the obvious leak only: drops refund_issued but keeps the merchant risk computed from
# all labels and the duplicated rows, so the estimate stays far too high.
set -euo pipefail
sed -i 's#pd.read_csv("data/t[a-z]*.csv")#&.drop(columns="refund_issued")#' train.py
python3 train.py
