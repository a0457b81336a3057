#!/usr/bin/env bash
# Everything fixed except the model's final Softmax, which CrossEntropyLoss then treats as
# logits: gradients shrink and training crawls.
set -euo pipefail
python3 .mlskills-script/fixes.py zero_grad aligned_labels eval_in_validation eval_in_predict
