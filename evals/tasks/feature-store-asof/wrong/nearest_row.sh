#!/usr/bin/env bash
# The training set takes each customer's row nearest in time to the request, before or
# after it: training rows see values from the future that serving never has.
set -euo pipefail
bash "$(dirname "$0")/event_time_only.sh"  # serving: the backward join on event_time
cat > build_training_set.py <<'PY'
from functools import partial

from asof_kit import main
from lookup import features_at

main(partial(features_at, direction="nearest"))
PY
python build_training_set.py --store data/store --requests data/training_requests.csv --out training_set.csv
