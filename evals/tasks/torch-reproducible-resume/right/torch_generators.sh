#!/usr/bin/env bash
# A different correct design: the data order comes from a dedicated torch.Generator
# (torch.randperm) instead of numpy, dropout from the global torch generator, and the
# checkpoint holds both generator states. It also sorts the rows of each file into a
# canonical order when loading (an honest choice: training then ignores the export's row
# order), so a refresh that only reordered the rows would leave it unchanged; the grader's
# refreshed export also corrects a few values, which every honest resume must show.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_train.py").read_text()
edits = [
    ('    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)\n',
     '    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)\n'
     '    table = table[np.lexsort(table.T[::-1])]  # canonical row order\n'),
    ("    rng = np.random.default_rng(args.seed)\n",
     "    order_gen = torch.Generator().manual_seed(args.seed + 1)\n"),
    ('        rng.bit_generator.state = state["numpy_rng"]\n',
     '        order_gen.set_state(state["order_rng"])\n'),
    ("        order = torch.from_numpy(rng.permutation(len(x_train)))\n",
     "        order = torch.randperm(len(x_train), generator=order_gen)\n"),
    ('            "numpy_rng": rng.bit_generator.state,\n',
     '            "order_rng": order_gen.get_state(),\n'),
]
for old, new in edits:
    assert code.count(old) == 1, old
    code = code.replace(old, new)
Path("train.py").write_text(code)
PY
