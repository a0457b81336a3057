"""Banners that qualify a report: anything a reader must know before trusting its numbers."""

from __future__ import annotations

from typing import Any

from mlskills.report.model import Notice
from mlskills.schema import TrialRecord
from mlskills.textsafe import clean

ERROR_SHARE = 0.05  # above this share of errored trials the report warns
FEW_TASKS = 5


def sandbox_notice(meta: dict[str, Any]) -> Notice | None:
    config = meta.get("config", {})
    if not meta.get("grading_data_readable_by_agent") and config.get("sandbox") != "local":
        return None
    why = config.get("sandbox_reason") or "no reason recorded"
    return Notice(
        "danger",
        "Local sandbox: the agent could read the grading data",
        f"This run used the local sandbox ({why}), where the agent runs as the harness's "
        "user and can read the harness's files, hidden labels included. Treat scores as "
        "untrustworthy for any agent that might look; run with --sandbox bwrap for numbers "
        "you can publish.",
    )


def credential_notice(meta: dict[str, Any]) -> Notice | None:
    """Any way an API key could reach the agent (run.json `credentials.exposure`)."""
    exposure = (meta.get("credentials") or {}).get("exposure") or []
    if not exposure:
        return None
    return Notice("warn", "Credential exposure", "; ".join(exposure) + ".")


def status_notice(meta: dict[str, Any], path: str) -> Notice | None:
    status = meta.get("status")
    if status == "interrupted":
        return Notice(
            "danger",
            "Run interrupted",
            f"The run was stopped before it finished; missing trials are not in these numbers. "
            f"Finish it with `mlskills run --resume {path}`.",
        )
    if status == "running":
        return Notice(
            "warn",
            "Run not finished",
            "run.json says the run is still running (or it was killed without a clean stop); "
            "the report shows the trials recorded so far.",
        )
    return None


def error_notice(records: list[TrialRecord], path: str) -> Notice | None:
    errors = [r for r in records if r.status == "error"]
    if not errors:
        return None
    share = len(errors) / len(records)
    level = "warn" if share > ERROR_SHARE else "info"
    first = errors[0]
    return Notice(
        level,
        f"{len(errors)} of {len(records)} trials errored ({share:.0%})",
        "Infrastructure errors are excluded from scores and pass rates, not counted as 0. "
        f"First: {first.task_id}/{first.arm}/{first.epoch}: {clean(first.error) or 'no message'}. "
        f"Rerun them with `mlskills run --resume {path}`.",
    )


def coverage_notices(meta: dict[str, Any], records: list[TrialRecord]) -> list[Notice]:
    notices = []
    planned = meta.get("planned_trials")
    if planned and len(records) < planned:
        notices.append(
            Notice("warn", "Missing trials", f"{len(records)} of {planned} planned trials ran.")
        )
    for task, reason in (meta.get("skipped") or {}).items():
        notices.append(Notice("warn", f"Task skipped: {task}", clean(reason)))
    return notices


def few_tasks_notice(tasks: int) -> Notice | None:
    if tasks >= FEW_TASKS:
        return None
    return Notice(
        "info",
        f"Intervals rest on {tasks} task{'s' if tasks != 1 else ''}",
        "The bootstrap resamples tasks; with fewer than 5 tasks its intervals mostly reflect "
        "epoch-to-epoch noise and understate how much results vary across tasks.",
    )


def collect(meta: dict[str, Any], records: list[TrialRecord], path: str) -> list[Notice]:
    tasks = len({r.task_id for r in records})
    found = [
        sandbox_notice(meta),
        credential_notice(meta),
        status_notice(meta, path),
        error_notice(records, path),
        *coverage_notices(meta, records),
        few_tasks_notice(tasks),
    ]
    order = {"danger": 0, "warn": 1, "info": 2}
    return sorted((n for n in found if n), key=lambda n: order[n.level])
