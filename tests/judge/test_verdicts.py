"""Parsing the evaluator's verdict block, deciding by majority, and folding into the score."""

from __future__ import annotations

import json

import pytest

from mlskills.judge.majority import decide, not_judged
from mlskills.judge.scoring import rubric_fraction, with_rubric
from mlskills.judge.verdicts import NO_EVIDENCE, parse
from mlskills.schema import Check, Grade, GradingSpec, RubricItem

IDS = ["write_up", "limits"]


def block(*items: dict, fence: str = "json") -> str:
    body = json.dumps({"items": list(items), "summary": "FAIL. Fix the write-up."})
    return f"**FAIL**\n1. Fix README.md.\n\n```{fence}\n{body}\n```\n"


def item(id: str, verdict: str = "pass", evidence: str = "README.md:3 `AUC 0.81`", **kw) -> dict:
    return {"id": id, "verdict": verdict, "evidence": evidence, "reason": "because", **kw}


def test_a_well_formed_block_gives_one_verdict_per_item() -> None:
    parsed = parse(block(item("write_up"), item("limits", "FAIL")), IDS)
    assert not parsed.problems
    assert parsed.verdicts["write_up"].verdict == "pass"
    assert parsed.verdicts["limits"].verdict == "fail"  # case is forgiven
    assert parsed.verdicts["write_up"].evidence == "README.md:3 `AUC 0.81`"


@pytest.mark.parametrize(
    "text",
    [
        "prose first " + json.dumps({"items": [item("write_up"), item("limits")]}),
        block(item("write_up"), item("limits"), fence="") + "\nThanks, that is all.",
        '```json\n{"items": []}\n```\n' + block(item("write_up"), item("limits")),  # last wins
    ],
)
def test_bare_unfenced_or_trailing_text_still_parses(text: str) -> None:
    parsed = parse(text, IDS)
    assert not parsed.problems and set(parsed.verdicts) == set(IDS)


def test_a_verdict_without_evidence_is_a_fail() -> None:
    parsed = parse(block(item("write_up", evidence="  "), item("limits", evidence=[])), IDS)
    assert not parsed.problems
    for verdict in parsed.verdicts.values():
        assert verdict.verdict == "fail" and verdict.reason.startswith(NO_EVIDENCE)


def test_problems_name_what_is_wrong() -> None:
    parsed = parse(block(item("write_up", "maybe"), item("other")), IDS)
    assert "item write_up: verdict must be" in parsed.problems[0]
    assert "write_up, limits" in parsed.problems[-1]
    assert parse("I think it passes.", IDS).problems == [
        "no JSON object with an `items` list was found in the reply"
    ]
    assert parse('```json\n{"items": [1, }\n```', IDS).problems  # invalid JSON


def test_a_retry_keeps_earlier_good_verdicts() -> None:
    first = parse(block(item("write_up")), IDS)
    second = parse(block(item("limits", "fail")), IDS)
    merged = second.merged_into(first)
    assert {k: v.verdict for k, v in merged.verdicts.items()} == {
        "write_up": "pass",
        "limits": "fail",
    }


RUBRIC = RubricItem("write_up", "README explains it", weight=0.5)


def vote(verdict: str, reason: str = "r") -> dict:
    return {
        "verdict": verdict,
        "evidence": "e" if verdict != "judge error" else "",
        "reason": reason,
    }


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        (["pass", "fail", "pass"], "pass"),
        (["fail", "fail", "pass"], "fail"),
        (["pass", "fail", "judge error"], "fail"),  # a tie among counted votes fails
        (["pass", "judge error", "judge error"], "pass"),
        (["judge error"] * 3, "judge error"),
        (["pass"], "pass"),
    ],
)
def test_majority(votes: list[str], expected: str) -> None:
    entry = decide(RUBRIC, [vote(v) for v in votes])
    assert entry["verdict"] == expected
    assert entry["weight"] == 0.5 and len(entry["votes"]) == len(votes)
    if len(votes) == 3 and expected != "judge error":
        assert "[votes:" in entry["reason"]


SPEC = GradingSpec(metric="acc", baseline=0.0, reference=1.0, pass_mark=0.6)


def entries(*verdicts: str) -> list[dict]:
    return [
        {**decide(RubricItem(f"i{n}", "c", 0.5), [vote(v)]), "verdict": v}
        for n, v in enumerate(verdicts)
    ]


def test_judged_items_weigh_like_checks_and_may_change_passed() -> None:
    grade = Grade(score=0.7, passed=True, checks=[Check("fmt", True, weight=1.0)])
    combined = with_rubric(SPEC, grade, entries("pass", "fail"))
    # D = metric weight 1 + check weight 1 = 2: (0.7 * 2 + 0.5) / (2 + 1)
    assert combined.score == pytest.approx(1.9 / 3, abs=1e-6) and combined.passed
    worse = with_rubric(SPEC, grade, entries("fail", "fail"))
    assert worse.score == pytest.approx(1.4 / 3, abs=1e-6) and not worse.passed
    assert rubric_fraction(entries("pass", "fail")) == 0.5


def test_unjudged_and_errored_items_leave_the_score_alone() -> None:
    grade = Grade(score=0.55, passed=False)
    for rubric in (not_judged((RUBRIC,), "no judge"), entries("judge error", "not judged")):
        combined = with_rubric(SPEC, grade, rubric)
        assert (combined.score, combined.passed) == (0.55, False)
        assert combined.rubric == rubric
    assert rubric_fraction(entries("judge error")) is None


def test_a_failed_gate_cannot_be_rescued_by_the_rubric() -> None:
    grade = Grade(score=0.0, passed=False, checks=[Check("ran", False, gate=True)])
    combined = with_rubric(SPEC, grade, entries("pass", "pass"))
    assert (combined.score, combined.passed) == (0.0, False)
