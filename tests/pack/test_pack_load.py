"""load_pack and parse_frontmatter: the API the agents read the pack through."""

import pytest

from mlskills import paths
from mlskills.errors import InvalidInput
from mlskills.pack import load_pack, parse_frontmatter
from mlskills.pack.load import PackItemNotFound

from .conftest import edit

SKILLS = {
    "data-profiling",
    "experimentation",
    "feature-pipelines",
    "interpretability-fairness",
    "nlp-text-models",
    "leakage-and-splits",
    "tabular-modeling",
    "pytorch-training",
    "model-evaluation",
    "time-series-forecasting",
    "experiment-tracking",
    "model-serving",
    "drift-monitoring",
}


def test_real_pack_loads_every_skill_and_agent():
    pack = load_pack()
    assert {s.name for s in pack.skills} == SKILLS
    assert [a.name for a in pack.agents] == ["evaluator", "ml-engineer", "mlops"]
    skill = pack.skill("model-evaluation")
    assert skill.path == paths.resource_root() / "skills" / "model-evaluation"
    assert skill.body.lstrip().startswith("# Model evaluation")
    assert "---" not in skill.body.splitlines()[0]


def test_agents_expose_tools_model_and_body():
    pack = load_pack()
    evaluator = pack.agent("evaluator")
    assert evaluator.tools == ("Read", "Grep", "Glob", "Bash", "Skill")
    assert evaluator.model == "inherit"
    assert "verdict" in evaluator.body
    assert "Write" in pack.agent("ml-engineer").tools
    assert pack.agent("mlops").path.name == "mlops.md"


def test_unknown_names_raise_a_clear_error():
    pack = load_pack()
    with pytest.raises(PackItemNotFound, match=r"no skill named 'nope'.*known: data-profiling"):
        pack.skill("nope")
    with pytest.raises(PackItemNotFound, match="no agent named 'nope'"):
        pack.agent("nope")


def test_tools_may_be_a_yaml_list_and_may_be_absent(pack):
    agent = pack / "agents" / "mlops.md"
    edit(
        agent,
        "tools: Bash, Read, Write, Edit, Grep, Glob, Skill\n",
        "tools:\n  - Bash\n  - Read\n",
    )
    edit(
        pack / "agents" / "ml-engineer.md",
        "tools: Bash, Read, Write, Edit, Grep, Glob, Skill\n",
        "",
    )
    loaded = load_pack(pack)
    assert loaded.agent("mlops").tools == ("Bash", "Read")
    assert loaded.agent("ml-engineer").tools == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no frontmatter\n", "does not start with a '---' line"),
        ("---\nname: x\n", "no closing '---' line"),
        ("---\nname: [unclosed\n---\nbody\n", "invalid YAML"),
        ("---\n- a\n- b\n---\nbody\n", "not a mapping"),
    ],
)
def test_parse_frontmatter_errors_name_file_and_fix(text, message):
    with pytest.raises(InvalidInput) as caught:
        parse_frontmatter(text, "skills/x/SKILL.md")
    problem = caught.value.problems[0]
    assert problem.file == "skills/x/SKILL.md" and problem.field == "frontmatter"
    assert message in problem.message and problem.fix


def test_parse_frontmatter_returns_data_and_body():
    data, body = parse_frontmatter("---\nname: a\ndescription: b\n---\n# Title\n", "f")
    assert data == {"name": "a", "description": "b"}
    assert body == "# Title\n"


def test_load_pack_reports_every_broken_file_at_once(pack):
    edit(pack / "skills" / "data-profiling" / "SKILL.md", "---\nname", "name")
    edit(pack / "agents" / "mlops.md", "description: ", "summary: ")
    with pytest.raises(InvalidInput) as caught:
        load_pack(pack)
    files = {p.file for p in caught.value.problems}
    assert files == {"skills/data-profiling/SKILL.md", "agents/mlops.md"}
