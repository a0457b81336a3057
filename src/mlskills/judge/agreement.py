"""How often the judge agrees with the labels: accuracy, false passes, false fails, errors.

A false pass (the label says fail, the judge says pass) is the costly mistake: it hands
the agent credit for work that is not there, so it is reported on its own. Judge errors
are counted apart and left out of the rates; a judge that errs often is visible as such.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from mlskills.judge.calibration import CaseResult
from mlskills.judge.majority import FAIL, PASS

OVERALL = "(all)"


@dataclass
class Agreement:
    task: str
    item: str
    cases: int = 0
    judged: int = 0
    agree: int = 0
    errors: int = 0
    label_fail: int = 0
    false_pass: int = 0
    label_pass: int = 0
    false_fail: int = 0

    def add(self, label: str, verdict: str) -> None:
        self.cases += 1
        if verdict not in (PASS, FAIL):
            self.errors += 1
            return
        self.judged += 1
        self.agree += verdict == label
        if label == FAIL:
            self.label_fail += 1
            self.false_pass += verdict == PASS
        else:
            self.label_pass += 1
            self.false_fail += verdict == FAIL

    @property
    def accuracy(self) -> float | None:
        return self.agree / self.judged if self.judged else None

    @property
    def false_pass_rate(self) -> float | None:
        return self.false_pass / self.label_fail if self.label_fail else None

    @property
    def false_fail_rate(self) -> float | None:
        return self.false_fail / self.label_pass if self.label_pass else None

    def to_dict(self) -> dict[str, Any]:
        rates = {
            "accuracy": self.accuracy,
            "false_pass_rate": self.false_pass_rate,
            "false_fail_rate": self.false_fail_rate,
        }
        return {**asdict(self), **rates}


def agreement(results: list[CaseResult]) -> list[Agreement]:
    """One row per (task, rubric item) in case order, then the overall row."""
    rows: dict[tuple[str, str], Agreement] = defaultdict(lambda: Agreement("", ""))
    overall = Agreement(OVERALL, OVERALL)
    for result in results:
        verdicts = result.verdicts()
        for item_id, label in result.case.expect.items():
            row = rows[(result.case.task.id, item_id)]
            row.task, row.item = result.case.task.id, item_id
            row.add(label, verdicts.get(item_id, "judge error"))
            overall.add(label, verdicts.get(item_id, "judge error"))
    return [*rows.values(), overall]


def disagreements(results: list[CaseResult]) -> list[dict[str, Any]]:
    """Every case and item where the judge differed from the label, with its reason."""
    found = []
    for result in results:
        for entry in result.entries:
            label = result.case.expect.get(entry["id"])
            if label is not None and entry["verdict"] != label:
                found.append(
                    {
                        "task": result.case.task.id,
                        "case": result.case.name,
                        "item": entry["id"],
                        "label": label,
                        "verdict": entry["verdict"],
                        "reason": entry["reason"],
                    }
                )
    return found
