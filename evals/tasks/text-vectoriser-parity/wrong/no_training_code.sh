#!/usr/bin/env bash
# The oracle's pipeline, validation and predictor, but trained by a script that is not
# shipped (as from a scratch notebook or a `python -c`): the ticket asks for the training
# code beside the model, and none in the workspace reads train.csv. Passed before the
# training-code gate (0.99 on seed 0).
set -euo pipefail
python3 .mlskills-script/reference_train.py
cp .mlskills-script/reference_predict.py predict.py
