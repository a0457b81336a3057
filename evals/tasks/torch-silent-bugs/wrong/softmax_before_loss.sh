#!/usr/bin/env bash
# Everything fixed except the model's final Softmax, which CrossEntropyLoss then treats as
# logits (a softmax applied twice), hidden by other settings: Adam and lighter dropout
# bring it to the oracle's accuracy (0.68-0.74), so only the watch on the loss's input
# tells it from a fix.
set -euo pipefail
python3 .mlskills-script/fixes.py zero_grad aligned_labels eval_in_validation eval_in_predict
sed -i 's/torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9)/torch.optim.Adam(model.parameters(), lr=1e-3)/' train.py
sed -i 's/nn.Dropout(0.5)/nn.Dropout(0.2)/; /nn.Dropout(0.1)/d' model.py
grep -q "optim.Adam" train.py && grep -q "nn.Softmax(dim=1)" model.py && ! grep -q "Dropout(0.[15])" model.py
