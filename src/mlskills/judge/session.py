"""One judge conversation (a vote): the evaluator reads, then answers with its verdict block.

It runs through the agent's ToolLoop (mlskills.llm: same client, retries, limits, pricing
and transcript), with the read-only `view` tool only. A reply whose verdicts cannot be used is
answered once with what was wrong; whatever is still unusable after that becomes a
"judge error" for those items, never a fail for the agent.
"""

from __future__ import annotations

from typing import Any

from mlskills.judge.majority import JUDGE_ERROR
from mlskills.judge.tools import ViewTools
from mlskills.judge.verdicts import Parsed, parse
from mlskills.llm.budget import Budget
from mlskills.llm.client import Requester
from mlskills.llm.loop import ToolLoop
from mlskills.llm.pricing import Prices
from mlskills.schema import AgentResult, Limits
from mlskills.transcript import TrialLog

RETRY_TURNS = 3  # extra model turns the one retry may use, even after a turn limit
RETRY = (
    "Your verdict could not be used: {problems}. Reply now with the complete verdict: exactly "
    "one fenced json block with one entry per rubric item ({ids}), each with id, verdict "
    '("pass" or "fail"), evidence (quoted) and reason.'
)


def vote(
    requester: Requester,
    limits: Limits,
    prices: Prices | None,
    prompt: tuple[str, str],
    tools: ViewTools,
    log: TrialLog,
    ids: list[str],
) -> tuple[dict[str, dict[str, Any]], AgentResult]:
    """Verdicts by item id for one conversation, and how the conversation went."""
    system, message = prompt
    loop = ToolLoop(requester, system, tools, Budget(limits, prices), log)
    result = loop.run(message)
    parsed = Parsed() if result.status == "error" else parse(final_text(loop), ids)
    if result.status != "error" and parsed.problems:
        log.event("judge_retry", problems=parsed.problems)
        retry = RETRY.format(problems="; ".join(parsed.problems), ids=", ".join(ids))
        result = loop.continue_with(retry, extra_turns=RETRY_TURNS)
        if result.status != "error":
            parsed = parse(final_text(loop), ids).merged_into(parsed)
    return _votes(parsed, ids, result), result


def final_text(loop: ToolLoop) -> str:
    """The text of the model's last reply (empty when it ended on tool calls)."""
    replies = [m for m in loop.messages if m["role"] == "assistant"]
    if not replies:
        return ""
    return "\n".join(b.get("text", "") for b in replies[-1]["content"] if b["type"] == "text")


def _votes(parsed: Parsed, ids: list[str], result: AgentResult) -> dict[str, dict[str, Any]]:
    why = result.error or "; ".join(parsed.problems) or f"the judge stopped: {result.status}"
    error = {"verdict": JUDGE_ERROR, "evidence": "", "reason": f"judge error: {why}"}
    return {i: _as_dict(parsed, i) or dict(error) for i in ids}


def _as_dict(parsed: Parsed, item_id: str) -> dict[str, Any] | None:
    verdict = parsed.verdicts.get(item_id)
    if verdict is None:
        return None
    return {"verdict": verdict.verdict, "evidence": verdict.evidence, "reason": verdict.reason}
