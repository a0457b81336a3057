"""Claude Code subagent rules for one agents/<name>.md file."""

from __future__ import annotations

import re
from pathlib import Path

from mlskills.errors import Problem
from mlskills.pack.load import parse_tools
from mlskills.pack.rules_common import (
    check_body_size,
    check_description,
    check_name,
    read_document,
)

KNOWN_TOOLS = {
    "Bash",
    "Read",
    "Write",
    "Edit",
    "MultiEdit",
    "Grep",
    "Glob",
    "WebFetch",
    "WebSearch",
    "NotebookEdit",
    "TodoWrite",
    "Agent",
    "Task",
    "Skill",
}
WRITE_TOOLS = {"Write", "Edit", "MultiEdit", "NotebookEdit"}
MODELS = {"sonnet", "opus", "haiku", "inherit"}
COLORS = {"red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan"}
KNOWN_KEYS = {
    "name",
    "description",
    "tools",
    "disallowedTools",
    "model",
    "permissionMode",
    "maxTurns",
    "skills",
    "mcpServers",
    "hooks",
    "memory",
    "background",
    "effort",
    "isolation",
    "color",
    "initialPrompt",
}
IGNORED_IN_PLUGINS = {"hooks", "mcpServers", "permissionMode"}
# Agents that review work: they must not be able to change what they review.
READ_ONLY_AGENTS = {"evaluator"}
FORBIDS_CHANGES = re.compile(
    r"\b(never|do not|don't|must not)\s+(modify|change|edit|write|create|delete)", re.IGNORECASE
)


def check_agent(file: Path, root: Path, skill_names: set[str]) -> list[Problem]:
    label = file.relative_to(root).as_posix()
    data, body, problems = read_document(file, label)
    if data is None:
        return problems
    problems += _check_keys(data, label)
    problems += check_name(data.get("name"), label, file.stem)
    problems += check_description(data.get("description"), label)
    tools = parse_tools(data.get("tools"))
    problems += _check_tool_list(tools, label, "tools")
    problems += _check_tool_list(parse_tools(data.get("disallowedTools")), label, "disallowedTools")
    problems += _check_model_and_color(data, label)
    problems += _check_preloaded_skills(data.get("skills"), label, skill_names)
    if data.get("name") in READ_ONLY_AGENTS:
        problems += _check_read_only(tools, body, label)
    problems += check_body_size(body, label)
    return problems


def _check_keys(data: dict, label: str) -> list[Problem]:
    problems = []
    for key in sorted(set(data) - KNOWN_KEYS):
        problems.append(
            Problem(
                label,
                key,
                "unknown subagent frontmatter key",
                f"remove it (known: {', '.join(sorted(KNOWN_KEYS))})",
            )
        )
    for key in sorted(set(data) & IGNORED_IN_PLUGINS):
        problems.append(
            Problem(
                label,
                key,
                "ignored when the agent ships in a plugin",
                "remove it; configure it in the user's settings instead",
            )
        )
    return problems


def _check_tool_list(tools: tuple[str, ...], label: str, field: str) -> list[Problem]:
    problems = []
    for tool in tools:
        base = tool.split("(", 1)[0].strip()
        if base not in KNOWN_TOOLS and not base.startswith("mcp__"):
            problems.append(
                Problem(
                    label,
                    field,
                    f"unknown tool {tool!r}",
                    f"use tool names such as {', '.join(sorted(KNOWN_TOOLS))}",
                )
            )
    if len(set(tools)) != len(tools):
        problems.append(Problem(label, field, "a tool is listed twice", "list each tool once"))
    return problems


def _check_model_and_color(data: dict, label: str) -> list[Problem]:
    problems = []
    model = data.get("model")
    if model is not None and not (model in MODELS or str(model).startswith("claude-")):
        problems.append(
            Problem(
                label,
                "model",
                f"unknown model {model!r}",
                "use sonnet, opus, haiku, inherit or a full claude- model id",
            )
        )
    color = data.get("color")
    if color is not None and color not in COLORS:
        problems.append(
            Problem(
                label,
                "color",
                f"unknown color {color!r}",
                f"use one of {', '.join(sorted(COLORS))}",
            )
        )
    turns = data.get("maxTurns")
    if turns is not None and (not isinstance(turns, int) or turns < 1):
        problems.append(Problem(label, "maxTurns", "must be a positive integer", "e.g. 40"))
    return problems


def _check_preloaded_skills(value: object, label: str, skill_names: set[str]) -> list[Problem]:
    names = parse_tools(value)  # same comma-or-list syntax as tools
    return [
        Problem(
            label,
            "skills",
            f"preloads skill {name!r}, which is not in the pack",
            "fix the name or add the skill",
        )
        for name in names
        if name not in skill_names
    ]


def _check_read_only(tools: tuple[str, ...], body: str, label: str) -> list[Problem]:
    if not tools:
        return [
            Problem(
                label,
                "tools",
                "a reviewing agent without a tools list gets every tool",
                "list read-only tools: Read, Grep, Glob",
            )
        ]
    bases = {t.split("(", 1)[0].strip() for t in tools}
    problems = [
        Problem(
            label,
            "tools",
            f"a reviewing agent must not have {tool}",
            "remove it; reviewers report, they do not change files",
        )
        for tool in sorted(bases & WRITE_TOOLS)
    ]
    if "Bash" in bases and not FORBIDS_CHANGES.search(body):
        problems.append(
            Problem(
                label,
                "tools",
                "has Bash but the body does not forbid changes",
                "say in the body that it must never modify files, and why Bash "
                "is needed, or drop Bash",
            )
        )
    return problems
