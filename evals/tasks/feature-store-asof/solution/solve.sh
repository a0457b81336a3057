#!/usr/bin/env bash
# Ship the shared point-in-time lookup, the training-set builder and the online server,
# then build the training set once.
set -euo pipefail
here="$(dirname "$0")"
cp "$here/feature_lookup.py" "$here/build_training_set.py" "$here/serve_features.py" .
python build_training_set.py --store data/store --requests data/training_requests.csv \
  --out training_set.csv
