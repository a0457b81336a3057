#!/usr/bin/env bash
# The oracle's train.py, but with a new checkpoint layout ({"state_dict", "config"}) that
# predict.py reads exclusively: its own checkpoints load anywhere, the ones already saved
# on the cluster in the old layout no longer load (red team d's new_checkpoint_format).
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

train = Path(".mlskills-script/reference_train.py").read_text()
old = '{"n_features": x.shape[1], "n_classes": n_classes, "weights": weights}'
new = '{"state_dict": weights, "config": {"n_features": x.shape[1], "n_classes": n_classes}}'
assert train.count(old) == 1
Path("train.py").write_text(train.replace(old, new))

predict = Path(".mlskills-script/reference_predict.py").read_text()
edits = [
    ('build_model(saved["n_features"], saved["n_classes"])',
     'build_model(saved["config"]["n_features"], saved["config"]["n_classes"])'),
    ('model.load_state_dict(saved["weights"])', 'model.load_state_dict(saved["state_dict"])'),
]
for old, new in edits:
    assert predict.count(old) == 1, old
    predict = predict.replace(old, new)
Path("predict.py").write_text(predict)
PY
