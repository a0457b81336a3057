"""The report's numbers as plain data: every renderer (table, Markdown, JSON, HTML) reads these.

Keeping the numbers apart from their presentation means the four formats cannot disagree,
and the JSON format is simply `Report.to_dict()`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from mlskills.stats import Interval

STATUSES = ("completed", "timeout", "limit", "error")
TOKEN_KINDS = ("input", "output", "cache_read", "cache_write")


@dataclass
class Cell:
    """One task under one arm, over its epochs. Errored trials are counted, never scored."""

    task: str
    arm: str
    trials: int
    scored: int
    status: dict[str, int]
    scores: list[float]
    mean_score: float | None
    passed: int
    pass_rate: float | None
    pass_at_k: float | None
    pass_hat_k: float | None
    mean_metric: float | None
    tokens: dict[str, float]  # mean per trial, by TOKEN_KINDS
    cost: float  # total dollars
    mean_cost: float
    mean_wall_seconds: float
    rubric: dict[str, dict[str, int]] = field(default_factory=dict)  # item -> verdict -> count
    grader_score: float | None = None  # mean score without judged rubric items
    judge_tokens: int = 0  # the rubric judge's, never in `tokens`
    judge_cost: float = 0.0  # the rubric judge's dollars, never in `cost`


@dataclass
class ArmSummary:
    """One arm over all tasks: means weigh tasks equally, intervals resample tasks."""

    arm: str
    tasks: int
    trials: int
    scored: int
    status: dict[str, int]
    score: Interval | None
    pass_rate: Interval | None
    pass_at_k: float | None  # mean over the tasks with at least k scored trials
    pass_hat_k: float | None
    pass_k_tasks: int  # how many tasks those are
    tokens: dict[str, int]  # totals, by TOKEN_KINDS
    cost: float
    mean_cost: float
    wall_seconds: float
    mean_wall_seconds: float


@dataclass
class TaskDiff:
    """One task's paired difference, treatment − baseline, with an epoch-bootstrap interval.

    No interval (None) with fewer than two scored epochs on either side.
    """

    task: str
    treatment: float
    baseline: float
    diff: float
    low: float | None
    high: float | None
    verdict: Literal["improved", "regressed", "tied", "uncertain"]


@dataclass
class Uplift:
    """Treatment arm over baseline arm on the tasks both scored; regressions come first."""

    treatment: str
    baseline: str
    score: Interval | None
    pass_rate: Interval | None
    counts: dict[str, int]  # improved / regressed / tied / uncertain
    tasks: list[TaskDiff]
    unpaired: list[str]  # tasks scored by only one of the two arms
    tie: float
    # The headline: improved / regressed / tied / uncertain, or "not enough data" when
    # too_little says why (then no interval is shown: one from so few values would look
    # certain while resting on almost nothing).
    verdict: str = "not enough data"
    too_little: str | None = None

    @property
    def has_interval(self) -> bool:
        return self.score is not None and self.too_little is None


@dataclass
class Notice:
    """A banner: `danger` undermines the numbers, `warn` qualifies them, `info` explains."""

    level: Literal["danger", "warn", "info"]
    title: str
    text: str


@dataclass
class RunInfo:
    run_id: str
    path: str
    agent: str
    model: str | None
    task_ids: list[str]
    arms: list[str]
    epochs: int
    seed: int
    sandbox: str
    status: str
    started_at: str
    finished_at: str
    git_revision: str
    versions: dict[str, str]
    limits: dict[str, Any]
    planned_trials: int | None
    suite: str | None


@dataclass
class Report:
    run: RunInfo
    k: int  # the k of pass@k and pass^k, the same for every cell
    cells: list[Cell]
    arms: list[ArmSummary]
    uplift: Uplift | None
    notices: list[Notice]
    trials: list[dict[str, Any]] = field(default_factory=list)  # one compact row per trial

    @property
    def task_ids(self) -> list[str]:
        return list(dict.fromkeys(cell.task for cell in self.cells))

    @property
    def arm_names(self) -> list[str]:
        return [summary.arm for summary in self.arms]

    @property
    def has_rubric(self) -> bool:
        return any(cell.rubric for cell in self.cells)

    @property
    def rubric_judged(self) -> bool:
        """Whether any rubric item got a verdict; without a judge all are 'not judged'."""
        return any(
            verdict != "not judged" and count
            for cell in self.cells
            for verdicts in cell.rubric.values()
            for verdict, count in verdicts.items()
        )

    def cell(self, task: str, arm: str) -> Cell | None:
        return next((c for c in self.cells if c.task == task and c.arm == arm), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.uplift:
            hide_headline_interval(self.uplift, data["uplift"])
        return data


def hide_headline_interval(uplift: Uplift, data: dict[str, Any]) -> None:
    """In JSON too, an uplift without enough data has no interval (low and high null)."""
    if uplift.has_interval:
        return
    for name in ("score", "pass_rate"):
        if data.get(name):
            data[name].update(low=None, high=None)
