#!/usr/bin/env bash
# Everything fixed except optimizer.zero_grad(): gradients keep accumulating.
set -euo pipefail
python3 .mlskills-script/fixes.py logits aligned_labels eval_in_validation eval_in_predict
