#!/usr/bin/env bash
# Training is device-agnostic and saves CPU tensors, but predict.py loads checkpoints
# without mapping them to the CPU: a checkpoint saved on the GPU cluster cannot be read
# on a CPU-only line server.
set -euo pipefail
cp .mlskills-script/reference_train.py train.py  # the oracle's train.py
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_predict.py").read_text()
old = 'torch.load(args.checkpoint, map_location="cpu", weights_only=True)'
assert code.count(old) == 1
Path("predict.py").write_text(code.replace(old, "torch.load(args.checkpoint, weights_only=True)"))
PY
