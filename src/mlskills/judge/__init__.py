"""Rubric grading: the pack's evaluator agent as an LLM judge that has to earn trust.

Module map: config (model, votes, knobs) → judge (one workspace: evidence, prompts, votes)
with evidence (files and harness-run commands), tools (read-only `view`), session (one
vote through mlskills.llm's ToolLoop, one retry), verdicts (parsing the verdict block),
majority (votes → item verdict), scoring (judged items as weighted checks), hook (the trial
step) and calibration (`mlskills judge check`: agreement with labelled workspaces).
The judge may import llm (model access, shared with the anthropic agent), sandbox, pack,
tasks and schema; never agents (it is the agent's peer, not its user), runner, records,
trial or cli.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlskills.judge.case import Case, Judgement
from mlskills.judge.config import JudgeConfig
from mlskills.judge.hook import judge_trial

if TYPE_CHECKING:
    from mlskills.judge.judge import Judge


def create(data: dict[str, Any] | None) -> Judge | None:
    """The run's judge from its stored config, or None when no judge is configured.

    Imported here, not at the top: the judge needs the Anthropic SDK, slow to import.
    """
    config = JudgeConfig.from_dict(data)
    if config is None:
        return None
    from mlskills.judge.judge import Judge

    return Judge(config)


__all__ = ["Case", "JudgeConfig", "Judgement", "create", "judge_trial"]
