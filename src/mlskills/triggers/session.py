"""The contract between the trigger runner and an agent: show one request, report the
first choice. Sessions never let the agent act: they stop at its first tool call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from mlskills.schema import Usage
from mlskills.triggers.cases import TriggerCase
from mlskills.triggers.choice import Choice
from mlskills.triggers.targets import Targets


@dataclass
class Outcome:
    """What one session showed and what it cost. `error` means the machinery failed (the
    API, the CLI, the sandbox): such a session says nothing about triggering."""

    choice: Choice | None
    usage: Usage = field(default_factory=Usage)
    cost_known: bool = True
    model: str | None = None
    model_calls: int = 0
    seconds: float = 0.0
    error: str | None = None
    text: str = ""  # what the agent said before its first tool call (bounded)
    tool_input: Any = None  # the first tool call's input (bounded), for reading failures


class Session(Protocol):
    name: str

    def describe(self) -> dict[str, Any]: ...

    def probe(self, case: TriggerCase, targets: Targets) -> Outcome: ...

    def close(self) -> None: ...


MAX_TEXT = 2000


def bounded(value: Any, limit: int = MAX_TEXT) -> Any:
    """Keep records small: long strings are cut, containers are cut by their JSON size."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + " [cut]"
    if isinstance(value, dict):
        return {str(k)[:100]: bounded(v, limit // 2) for k, v in list(value.items())[:20]}
    if isinstance(value, list):
        return [bounded(v, limit // 2) for v in value[:20]]
    return value
