"""`validate_pack`: every way the pack can be broken, each as a Problem naming file and fix.

Cross references in bodies are found by this convention, so write them this way:
  - a skill: `` `name` skill `` or ``skill `name` ``, or the path ``skills/name/``;
  - an agent: `` `name` agent `` / `` `name` subagent ``, ``agents/name.md`` or ``@agent-name``;
  - either, namespaced by the plugin: ``mlskills:name``.
File links are bare `references/...`, `scripts/...`, `assets/...` paths or Markdown links,
relative to the skill folder (in an agent body: to any skill folder, or `skills/<name>/...`).

Skills are checked against the Agent Skills spec and, with `policy=True` (the default,
used by `mlskills validate`), against this pack's stricter policy: frontmatter keys the
spec allows but our skills leave out (`rules_skills.POLICY_EXCLUDED_KEYS`, today only
`allowed-tools`, which can block activation in headless runs). Pass `policy=False` to
check skills from elsewhere against the spec alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mlskills import paths
from mlskills.errors import InvalidInput, Problem
from mlskills.pack.load import agent_files, parse_frontmatter, skill_folders
from mlskills.pack.rules_agents import check_agent
from mlskills.pack.rules_common import missing_paths
from mlskills.pack.rules_manifests import PLUGIN_FILE, check_manifests
from mlskills.pack.rules_skills import check_skill

# Description budgets, measured in the Claude Code CLI bundled with claude-agent-sdk
# (2.1.337), request captured on a loopback server: skills are listed as
# "- plugin:name: description" in one system message whose budget is 1% of the context
# window at ~4 characters per token (8,000 characters at 200k tokens, 40,000 at 1M;
# SLASH_COMMAND_TOOL_CHAR_BUDGET overrides it), each description cut at 1,536 characters.
# With this pack's 13 skills the listing was 10,378 characters: 3,939 for the pack, ~6,400
# for the CLI's own skills. So on 200k-context models the CLI already shortens descriptions
# by priority; the pack's 13 skills get at most 4,500 (a little over half the 200k listing,
# about a ninth of the 1M one), which keeps each under the 1,024 of the Agent Skills spec.
# Agent descriptions go into the Agent tool's description instead; 500 characters each
# leaves room for "use proactively when..." and example requests.
SKILL_DESCRIPTION_BUDGET = 4500
AGENT_DESCRIPTION_BUDGET = 1500
DESCRIPTION_BUDGET = SKILL_DESCRIPTION_BUDGET + AGENT_DESCRIPTION_BUDGET
NAME = r"[a-z0-9][a-z0-9-]*[a-z0-9]"
SKILL_REFS = (
    re.compile(rf"`({NAME})`\s+skills?\b"),
    re.compile(rf"\bskills?\s+`({NAME})`"),
    re.compile(rf"(?<![\w.])skills/({NAME})\b"),
)
AGENT_REFS = (
    re.compile(rf"`({NAME})`\s+(?:sub)?agents?\b"),
    re.compile(rf"\b(?:sub)?agents?\s+`({NAME})`"),
    re.compile(rf"(?<![\w.])agents/({NAME})\.md\b"),
    re.compile(rf"@agent-({NAME})\b"),
)


def validate_pack(root: Path | None = None, *, policy: bool = True) -> list[Problem]:
    """All problems in the pack at `root` (default: the installed or checked-out pack).

    `policy=False` skips this pack's own rules that are stricter than the spec.
    """
    root = Path(root) if root is not None else paths.resource_root()
    folders, agents = skill_folders(root), agent_files(root)
    if not folders and not agents:
        return [Problem(str(root), "", "no skills/ or agents/ found", "point at the pack root")]
    skill_names = {f.name for f in folders}
    agent_names = {a.stem for a in agents}
    problems: list[Problem] = []
    for folder in folders:
        problems += check_skill(folder, root, policy=policy)
    for agent in agents:
        problems += check_agent(agent, root, skill_names)
    problems += check_manifests(root)
    documents = _documents(root, folders, agents)
    problems += _check_cross_references(documents, skill_names, agent_names, _plugin_name(root))
    problems += _check_agent_links(root, folders, agents)
    problems += _check_budget(documents)
    return problems


def _documents(root: Path, folders: list[Path], agents: list[Path]) -> list[tuple[str, dict, str]]:
    """(label, frontmatter, body) of every readable skill and agent file."""
    files = [f / "SKILL.md" for f in folders if (f / "SKILL.md").is_file()] + agents
    documents = []
    for file in files:
        label = file.relative_to(root).as_posix()
        try:
            data, body = parse_frontmatter(file.read_text(encoding="utf-8"), label)
        except InvalidInput:
            continue  # already reported by the per-file checks
        documents.append((label, data, body))
    return documents


def _plugin_name(root: Path) -> str | None:
    try:
        data = json.loads((root / PLUGIN_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data.get("name") if isinstance(data, dict) else None


def _check_cross_references(documents, skill_names, agent_names, plugin) -> list[Problem]:
    problems = []
    for label, _, body in documents:
        for name in sorted(_matches(SKILL_REFS, body) - skill_names):
            problems.append(
                Problem(
                    label,
                    "body",
                    f"names skill {name!r}, which does not exist",
                    f"use one of: {', '.join(sorted(skill_names))}",
                )
            )
        for name in sorted(_matches(AGENT_REFS, body) - agent_names):
            problems.append(
                Problem(
                    label,
                    "body",
                    f"names agent {name!r}, which does not exist",
                    f"use one of: {', '.join(sorted(agent_names))}",
                )
            )
        if plugin:
            namespaced = set(re.findall(rf"\b{re.escape(plugin)}:({NAME})\b", body))
            for name in sorted(namespaced - skill_names - agent_names):
                problems.append(
                    Problem(
                        label, "body", f"names {plugin}:{name}, not in the pack", "fix the name"
                    )
                )
    return problems


def _matches(patterns, body: str) -> set[str]:
    return {m for pattern in patterns for m in pattern.findall(body)}


def _check_agent_links(root: Path, folders: list[Path], agents: list[Path]) -> list[Problem]:
    """An agent body may link to `skills/x/...` or to a path inside any skill folder."""
    problems = []
    for file in agents:
        label = file.relative_to(root).as_posix()
        try:
            _, body = parse_frontmatter(file.read_text(encoding="utf-8"), label)
        except InvalidInput:
            continue
        full = {p for p in re.findall(r"(?<![\w.])(skills/[\w./-]*\w)", body) if "/" in p[7:]}
        gone = [p for p in sorted(full) if not (root / p).exists()]
        gone += missing_paths(body, [root, *folders])
        problems += [
            Problem(
                label,
                "body",
                f"refers to {p!r}, which exists in no skill folder",
                "fix the path or add the file",
            )
            for p in gone
        ]
    return problems


def _check_budget(documents) -> list[Problem]:
    """Skills and agents are loaded into different places, so each kind has its budget;
    the total is reported by description_budget_used()."""
    problems = []
    for kind, budget in (
        ("skills", SKILL_DESCRIPTION_BUDGET),
        ("agents", AGENT_DESCRIPTION_BUDGET),
    ):
        sizes = sorted(
            (
                (len(str(data.get("description", ""))), label)
                for label, data, _ in documents
                if label.startswith(kind + "/")
            ),
            reverse=True,
        )
        total = sum(size for size, _ in sizes)
        if total <= budget:
            continue
        longest = ", ".join(f"{label} ({size})" for size, label in sizes[:3])
        problems.append(
            Problem(
                "(pack)",
                "description",
                f"{kind} descriptions total {total} chars, over the {budget} budget",
                f"shorten the longest: {longest}",
            )
        )
    return problems


def description_budget_used(root: Path | None = None) -> int:
    """Characters of all skill and agent descriptions together (for reports)."""
    root = Path(root) if root is not None else paths.resource_root()
    docs = _documents(root, skill_folders(root), agent_files(root))
    return sum(len(str(data.get("description", ""))) for _, data, _ in docs)
