"""Uplift of one arm over another: paired per-task differences, regressions first.

Pairing by task removes task difficulty from the comparison, which is what makes a small
number of tasks informative at all. `compare` reuses this for two runs.
"""

from __future__ import annotations

from mlskills import stats
from mlskills.report.model import TaskDiff, Uplift

Groups = dict[str, list[float]]


def default_arms(arms: list[str]) -> tuple[str, str] | None:
    """(treatment, baseline): pack over bare when both exist, else the second over the first."""
    if "pack" in arms and "bare" in arms:
        return "pack", "bare"
    if len(arms) >= 2:
        return arms[1], arms[0]
    return None


def _verdict(diff: float, tie: float) -> str:
    if diff >= tie:
        return "improved"
    if diff <= -tie:
        return "regressed"
    return "tied"


def task_diffs(treatment: Groups, baseline: Groups, tie: float, seed: int) -> list[TaskDiff]:
    """Each shared task's difference with an interval from resampling its epochs only."""
    rows = []
    for task, diff in stats.task_differences(treatment, baseline).items():
        one = stats.paired_uplift({task: treatment[task]}, {task: baseline[task]}, seed=seed)
        rows.append(
            TaskDiff(
                task=task,
                treatment=sum(treatment[task]) / len(treatment[task]),
                baseline=sum(baseline[task]) / len(baseline[task]),
                diff=diff,
                low=one.low if one else diff,
                high=one.high if one else diff,
                verdict=_verdict(diff, tie),
            )
        )
    return sorted(rows, key=lambda row: (row.diff, row.task))


def paired(
    names: tuple[str, str],
    scores: tuple[Groups, Groups],
    passes: tuple[Groups, Groups] | None = None,
    seed: int = 0,
    tie: float = stats.TIE,
) -> Uplift:
    """The uplift of names[0] (scores[0]) over names[1] (scores[1])."""
    treatment, baseline = scores
    rows = task_diffs(treatment, baseline, tie, seed)
    unpaired = sorted(set(treatment) ^ set(baseline))
    pass_rate = stats.paired_uplift(*passes, seed=seed) if passes else None
    return Uplift(
        treatment=names[0],
        baseline=names[1],
        score=stats.paired_uplift(treatment, baseline, seed=seed),
        pass_rate=pass_rate,
        counts=stats.tally({row.task: row.diff for row in rows}, tie),
        tasks=rows,
        unpaired=unpaired,
        tie=tie,
    )
