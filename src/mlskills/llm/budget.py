"""What one conversation (a trial, a judge's vote) has spent against its limits, and which
limit (if any) ends it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from mlskills.llm.pricing import Prices
from mlskills.schema import Limits, Usage

TIMEOUT_LIMIT = "agent_timeout"
CONTEXT_LIMIT = "context"  # the conversation outgrew the model's context window


@dataclass
class Budget:
    """Turns, tokens, dollars and wall time of one conversation; checked before every request."""

    limits: Limits
    prices: Prices | None
    started: float = field(default_factory=time.monotonic)
    usage: Usage = field(default_factory=Usage)
    turns: int = 0
    turn_cap: int | None = None  # set by grant_turns(); replaces limits.max_turns

    def grant_turns(self, count: int) -> None:
        """Allow `count` more turns from now, whatever the turn limit was."""
        self.turn_cap = self.turns + count

    def record(self, turn_usage: Usage, whole: bool = True) -> None:
        """Count one model response (`whole=False`: the part of one cut off at the deadline,
        which spends tokens but is no turn); its cost comes from the price table."""
        if self.prices is not None:
            turn_usage.cost = self.prices.cost(turn_usage)
        self.usage.add(turn_usage)
        self.turns += int(whole)

    @property
    def deadline(self) -> float:
        return self.started + self.limits.agent_timeout

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def exhausted(self) -> str | None:
        """The name of the first Limits field that is used up, or None to carry on."""
        lim = self.limits
        if self.remaining() <= 0:
            return TIMEOUT_LIMIT
        if self.turns >= (lim.max_turns if self.turn_cap is None else self.turn_cap):
            return "max_turns"
        if lim.token_budget is not None and self.usage.total_tokens >= lim.token_budget:
            return "token_budget"
        if lim.cost_limit is not None and self.usage.cost >= lim.cost_limit:
            return "cost_limit"
        return None


def status_for(limit: str) -> str:
    """Wall time ends a trial as "timeout"; every other limit as "limit"."""
    return "timeout" if limit == TIMEOUT_LIMIT else "limit"
