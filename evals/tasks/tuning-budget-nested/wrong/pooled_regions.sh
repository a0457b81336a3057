#!/usr/bin/env bash
# Honest choice and estimate per region, but the delivered model is fitted on every
# region's labelled rows pooled ("more data"): production accepts only a model fitted on
# its own region's rows.
# Passed before the own-rows check (scored 0.76-1.0 on seeds 0-2): log-odds linear in the
# chosen features, so the R^2 gate alone could not tell.
set -euo pipefail
cp "$(dirname "$0")/tune_kit.py" .
cat > choice.py <<'PY'
import pandas as pd
from tune_kit import auc, best_by_cv, fit


def choose(train, validation, configs, labelled):
    config, _ = best_by_cv(configs, train)
    return config, auc(fit(config, train), config, validation), labelled
PY
printf '%s\n' 'from tune_kit import main' 'from choice import choose' '' 'main(choose, "numpy")' > tune.py
