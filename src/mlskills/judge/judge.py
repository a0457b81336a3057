"""The judge: the pack's evaluator agent, run N times over a finished workspace per rubric.

Created once per run (shared by the worker threads: the SDK client is thread-safe). Each
call gathers the rubric's evidence, renders the prompts from prompts/, runs `epochs`
independent votes and decides each item by majority (majority.py).
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

import jinja2

from mlskills.judge import evidence
from mlskills.judge.case import Case, Judgement
from mlskills.judge.config import JudgeConfig
from mlskills.judge.majority import decide
from mlskills.judge.session import vote
from mlskills.judge.tools import GUEST_ROOT, ViewTools
from mlskills.llm import prompts
from mlskills.llm.client import Requester
from mlskills.llm.pricing import prices_for
from mlskills.llm.settings import settings_from
from mlskills.pack.load import load_pack
from mlskills.schema import TaskSpec
from mlskills.transcript import TrialLog

SYSTEM = "judge_system.md.j2"
MESSAGE = "judge.md.j2"
EVALUATOR = "evaluator"


class Judge:
    def __init__(self, config: JudgeConfig) -> None:
        self.config = config
        self.settings = settings_from(config.model, config.client_extra())
        self.requester = Requester(self.settings)
        self.prices = prices_for(self.settings.model, self.settings.prices)
        self.body = load_pack(self.settings.pack_root).agent(EVALUATOR).body.strip()

    def describe(self) -> dict[str, Any]:
        prices = asdict(self.prices) if self.prices else None
        return {**self.config.to_dict(), "prompts": [SYSTEM, MESSAGE], "prices": prices}

    def judge(self, case: Case, log: TrialLog) -> Judgement:
        """Every rubric item of `case`, decided by a majority of `epochs` votes."""
        start = time.monotonic()
        items = case.task.grading.rubric
        exhibits = evidence.gather(items, case.workspace, case.make_sandbox, case.scratch)
        out = Judgement([])
        ballots = self._ballots(case, self.prompt(case.task, exhibits, log), log, out)
        out.entries = [decide(item, [b[item.id] for b in ballots]) for item in items]
        out.seconds = round(time.monotonic() - start, 4)
        return out

    def _ballots(
        self, case: Case, prompt: tuple[str, str], log: TrialLog, out: Judgement
    ) -> list[dict[str, dict[str, Any]]]:
        """One independent conversation per epoch; usage is added to `out` as they finish."""
        ids = [item.id for item in case.task.grading.rubric]
        ballots = []
        for number in range(1, self.config.epochs + 1):
            log.event("judge_vote", vote=number, of=self.config.epochs, model=self.config.model)
            tools = ViewTools(case.workspace, self.settings.output_chars)
            limits = self.config.limits()
            votes, result = vote(self.requester, limits, self.prices, prompt, tools, log, ids)
            ballots.append(votes)
            out.usage.add(result.usage)
            out.requests += result.turns
        return ballots

    def prompt(
        self, task: TaskSpec, exhibits: list[evidence.Exhibit], log: TrialLog | None = None
    ) -> tuple[str, str]:
        """(system, first message), both rendered from prompts/ templates."""
        system = prompts.render(SYSTEM, evaluator_body=self.body, workspace=GUEST_ROOT)
        message = prompts.render(
            MESSAGE,
            instruction=task_instruction(task, log),
            items=list(task.grading.rubric),
            exhibits=exhibits,
            workspace=GUEST_ROOT,
        )
        return system, message


def task_instruction(task: TaskSpec, log: TrialLog | None = None) -> str:
    """The instruction as the agent read it, with the workspace shown at the judge's path.

    The judge may not import trial.py's renderer, so it renders the same template itself.
    Should that fail, the judge reads the raw template, and says so in its transcript."""
    text = task.instruction_path.read_text(encoding="utf-8")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    try:
        return env.from_string(text).render(workspace=GUEST_ROOT, limits=task.limits, task=task)
    except jinja2.TemplateError as exc:
        if log is not None:
            log.event(
                "judge_instruction_unrendered",
                path=str(task.instruction_path),
                error=f"{type(exc).__name__}: {exc}",
            )
        return text
