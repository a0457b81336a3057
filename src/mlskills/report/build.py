"""Read a run folder and compute its report: cells, arm summaries, uplift and notices."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from mlskills.errors import MlskillsError
from mlskills.records import RunDir
from mlskills.report import aggregate, notices
from mlskills.report.model import TOKEN_KINDS, Cell, Report, RunInfo, Uplift
from mlskills.report.uplift import default_arms, paired
from mlskills.schema import TrialRecord
from mlskills.textsafe import clean


def run_info(meta: dict[str, Any], path: Path) -> RunInfo:
    config = meta.get("config", {})
    options = config.get("agent_options") or {}
    agent = meta.get("agent") or {}
    return RunInfo(
        run_id=path.name,
        path=str(path),
        agent=config.get("agent") or agent.get("agent", "?"),
        model=agent.get("model") or options.get("model"),
        task_ids=list(config.get("task_ids", [])),
        arms=list(config.get("arms", [])),
        epochs=int(config.get("epochs", 1)),
        seed=int(config.get("seed", 0)),
        sandbox=str(config.get("sandbox", "?")),
        status=str(meta.get("status", "?")),
        started_at=str(meta.get("started_at", "")),
        finished_at=str(meta.get("finished_at", "")),
        git_revision=str(meta.get("git_revision") or ""),
        versions=dict(meta.get("versions", {})),
        limits=dict(config.get("limits") or {}),
        planned_trials=meta.get("planned_trials"),
        suite=config.get("suite"),
    )


def _ordered(preferred: list[str], seen: list[str]) -> list[str]:
    """Configured order first (so reports read like the command), then anything else."""
    present = set(seen)
    head = [x for x in preferred if x in present]
    return head + sorted(present - set(head))


def trial_row(record: TrialRecord) -> dict[str, Any]:
    """The compact per-trial line used by the JSON output and the HTML trial list."""
    usage = record.usage
    tokens = (
        usage.input_tokens,
        usage.output_tokens,
        usage.cache_read_tokens,
        usage.cache_write_tokens,
    )
    return {
        "task": record.task_id,
        "arm": record.arm,
        "epoch": record.epoch,
        "seed": record.seed,
        "status": record.status,
        "score": record.score,
        "passed": record.passed,
        "metric": record.metric,
        "turns": record.turns,
        "tokens": dict(zip(TOKEN_KINDS, tokens, strict=True)),
        "cost": usage.cost,
        "wall_seconds": record.wall_seconds,
        "error": clean(record.error) if record.error is not None else None,
        "limit": record.limit,
        "scratch": record.scratch,  # the kept workspace (--keep-workspaces), else None
    }


def load_run(path: Path) -> tuple[dict[str, Any], list[TrialRecord]]:
    run = RunDir.open(Path(path))
    meta = run.read_meta()
    records = sorted(run.latest().values(), key=lambda r: (r.task_id, r.arm, r.epoch))
    if not records:
        raise MlskillsError(f"{path}: no finished trials yet (trials.jsonl is empty or missing)")
    return meta, records


def build_cells(records: list[TrialRecord], info: RunInfo, k: int) -> list[Cell]:
    """One cell per task and arm that has trials, in the run's configured order."""
    groups: dict[tuple[str, str], list[TrialRecord]] = defaultdict(list)
    for record in records:
        groups[(record.task_id, record.arm)].append(record)
    tasks = _ordered(info.task_ids, [r.task_id for r in records])
    arms = _ordered(info.arms, [r.arm for r in records])
    return [
        aggregate.build_cell(task, arm, groups[(task, arm)], k)
        for task in tasks
        for arm in arms
        if groups.get((task, arm))
    ]


def build_report(
    path: Path,
    treatment: str | None = None,
    baseline: str | None = None,
    seed: int = 0,
) -> Report:
    """The whole report for one run folder; `treatment`/`baseline` pick the uplift arms."""
    meta, records = load_run(path)
    info = run_info(meta, Path(path))
    k = aggregate.choose_k(info.epochs)
    cells = build_cells(records, info, k)
    arms = _ordered(info.arms, [r.arm for r in records])
    return Report(
        run=info,
        k=k,
        cells=cells,
        arms=[aggregate.summarise_arm(arm, cells, records, seed) for arm in arms],
        uplift=_uplift(arms, cells, records, (treatment, baseline), seed),
        notices=notices.collect(meta, records, str(path)),
        trials=[trial_row(r) for r in records],
    )


def _uplift(
    arms: list[str],
    cells: list[Cell],
    records: list[TrialRecord],
    chosen: tuple[str | None, str | None],
    seed: int,
) -> Uplift | None:
    names = _pick_arms(arms, *chosen)
    if names is None:
        return None
    scores = tuple(aggregate.score_groups(cells, arm) for arm in names)
    passes = tuple(aggregate.pass_groups(records, arm) for arm in names)
    epochs = tuple(aggregate.epoch_groups(records, arm) for arm in names)
    return paired(names, scores, passes, seed=seed, epochs=epochs)


def _pick_arms(
    arms: list[str], treatment: str | None, baseline: str | None
) -> tuple[str, str] | None:
    """The arms the user named, or the default pair; the missing one of two is inferred."""
    if treatment is None and baseline is None:
        return default_arms(arms)
    for name in (treatment, baseline):
        if name is not None and name not in arms:
            raise MlskillsError(f"arm {name!r} is not in this run (arms: {', '.join(arms)})")
    if treatment is None or baseline is None:
        others = [a for a in arms if a not in (treatment, baseline)]
        if not others:
            raise MlskillsError("uplift needs two arms; give both --treatment and --baseline")
        treatment = treatment or others[0]
        baseline = baseline or others[0]
    if treatment == baseline:
        raise MlskillsError("--treatment and --baseline must name different arms")
    return treatment, baseline
