"""Claude Code plugin (.claude-plugin/plugin.json) and marketplace manifest rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mlskills.errors import Problem
from mlskills.pack.rules_common import KEBAB

PLUGIN_FILE = ".claude-plugin/plugin.json"
MARKETPLACE_FILE = ".claude-plugin/marketplace.json"
SEMVER = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
PATH_FIELDS = ("commands", "agents", "skills", "hooks", "mcpServers", "outputStyles", "lspServers")
COMPONENT_DIRS = ("agents", "skills", "commands", "hooks")
RESERVED_MARKETPLACES = {
    "claude-code-marketplace",
    "claude-code-plugins",
    "claude-plugins-official",
    "anthropic-marketplace",
    "anthropic-plugins",
    "agent-skills",
    "life-sciences",
}


def check_manifests(root: Path) -> list[Problem]:
    """Nothing to check when the pack is not a plugin (no .claude-plugin/ folder)."""
    if not (root / ".claude-plugin").is_dir():
        return []
    problems = _misplaced_components(root)
    plugin, plugin_problems = _read_json(root, PLUGIN_FILE, required=True)
    problems += plugin_problems
    if plugin is not None:
        problems += _check_plugin(plugin, root)
    market, market_problems = _read_json(root, MARKETPLACE_FILE, required=False)
    problems += market_problems
    if market is not None:
        problems += _check_marketplace(market, root)
    return problems


def _read_json(root: Path, rel: str, required: bool) -> tuple[dict | None, list[Problem]]:
    path = root / rel
    if not path.is_file():
        if not required:
            return None, []
        return None, [Problem(rel, "", "missing", "add it with at least a 'name' field")]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return None, [Problem(rel, "", f"not valid JSON: {exc}", "fix the syntax")]
    if not isinstance(data, dict):
        return None, [Problem(rel, "", "must be a JSON object", "wrap the fields in {...}")]
    return data, []


def _misplaced_components(root: Path) -> list[Problem]:
    return [
        Problem(
            f".claude-plugin/{name}",
            "",
            "component folder inside .claude-plugin/",
            f"move it to the plugin root as {name}/",
        )
        for name in COMPONENT_DIRS
        if (root / ".claude-plugin" / name).exists()
    ]


def _check_plugin(data: dict, root: Path) -> list[Problem]:
    problems = _check_kebab(data.get("name"), PLUGIN_FILE, "name", required=True)
    version = data.get("version")
    if version is not None and not (isinstance(version, str) and SEMVER.match(version)):
        problems.append(
            Problem(
                PLUGIN_FILE,
                "version",
                f"{version!r} is not semver",
                'use MAJOR.MINOR.PATCH, e.g. "0.1.0"',
            )
        )
    for key in ("description", "homepage", "repository", "license"):
        if key in data and not isinstance(data[key], str):
            problems.append(Problem(PLUGIN_FILE, key, "must be a string", "quote the value"))
    for key in PATH_FIELDS:
        if key in data:
            problems += _check_paths(data[key], root, PLUGIN_FILE, key)
    return problems


def _check_paths(value: object, root: Path, file: str, field: str) -> list[Problem]:
    if isinstance(value, dict):
        return []  # inline configuration (hooks, servers), not a path
    items = value if isinstance(value, list) else [value]
    problems = []
    for item in items:
        if not isinstance(item, str) or not item.startswith("./"):
            problems.append(
                Problem(
                    file,
                    field,
                    f"path {item!r} does not start with './'",
                    "write paths relative to the plugin root, starting with ./",
                )
            )
        elif not (root / item).exists():
            problems.append(
                Problem(
                    file, field, f"path {item!r} does not exist", "fix the path or remove the field"
                )
            )
    return problems


def _check_kebab(value: object, file: str, field: str, required: bool) -> list[Problem]:
    if value is None and not required:
        return []
    if not isinstance(value, str) or not KEBAB.match(value):
        return [
            Problem(
                file,
                field,
                f"{value!r} is not a kebab-case name",
                "use lowercase letters, digits and single hyphens, e.g. 'mlskills'",
            )
        ]
    return []


def _check_marketplace(data: dict, root: Path) -> list[Problem]:
    name = data.get("name")
    problems = _check_kebab(name, MARKETPLACE_FILE, "name", required=True)
    if isinstance(name, str) and (name in RESERVED_MARKETPLACES or name.startswith("anthropic")):
        problems.append(
            Problem(
                MARKETPLACE_FILE,
                "name",
                f"{name!r} is reserved",
                "pick your own name, e.g. 'mlskills-marketplace'",
            )
        )
    owner = data.get("owner")
    if not (isinstance(owner, dict) and isinstance(owner.get("name"), str) and owner["name"]):
        problems.append(
            Problem(MARKETPLACE_FILE, "owner.name", "missing", 'add "owner": {"name": "..."}')
        )
    plugins = data.get("plugins")
    if not isinstance(plugins, list) or not plugins:
        return [
            *problems,
            Problem(
                MARKETPLACE_FILE,
                "plugins",
                "missing or empty list",
                "list at least one plugin with name and source",
            ),
        ]
    for index, entry in enumerate(plugins):
        problems += _check_entry(entry, f"plugins[{index}]", root)
    return problems


def _check_entry(entry: object, field: str, root: Path) -> list[Problem]:
    if not isinstance(entry, dict):
        return [Problem(MARKETPLACE_FILE, field, "must be an object", "add name and source")]
    problems = _check_kebab(entry.get("name"), MARKETPLACE_FILE, f"{field}.name", required=True)
    source = entry.get("source")
    if isinstance(source, dict):
        return problems  # a remote source (github, git, url): nothing local to check
    if not isinstance(source, str) or not source.startswith("./"):
        return [
            *problems,
            Problem(
                MARKETPLACE_FILE,
                f"{field}.source",
                f"{source!r} is not a relative path starting with './'",
                'use "./" for this repository',
            ),
        ]
    manifest = root / source / PLUGIN_FILE
    if not manifest.is_file():
        return [
            *problems,
            Problem(
                MARKETPLACE_FILE,
                f"{field}.source",
                f"{source!r} has no {PLUGIN_FILE}",
                "point source at a folder that holds a plugin",
            ),
        ]
    return problems + _check_entry_name(entry.get("name"), manifest, field)


def _check_entry_name(name: object, manifest: Path, field: str) -> list[Problem]:
    try:
        actual = json.loads(manifest.read_text(encoding="utf-8")).get("name")
    except (json.JSONDecodeError, AttributeError):
        return []  # reported by the plugin check
    if actual != name:
        return [
            Problem(
                MARKETPLACE_FILE,
                f"{field}.name",
                f"{name!r} differs from the plugin's own name {actual!r}",
                "use the same name in both files",
            )
        ]
    return []
