"""Run trigger cases × repeats on a few threads, record each session, respect a cost cap.

The plan is printed before anything is spent (sessions and model calls); `--max-cost`
stops starting sessions once the recorded spend reaches it (sessions already running
finish and are recorded). Ctrl-C kills running sessions and records nothing for them;
`--resume` runs what is missing or errored, refusing if the descriptions changed.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mlskills.errors import MlskillsError
from mlskills.triggers.cases import TriggerCase
from mlskills.triggers.record import TriggerRecord, TriggerRun
from mlskills.triggers.session import Session
from mlskills.triggers.targets import Targets


@dataclass
class TriggerConfig:
    """What defines a trigger run; stored in run.json so `--resume` can rebuild it."""

    agent: str
    model: str | None
    repeats: int = 1
    jobs: int = 1
    cases_dir: str = ""
    case_ids: list[str] = field(default_factory=list)  # empty: every case in cases_dir
    max_cost: float | None = None
    sandbox: str = "auto"
    claude_bin: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TriggerConfig:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in (data or {}).items() if k in known})


@dataclass
class Plan:
    work: list[tuple[TriggerCase, int]]
    spent: float = 0.0  # what earlier attempts of this run already cost

    @property
    def sessions(self) -> int:
        return len(self.work)


@dataclass
class TriggerOutcome:
    run: TriggerRun
    records: list[TriggerRecord]
    status: str  # finished, interrupted, cost_limit, incomplete


def plan(cases: list[TriggerCase], repeats: int, done: dict | None = None) -> Plan:
    """Every (case, repeat) not yet recorded without error."""
    done = done or {}
    work = [
        (case, r)
        for case in cases
        for r in range(repeats)
        if (case.id, r) not in done or done[(case.id, r)].status == "error"
    ]
    return Plan(work, spent=sum(rec.cost for rec in done.values()))


def describe_plan(plan: Plan, agent: str, max_cost: float | None) -> str:
    calls = "1" if agent == "anthropic" else "1 (rarely 2)"
    cap = f"; stops at ${max_cost:.2f}" if max_cost is not None else "; no cost cap (--max-cost)"
    spent = f"; ${plan.spent:.4f} spent before" if plan.spent else ""
    return (
        f"plan: {plan.sessions} session(s), {calls} model call(s) each"
        f" = about {plan.sessions} model call(s){cap}{spent}"
    )


class Spend:
    """The run's recorded spend, shared by the worker threads."""

    def __init__(self, start: float, cap: float | None) -> None:
        self.total, self.cap = start, cap
        self.unpriced = False
        self._lock = threading.Lock()

    def add(self, record: TriggerRecord) -> None:
        with self._lock:
            self.total += record.cost
            self.unpriced = self.unpriced or not record.cost_known

    @property
    def exhausted(self) -> bool:
        with self._lock:
            return self.cap is not None and (self.total >= self.cap or self.unpriced)


def execute(
    run: TriggerRun,
    session: Session,
    targets: Targets,
    the_plan: Plan,
    jobs: int,
    max_cost: float | None,
    on_record: Callable[[TriggerRecord], None] | None = None,
) -> TriggerOutcome:
    """Probe the planned sessions on `jobs` threads; the calling thread appends each record
    to the run as it arrives (one writer) and owns Ctrl-C."""
    todo: queue.Queue = queue.Queue()
    for item in the_plan.work:
        todo.put(item)
    done: queue.Queue = queue.Queue()
    spend, stop = Spend(the_plan.spent, max_cost), threading.Event()
    digest = targets.digest()

    def work() -> None:
        while not stop.is_set() and not spend.exhausted:
            try:
                case, repeat = todo.get_nowait()
            except queue.Empty:
                return
            record = _probe(session, targets, digest, case, repeat)
            if not stop.is_set():  # after Ctrl-C nothing more is recorded
                spend.add(record)
                done.put(record)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(max(1, jobs))]
    records: list[TriggerRecord] = []
    try:
        for thread in threads:
            thread.start()
        _collect(threads, done, run, records, on_record)
    except KeyboardInterrupt:
        stop.set()
        session.close()
        for thread in threads:
            thread.join(timeout=10)
        run.update(status="interrupted")
        return TriggerOutcome(run, records, "interrupted")
    return _finish(run, records, the_plan, spend)


def _probe(
    session: Session, targets: Targets, digest: str, case: TriggerCase, repeat: int
) -> TriggerRecord:
    """One session's record; a session bug becomes an `error` record, never a lost case."""
    try:
        outcome = session.probe(case, targets)
        return TriggerRecord.from_outcome(
            case.id, repeat, list(case.expect), session.name, digest, outcome
        )
    except Exception as exc:
        return TriggerRecord(
            case.id,
            repeat,
            list(case.expect),
            "error",
            error=f"the harness failed: {type(exc).__name__}: {exc}",
            agent=session.name,
            descriptions=digest,
        )


def _collect(
    threads: list[threading.Thread],
    done: queue.Queue,
    run: TriggerRun,
    records: list[TriggerRecord],
    on_record: Callable[[TriggerRecord], None] | None,
) -> None:
    """Append records to the run (and to `records`) until every worker has stopped and
    nothing is left; polls so that Ctrl-C reaches this thread."""
    while any(t.is_alive() for t in threads) or not done.empty():
        try:
            record = done.get(timeout=0.2)
        except queue.Empty:
            continue
        run.append(record)
        records.append(record)
        if on_record:
            on_record(record)


def _finish(
    run: TriggerRun, records: list[TriggerRecord], the_plan: Plan, spend: Spend
) -> TriggerOutcome:
    """Finished, or why sessions are missing: the cost cap, or workers that stopped early."""
    status = "finished"
    if len(records) < the_plan.sessions:
        status = "cost_limit" if spend.exhausted else "incomplete"
    run.update(status=status, spent_usd=round(spend.total, 6), unpriced=spend.unpriced)
    return TriggerOutcome(run, records, status)


def run_metadata(
    config: TriggerConfig, session: Session, targets: Targets, cases: list[TriggerCase]
) -> dict[str, Any]:
    return {
        "config": asdict(config),
        "agent": session.describe(),
        "descriptions_digest": targets.digest(),
        "targets": targets.describe(),
        "cases": len(cases),
        "status": "running",
    }


def check_resumable(run: TriggerRun, targets: Targets) -> None:
    """Refuse to mix description versions in one run."""
    recorded = run.meta().get("descriptions_digest")
    if recorded and recorded != targets.digest():
        raise MlskillsError(
            f"{run.path}: the pack's descriptions changed since this run started "
            f"({recorded} -> {targets.digest()}); start a new run to measure the new ones"
        )


def open_for_resume(path: Path) -> tuple[TriggerRun, TriggerConfig]:
    run = TriggerRun.open(path)
    return run, TriggerConfig.from_dict(run.meta().get("config") or {})
