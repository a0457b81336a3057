#!/usr/bin/env bash
# torch.compile on the GPU only, and the compiled wrapper's state dict saved as it is: a
# checkpoint from the cluster holds "_orig_mod."-prefixed keys that predict.py's model
# cannot load, while checkpoints trained on a CPU load fine.
set -euo pipefail
cp .mlskills-script/reference_predict.py predict.py  # the oracle's predict.py
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_train.py").read_text()
old = "    model = build_model(x.shape[1], n_classes).to(device)\n"
new = old + '    if device.type == "cuda":\n        model = torch.compile(model)  # faster kernels\n'
assert code.count(old) == 1
Path("train.py").write_text(code.replace(old, new))
PY
