#!/usr/bin/env bash
# Device-agnostic, fp16 autocast kept on the GPU, but the GradScaler dropped: the backward
# pass runs on the unscaled loss, so small fp16 gradients underflow to zero on a real GPU
# (red team d's no_grad_scaler: 1.0 when only the matmuls' precision was watched).
set -euo pipefail
cp .mlskills-script/reference_predict.py predict.py  # the oracle's predict.py
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_train.py").read_text()
edits = [
    ("            scaler.scale(loss).backward()\n", "            loss.backward()\n"),
    ("            scaler.step(optimizer)\n", "            optimizer.step()\n"),
    ("            scaler.update()\n", ""),
]
for old, new in edits:
    assert code.count(old) == 1, old
    code = code.replace(old, new)
Path("train.py").write_text(code)
PY
