"""The trial's rubric step: after the deterministic grade, judge the rubric (or say why not).

Called by trial.py with the grade the task's grader returned. Without a judge, or when a
gate already failed, every item is reported as "not judged" and the score is the grader's.
With a judge, its usage and transcript are kept apart from the agent's (`JudgeFacts`,
returned for trial.py to store as `record.judge`; `judge/transcript.jsonl`), and judged
items join the score as weighted checks (scoring.py). Trouble in the judge is a "judge
error" on the items, never an error of the trial or a fail for the agent. This module
writes no record: trial.py is the record's one writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlskills.judge.case import Case, Judgement
from mlskills.judge.majority import JUDGE_ERROR, entry, not_judged
from mlskills.judge.scoring import rubric_fraction, with_rubric
from mlskills.schema import Grade, JudgeFacts
from mlskills.transcript import TrialLog

if TYPE_CHECKING:  # the judge pulls in the Anthropic SDK; a run without one need not
    from mlskills.judge.judge import Judge

NO_JUDGE = "no judge configured (mlskills run --judge-model MODEL); the score is the grader's"
GATE_FAILED = "not judged: a gate check failed, so the score is 0 whatever the rubric says"
TRANSCRIPT = "judge/transcript.jsonl"


def judge_trial(
    judge: Judge | None, case: Case, grade: Grade, log: TrialLog
) -> tuple[Grade, JudgeFacts | None]:
    """The grade with the rubric's verdicts, and the judge's facts for the record (None
    for a task without a rubric). Writes nothing but the judge's own log folder."""
    items = case.task.grading.rubric
    if not items:
        return grade, None
    spec = case.task.grading
    if judge is None or grade.failed_gates:
        entries = not_judged(items, GATE_FAILED if judge else NO_JUDGE)
        unjudged = JudgeFacts(judge is not None, grade.score, grade.passed)
        return with_rubric(spec, grade, entries), unjudged
    judgement = _judge(judge, case, log)
    return with_rubric(spec, grade, judgement.entries), facts(judge, judgement, grade)


def _judge(judge: Judge, case: Case, log: TrialLog) -> Judgement:
    """Judge in the trial's `judge/` log folder; a crash becomes judge errors, with the reason."""
    sub = log.sub("judge")
    try:
        return judge.judge(case, sub)
    except Exception as exc:  # the judge's trouble must never fail the trial
        reason = f"judge error: {type(exc).__name__}: {exc}"
        sub.event("judge_error", error=reason)
        items = case.task.grading.rubric
        return Judgement([entry(item, JUDGE_ERROR, "", reason) for item in items])
    finally:
        sub.close()


def facts(judge: Judge, judgement: Judgement, grader: Grade) -> JudgeFacts:
    """What the judging cost and where its transcript is, beside the grader's own score."""
    return JudgeFacts(
        configured=True,
        grader_score=grader.score,
        grader_passed=grader.passed,
        model=judge.config.model,
        epochs=judge.config.epochs,
        usage=judgement.usage,
        cost_known=judge.prices is not None,
        requests=judgement.requests,
        seconds=judgement.seconds,
        transcript=TRANSCRIPT,
        rubric_fraction=rubric_fraction(judgement.entries),
    )
