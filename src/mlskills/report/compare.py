"""Two runs side by side: per arm, the paired per-task difference B − A, regressions first.

A difference between runs only means something when both ran the same tasks on the same
seeds under the same limits; every way they differ is spelled out as a notice, and runs
without a single shared task are refused.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mlskills.errors import MlskillsError
from mlskills.report import aggregate
from mlskills.report.build import build_report, load_run
from mlskills.report.model import (
    ArmSummary,
    Notice,
    Report,
    RunInfo,
    Uplift,
    hide_headline_interval,
)
from mlskills.report.uplift import paired
from mlskills.schema import TrialRecord


@dataclass
class ArmPair:
    """One arm of run A against its counterpart in run B."""

    arm_a: str
    arm_b: str
    a: ArmSummary
    b: ArmSummary
    diff: Uplift  # treatment = run B, baseline = run A


@dataclass
class Comparison:
    a: RunInfo
    b: RunInfo
    shared_tasks: list[str]
    only_a: list[str]
    only_b: list[str]
    pairs: list[ArmPair]
    notices: list[Notice]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for pair, stored in zip(self.pairs, data["pairs"], strict=True):
            hide_headline_interval(pair.diff, stored["diff"])
        return data


def match_arms(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    """Arms with the same name; two single-arm runs pair their arms whatever the names."""
    shared = [(arm, arm) for arm in a if arm in b]
    if shared:
        return shared
    if len(a) == 1 and len(b) == 1:
        return [(a[0], b[0])]
    raise MlskillsError(
        f"the runs share no arm (A: {', '.join(a)}; B: {', '.join(b)}), so nothing pairs up"
    )


def _seeds(records: list[TrialRecord], tasks: set[str]) -> dict[tuple[str, int], int]:
    return {(r.task_id, r.epoch): r.seed for r in records if r.task_id in tasks}


def _differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    keys = sorted(set(a) | set(b))
    return [
        f"{k}: {a.get(k, 'default')} vs {b.get(k, 'default')}" for k in keys if a.get(k) != b.get(k)
    ]


def mismatch_notices(
    runs: tuple[Report, Report], records: tuple[list[TrialRecord], list[TrialRecord]]
) -> list[Notice]:
    """Everything that makes B − A more than the agent's (or pack's) doing."""
    a, b = runs
    found = _task_notices(a, b)
    shared = set(a.task_ids) & set(b.task_ids)
    seeds_a, seeds_b = (_seeds(r, shared) for r in records)
    common = set(seeds_a) & set(seeds_b)
    differing = sorted(key for key in common if seeds_a[key] != seeds_b[key])
    if differing:
        task, epoch = differing[0]
        found.append(Notice("warn", "Runs used different seeds", (
            f"{len(differing)} of {len(common)} shared task epochs ran on different seeds "
            f"(e.g. {task} epoch {epoch}: {seeds_a[(task, epoch)]} vs {seeds_b[(task, epoch)]}), "
            "so the instances differ and differences mix the agent with the data."
        )))  # fmt: skip
    limits = _differences(a.run.limits, b.run.limits)
    if limits:
        found.append(Notice("warn", "Runs used different limits", "; ".join(limits)))
    if a.run.epochs != b.run.epochs:
        found.append(Notice("info", "Different epochs", f"A {a.run.epochs}, B {b.run.epochs}."))
    return found + _context_notices(a, b)


def _task_notices(a: Report, b: Report) -> list[Notice]:
    only_a = [t for t in a.task_ids if t not in b.task_ids]
    only_b = [t for t in b.task_ids if t not in a.task_ids]
    if not only_a and not only_b:
        return []
    text = "Only shared tasks are compared."
    if only_a:
        text += f" Only in A: {', '.join(only_a)}."
    if only_b:
        text += f" Only in B: {', '.join(only_b)}."
    return [Notice("warn", "Runs do not share all tasks", text)]


def _context_notices(a: Report, b: Report) -> list[Notice]:
    found = []
    if (a.run.agent, a.run.model) != (b.run.agent, b.run.model):
        who = f"A {a.run.agent} ({a.run.model or '-'}), B {b.run.agent} ({b.run.model or '-'})"
        found.append(Notice("info", "Different agents", who + "."))
    if a.run.git_revision != b.run.git_revision:
        text = "Tasks, graders or the pack may differ between the two checkouts."
        found.append(Notice("info", "Different git revisions", text))
    for label, report in (("A", a), ("B", b)):
        found += [
            Notice(n.level, f"Run {label}: {n.title}", n.text)
            for n in report.notices
            if n.level != "info"
        ]
    order = {"danger": 0, "warn": 1, "info": 2}
    return sorted(found, key=lambda n: order[n.level])


def _pair(
    names: tuple[str, str], runs: tuple[Report, Report], records: tuple[list, list], seed: int
) -> ArmPair:
    (arm_a, arm_b), (a, b) = names, runs
    scores_a = aggregate.score_groups(a.cells, arm_a)
    scores_b = aggregate.score_groups(b.cells, arm_b)
    passes = (aggregate.pass_groups(records[1], arm_b), aggregate.pass_groups(records[0], arm_a))
    label_b, label_a = f"B:{arm_b}", f"A:{arm_a}"
    epochs = (aggregate.epoch_groups(records[1], arm_b), aggregate.epoch_groups(records[0], arm_a))
    diff = paired((label_b, label_a), (scores_b, scores_a), passes, seed=seed, epochs=epochs)
    summary_a = next(s for s in a.arms if s.arm == arm_a)
    summary_b = next(s for s in b.arms if s.arm == arm_b)
    return ArmPair(arm_a, arm_b, summary_a, summary_b, diff)


def compare_runs(path_a: Path, path_b: Path, seed: int = 0) -> Comparison:
    runs = (build_report(path_a, seed=seed), build_report(path_b, seed=seed))
    records = (load_run(path_a)[1], load_run(path_b)[1])
    a, b = runs
    shared = [t for t in a.task_ids if t in b.task_ids]
    if not shared:
        raise MlskillsError(
            f"the runs share no task, so there is nothing to compare (A: {', '.join(a.task_ids)}; "
            f"B: {', '.join(b.task_ids)})"
        )
    names = match_arms(a.arm_names, b.arm_names)
    found = mismatch_notices(runs, records)
    if Path(path_a).resolve() == Path(path_b).resolve():
        text = "RUN_A and RUN_B are the same folder, so every difference is zero by construction."
        found.insert(0, Notice("warn", "A run compared with itself", text))
    return Comparison(
        a=a.run,
        b=b.run,
        shared_tasks=shared,
        only_a=[t for t in a.task_ids if t not in shared],
        only_b=[t for t in b.task_ids if t not in shared],
        pairs=[_pair(pair, runs, records, seed) for pair in names],
        notices=found,
    )
