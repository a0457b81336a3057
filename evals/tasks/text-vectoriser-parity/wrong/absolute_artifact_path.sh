#!/usr/bin/env bash
# The oracle's router, but predict.py loads model.joblib by the absolute path of the folder
# it was trained in: the dispatch service's fresh copy lives in another folder. Red team
# (session 13): 1.0 on seeds 13 and 14 while the rebuild ran predict.py where train.py had.
set -euo pipefail
cp .mlskills-script/reference_train.py train.py
sed "s#HERE / \"model.joblib\"#\"$PWD/model.joblib\"#" .mlskills-script/reference_predict.py \
    > predict.py
grep -q "\"$PWD/model.joblib\"" predict.py  # the edit took
python train.py
