"""Checks shared by skills and agents: YAML style, names, text fields, body size, file links."""

from __future__ import annotations

import math
import re
from pathlib import Path

from mlskills.errors import InvalidInput, Problem
from mlskills.pack.load import parse_frontmatter, split_frontmatter

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_BODY_LINES = 500
MAX_BODY_TOKENS = 5000
TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:(.*)$")
# Relative links into a skill folder: `references/x.md`, `scripts/y.py`, `assets/z`.
LOCAL_PATH = re.compile(r"(?<![\w/.-])((?:references|scripts|assets)/[\w./-]*\w)")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def approx_tokens(text: str) -> int:
    """Roughly four characters per token: good enough for a size budget."""
    return math.ceil(len(text) / 4)


def read_document(file: Path, label: str) -> tuple[dict | None, str, list[Problem]]:
    """A SKILL.md or agent file's frontmatter, body and YAML-style problems.

    The data is None when the frontmatter cannot be parsed; the problems then say why.
    """
    text = file.read_text(encoding="utf-8")
    try:
        raw, _ = split_frontmatter(text, label)
        data, body = parse_frontmatter(text, label)
    except InvalidInput as exc:
        return None, "", list(exc.problems)
    return data, body, check_yaml_style(raw, label)


def check_yaml_style(raw: str, file: str) -> list[Problem]:
    """Constructs that PyYAML accepts but strict parsers (skills-ref's strictyaml) reject."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for line in raw.splitlines():
        match = TOP_LEVEL_KEY.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key in seen:
            problems.append(Problem(file, key, "duplicate key", "keep one line for this key"))
        seen.add(key)
        problems.extend(_value_style(file, key, value))
    if "---" in raw:
        problems.append(
            Problem(
                file,
                "frontmatter",
                "'---' inside a value truncates it in some parsers",
                "use a different separator in the text",
            )
        )
    return problems


def _value_style(file: str, key: str, value: str) -> list[Problem]:
    if value.startswith(("[", "{")):
        return [
            Problem(
                file,
                key,
                "flow-style YAML list or map",
                "write a comma-separated string or a block list ('- item' lines)",
            )
        ]
    if value[:1] not in ("'", '"', "|", ">") and ": " in value:
        return [
            Problem(file, key, "unquoted ': ' inside the value", "wrap the value in double quotes")
        ]
    return []


def check_name(value: object, file: str, expected: str, max_len: int = 64) -> list[Problem]:
    """Agent Skills naming: a-z0-9 and single hyphens, equal to its folder or file name."""
    if not isinstance(value, str) or not value:
        return [Problem(file, "name", "missing or not a string", f"add 'name: {expected}'")]
    problems = []
    if len(value) > max_len:
        problems.append(Problem(file, "name", f"{len(value)} chars, over {max_len}", "shorten"))
    if not KEBAB.match(value):
        problems.append(
            Problem(
                file,
                "name",
                f"{value!r} is not lowercase a-z, 0-9 and single hyphens",
                "use e.g. 'model-evaluation' (no leading, trailing or double hyphen)",
            )
        )
    if value != expected:
        problems.append(
            Problem(
                file,
                "name",
                f"{value!r} differs from its file or folder name {expected!r}",
                f"rename one so both are {expected!r}",
            )
        )
    if "anthropic" in value or "claude" in value:
        problems.append(
            Problem(
                file,
                "name",
                "contains a reserved word ('anthropic'/'claude')",
                "pick a name without it",
            )
        )
    return problems


def check_description(value: object, file: str, max_len: int = 1024) -> list[Problem]:
    if not isinstance(value, str) or not value.strip():
        return [
            Problem(
                file,
                "description",
                "missing or empty",
                "say what it does and when to use it, in one or two sentences",
            )
        ]
    problems = []
    if len(value) > max_len:
        problems.append(
            Problem(
                file,
                "description",
                f"{len(value)} chars, over {max_len}",
                "shorten it; move detail into the body",
            )
        )
    if "<" in value or ">" in value:
        problems.append(
            Problem(
                file,
                "description",
                "contains '<' or '>'",
                "rephrase without angle brackets (they read as XML tags)",
            )
        )
    return problems


def check_body_size(body: str, file: str) -> list[Problem]:
    problems = []
    lines = len(body.splitlines())
    if lines > MAX_BODY_LINES:
        problems.append(
            Problem(
                file,
                "body",
                f"{lines} lines, over {MAX_BODY_LINES}",
                "move detail into references/ with a line saying when to read it",
            )
        )
    tokens = approx_tokens(body)
    if tokens > MAX_BODY_TOKENS:
        problems.append(
            Problem(
                file,
                "body",
                f"about {tokens} tokens, over {MAX_BODY_TOKENS}",
                "move detail into references/ with a line saying when to read it",
            )
        )
    if not body.strip():
        problems.append(Problem(file, "body", "empty body", "write the instructions"))
    return problems


def referenced_paths(body: str) -> set[str]:
    """Relative file paths a body points at, by bare mention or Markdown link."""
    found = {m.rstrip(".") for m in LOCAL_PATH.findall(body)}
    for target in MARKDOWN_LINK.findall(body):
        if not re.match(r"^([a-z]+:|#|/)", target):
            found.add(target.split("#")[0])
    return {p for p in found if p}


def missing_paths(body: str, bases: list[Path]) -> list[str]:
    """Referenced paths that exist under none of `bases`."""
    return sorted(p for p in referenced_paths(body) if not any((b / p).exists() for b in bases))
