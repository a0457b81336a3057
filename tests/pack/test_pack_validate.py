"""validate_pack: the real pack is clean, and every rule fires on a broken copy with a
Problem that names the file, the field and a fix."""

import json
import shutil

import pytest

from mlskills.pack.rules_skills import check_skill
from mlskills.pack.validate import DESCRIPTION_BUDGET, description_budget_used, validate_pack

from .conftest import edit

SKILL = "skills/model-evaluation/SKILL.md"
AGENT = "agents/ml-engineer.md"
EVALUATOR = "agents/evaluator.md"
PLUGIN = ".claude-plugin/plugin.json"
MARKET = ".claude-plugin/marketplace.json"
ML_TOOLS = "tools: Bash, Read, Write, Edit, Grep, Glob, Skill"
EVAL_TOOLS = "tools: Read, Grep, Glob, Bash, Skill"


def find(problems, file: str, field: str, fragment: str):
    for problem in problems:
        if problem.file == file and problem.field == field and fragment in problem.message:
            assert problem.fix, f"no fix given: {problem}"
            return problem
    raise AssertionError(
        f"no {file}:{field} problem with {fragment!r} in:\n" + "\n".join(map(str, problems))
    )


def test_real_pack_is_clean_and_within_budget():
    assert validate_pack() == []
    assert description_budget_used() <= DESCRIPTION_BUDGET


# ---------------------------------------------------------------- skills
@pytest.mark.parametrize(
    ("old", "new", "field", "fragment"),
    [
        ("name: model-evaluation", "name: model-eval", "name", "differs from its file"),
        ("name: model-evaluation", "name: Model_Evaluation", "name", "not lowercase"),
        ("name: model-evaluation", "name: claude-evaluation", "name", "reserved word"),
        ("name: model-evaluation", "name: " + "a" * 65, "name", "over 64"),
        ('description: "', 'summary: "', "description", "missing"),
        ('description: "Evaluate', 'description: "<b>Evaluate</b>', "description", "'<'"),
        ('description: "Evaluate', 'description: "' + "x" * 1100, "description", "over 1024"),
        ("license: MIT", "license: MIT\nauthor: me", "author", "not allowed"),
        ("license: MIT", "license: MIT\nallowed-tools: Bash", "allowed-tools", "pack policy"),
        ("license: MIT", "license: MIT\nallowed-tools:\n  - Bash", "allowed-tools", "string"),
        ("license: MIT", "license: MIT\nlicense: BSD", "license", "duplicate key"),
        ("license: MIT", "license: MIT\nmetadata: {a: b}", "metadata", "flow-style"),
        ("license: MIT", "license: MIT\nmetadata:\n  version: 1", "metadata", "strings"),
        (
            "compatibility: Python",
            "compatibility: " + "P" * 501 + " Python",
            "compatibility",
            "500",
        ),
        ("license: MIT", "license: MIT --- or BSD", "frontmatter", "'---' inside"),
    ],
)
def test_skill_frontmatter_rules(pack, old, new, field, fragment):
    edit(pack / SKILL, old, new)
    find(validate_pack(pack), SKILL, field, fragment)


def test_allowed_tools_is_spec_valid_but_against_pack_policy(pack):
    edit(pack / SKILL, "license: MIT", "license: MIT\nallowed-tools: Bash(git:*) Read")
    assert validate_pack(pack, policy=False) == []
    problem = find(validate_pack(pack), SKILL, "allowed-tools", "pack policy")
    assert "headless" in problem.fix
    folder = pack / "skills" / "model-evaluation"
    assert check_skill(folder, pack, policy=False) == []
    assert [p.field for p in check_skill(folder, pack)] == ["allowed-tools"]


def test_skill_body_size_limits(pack):
    edit(pack / SKILL, "## Procedure", "## Procedure\n" + "filler line\n" * 500)
    find(validate_pack(pack), SKILL, "body", "over 500")
    edit(pack / SKILL, "## Procedure", "## Procedure\n" + "x" * 21000)
    find(validate_pack(pack), SKILL, "body", "tokens, over 5000")


def test_skill_links_to_missing_files(pack):
    edit(
        pack / SKILL,
        "## Procedure",
        "## Procedure\nRead `references/nowhere.md` and "
        "[the notes](references/ghost.md), run scripts/missing.py.",
    )
    problems = validate_pack(pack)
    for path in ("references/nowhere.md", "references/ghost.md", "scripts/missing.py"):
        find(problems, SKILL, "body", repr(path))


def test_references_must_be_flat_and_long_ones_need_contents(pack):
    refs = pack / "skills" / "model-evaluation" / "references"
    (refs / "deep").mkdir()
    (refs / "long.md").write_text("# Long\n" + "line\n" * 120)
    problems = validate_pack(pack)
    find(problems, "skills/model-evaluation/references/deep", "", "one level")
    find(problems, "skills/model-evaluation/references/long.md", "", "contents")


def test_skill_folder_without_skill_md(pack):
    (pack / "skills" / "empty-skill").mkdir()
    find(validate_pack(pack), "skills/empty-skill/SKILL.md", "", "no SKILL.md")


def test_unparsable_frontmatter_is_reported_not_raised(pack):
    edit(pack / SKILL, "---\nname", "name")
    find(validate_pack(pack), SKILL, "frontmatter", "'---'")


# ---------------------------------------------------------------- agents
@pytest.mark.parametrize(
    ("file", "old", "new", "field", "fragment"),
    [
        (AGENT, ML_TOOLS, ML_TOOLS + ", Teleport", "tools", "unknown tool 'Teleport'"),
        (AGENT, ML_TOOLS, ML_TOOLS + ", Bash", "tools", "listed twice"),
        (AGENT, "model: inherit", "model: gpt-5", "model", "unknown model"),
        (AGENT, "model: inherit", "model: inherit\ncolor: mauve", "color", "unknown color"),
        (AGENT, "model: inherit", "model: inherit\nmaxTurns: 0", "maxTurns", "positive"),
        (AGENT, "model: inherit", "model: inherit\nvibe: calm", "vibe", "unknown"),
        (
            AGENT,
            "model: inherit",
            "model: inherit\npermissionMode: acceptEdits",
            "permissionMode",
            "ignored",
        ),
        (
            AGENT,
            "model: inherit",
            "model: inherit\nskills: data-profiling, ghost-skill",
            "skills",
            "'ghost-skill'",
        ),
        (AGENT, "name: ml-engineer", "name: ml-eng", "name", "differs"),
        (AGENT, 'description: "', 'about: "', "description", "missing"),
        (EVALUATOR, EVAL_TOOLS, EVAL_TOOLS + ", Write", "tools", "must not have Write"),
        (EVALUATOR, EVAL_TOOLS, EVAL_TOOLS + ", NotebookEdit", "tools", "NotebookEdit"),
        (EVALUATOR, EVAL_TOOLS + "\n", "", "tools", "gets every tool"),
        (
            EVALUATOR,
            "Never write, create",
            "Feel free to write, create",
            "tools",
            "does not forbid",
        ),
    ],
)
def test_agent_rules(pack, file, old, new, field, fragment):
    edit(pack / file, old, new)
    find(validate_pack(pack), file, field, fragment)


def test_mcp_tools_and_tool_patterns_are_accepted(pack):
    edit(pack / AGENT, ML_TOOLS, ML_TOOLS.replace("Bash", "Bash(git log:*)") + ", mcp__db__query")
    assert validate_pack(pack) == []


# ---------------------------------------------------------------- cross references
@pytest.mark.parametrize(
    ("file", "text", "fragment"),
    [
        (SKILL, "Then load the `ghost-skill` skill.", "names skill 'ghost-skill'"),
        (SKILL, "See skills/phantom/ for more.", "names skill 'phantom'"),
        (AGENT, "Ask the `auditor` subagent.", "names agent 'auditor'"),
        (AGENT, "Invoke @agent-reviewer now.", "names agent 'reviewer'"),
        (AGENT, "Load mlskills:nonexistent first.", "mlskills:nonexistent"),
        (AGENT, "Run `scripts/not_there.py`.", "'scripts/not_there.py'"),
        (AGENT, "Open skills/model-evaluation/scripts/gone.py.", "gone.py"),
    ],
)
def test_dangling_names_and_paths_in_bodies(pack, file, text, fragment):
    path = pack / file
    path.write_text(path.read_text() + "\n" + text + "\n")
    find(validate_pack(pack), file, "body", fragment)


def test_description_budget(pack):
    for name in ("tabular-modeling", "model-serving"):
        edit(
            pack / "skills" / name / "SKILL.md",
            'description: "',
            'description: "' + "Long words. " * 90,
        )
    find(validate_pack(pack), "(pack)", "description", "over the 4500 budget")


# ---------------------------------------------------------------- manifests
def rewrite_json(path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("file", "change", "field", "fragment"),
    [
        (PLUGIN, lambda d: d.update(name="ML Skills"), "name", "kebab-case"),
        (PLUGIN, lambda d: d.update(version="v1"), "version", "semver"),
        (PLUGIN, lambda d: d.update(agents="agents/"), "agents", "'./'"),
        (PLUGIN, lambda d: d.update(skills=["./extra-skills"]), "skills", "does not exist"),
        (PLUGIN, lambda d: d.update(description=3), "description", "string"),
        (MARKET, lambda d: d.update(name="claude-plugins-official"), "name", "reserved"),
        (MARKET, lambda d: d.update(name="anthropic-tools"), "name", "reserved"),
        (MARKET, lambda d: d.pop("owner"), "owner.name", "missing"),
        (MARKET, lambda d: d.update(plugins=[]), "plugins", "empty"),
        (MARKET, lambda d: d["plugins"][0].update(source="/abs/path"), "plugins[0].source", "'./'"),
        (
            MARKET,
            lambda d: d["plugins"][0].update(source="./nowhere"),
            "plugins[0].source",
            "plugin.json",
        ),
        (MARKET, lambda d: d["plugins"][0].update(name="other"), "plugins[0].name", "differs"),
    ],
)
def test_manifest_rules(pack, file, change, field, fragment):
    rewrite_json(pack / file, change)
    find(validate_pack(pack), file, field, fragment)


def test_remote_plugin_sources_are_accepted(pack):
    rewrite_json(
        pack / MARKET,
        lambda d: d["plugins"].append(
            {"name": "elsewhere", "source": {"source": "github", "repo": "o/r"}}
        ),
    )
    assert validate_pack(pack) == []


def test_broken_or_missing_manifests(pack):
    (pack / PLUGIN).write_text("{not json")
    find(validate_pack(pack), PLUGIN, "", "not valid JSON")
    (pack / PLUGIN).unlink()
    find(validate_pack(pack), PLUGIN, "", "missing")


def test_component_folders_inside_claude_plugin(pack):
    shutil.copytree(pack / "agents", pack / ".claude-plugin" / "agents")
    find(validate_pack(pack), ".claude-plugin/agents", "", "inside .claude-plugin")


def test_a_pack_without_plugin_folder_skips_manifest_checks(pack):
    shutil.rmtree(pack / ".claude-plugin")
    assert validate_pack(pack) == []


def test_an_empty_folder_is_not_a_pack(tmp_path):
    problems = validate_pack(tmp_path)
    assert len(problems) == 1 and "no skills/ or agents/" in problems[0].message
