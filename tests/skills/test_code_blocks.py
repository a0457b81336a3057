"""Every ```python block in the pack's Markdown runs against the installed libraries.

An API change must break this test, not a user who copied the block. The blocks of one
file run in order in one fresh interpreter (like a notebook), after a prelude that builds
small generated data with the names the blocks use (df, X, y, model...).

Markers, on the line right before a block's opening fence (use sparingly):
  <!-- fragment: why -->     not run: a deliberate excerpt (pseudo-code, a signature)
  <!-- requires: mod, mod --> run only when those modules import; otherwise the test is
                              skipped and says which module is missing
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```python\s*$")
MARKER = re.compile(r"^<!--\s*(fragment|requires):\s*(.*?)\s*-->\s*$")

COMMON = """
import numpy as np
import pandas as pd

rng = np.random.default_rng(0)
n = 400
df = pd.DataFrame(
    {
        "age": rng.integers(18, 80, n),
        "income": rng.normal(50, 10, n),
        "tenure_days": rng.integers(0, 2000, n),
        "debt": rng.normal(10, 3, n),
        "plan": rng.choice(["basic", "pro", "team"], n),
        "country": rng.choice(["uk", "fr", "de"], n),
        "ticket_text": rng.choice(
            ["refund please now", "the app is slow", "great service thanks", "cannot log in"], n
        ),
        "zip_code": rng.choice([f"{i:05d}" for i in range(40)], n),
        "patient_id": rng.integers(0, 60, n),
        "event_time": pd.Timestamp("2024-01-01")
        + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
    }
)
df.loc[::17, "income"] = np.nan
df.loc[::13, "ticket_text"] = np.nan
df["y"] = ((df["income"].fillna(50) > 50) ^ (rng.random(n) < 0.2)).astype(int)
X, y = df.drop(columns="y"), df["y"]
texts = df["ticket_text"].fillna("").tolist() * 3
"""

PRELUDES = {
    "skills/data-profiling/references/cleaning_recipes.md": """
import numpy as np
import pandas as pd

rng = np.random.default_rng(0)
n = 200
path = "raw.csv"
pd.DataFrame(
    {
        "customer_id": [f"{i:06d}" for i in range(n)],
        "zip": [f"{i % 50:05d}" for i in range(n)],
        "age": np.where(np.arange(n) % 20 == 0, -999, rng.integers(18, 80, n)),
        "income": rng.normal(50, 10, n).round(2),
        "amount": [f"${x:,.2f}" if i % 10 else "12%" for i, x in enumerate(rng.random(n) * 2000)],
        "height": [
            f"{x} cm" if i % 3 else f"{x / 100} m"
            for i, x in enumerate(rng.integers(150, 200, n))
        ],
        "d": [
            f"2024-0{1 + i % 9}-1{i % 9}" if i % 2 else f"1{i % 9}/0{1 + i % 9}/2024"
            for i in range(n)
        ],
        "ts": ["2024-05-01T10:00:00+02:00"] * n,
        "city": rng.choice(["London", " london", "Lodnon", "Paris"], n),
        "timestamp": rng.integers(0, 50, n),
    }
).to_csv(path, index=False)
df = pd.read_csv(path, dtype={"zip": "string", "customer_id": "string"})
raw = df.copy()
fix_sentinels = fix_units = fix_dates = fix_categories = lambda frame: frame
""",
    "skills/time-series-forecasting/references/backtesting.md": """
import numpy as np
import pandas as pd

dates = pd.date_range("2024-01-01", periods=120)
df = pd.DataFrame(
    [(d, s, float(10 + s + d.dayofweek)) for d in dates for s in range(3)],
    columns=["date", "store", "units"],
)
""",
    "skills/drift-monitoring/references/monitoring_design.md": """
import pandas as pd

predictions = pd.DataFrame(
    {"request_id": range(6), "predicted_at": pd.date_range("2024-01-01", periods=6, freq="5D")}
)
outcomes = pd.DataFrame({"request_id": [0, 1, 2], "label": [1, 0, 1]})
now, label_window = pd.Timestamp("2024-02-01"), pd.Timedelta(days=14)
""",
    "skills/pytorch-training/references/checkpointing.md": """
import torch
from torch import nn

model = nn.Linear(4, 2)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x, y = torch.randn(8, 4), torch.randint(0, 2, (8,))
""",
}
EXTRA = {
    "skills/leakage-and-splits/references/split_strategies.md": """
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
pipe = make_pipeline(LogisticRegression())
X = df[["age", "tenure_days"]]
""",
    "skills/tabular-modeling/references/text_features.md": """
vocabulary = [f"word{i}" for i in range(80)]
texts = [" ".join(rng.choice(vocabulary, 12)) for _ in range(300)]
""",
    "skills/tabular-modeling/references/tuning.md": """
from sklearn.compose import ColumnTransformer
features = ColumnTransformer([("num", "passthrough", ["age", "tenure_days", "debt"])])
""",
    "skills/model-serving/references/fastapi_service.md": """
import joblib
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
pre = make_column_transformer(
    (SimpleImputer(), ["age", "income"]), (OneHotEncoder(handle_unknown="ignore"), ["plan"])
)
joblib.dump(make_pipeline(pre, LogisticRegression()).fit(df, y), "model.joblib")
""",
    "skills/experiment-tracking/references/mlflow.md": """
import json, pathlib
config, commit, data_hash = {"C": 1.0}, "abc123", "d41d8c"
pathlib.Path("runs/r1").mkdir(parents=True)
pathlib.Path("runs/r1/manifest.json").write_text(json.dumps({"config": config}))
from sklearn.linear_model import LogisticRegression
X_val = df[["age", "tenure_days"]]
pipe = LogisticRegression().fit(X_val, y)
""",
}


def blocks(path: Path) -> list[tuple[int, str, str, str]]:
    """(line, code, marker kind, marker value) for each python block."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found, index = [], 0
    while index < len(lines):
        if FENCE.match(lines[index]):
            start = index
            end = next(j for j in range(index + 1, len(lines)) if lines[j].startswith("```"))
            previous = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
            marker = MARKER.match(previous.strip())
            kind, value = marker.groups() if marker else ("", "")
            found.append((start + 1, "\n".join(lines[start + 1 : end]), kind, value))
            index = end
        index += 1
    return found


def documents_with_blocks() -> list[Path]:
    files = sorted((ROOT / "skills").rglob("*.md")) + sorted((ROOT / "agents").glob("*.md"))
    return [f for f in files if blocks(f)]


def documents() -> list[Path]:
    """The files with something to run: a file whose blocks are all marked fragments gets
    no test item (a skip there would say nothing; its markers are checked below)."""
    return [
        f for f in documents_with_blocks() if any(kind != "fragment" for *_, kind, _ in blocks(f))
    ]


# The blocks must run offline, as on a user's air-gapped machine and in CI (which reaches
# only package registries): a block that tries to download a model fails instead of hanging,
# and libraries that phone home (MLflow, the Hugging Face hub) are told not to.
BLOCK_ENV = {
    "OMP_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
    "HF_HUB_OFFLINE": "1",
    "DO_NOT_TRACK": "true",
    "MLFLOW_DISABLE_TELEMETRY": "true",
}

RUNNER = """
import json, sys, traceback
namespace = {"__name__": "__snippet__"}
for line, code in json.load(open(sys.argv[1])):
    try:
        exec(compile(code, f"{sys.argv[2]}:{line}", "exec"), namespace)
    except Exception:
        print(f"block at line {line} of {sys.argv[2]} failed:", file=sys.stderr)
        traceback.print_exc()
        sys.exit(1)
"""


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_run(path: Path, tmp_path: Path) -> None:
    relative = str(path.relative_to(ROOT))
    runnable = []
    for line, code, kind, value in blocks(path):
        if kind == "fragment":
            continue
        if kind == "requires":
            absent = [m for m in re.split(r"[,\s]+", value) if m and not importable(m)]
            if absent:
                pytest.skip(f"{relative}:{line} needs {', '.join(absent)} (not installed)")
        runnable.append((line, code))
    prelude = PRELUDES.get(relative, COMMON) + EXTRA.get(relative, "")
    code = "\n".join([textwrap.dedent(prelude), *(textwrap.dedent(c) for _, c in runnable)])
    if absent := sorted(m for m in OPTIONAL & imported(code) if not importable(m)):
        pytest.skip(f"{relative} needs {', '.join(absent)} (not installed)")
    payload = [(0, textwrap.dedent(prelude)), *runnable]
    (tmp_path / "blocks.json").write_text(json.dumps(payload))
    (tmp_path / "runner.py").write_text(RUNNER)
    result = subprocess.run(
        [sys.executable, "runner.py", "blocks.json", relative],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **BLOCK_ENV},
    )
    assert result.returncode == 0, result.stderr[-3000:]


def importable(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


# Libraries a user may not have (extras: torch, skills-check): a document whose blocks or
# prelude import one that is missing skips with its name, marked `requires` or not. Any
# other import must succeed: a typo or a module a block forgot to write is a failure.
OPTIONAL = {"torch", "mlflow", "shap", "fastapi", "httpx", "transformers", "tokenizers", "skops"}


def imported(code: str) -> set[str]:
    """The top-level modules `code` imports (blocks that do not parse import nothing)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_every_fragment_marker_says_why() -> None:
    unexplained = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in documents_with_blocks()
        for line, _, kind, value in blocks(path)
        if kind == "fragment" and not value
    ]
    assert not unexplained, f"a fragment marker must say why: {unexplained}"


def test_every_fragment_marker_is_rare() -> None:
    """The opt-out exists for deliberate excerpts; most blocks must run."""
    kinds = [kind for path in documents_with_blocks() for _, _, kind, _ in blocks(path)]
    assert kinds.count("fragment") <= max(3, len(kinds) // 5), kinds
