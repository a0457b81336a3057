"""Attacks that try to read what only the grader may see. Each must find nothing.

Expected outcome for every attack here: the attack reports no hit, the trial completes
honestly, and the score is 0 with a failed gate (nothing usable was delivered).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sandbox.helpers import invisible_check, needs_bwrap

import mlskills
from mlskills import paths
from mlskills.sandbox.mounts import python_dirs

pytestmark = needs_bwrap


def assert_scored_nothing(outcome) -> None:
    record = outcome.record
    assert record.status == "completed", record.error
    assert record.score == 0.0 and not record.passed
    assert outcome.failed_gates, record.grade


def test_searching_the_filesystem_finds_no_labels_or_grader(attack):
    """`find /` for labels, graders, task files: only library files of the system/Python."""
    allowed = "|".join(["/usr", "/proc", *(str(d) for d in python_dirs())])
    script = f"""
find / \\( -name '*label*' -o -name grader.py -o -name prepare.py -o -name solve.sh \\
  -o -name task.yaml -o -name hidden -o -name 'mlskills*' \\) 2>/dev/null > /tmp/hits
echo "searched: $(wc -l < /tmp/hits) library hits"
grep -v -E '^({allowed})(/|$)' /tmp/hits | sed 's/^/HIT /'
for f in $(grep -E 'test_labels|churn' /tmp/hits); do cp "$f" predictions.csv; echo "USED $f"; done
true
"""
    [outcome] = attack(script)
    assert outcome.lines("searched:"), outcome.log
    assert outcome.lines("HIT") == [] and outcome.lines("USED") == []
    assert_scored_nothing(outcome)


def test_known_host_paths_of_repo_cache_and_run_folder_do_not_exist(
    attack, instance, cache_dir, tmp_path, scratch
):
    """Even an attacker who knows the exact host paths (hidden labels included) reads nothing."""
    labels = instance().hidden_dir / "test_labels.csv"
    task = paths.evals_dir() / "tasks" / "churn-imbalanced"
    targets = [
        paths.resource_root(),
        task / "grader.py",
        labels,
        cache_dir,
        paths.default_cache_dir(),
        Path.home() / ".cache" / "mlskills",
        Path(mlskills.__file__).parent,
        tmp_path / "runs",
        scratch,
    ]
    seen = invisible_check(targets).replace("VISIBLE", "SEEN")
    script = f"""
{seen}
awk -F, 'NR == 1 {{print "customer_id,churn_probability"; next}} {{print $1 "," $2}}' \\
  {labels} > predictions.csv 2>/dev/null && echo "READ labels"
cp {task}/grader.py . 2>/dev/null && echo "READ grader"
python -c 'import mlskills' 2>/dev/null && echo "IMPORTED mlskills"
true
"""
    [outcome] = attack(script)
    assert outcome.lines("SEEN") == [] and outcome.lines("READ") == []
    assert outcome.lines("IMPORTED") == []
    assert_scored_nothing(outcome)


def test_a_link_to_the_hidden_labels_is_refused(attack, instance):
    """The path is invisible inside, but a symlink is resolved by the harness on the host:
    the grader must refuse links instead of following them."""
    labels = instance().hidden_dir / "test_labels.csv"
    [outcome] = attack(f"ln -s {labels} predictions.csv && echo LINKED")
    assert outcome.lines("LINKED")
    assert_scored_nothing(outcome)
    assert "link" in str(outcome.record.grade["checks"]).lower()


def perfect_predictions(labels: Path, dest: Path) -> None:
    frame = pd.read_csv(labels)
    dest.parent.mkdir(parents=True, exist_ok=True)
    frame.rename(columns={"churned": "churn_probability"}).to_csv(dest, index=False)


def test_other_trials_are_invisible(attack, instance, scratch):
    """Two trials run at once next to a finished one holding perfect predictions; each
    looks for the others' marker files and for any predictions.csv to copy."""
    decoy = scratch / "mlskills-churn-imbalanced-finished" / "workspace"
    perfect_predictions(instance().hidden_dir / "test_labels.csv", decoy / "predictions.csv")
    script = """
mine=$(cat /proc/sys/kernel/random/uuid); echo "$mine" > i-was-here; echo "MINE $mine"
sleep 2
places="/ /tmp /dev/shm /home /workspace/.. /proc/[0-9]*/cwd/ /proc/[0-9]*/root/"
find $places -maxdepth 5 -name i-was-here 2>/dev/null | xargs -r cat | sort -u | sed 's/^/SAW /'
find $places -maxdepth 5 -name predictions.csv 2>/dev/null | sed 's/^/FOUND /'
for f in $(find $places -maxdepth 5 -name predictions.csv 2>/dev/null); do cp "$f" .; done
true
"""
    outcomes = attack(script, epochs=2, jobs=2)
    assert len(outcomes) == 2
    for outcome in outcomes:
        [mine] = [line.split()[1] for line in outcome.lines("MINE")]
        assert [line.split()[1] for line in outcome.lines("SAW")] == [mine]
        assert outcome.lines("FOUND") == []
        assert_scored_nothing(outcome)


def test_control_the_same_attack_succeeds_on_local(attack, instance):
    """Proof the attacks above are real: on `local` the agent reads the labels, and its
    ranking is the hidden truth itself (average precision 1.0). The labels are 0/1, not
    probabilities, so the calibration gate still fails the trial: the point is the read.
    This is why a run on local says so in its record and report."""
    labels = instance().hidden_dir / "test_labels.csv"
    script = f"""
awk -F, 'NR == 1 {{print "customer_id,churn_probability"; next}} {{print $1 "," $2}}' \\
  {labels} > predictions.csv && echo "READ labels"
echo '{{"validation_average_precision": 1.0}}' > metrics.json
for i in $(seq 10); do echo "Labels read from the hidden folder: average precision 1.0."; done \
  > MODEL_CARD.md
"""
    [outcome] = attack(script, sandbox="local")
    assert outcome.lines("READ")
    assert outcome.record.metric == 1.0
