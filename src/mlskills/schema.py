"""The harness's whole vocabulary: tasks, limits, grades, agent results and trial records.

Plain dataclasses, serialised with `to_dict`/`from_dict`, so records on disk stay readable
and a report can load them without running anything. Bump SCHEMA_VERSION when a stored
field changes meaning, and teach records.py to read the old shape (or to refuse it).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

SCHEMA_VERSION = 2  # 2: the harness's facts left `details` for typed fields
RESERVED_ARMS = ("bare", "pack", "plugin")
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")  # ids that become folder names

AgentStatus = Literal["completed", "timeout", "limit", "error"]
TrialStatus = Literal["completed", "timeout", "limit", "error"]


# ---------------------------------------------------------------- tasks


@dataclass(frozen=True)
class Limits:
    """What an agent may spend on one trial. Suites and the CLI may override."""

    agent_timeout: float = 1800.0  # seconds of wall time for the whole agent run
    command_timeout: float = 600.0  # seconds for one command the agent runs
    max_turns: int = 60
    memory_mb: int = 8192  # per process (address space) and the whole trial (resident)
    max_output_tokens: int = 16000  # per model turn (API agents)
    token_budget: int | None = None  # total input+output tokens (API agents)
    cost_limit: float | None = None  # dollars (API agents)
    file_size_mb: int = 1024  # largest file a command may write
    max_processes: int = 512
    disk_mb: int = 2048  # workspace size after the agent finishes

    def override(self, **changes: Any) -> Limits:
        """A copy with the given non-None fields replaced."""
        given = {k: v for k, v in changes.items() if v is not None}
        return Limits(**{**asdict(self), **given})


@dataclass(frozen=True)
class Resources:
    """What one trial of a task asks a scheduler for (the Ray executor packs trials by it).
    The local executor ignores it: -j decides how many trials share the machine."""

    cpus: float = 1.0
    memory_mb: int = 2048
    gpus: float = 0.0


@dataclass(frozen=True)
class RubricItem:
    """An open-ended criterion judged by the evaluator agent (never by the metric)."""

    id: str
    criterion: str
    weight: float = 1.0
    evidence: tuple[str, ...] = ()  # files or commands the judge should look at


DEFAULT_GRADING_TIMEOUT = 60.0  # seconds: a grade past it is a failed gate, not a hang


@dataclass(frozen=True)
class GradingSpec:
    """How a metric becomes a normalised score: clip((m - baseline) / (ref - baseline))."""

    metric: str
    baseline: float
    reference: float
    pass_mark: float = 0.5
    metric_weight: float = 1.0
    protected: tuple[str, ...] = ("data/**",)  # provided files the agent must not change
    rubric: tuple[RubricItem, ...] = ()
    timeout: float = DEFAULT_GRADING_TIMEOUT  # seconds one grade(ctx) may take

    def normalise(self, value: float | None) -> float:
        """Map a raw metric onto [0, 1]; works whether higher or lower is better."""
        if value is None or not math.isfinite(value) or self.reference == self.baseline:
            return 0.0
        scaled = (value - self.baseline) / (self.reference - self.baseline)
        return min(1.0, max(0.0, scaled))


@dataclass(frozen=True)
class TaskSpec:
    """A task as loaded and validated from evals/tasks/<id>/."""

    id: str
    title: str
    summary: str
    path: Path
    tags: tuple[str, ...]
    requires: tuple[str, ...]
    limits: Limits
    grading: GradingSpec
    resources: Resources = field(default_factory=Resources)

    @property
    def instruction_path(self) -> Path:
        return self.path / "instruction.md"

    @property
    def solution_dir(self) -> Path:
        return self.path / "solution"

    @property
    def wrong_solutions(self) -> list[Path]:
        return sorted((self.path / "wrong").glob("*.sh"))

    @property
    def right_solutions(self) -> list[Path]:
        """Alternative correct solutions (right/<name>.sh) that must pass like the oracle."""
        return sorted((self.path / "right").glob("*.sh"))

    @property
    def trains_torch(self) -> bool:
        """Whether its solutions and grader run PyTorch: its trials are the longest."""
        return "torch" in self.requires


# ---------------------------------------------------------------- grades


@dataclass
class Check:
    """A named yes/no finding. Gate checks fail the trial outright; weighted ones add score."""

    name: str
    passed: bool
    message: str = ""
    weight: float = 0.0
    gate: bool = False


@dataclass
class Grade:
    """What a grader returns: the normalised score and everything that explains it."""

    score: float
    passed: bool
    metric: float | None = None
    checks: list[Check] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    rubric: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed_gates(self) -> list[Check]:
        return [c for c in self.checks if c.gate and not c.passed]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Grade:
        checks = [Check(**c) for c in data.get("checks", [])]
        return cls(**{**data, "checks": checks})


# ---------------------------------------------------------------- execution


@dataclass
class ExecResult:
    """One command's outcome in a sandbox; output is capped, and says so when cut."""

    exit_code: int
    stdout: str
    stderr: str
    duration: float
    timed_out: bool = False
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


@dataclass
class Usage:
    """Tokens and dollars an agent spent; summed over turns and sub-agents."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost: float = 0.0

    def add(self, other: Usage) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def total_tokens(self) -> int:
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_read_tokens
            + self.cache_write_tokens
        )


@dataclass
class AgentResult:
    """How an agent's run ended. `error` is for failures of the agent's machinery, not its work."""

    status: AgentStatus = "completed"
    turns: int = 0
    usage: Usage = field(default_factory=Usage)
    error: str | None = None
    limit: str | None = None  # which limit ended the run, when status is "limit" or "timeout"
    details: dict[str, Any] = field(default_factory=dict)  # agent-specific facts worth keeping


# ---------------------------------------------------------------- runs


@dataclass(frozen=True)
class Arm:
    """An agent setting compared within a run: no pack, the whole pack, or a subset."""

    name: str
    skills: tuple[str, ...] | None = None  # None: no pack; () with pack=True: all
    pack: bool = False
    as_agent: bool = False  # the session runs as the pack's ml-engineer agent

    @classmethod
    def parse(cls, text: str) -> Arm:
        """`bare`, `pack` (the session runs as the ml-engineer agent), `plugin` (the pack
        is installed and the main session decides what to load or delegate, as for users),
        or `NAME=skill-a,skill-b` (a named subset of the pack, run as the agent)."""
        if text == "bare":
            return cls("bare")
        if text == "pack":
            return cls("pack", skills=(), pack=True, as_agent=True)
        if text == "plugin":
            return cls("plugin", skills=(), pack=True, as_agent=False)
        name, sep, rest = text.partition("=")
        if not sep or not name or not rest:
            raise ValueError(f"arm {text!r}: use bare, pack, or NAME=skill-a,skill-b")
        if not SAFE_NAME.fullmatch(name) or name in RESERVED_ARMS:
            raise ValueError(
                f"arm name {name!r}: use lowercase letters, digits, '.', '_' or '-' "
                "(it names a folder), and not 'bare', 'pack' or 'plugin'"
            )
        skills = tuple(s.strip() for s in rest.split(",") if s.strip())
        return cls(name, skills=skills, pack=True, as_agent=True)


@dataclass(frozen=True)
class TrialKey:
    task_id: str
    arm: str
    epoch: int

    @property
    def relpath(self) -> str:
        return f"trials/{self.task_id}/{self.arm}/{self.epoch}"


@dataclass
class JudgeFacts:
    """What the rubric step did for one trial, kept apart from the agent's usage.

    Written by judge/hook.py only, for tasks with a rubric. `model` is None when nothing
    was judged (no judge configured, or a gate failed first)."""

    configured: bool  # the run had a judge (--judge-model)
    grader_score: float  # the score before judged items joined it
    grader_passed: bool
    model: str | None = None
    epochs: int | None = None  # votes per item
    usage: Usage | None = None  # the judge's own tokens and dollars, never the agent's
    cost_known: bool | None = None
    requests: int = 0
    seconds: float = 0.0
    transcript: str | None = None  # relative to the trial folder
    rubric_fraction: float | None = None  # share of judged weight that passed

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JudgeFacts:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        usage = data.get("usage")
        return cls(**{**values, "usage": Usage(**usage) if usage is not None else None})


@dataclass
class TrialRecord:
    """One line of trials.jsonl: everything a report needs about one finished trial.

    Each field has one writer (docs/architecture.md, "The trial record"): trial.py builds
    the record, copies the agent's result in, and stores what the grader and the judge
    return. `details` is the agent's own (AgentResult.details), never the harness's."""

    task_id: str
    arm: str
    epoch: int
    seed: int
    agent: str
    status: TrialStatus
    score: float | None = None
    passed: bool | None = None
    metric: float | None = None
    error: str | None = None
    limit: str | None = None
    turns: int = 0
    usage: Usage = field(default_factory=Usage)
    agent_seconds: float = 0.0
    grade_seconds: float = 0.0
    wall_seconds: float = 0.0
    started_at: str = ""
    grade: dict[str, Any] | None = None
    scratch: str | None = None  # the kept scratch folder (--keep-workspaces), else None
    regrade_equal: bool | None = None  # graded twice alike (tasks check); None: graded once
    judge: JudgeFacts | None = None  # None: the task has no rubric, or it was not graded
    details: dict[str, Any] = field(default_factory=dict)  # the agent's facts, as returned
    schema_version: int = SCHEMA_VERSION

    @property
    def key(self) -> TrialKey:
        return TrialKey(self.task_id, self.arm, self.epoch)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrialRecord:
        """A record of the current schema (records.py upgrades older lines first)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["usage"] = Usage(**data.get("usage", {}))
        if (judge := data.get("judge")) is not None:
            values["judge"] = JudgeFacts.from_dict(judge)
        return cls(**values)
