#!/usr/bin/env bash
# Optimistic selection on a held-out file: per region, fits every configuration on
# train.csv, picks the one with the best AUC on validation.csv and reports that same
# validation AUC as the estimate: the file used to choose among 20 configurations is no
# longer an honest test of the one chosen.
set -euo pipefail
cp "$(dirname "$0")/tune_kit.py" .
cat > choice.py <<'PY'
import numpy as np
from tune_kit import auc, fit


def choose(train, validation, configs, labelled):
    scores = [auc(fit(c, train), c, validation) for c in configs]
    i = int(np.argmax(scores))
    return configs[i], scores[i], train
PY
printf '%s\n' 'from tune_kit import main' 'from choice import choose' '' 'main(choose, "numpy")' > tune.py
