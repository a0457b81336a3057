"""Uplift of one arm over another: paired per-task differences, regressions first.

Pairing by task removes task difficulty from the comparison, which is what makes a small
number of tasks informative at all. `compare` reuses this for two runs.
"""

from __future__ import annotations

from mlskills import stats
from mlskills.report.model import TaskDiff, Uplift

Groups = dict[str, list[float]]
MIN_TASKS = 3  # below this, resampling tasks gives an interval that looks certain
MIN_EPOCHS = 2  # paired epochs per task: with one, no task's own noise is seen at all
NOT_ENOUGH = "not enough data"


def default_arms(arms: list[str]) -> tuple[str, str] | None:
    """(treatment, baseline): pack over bare when both exist, else the second over the first."""
    if "pack" in arms and "bare" in arms:
        return "pack", "bare"
    if len(arms) >= 2:
        return arms[1], arms[0]
    return None


Epochs = dict[str, list[int]]


def _task_interval(
    task: str, scores: tuple[Groups, Groups], epochs: tuple[Epochs, Epochs] | None, seed: int
) -> tuple[float, float] | None:
    """The task's difference interval from its epochs; None with fewer than 2 on a side."""
    treatment, baseline = scores
    if min(len(treatment[task]), len(baseline[task])) < 2:
        return None  # one value per side: resampling it only repeats the point estimate
    labels = None
    if epochs is not None:
        labels = ({task: epochs[0].get(task, [])}, {task: epochs[1].get(task, [])})
    one = stats.paired_uplift(
        {task: treatment[task]}, {task: baseline[task]}, seed=seed, epochs=labels
    )
    return (one.low, one.high) if one else None


def task_diffs(
    treatment: Groups,
    baseline: Groups,
    tie: float,
    seed: int,
    epochs: tuple[Epochs, Epochs] | None = None,
) -> list[TaskDiff]:
    """Each shared task's difference with an interval from resampling its epochs only.

    A task is improved or regressed only when its difference reaches `tie` and its
    interval (when it has one) excludes 0; past `tie` but spanning 0 it is uncertain.
    """
    rows = []
    for task, diff in stats.task_differences(treatment, baseline).items():
        bounds = _task_interval(task, (treatment, baseline), epochs, seed)
        rows.append(
            TaskDiff(
                task=task,
                treatment=sum(treatment[task]) / len(treatment[task]),
                baseline=sum(baseline[task]) / len(baseline[task]),
                diff=diff,
                low=bounds[0] if bounds else None,
                high=bounds[1] if bounds else None,
                verdict=stats.verdict(diff, tie, bounds),  # type: ignore[arg-type]
            )
        )
    return sorted(rows, key=lambda row: (row.diff, row.task))


def paired(
    names: tuple[str, str],
    scores: tuple[Groups, Groups],
    passes: tuple[Groups, Groups] | None = None,
    seed: int = 0,
    tie: float = stats.TIE,
    epochs: tuple[Epochs, Epochs] | None = None,
) -> Uplift:
    """The uplift of names[0] (scores[0]) over names[1] (scores[1]).

    `epochs` gives, per arm and task, the epoch of each scored value (scores and passes
    list the same scored trials), so both arms are paired by epoch where they can be.
    """
    treatment, baseline = scores
    rows = task_diffs(treatment, baseline, tie, seed, epochs)
    unpaired = sorted(set(treatment) ^ set(baseline))
    pass_rate = stats.paired_uplift(*passes, seed=seed, epochs=epochs) if passes else None
    score = stats.paired_uplift(treatment, baseline, seed=seed, epochs=epochs)
    too_little = _too_little(treatment, baseline, [row.task for row in rows])
    verdict = NOT_ENOUGH
    if score is not None and too_little is None:
        verdict = stats.verdict(score.mean, tie, (score.low, score.high))
    return Uplift(
        treatment=names[0],
        baseline=names[1],
        score=score,
        pass_rate=pass_rate,
        counts=_counts(rows),
        tasks=rows,
        unpaired=unpaired,
        tie=tie,
        verdict=verdict,
        too_little=too_little,
    )


def _too_little(treatment: Groups, baseline: Groups, shared: list[str]) -> str | None:
    """Why the headline can have no interval: fewer than MIN_TASKS paired tasks or fewer
    than MIN_EPOCHS scored epochs a side on some task; None when there is enough."""
    epochs = min((min(len(treatment[t]), len(baseline[t])) for t in shared), default=0)
    if len(shared) >= MIN_TASKS and epochs >= MIN_EPOCHS:
        return None
    tasks = f"{len(shared)} paired task{'s' * (len(shared) != 1)}"
    least = f"{epochs} epoch{'s' * (epochs != 1)}"
    return f"{tasks}, {least} on the thinnest; needs {MIN_TASKS}+ tasks × {MIN_EPOCHS}+ epochs"


def _counts(rows: list[TaskDiff]) -> dict[str, int]:
    counts = dict.fromkeys(("improved", "regressed", "tied", "uncertain"), 0)
    for row in rows:
        counts[row.verdict] += 1
    return counts
