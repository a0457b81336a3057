"""Read the pack (agents/*.md and skills/<name>/SKILL.md) into plain dataclasses.

The Anthropic-API agent and the Claude Code agent read the pack through this module, so it
only parses; the rules about what a good pack looks like live in `validate.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from mlskills import paths
from mlskills.errors import InvalidInput, MlskillsError, Problem

FENCE = "---"


@dataclass(frozen=True)
class SkillDef:
    """One Agent Skill: its folder, frontmatter name and description, and Markdown body."""

    name: str
    description: str
    path: Path
    body: str


@dataclass(frozen=True)
class AgentDef:
    """One Claude Code subagent; `tools` empty means the agent may use every tool."""

    name: str
    description: str
    tools: tuple[str, ...]
    model: str | None
    body: str
    path: Path


class PackItemNotFound(MlskillsError, LookupError):
    """A skill or agent asked for by name is not in the pack."""


@dataclass(frozen=True)
class Pack:
    """Every skill and agent of one pack, sorted by name."""

    skills: tuple[SkillDef, ...]
    agents: tuple[AgentDef, ...]

    def skill(self, name: str) -> SkillDef:
        return _find(self.skills, name, "skill")

    def agent(self, name: str) -> AgentDef:
        return _find(self.agents, name, "agent")


def _find(items, name: str, kind: str):
    for item in items:
        if item.name == name:
            return item
    known = ", ".join(i.name for i in items) or "none"
    raise PackItemNotFound(f"no {kind} named {name!r} in the pack (known: {known})")


def split_frontmatter(text: str, file: str) -> tuple[str, str]:
    """Return (raw YAML, body); the file must open with a `---` line and close the block."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise InvalidInput(
            [
                Problem(
                    file,
                    "frontmatter",
                    "file does not start with a '---' line",
                    "put YAML frontmatter between two '---' lines at the top",
                )
            ]
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    raise InvalidInput(
        [Problem(file, "frontmatter", "no closing '---' line", "end the frontmatter with '---'")]
    )


def parse_frontmatter(text: str, file: str) -> tuple[dict, str]:
    """Parse YAML frontmatter into a dict and return it with the body after it."""
    raw, body = split_frontmatter(text, file)
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise InvalidInput(
            [
                Problem(
                    file,
                    "frontmatter",
                    f"invalid YAML: {first_line}",
                    "quote values that contain ': ' or start with a special character",
                )
            ]
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            [
                Problem(
                    file,
                    "frontmatter",
                    "frontmatter is not a mapping of keys to values",
                    "write 'name: ...' and 'description: ...' lines",
                )
            ]
        )
    return data, body


def parse_tools(value: object) -> tuple[str, ...]:
    """Claude Code takes a comma-separated string; a YAML list is accepted too."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())


def _require_text(data: dict, key: str, file: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(
            [Problem(file, key, f"missing or empty '{key}'", f"add a '{key}:' line")]
        )
    return value.strip()


def load_skill(folder: Path, root: Path) -> SkillDef:
    file = folder / "SKILL.md"
    label = _label(file, root)
    data, body = parse_frontmatter(_read(file, label), label)
    return SkillDef(
        name=_require_text(data, "name", label),
        description=_require_text(data, "description", label),
        path=folder,
        body=body,
    )


def load_agent(file: Path, root: Path) -> AgentDef:
    label = _label(file, root)
    data, body = parse_frontmatter(_read(file, label), label)
    model = data.get("model")
    return AgentDef(
        name=_require_text(data, "name", label),
        description=_require_text(data, "description", label),
        tools=parse_tools(data.get("tools")),
        model=str(model) if model is not None else None,
        body=body,
        path=file,
    )


def skill_folders(root: Path) -> list[Path]:
    base = root / "skills"
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def agent_files(root: Path) -> list[Path]:
    base = root / "agents"
    return sorted(base.glob("*.md")) if base.is_dir() else []


def load_pack(root: Path | None = None) -> Pack:
    """Load every skill and agent under `root`; raise InvalidInput listing all bad files."""
    root = Path(root) if root is not None else paths.resource_root()
    problems: list[Problem] = []
    skills = _collect(load_skill, skill_folders(root), root, problems)
    agents = _collect(load_agent, agent_files(root), root, problems)
    if problems:
        raise InvalidInput(problems, what=f"the pack at {root}")
    return Pack(
        skills=tuple(sorted(skills, key=lambda s: s.name)),
        agents=tuple(sorted(agents, key=lambda a: a.name)),
    )


def _collect(loader, items: list[Path], root: Path, problems: list[Problem]) -> list:
    loaded = []
    for item in items:
        try:
            loaded.append(loader(item, root))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    return loaded


def _read(file: Path, label: str) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(
            [Problem(label, "", "file is missing", "add it or remove the folder")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput([Problem(label, "", f"cannot read: {exc}", "save as UTF-8")]) from None


def _label(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return str(file)
