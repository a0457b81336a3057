"""The judge: the pack's evaluator agent, run N times over a finished workspace per rubric.

Created once per run (shared by the worker threads: the SDK client is thread-safe). Each
call gathers the rubric's evidence, renders the prompts from prompts/, runs `epochs`
independent votes and decides each item by majority (majority.py).
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

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
        ballots = self._ballots(case, self.prompt(case, exhibits), log, out)
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

    def prompt(self, case: Case, exhibits: list[evidence.Exhibit]) -> tuple[str, str]:
        """(system, first message), both rendered from prompts/ templates; the task is the
        instruction the agent was given, word for word (`case.instruction`)."""
        system = prompts.render(SYSTEM, evaluator_body=self.body, workspace=GUEST_ROOT)
        message = prompts.render(
            MESSAGE,
            instruction=case.instruction,
            items=list(case.task.grading.rubric),
            exhibits=exhibits,
            workspace=GUEST_ROOT,
        )
        return system, message
