"""Read Claude Code's `--output-format stream-json` line by line into a trial summary.

Robust by design: unknown message types are kept in the transcript and otherwise ignored,
a malformed line is logged and skipped, and several `result` lines (background subagents
finish separately) are folded into one summary. Failure is `is_error`, not `subtype`: an
unreachable API ends with subtype "success" and is_error true.

Usage comes from the final result line. A session cut off before it (the trial's deadline
killed the CLI) still spent tokens: then they are summed from the assistant messages' own
`usage`, once per message id (the CLI writes one line per content block, each repeating the
message's usage), and priced from the model's list prices where they are known.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mlskills.llm.pricing import prices_for
from mlskills.schema import Usage

SUBAGENT_TOOLS = ("Agent", "Task")  # the subagent tool's name differs between versions


@dataclass
class StreamSummary:
    init: dict[str, Any] | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    agents_invoked: list[str] = field(default_factory=list)
    skills_invoked: list[str] = field(default_factory=list)
    tool_calls: int = 0
    malformed_lines: int = 0
    assistant_messages: int = 0
    message_usage: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def final(self) -> dict[str, Any] | None:
        """The main session's result: the last one whose session matches the first init."""
        if not self.results:
            return None
        session = (self.init or {}).get("session_id")
        mine = [r for r in self.results if r.get("session_id") == session]
        return (mine or self.results)[-1]

    def feed(self, line: str) -> dict[str, Any] | None:
        """Parse one line; returns the message (None if malformed or blank)."""
        if not line.strip():
            return None
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            self.malformed_lines += 1
            return None
        if not isinstance(message, dict):
            self.malformed_lines += 1
            return None
        self._note(message)
        return message

    def _note(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "system" and message.get("subtype") == "init" and self.init is None:
            self.init = message
        elif kind == "result":
            self.results.append(message)
        elif kind == "assistant":
            self.assistant_messages += 1
            body = message.get("message") or {}
            if isinstance(body.get("usage"), dict):  # the latest line of a message wins
                key = str(body.get("id") or f"line-{self.assistant_messages}")
                self.message_usage[key] = (str(body.get("model") or ""), body["usage"])
            for block in body.get("content") or []:
                self._note_block(block)

    def _note_block(self, block: Any) -> None:
        if not isinstance(block, dict) or block.get("type") != "tool_use":
            return
        self.tool_calls += 1
        tool_input = block.get("input") or {}
        if block.get("name") in SUBAGENT_TOOLS and tool_input.get("subagent_type"):
            self.agents_invoked.append(str(tool_input["subagent_type"]))
        elif block.get("name") == "Skill" and tool_input.get("skill"):
            self.skills_invoked.append(str(tool_input["skill"]))

    def usage(self) -> Usage:
        """Tokens from the final result; cost is the largest running total reported. Without
        a result line: the sum over the assistant messages seen (see the module's notes)."""
        if self.final is None:
            return self.message_usage_total()
        costs = [r.get("total_cost_usd") or 0.0 for r in self.results]
        usage = usage_from_api(self.final.get("usage") or {})
        usage.cost = float(max(costs, default=0.0))
        return usage

    def message_usage_total(self) -> Usage:
        total = Usage()
        for model, raw in self.message_usage.values():
            total.add(priced_usage(model, raw))
        return total

    def details(self) -> dict[str, Any]:
        final = self.final or {}
        init = self.init or {}
        return {
            "usage_source": "result" if self.final else "assistant_messages",
            "session_id": init.get("session_id"),
            "model": init.get("model"),
            "cli_version": init.get("claude_code_version"),
            "plugins": [p.get("name") for p in init.get("plugins") or [] if isinstance(p, dict)],
            "plugin_errors": init.get("plugin_errors") or [],
            "agents_available": init.get("agents") or [],
            "agents_invoked": self.agents_invoked,
            "skills_invoked": self.skills_invoked,
            "tool_calls": self.tool_calls,
            "permission_denials": len(final.get("permission_denials") or []),
            "terminal_reason": final.get("terminal_reason"),
            "api_error_status": final.get("api_error_status"),
            "result_subtype": final.get("subtype"),
            "result_lines": len(self.results),
            "malformed_lines": self.malformed_lines,
        }


def usage_from_api(raw: dict[str, Any]) -> Usage:
    """The API's usage fields (also the credential proxy's counts) as our Usage."""
    return Usage(
        input_tokens=int(raw.get("input_tokens") or 0),
        output_tokens=int(raw.get("output_tokens") or 0),
        cache_read_tokens=int(raw.get("cache_read_input_tokens") or 0),
        cache_write_tokens=int(raw.get("cache_creation_input_tokens") or 0),
    )


def priced_usage(model: str | None, raw: dict[str, Any]) -> Usage:
    """`usage_from_api` costed at `model`'s prices; an unknown or unnamed model costs 0."""
    usage = usage_from_api(raw)
    prices = prices_for(model) if model else None
    usage.cost = prices.cost(usage) if prices else 0.0
    return usage
