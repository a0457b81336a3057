"""Strict Agent Skills rules for one skills/<name>/ folder."""

from __future__ import annotations

import re
from pathlib import Path

from mlskills.errors import InvalidInput, Problem
from mlskills.pack.load import parse_frontmatter, split_frontmatter
from mlskills.pack.rules_common import (
    check_body_size,
    check_description,
    check_name,
    check_yaml_style,
    missing_paths,
)

ALLOWED_KEYS = {"name", "description", "license", "compatibility", "metadata"}
TOC_LINES = 100
TOC_HEADING = re.compile(r"^#+\s*(table of )?contents\b", re.IGNORECASE | re.MULTILINE)


def check_skill(folder: Path, root: Path) -> list[Problem]:
    """Every problem with one skill folder; parsing stops early only if the YAML is unreadable."""
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
    text = file.read_text(encoding="utf-8")
    try:
        raw, _ = split_frontmatter(text, label)
        data, body = parse_frontmatter(text, label)
    except InvalidInput as exc:
        return list(exc.problems)
    problems = check_yaml_style(raw, label)
    problems += _check_keys(data, label)
    problems += check_name(data.get("name"), label, folder.name)
    problems += check_description(data.get("description"), label)
    problems += _check_optional_fields(data, label)
    problems += check_body_size(body, label)
    problems += _check_links(body, folder, label)
    problems += _check_references_folder(folder, root)
    return problems


def _check_keys(data: dict, label: str) -> list[Problem]:
    problems = []
    for key in sorted(set(data) - ALLOWED_KEYS):
        fix = "remove it"
        if key == "allowed-tools":
            fix = "remove it: Claude Code ignores it and it can block activation in headless runs"
        problems.append(
            Problem(
                label,
                key,
                "key not allowed in portable SKILL.md frontmatter",
                fix + f" (allowed: {', '.join(sorted(ALLOWED_KEYS))})",
            )
        )
    return problems


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
