"""Strict Agent Skills rules for one skills/<name>/ folder."""

from __future__ import annotations

import re
from pathlib import Path

from mlskills.errors import Problem
from mlskills.pack.rules_common import (
    check_body_size,
    check_description,
    check_name,
    missing_paths,
    read_document,
)

# Frontmatter keys of the Agent Skills specification; `allowed-tools` is optional and
# experimental there (a space-separated string of tool names).
ALLOWED_KEYS = {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}
# Pack policy, stricter than the spec and applied only when validating this pack
# (`check_skill(..., policy=True)`, the default of `validate_pack`): keys that are valid
# but that our own skills leave out, each with the reason.
POLICY_EXCLUDED_KEYS = {
    "allowed-tools": (
        "Claude Code does not enforce it in skills and it has been reported to block "
        "activation in headless runs; limit tools in the agent's `tools` list instead"
    ),
}
TOC_LINES = 100
TOC_HEADING = re.compile(r"^#+\s*(table of )?contents\b", re.IGNORECASE | re.MULTILINE)


def check_skill(folder: Path, root: Path, *, policy: bool = True) -> list[Problem]:
    """Every problem with one skill folder; parsing stops early only if the YAML is unreadable.

    With `policy=False` only the Agent Skills spec is enforced (for third-party skills);
    with `policy=True` this pack's stricter rules (`POLICY_EXCLUDED_KEYS`) apply too.
    """
    file = folder / "SKILL.md"
    label = file.relative_to(root).as_posix()
    if not file.is_file():
        return [
            Problem(
                label,
                "",
                "skill folder has no SKILL.md",
                "add SKILL.md with name and description frontmatter, or remove the folder",
            )
        ]
    data, body, problems = read_document(file, label)
    if data is None:
        return problems
    problems += _check_keys(data, label)
    problems += check_name(data.get("name"), label, folder.name)
    problems += check_description(data.get("description"), label)
    problems += _check_optional_fields(data, label)
    if policy:
        problems += check_pack_policy(data, label)
    problems += check_body_size(body, label)
    problems += _check_links(body, folder, label)
    problems += _check_references_folder(folder, root)
    return problems


def _check_keys(data: dict, label: str) -> list[Problem]:
    return [
        Problem(
            label,
            key,
            "key not allowed in portable SKILL.md frontmatter",
            f"remove it (allowed: {', '.join(sorted(ALLOWED_KEYS))})",
        )
        for key in sorted(set(data) - ALLOWED_KEYS)
    ]


def check_pack_policy(data: dict, label: str) -> list[Problem]:
    """This pack's own rules on top of the spec: keys it deliberately leaves out."""
    return [
        Problem(
            label,
            key,
            "allowed by the Agent Skills spec, but pack policy leaves it out",
            f"remove it: {reason}",
        )
        for key, reason in sorted(POLICY_EXCLUDED_KEYS.items())
        if key in data
    ]


def _check_optional_fields(data: dict, label: str) -> list[Problem]:
    problems = []
    if "license" in data and not isinstance(data["license"], str):
        problems.append(Problem(label, "license", "not a string", "e.g. 'license: MIT'"))
    compat = data.get("compatibility")
    if "compatibility" in data and (not isinstance(compat, str) or len(compat) > 500):
        problems.append(
            Problem(
                label,
                "compatibility",
                "must be a string of at most 500 chars",
                "say briefly what the skill needs, e.g. 'Python 3.10+, pandas'",
            )
        )
    tools = data.get("allowed-tools")
    if "allowed-tools" in data and (not isinstance(tools, str) or not tools.strip()):
        problems.append(
            Problem(
                label,
                "allowed-tools",
                "must be a non-empty, space-separated string",
                "e.g. 'allowed-tools: Bash(git:*) Read'",
            )
        )
    meta = data.get("metadata")
    if "metadata" in data and not _is_str_map(meta):
        problems.append(
            Problem(
                label,
                "metadata",
                "must map strings to strings",
                'quote numbers, e.g. version: "1.0"',
            )
        )
    return problems


def _is_str_map(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def _check_links(body: str, folder: Path, label: str) -> list[Problem]:
    return [
        Problem(
            label,
            "body",
            f"refers to {path!r}, which does not exist in {folder.name}/",
            "create the file or fix the path (relative to the skill folder)",
        )
        for path in missing_paths(body, [folder])
    ]


def _check_references_folder(folder: Path, root: Path) -> list[Problem]:
    refs = folder / "references"
    if not refs.is_dir():
        return []
    problems = []
    for path in sorted(refs.rglob("*")):
        label = path.relative_to(root).as_posix()
        if path.is_dir():
            problems.append(
                Problem(
                    label,
                    "",
                    "references nest deeper than one level",
                    "move the files directly into references/",
                )
            )
        elif path.suffix == ".md" and _needs_toc(path):
            problems.append(
                Problem(
                    label,
                    "",
                    f"over {TOC_LINES} lines without a contents list",
                    "add a '## Contents' section near the top",
                )
            )
    return problems


def _needs_toc(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    head = "\n".join(text.splitlines()[:40])
    return len(text.splitlines()) > TOC_LINES and not TOC_HEADING.search(head)
