"""Per task × arm cells and per-arm summaries from trial records."""

from __future__ import annotations

from collections import Counter
from statistics import fmean

from mlskills import stats
from mlskills.report.model import STATUSES, TOKEN_KINDS, ArmSummary, Cell
from mlskills.schema import TrialRecord

Groups = dict[str, list[float]]


def is_scored(record: TrialRecord) -> bool:
    """Errored trials say nothing about the agent, so they never enter a score."""
    return record.status != "error" and record.score is not None


def status_counts(records: list[TrialRecord]) -> dict[str, int]:
    counts = Counter(r.status for r in records)
    return {status: counts.get(status, 0) for status in STATUSES}


def _tokens(record: TrialRecord) -> dict[str, int]:
    usage = record.usage
    values = (
        usage.input_tokens,
        usage.output_tokens,
        usage.cache_read_tokens,
        usage.cache_write_tokens,
    )
    return dict(zip(TOKEN_KINDS, values, strict=True))


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def rubric_counts(records: list[TrialRecord]) -> dict[str, dict[str, int]]:
    """LLM-judge verdicts per rubric item, counted apart from the score they do not enter."""
    counts: dict[str, dict[str, int]] = {}
    for record in records:
        for item in (record.grade or {}).get("rubric") or []:
            if not isinstance(item, dict):
                continue
            verdict = str(item.get("verdict") or "not judged")
            per_item = counts.setdefault(str(item.get("id", "?")), {})
            per_item[verdict] = per_item.get(verdict, 0) + 1
    return counts


def judge_facts(records: list[TrialRecord]) -> tuple[float | None, int, float]:
    """Mean grader-only score, judge tokens and dollars: the judge's share, kept apart."""
    grader, tokens, cost = [], 0, 0.0
    for record in records:
        judge = record.judge
        grader.append(float(judge.grader_score if judge else record.score))
        if judge and judge.usage:
            tokens += judge.usage.total_tokens
            cost += judge.usage.cost
    return _mean(grader), tokens, cost


def build_cell(task: str, arm: str, records: list[TrialRecord], k: int) -> Cell:
    scored = [r for r in records if is_scored(r)]
    passed = sum(bool(r.passed) for r in scored)
    n = len(scored)
    metrics = [r.metric for r in scored if r.metric is not None]
    grader_score, judge_tokens, judge_cost = judge_facts(scored)
    return Cell(
        task=task,
        arm=arm,
        trials=len(records),
        scored=n,
        status=status_counts(records),
        scores=[float(r.score) for r in scored],
        mean_score=_mean([float(r.score) for r in scored]),
        passed=passed,
        pass_rate=passed / n if n else None,
        pass_at_k=stats.pass_at_k(n, passed, k) if n else None,
        pass_hat_k=stats.pass_hat_k(n, passed, k) if n else None,
        mean_metric=_mean(metrics),
        tokens={kind: fmean(_tokens(r)[kind] for r in records) for kind in TOKEN_KINDS},
        cost=sum(r.usage.cost for r in records),
        mean_cost=fmean(r.usage.cost for r in records),
        mean_wall_seconds=fmean(r.wall_seconds for r in records),
        rubric=rubric_counts(scored),
        grader_score=grader_score,
        judge_tokens=judge_tokens,
        judge_cost=judge_cost,
    )


def choose_k(epochs: int) -> int:
    """The k of pass@k: the run's epochs, so runs with equal epochs compare directly.

    A task and arm with fewer scored trials than k (errors, an unfinished run) gets no
    estimate rather than one for a different k.
    """
    return max(1, int(epochs))


def score_groups(cells: list[Cell], arm: str) -> Groups:
    return {c.task: c.scores for c in cells if c.arm == arm and c.scores}


def pass_groups(records: list[TrialRecord], arm: str) -> Groups:
    groups: Groups = {}
    for record in records:
        if record.arm == arm and is_scored(record):
            groups.setdefault(record.task_id, []).append(float(bool(record.passed)))
    return groups


def epoch_groups(records: list[TrialRecord], arm: str) -> dict[str, list[int]]:
    """The epoch of each value in `score_groups` / `pass_groups` (the same scored trials)."""
    groups: dict[str, list[int]] = {}
    for record in records:
        if record.arm == arm and is_scored(record):
            groups.setdefault(record.task_id, []).append(int(record.epoch))
    return groups


def _task_mean(cells: list[Cell], attr: str) -> float | None:
    values = [getattr(c, attr) for c in cells if getattr(c, attr) is not None]
    return _mean(values)


def summarise_arm(
    arm: str, cells: list[Cell], records: list[TrialRecord], seed: int = 0
) -> ArmSummary:
    mine = [c for c in cells if c.arm == arm]
    trials = [r for r in records if r.arm == arm]
    totals = [_tokens(r) for r in trials]
    wall = sum(r.wall_seconds for r in trials)
    cost = sum(r.usage.cost for r in trials)
    return ArmSummary(
        arm=arm,
        tasks=sum(1 for c in mine if c.scored),
        trials=len(trials),
        scored=sum(c.scored for c in mine),
        status=status_counts(trials),
        score=stats.bootstrap_mean(score_groups(cells, arm), seed=seed),
        pass_rate=stats.bootstrap_mean(pass_groups(records, arm), seed=seed),
        pass_at_k=_task_mean(mine, "pass_at_k"),
        pass_hat_k=_task_mean(mine, "pass_hat_k"),
        pass_k_tasks=sum(1 for c in mine if c.pass_at_k is not None),
        tokens={kind: sum(t[kind] for t in totals) for kind in TOKEN_KINDS},
        cost=cost,
        mean_cost=cost / len(trials) if trials else 0.0,
        wall_seconds=wall,
        mean_wall_seconds=wall / len(trials) if trials else 0.0,
    )
