"""Cases, choices, staging and metrics, on known inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlskills import paths
from mlskills.errors import InvalidInput
from mlskills.pack.load import load_pack, parse_frontmatter
from mlskills.triggers.cases import load_cases
from mlskills.triggers.choice import classify
from mlskills.triggers.metrics import compute
from mlskills.triggers.record import TriggerRecord
from mlskills.triggers.stage import replace_description, stage_with
from mlskills.triggers.targets import Targets

LABELS = ("skill:data-profiling", "skill:model-serving", "agent:ml-engineer")


def test_bundled_cases_cover_every_pack_item_and_negatives():
    targets = Targets.from_pack(load_pack())
    cases = load_cases(paths.evals_dir() / "triggers", targets.labels)
    for label in targets.labels:
        assert sum(c.is_positive_for(label) for c in cases) >= 10, label
    assert sum(c.negative for c in cases) >= 40
    held = sum(c.held_out for c in cases)
    assert 0.25 < held / len(cases) < 0.55  # the fixed split is near its 40% share


def test_bad_case_files_report_every_problem(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(
        "cases:\n  - {id: x, prompt: hi, expect: [skill:nope]}\n  - {id: x, prompt: hi}\n"
        "  - {id: Bad Id, prompt: hi}\n  - {id: y, prompt: ''}\n"
    )
    with pytest.raises(InvalidInput) as caught:
        load_cases(tmp_path, LABELS)
    text = str(caught.value)
    assert "unknown ['skill:nope']" in text
    assert "duplicate id" in text
    assert "bad id 'Bad Id'" in text
    assert "y.prompt: missing or empty" in text


def test_held_out_split_depends_only_on_the_case_id(tmp_path: Path):
    (tmp_path / "a.yaml").write_text("cases:\n  - {id: same-id, prompt: one}\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.yaml").write_text("cases:\n  - {id: same-id, prompt: another}\n")
    [a] = load_cases(tmp_path, LABELS)
    [b] = load_cases(tmp_path / "b", LABELS)
    assert a.held_out == b.held_out


@pytest.mark.parametrize(
    ("tool", "tool_input", "label"),
    [
        ("Skill", {"skill": "mlskills:data-profiling"}, "skill:data-profiling"),
        ("Skill", {"skill": "data-profiling"}, "skill:data-profiling"),
        ("Skill", {"skill": "other-plugin:data-profiling"}, "other:Skill"),
        ("Skill", {"skill": "mlskills:not-a-skill"}, "other:Skill"),
        ("Agent", {"subagent_type": "mlskills:ml-engineer"}, "agent:ml-engineer"),
        ("Task", {"subagent_type": "ml-engineer"}, "agent:ml-engineer"),
        ("Agent", {"subagent_type": "general-purpose"}, "other:Agent"),
        ("Bash", {"command": "ls"}, "other:Bash"),
        ("Bash\x1b[2J", {}, "other:Bash??2J"),
        (None, None, "none"),
    ],
)
def test_classify_first_tool_call(tool, tool_input, label):
    assert classify(tool, tool_input, LABELS).label == label


def test_replace_description_changes_only_that_field(tmp_path: Path):
    original = (paths.skills_dir() / "data-profiling" / "SKILL.md").read_text()
    changed = replace_description(original, 'Use when "numbers look wrong":\n a test.')
    meta, body = parse_frontmatter(changed, "SKILL.md")
    old_meta, old_body = parse_frontmatter(original, "SKILL.md")
    assert meta["description"] == 'Use when "numbers look wrong": a test.'
    assert {k: v for k, v in meta.items() if k != "description"} == {
        k: v for k, v in old_meta.items() if k != "description"
    }
    assert body == old_body
    assert len(original.splitlines()) == len(changed.splitlines())


def test_replace_description_handles_a_folded_value():
    text = "---\nname: x\ndescription: >\n  first line\n  second line\nmodel: inherit\n---\nbody\n"
    meta, _ = parse_frontmatter(replace_description(text, "new one"), "x.md")
    assert meta == {"name": "x", "description": "new one", "model": "inherit"}


def test_staged_plugin_carries_the_candidate_description(tmp_path: Path):
    pack = load_pack()
    targets = Targets.from_pack(pack).with_description("agent:mlops", "Use for CI for models.")
    stage_with(pack, targets.overrides(pack), tmp_path / "plugin")
    staged = load_pack(tmp_path / "plugin")
    assert staged.agent("mlops").description == "Use for CI for models."
    assert staged.skill("data-profiling").description == pack.skill("data-profiling").description
    assert targets.digest() != Targets.from_pack(pack).digest()


def _rec(case: str, repeat: int, expect: list[str], choice: str | None, status="ok"):
    return TriggerRecord(case, repeat, expect, status, choice=choice, usage={"cost": 0.01})


def test_metrics_on_known_records():
    records = [
        # two positives for data-profiling: 2/2 and 1/2 hits
        _rec("p1", 0, ["skill:data-profiling"], "skill:data-profiling"),
        _rec("p1", 1, ["skill:data-profiling"], "skill:data-profiling"),
        _rec("p2", 0, ["skill:data-profiling"], "other:Bash"),
        _rec("p2", 1, ["skill:data-profiling"], "skill:data-profiling"),
        # a negative where data-profiling fired once
        _rec("n1", 0, [], "skill:data-profiling"),
        _rec("n1", 1, [], "none"),
        # an agent case chosen right, and an error that must not count
        _rec("a1", 0, ["agent:ml-engineer"], "agent:ml-engineer"),
        _rec("a1", 1, ["agent:ml-engineer"], None, status="error"),
    ]
    metrics = compute(records, list(LABELS))
    dp = next(t for t in metrics.targets if t.label == "skill:data-profiling")
    assert dp.positives == 2
    assert dp.recall.mean == pytest.approx(0.75)  # mean of the case means 1.0 and 0.5
    assert dp.false_trigger_count == 1
    assert dp.false_triggers.mean == pytest.approx((0.5 + 0.0) / 2)  # n1 and a1 (1 scored)
    assert metrics.sessions == 7 and metrics.errors == 1
    assert metrics.accuracy.mean == pytest.approx((1 + 0.5 + 0.5 + 1) / 4)
    assert metrics.negatives_clean.mean == pytest.approx(0.5)
    assert metrics.confusion["skill:data-profiling"] == {"skill:data-profiling": 3, "none": 1}
    assert metrics.confusion["none"] == {"skill:data-profiling": 1, "none": 1}
    assert [c.case_id for c in metrics.worst()] == ["n1", "p2"]
    assert metrics.cost == pytest.approx(0.08)
    assert yaml.safe_dump(metrics.to_dict())  # serialisable for --json
