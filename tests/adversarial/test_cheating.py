"""Attacks on the grading itself: fake results, easier inputs, poisoned imports.

Expected outcomes: fake grades are ignored (score 0); edited inputs fail the gate
"provided data unchanged" (score 0); modules dropped into the workspace never run in the
harness, and the grader's fresh sandbox grades the agent's code as usual.
"""

from __future__ import annotations

import json

from sandbox.helpers import needs_bwrap

pytestmark = needs_bwrap

FAKE_GRADE = '{"score": 1.0, "passed": true, "metric": 1.0, "reward": 1.0}'


def test_fake_grade_and_reward_files_are_ignored(attack, tmp_path):
    """Grade- and reward-shaped files everywhere the agent can write, and at the run
    folder's host path (inside, that path lands in the trial's private /tmp)."""
    run_folder = tmp_path / "runs"
    script = f"""
for dir in /workspace /workspace/logs $HOME /tmp; do
  mkdir -p $dir
  for name in grade.json reward.json reward.txt result.json score.json .mlskills-grade.json; do
    echo '{FAKE_GRADE}' > $dir/$name
  done
done
echo '{{"validation_average_precision": 1.0}}' > metrics.json
mkdir -p {run_folder}/trials 2>/dev/null && echo '{FAKE_GRADE}' > {run_folder}/grade.json \\
  && echo "WROTE run folder"
true
"""
    [outcome] = attack(script)
    record = outcome.record
    assert record.status == "completed"
    assert record.score == 0.0 and not record.passed and record.metric is None
    assert outcome.failed_gates
    [trial] = list(outcome.run_dir.glob("trials/*/*/*"))
    assert json.loads((trial / "grade.json").read_text())["score"] == 0.0
    assert not list(run_folder.glob("grade.json"))


EDIT_DATA = """
python - <<'EOF'
import numpy as np, pandas as pd
test = pd.read_csv("data/test.csv")
rng = np.random.default_rng(0)
# Valid in every other gate: probabilities near the churn rate everywhere (random scores
# rank nobody higher, so even their top hundred is about the base rate), an honest claim
# for random scores, a card that reports it.
from sklearn.metrics import average_precision_score
pd.DataFrame({"customer_id": test["customer_id"],
              "churn_probability": 0.03 + rng.random(len(test)) * 0.02}
             ).to_csv("predictions.csv", index=False)
train = pd.read_csv("data/train.csv")
held = train.sample(frac=0.25, random_state=0)  # random scores for a quarter of train
held_scores = 0.03 + rng.random(len(held)) * 0.02
pd.DataFrame({"customer_id": held["customer_id"], "churn_probability": held_scores}
             ).to_csv("validation_predictions.csv", index=False)
ap = average_precision_score(held["churned"], held_scores)
open("metrics.json", "w").write('{"validation_average_precision": %.4f}' % ap)
open("MODEL_CARD.md", "w").write(f"Random scores. Validation average precision {ap:.4f}. " * 10)
train[train["churned"] == 1].to_csv("data/train.csv", index=False)  # keep the easy rows
test.iloc[: len(test) // 2].to_csv("data/test.csv", index=False)
print("EDITED data/train.csv data/test.csv")
EOF
"""


def test_editing_the_provided_data_fails_the_gate(attack):
    """Valid predictions, but the inputs were rewritten: a failed gate, named, score 0."""
    [outcome] = attack(EDIT_DATA)
    assert outcome.lines("EDITED")
    assert outcome.record.status == "completed"
    assert outcome.failed_gates == ["provided data unchanged"]
    assert outcome.record.score == 0.0 and not outcome.record.passed
    [gate] = [c for c in outcome.record.grade["checks"] if c["name"] == "provided data unchanged"]
    assert "data/test.csv" in gate["message"] and "data/train.csv" in gate["message"]


SHADOW = """
import pathlib
try:
    pathlib.Path("{marker}").write_text("imported {name} in " + __file__)
except OSError:
    pass  # inside a sandbox the harness's folders do not exist
raise ImportError("shadowed {name}")
"""
# Training and prediction with only the standard library, so the agent's own code survives
# its shadows: the median price, saved by train.py (the ticket asks for training code).
TRAIN = """
import csv, json, statistics
with open("data/train.csv") as src:
    prices = [float(row["price"]) for row in csv.DictReader(src)]
with open("price.json", "w") as out:
    json.dump({"price": statistics.median(prices)}, out)
"""
PREDICT = """
import argparse, csv, json, os
p = argparse.ArgumentParser(); p.add_argument("--input"); p.add_argument("--output")
a = p.parse_args()
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "price.json")) as saved:
    price = json.load(saved)["price"]
with open(a.input) as src, open(a.output, "w", newline="") as dst:
    out = csv.writer(dst); out.writerow(["listing_id", "price"])
    for row in csv.DictReader(src):
        out.writerow([row["listing_id"], price])
"""


def shadow_script(marker: str) -> str:
    files = {
        f"{name}.py": SHADOW.format(marker=marker, name=name)
        for name in ("numpy", "pandas", "joblib", "sitecustomize", "usercustomize")
    }
    files["sklearn/__init__.py"] = SHADOW.format(marker=marker, name="sklearn")
    files["predict.py"] = PREDICT
    # trained before the shadows are planted: they are for the grader, not the agent
    lines = [f"cat > train.py <<'PYEOF'\n{TRAIN}\nPYEOF", "python3 train.py", "mkdir -p sklearn"]
    for name, text in files.items():
        lines.append(f"cat > {name} <<'PYEOF'\n{text}\nPYEOF")
    return "\n".join(lines) + "\necho PLANTED\n"


def test_modules_dropped_in_the_workspace_never_reach_the_grader(attack, tmp_path):
    """numpy.py, pandas.py, sklearn/ ... in the workspace: the harness never imports them,
    and the grader's ctx.exec runs predict.py in a fresh sandbox as usual."""
    marker = tmp_path / "shadow-imported"
    [outcome] = attack(shadow_script(str(marker)), task="pipeline-predict")
    record = outcome.record
    assert outcome.lines("PLANTED")
    assert not marker.exists(), marker.read_text()
    assert record.status == "completed", record.error
    assert record.metric is not None and outcome.failed_gates == []
    # one price for every car, the training median: about the baseline, nothing more
    assert not record.passed and record.score < 0.05


def test_special_files_cannot_turn_a_zero_into_an_error(attack):
    """A FIFO as the deliverable (and a socket beside it) would block or break the copy
    for grading; an infrastructure error is not scored, so that would dodge the 0."""
    script = """
mkfifo predictions.csv data/extra.csv
python -c "import socket; socket.socket(socket.AF_UNIX).bind('sock')"
echo PLANTED
"""
    [outcome] = attack(script)
    assert outcome.lines("PLANTED")
    assert outcome.record.status == "completed", outcome.record.error
    assert outcome.record.score == 0.0 and outcome.failed_gates


DEEP_TREE = """
python - <<'PY'
import os
fd = os.open(".", os.O_RDONLY)
for _ in range(1500):
    os.mkdir("d", dir_fd=fd)
    fd = os.open("d", os.O_RDONLY, dir_fd=fd)
print("DEEP")
PY
"""


def test_a_tree_too_deep_to_copy_is_the_agents_zero(attack):
    """1,500 nested folders break recursive copies and deletes in the harness: the trial
    must still be recorded, as a 0 with a failed gate, and cleaned up."""
    outcomes = attack(DEEP_TREE)
    assert len(outcomes) == 1, "the trial vanished from the record"
    [outcome] = outcomes
    assert outcome.lines("DEEP")
    assert outcome.record.status == "completed", outcome.record.error
    assert outcome.record.score == 0.0 and outcome.failed_gates == ["workspace copyable"]
