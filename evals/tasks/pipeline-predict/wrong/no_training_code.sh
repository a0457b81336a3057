#!/usr/bin/env bash
# The oracle's pipeline and predictor, but trained by a script that is not shipped (as
# from a scratch notebook or a `python -c`): the ticket asks for the training code that
# produced the model, and none in the workspace reads train.csv. Passed before the
# training-code gate.
set -euo pipefail
cp .mlskills-script/reference_predict.py predict.py
cp .mlskills-script/reference_schema.py schema.py
PYTHONPATH=. python3 .mlskills-script/reference_train.py
