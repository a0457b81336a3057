#!/usr/bin/env bash
# Complete and bit-reproducible, but the checkpoint also stores the training tensors and a
# resume trains on that copy instead of data/ as it is when it resumes: after a refresh
# (rows reordered, a few values corrected) the resumed run still equals the uninterrupted
# one on the old data. Red team's w5_snapshot_data_in_ckpt, on the oracle.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_train.py").read_text()
edits = [
    ('            "seed": args.seed,\n',
     '            "seed": args.seed,\n            "x_train": x_train,\n'
     '            "y_train": y_train,\n'),
    ('        first_epoch = state["epoch"] + 1\n',
     '        first_epoch = state["epoch"] + 1\n'
     '        x_train, y_train = state["x_train"], state["y_train"]\n'),
]
for old, new in edits:
    assert code.count(old) == 1, old
    code = code.replace(old, new)
Path("train.py").write_text(code)
PY
