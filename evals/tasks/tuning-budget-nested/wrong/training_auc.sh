#!/usr/bin/env bash
# In-sample estimate: per region, chooses by 3-fold cross-validated AUC on train.csv and
# validation.csv pooled (an honest choice), refits the best on all those rows, and reports
# the refit's AUC on the very rows it was fitted on: a training score, not a test score.
set -euo pipefail
cp "$(dirname "$0")/tune_kit.py" .
cat > choice.py <<'PY'
import pandas as pd
from tune_kit import auc, best_by_cv, fit


def choose(train, validation, configs, labelled):
    rows = pd.concat([train, validation], ignore_index=True)
    config, _ = best_by_cv(configs, rows, k=3)
    return config, auc(fit(config, rows), config, rows), rows
PY
printf '%s\n' 'from tune_kit import main' 'from choice import choose' '' 'main(choose, "numpy")' > tune.py
