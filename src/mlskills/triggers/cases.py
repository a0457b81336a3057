"""Trigger cases: realistic requests, each labelled with the pack items that should load.

`evals/triggers/<name>.yaml` holds one group of cases:

    default_expect: [skill:data-profiling]   # for cases that give no `expect`
    cases:
      - id: dp-new-extract
        prompt: we just got a new extract from billing, is it sane?
      - id: dp-or-engineer
        prompt: ...
        expect: [skill:data-profiling, agent:ml-engineer]   # either is right
      - id: plot-csv
        prompt: plot revenue by month from data/sales.csv
        expect: []                                          # none of ours should load

The project folder (`evals/triggers/project/`) is where every session starts, so requests
that mention `data/` or `train.py` make sense.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from mlskills.errors import InvalidInput, Problem

CASE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
PROJECT = "project"
HELD_OUT_SHARE = 0.4  # the part of each target's cases `improve` never writes from


@dataclass(frozen=True)
class TriggerCase:
    id: str
    prompt: str
    expect: tuple[str, ...]  # labels that count as right; () means none of ours
    file: str

    @property
    def negative(self) -> bool:
        return not self.expect

    def is_positive_for(self, label: str) -> bool:
        return label in self.expect

    @property
    def held_out(self) -> bool:
        """A fixed split by case id, so train and held-out never depend on run order."""
        bucket = int(hashlib.sha256(self.id.encode("utf-8")).hexdigest()[:8], 16) % 1000
        return bucket < HELD_OUT_SHARE * 1000


def case_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.yaml") if p.is_file())


def project_dir(folder: Path) -> Path:
    return Path(folder) / PROJECT


def load_cases(folder: Path, known: tuple[str, ...]) -> list[TriggerCase]:
    """Every case under `folder`, checked against the known target labels; all problems at
    once."""
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        raise InvalidInput([Problem(str(folder), "", "no such folder", "pass --cases DIR")])
    cases: list[TriggerCase] = []
    for file in case_files(folder):
        cases += _load_file(file, known, problems)
    seen: dict[str, str] = {}
    for case in cases:
        if case.id in seen:
            problems.append(Problem(case.file, case.id, f"duplicate id (also in {seen[case.id]})"))
        seen.setdefault(case.id, case.file)
    if not cases and not problems:
        problems.append(Problem(str(folder), "", "no cases", "add <name>.yaml files with cases"))
    if problems:
        raise InvalidInput(problems, "trigger cases")
    return cases


def _load_file(file: Path, known: tuple[str, ...], problems: list[Problem]) -> list[TriggerCase]:
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(str(file), "", f"unreadable: {exc}"))
        return []
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        problems.append(Problem(str(file), "cases", "missing", "a list of {id, prompt, expect}"))
        return []
    default = _labels(data.get("default_expect", []), str(file), "default_expect", known, problems)
    out = []
    for index, raw in enumerate(data["cases"]):
        where = f"cases[{index}]"
        if not isinstance(raw, dict):
            problems.append(Problem(str(file), where, "not a mapping"))
            continue
        case_id, prompt = raw.get("id"), raw.get("prompt")
        if not isinstance(case_id, str) or not CASE_ID.match(case_id):
            problems.append(Problem(str(file), f"{where}.id", f"bad id {case_id!r}", "a-z0-9._-"))
            continue
        if not isinstance(prompt, str) or not prompt.strip():
            problems.append(Problem(str(file), f"{case_id}.prompt", "missing or empty"))
            continue
        expect = default
        if "expect" in raw:
            expect = _labels(raw["expect"], str(file), f"{case_id}.expect", known, problems)
        out.append(TriggerCase(case_id, prompt.strip(), tuple(expect), str(file)))
    return out


def _labels(
    value: object, file: str, where: str, known: tuple[str, ...], problems: list[Problem]
) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(file, where, "expected a list of labels like skill:NAME"))
        return []
    unknown = [v for v in value if v not in known]
    if unknown:
        problems.append(
            Problem(file, where, f"unknown {unknown}", f"use pack labels: {', '.join(known)}")
        )
    return [v for v in value if v in known]
