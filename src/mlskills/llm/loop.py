"""The tool loop: ask the model, run its tool calls, repeat until it stops or a limit ends it.

Limits are checked before every request (turns, tokens, dollars, wall time, and any limit
the sandbox itself enforced); the tool calls of a response already received still run,
except when wall time is up. Every response, content block and tool call goes to the
transcript as it happens.

The loop knows no agent, trial or sandbox: the anthropic agent drives it with bash and the
editor in a sandbox, the rubric judge with its read-only viewer, its own log and limits
(the budget's), and no sandbox. `run()` starts a conversation; `continue_with()` carries a
finished one on with a follow-up (the judge's one retry).
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any, Protocol

from mlskills.llm.budget import CONTEXT_LIMIT, TIMEOUT_LIMIT, Budget, status_for
from mlskills.llm.caching import mark_conversation, mark_last
from mlskills.llm.client import (
    APIFailure,
    ContextOverflow,
    DeadlineReached,
    Requester,
)
from mlskills.llm.tools import Toolbox, ToolOutcome
from mlskills.schema import AgentResult, Usage
from mlskills.transcript import TrialLog

CUT_OFF = (
    "Your reply was cut off at the limit of {limit} output tokens per turn, so its tool calls "
    "did not run. Continue, in smaller steps (write long files in parts)."
)


class LimitSource(Protocol):
    """Something that may enforce a limit of its own (a sandbox: disk_mb, max_processes)."""

    @property
    def limit_hit(self) -> str | None: ...


class ToolLoop:
    """One conversation; `run()` returns how it ended and never raises for the API."""

    def __init__(
        self,
        requester: Requester,
        system: str,
        toolbox: Toolbox,
        budget: Budget,
        log: TrialLog,
        sandbox: LimitSource | None = None,
    ) -> None:
        """Limits are `budget.limits`; `sandbox`, when given, may report a limit it enforced
        (the loop only asks; the toolbox is what runs commands in it)."""
        self.requester = requester
        self.sandbox = sandbox
        self.limits = budget.limits
        self.log = log
        self.model = requester.settings.model
        self.system = [{"type": "text", "text": system}]
        self.toolbox = toolbox
        self.tools = toolbox.definitions()
        self.budget = budget
        self.messages: list[dict[str, Any]] = []
        self.timing = {"api_seconds": 0.0, "tool_seconds": 0.0, "tool_calls": 0}
        self.stop_reason: str | None = None

    def run(self, first_message: str) -> AgentResult:
        self._add_user([{"type": "text", "text": first_message}])
        return self._converse()

    def continue_with(self, message: str, extra_turns: int | None = None) -> AgentResult:
        """Carry the conversation on with a user message, after `run()` returned. When it
        ended on a user turn (tool results, then a limit), the message joins that turn, as
        turns must alternate. `extra_turns` grants that many more turns whatever the turn
        limit was."""
        content = [{"type": "text", "text": message}]
        if self.messages and self.messages[-1]["role"] == "user":
            content = [*self.messages.pop()["content"], *content]
        if extra_turns is not None:
            self.budget.grant_turns(extra_turns)
        self._add_user(content)
        return self._converse()

    def _converse(self) -> AgentResult:
        while (limit := self.budget.exhausted() or self._sandbox_limit()) is None:
            try:
                message = self._ask()
            except DeadlineReached as exc:
                self._take_partial(exc.usage)
                break
            except ContextOverflow as exc:
                self.log.event("api_error", turn=self.budget.turns, message=str(exc))
                limit = CONTEXT_LIMIT
                break
            except APIFailure as exc:
                return self._api_failed(str(exc))
            content = self._take(message)
            if not self._carry_on(content):
                return self._finish("completed")
        limit = limit or TIMEOUT_LIMIT
        self.log.event("limit", limit=limit, turns=self.budget.turns)
        return self._finish(status_for(limit), limit=limit)

    def _sandbox_limit(self) -> str | None:
        """A limit the sandbox enforced (bwrap: disk_mb, max_processes): no point going on."""
        return self.sandbox.limit_hit if self.sandbox is not None else None

    # ---- one turn

    def _ask(self) -> Any:
        params = {
            "model": self.model,
            "max_tokens": self.limits.max_output_tokens,
            "system": mark_last(self.system),
            "tools": mark_last(self.tools),
            "messages": mark_conversation(self.messages),
        }
        start = time.monotonic()
        try:
            return self.requester.message(params, self.budget.deadline)
        finally:
            self.timing["api_seconds"] += time.monotonic() - start

    def _take(self, message: Any) -> list[dict[str, Any]]:
        """Count the response's usage and keep its content (thinking blocks included)."""
        usage = _usage(message.usage)
        self.budget.record(usage)
        self.stop_reason = message.stop_reason
        content = [_block_param(block) for block in message.content]
        self.log.event(
            "response",
            turn=self.budget.turns,
            model=message.model,
            stop_reason=message.stop_reason,
            usage=asdict(usage),
            total_cost=self.budget.usage.cost,
            content=content,
        )
        self.messages.append({"role": "assistant", "content": content})
        return content

    def _take_partial(self, usage: Any) -> None:
        """Count what a response cut off at the deadline had spent (when it said)."""
        if usage is None:
            return
        spent = _usage(usage)
        self.budget.record(spent, whole=False)
        self.log.event("partial_response", turn=self.budget.turns, usage=asdict(spent))

    def _carry_on(self, content: list[dict[str, Any]]) -> bool:
        """Answer the response's tool calls; False when the model has finished."""
        calls = [b for b in content if b["type"] == "tool_use"]
        if self.stop_reason == "max_tokens":
            self._add_user(_cut_off(calls, self.limits.max_output_tokens))
            return True
        if self.stop_reason == "pause_turn":
            return True
        if not calls:
            return False
        self._add_user([self._call(c).block(c["id"]) for c in calls])
        return True

    def _call(self, call: dict[str, Any]) -> ToolOutcome:
        left = self.budget.remaining()
        if left <= 0:
            return ToolOutcome("not run: the time limit for the task was reached", is_error=True)
        start = time.monotonic()
        timeout = min(self.limits.command_timeout, left)
        outcome = self.toolbox.call(call["name"], call.get("input"), timeout)
        seconds = time.monotonic() - start
        self.timing["tool_seconds"] += seconds
        self.timing["tool_calls"] += 1
        self.log.event(
            "tool_call",
            turn=self.budget.turns,
            id=call["id"],
            name=call["name"],
            input=call.get("input"),
            output=outcome.text,
            is_error=outcome.is_error,
            seconds=round(seconds, 4),
        )
        return outcome

    def _add_user(self, content: list[dict[str, Any]]) -> None:
        self.messages.append({"role": "user", "content": content})
        said = [b for b in content if b["type"] != "tool_result"]
        if said:
            self.log.event("message", role="user", turn=self.budget.turns, content=said)

    # ---- endings

    def _api_failed(self, message: str) -> AgentResult:
        self.log.event("api_error", turn=self.budget.turns, message=message)
        if self.budget.remaining() <= 0:
            return self._finish("timeout", limit=TIMEOUT_LIMIT)
        return self._finish("error", error=message)

    def _finish(
        self, status: str, limit: str | None = None, error: str | None = None
    ) -> AgentResult:
        details = {
            "model": self.model,
            "requests": self.budget.turns,
            "stop_reason": self.stop_reason,
            "cost_known": self.budget.prices is not None,
            **{k: round(v, 4) for k, v in self.timing.items()},
        }
        result = AgentResult(
            status=status,
            turns=self.budget.turns,
            usage=self.budget.usage,
            error=error,
            limit=limit,
            details=details,
        )
        self.log.event(
            "agent_end",
            status=status,
            limit=limit,
            error=error,
            usage=asdict(result.usage),
            details=details,
        )
        return result


def _usage(usage: Any) -> Usage:
    return Usage(
        input_tokens=usage.input_tokens or 0,
        output_tokens=usage.output_tokens or 0,
        cache_read_tokens=usage.cache_read_input_tokens or 0,
        cache_write_tokens=usage.cache_creation_input_tokens or 0,
    )


def _block_param(block: Any) -> dict[str, Any]:
    """A response block as a request block; tool inputs are kept exactly as sent."""
    param = block.model_dump(exclude_none=True)
    if param.get("type") == "tool_use":
        param["input"] = block.input
    return param


def _cut_off(calls: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    note = CUT_OFF.format(limit=limit)
    results = [ToolOutcome(note, is_error=True).block(c["id"]) for c in calls]
    return [*results, {"type": "text", "text": note}]
