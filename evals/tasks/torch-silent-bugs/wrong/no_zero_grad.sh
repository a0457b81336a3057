#!/usr/bin/env bash
# Everything fixed except optimizer.zero_grad(): gradients keep accumulating, hidden by
# other settings: Adam at a small learning rate and lighter dropout bring it to the
# oracle's accuracy (0.71-0.75), so only the watch on the gradients tells it from a fix.
set -euo pipefail
python3 .mlskills-script/fixes.py logits aligned_labels eval_in_validation eval_in_predict
sed -i 's/torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9)/torch.optim.Adam(model.parameters(), lr=3e-4)/' train.py
sed -i 's/nn.Dropout(0.5)/nn.Dropout(0.2)/; /nn.Dropout(0.1)/d' model.py
grep -q "optim.Adam" train.py && ! grep -q "zero_grad" train.py && ! grep -q "Dropout(0.[15])" model.py
