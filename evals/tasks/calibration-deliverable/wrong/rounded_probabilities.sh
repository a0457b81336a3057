#!/usr/bin/env bash
# The right fix (drop class_weight="balanced" from the team's model, whose log loss then
# estimates probabilities directly), but the probabilities are rounded to three decimals
# "for finance": calibrated and as good on average, yet 1.4-1.8% of the pairs of cases the
# team's model orders come out tied, which the ticket rules out ("two cases it scores
# differently should not come out with the same probability").
# From the red team's w_round3.sh (s13): it passed 0.993 and 0.973 on seeds 13-14 under the
# former 2% tie limit.
set -euo pipefail
python3 - <<'PY'
source = open("train_model.py").read()
source = source.replace('        class_weight="balanced",\n', "")
source = source.replace('"probability": probability}', '"probability": probability.round(3)}')
open("train_model.py", "w").write(source)
PY
python3 train_model.py
