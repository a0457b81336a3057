#!/usr/bin/env bash
# Fully seeded, but the checkpoint restores only the weights and the epoch: the resumed
# run starts with fresh AdamW moments, a restarted learning-rate schedule and re-seeded
# random generators (epoch 3 replays epoch 1's data order and dropout masks).
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_train.py").read_text()
restore = """        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        rng.bit_generator.state = state["numpy_rng"]
"""
assert restore in code
Path("train.py").write_text(code.replace(restore, ""))
PY
