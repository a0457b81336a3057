"""The import rules of DESIGN.md, enforced: an agent cannot see how it is graded, and so on."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "mlskills"

# module (or package) -> modules of ours it must never import
FORBIDDEN = {
    "schema": {"*"},
    "errors": {"*"},
    "agents": {
        "grading",
        "judge",
        "runner",
        "records",
        "trial",
        "selfcheck",
        "report",
        "stats",
        "cli",
    },
    "grading": {"agents", "judge", "runner", "records", "trial", "cli"},
    "judge": {"runner", "records", "trial", "selfcheck", "report", "stats", "cli"},
    "sandbox": {"agents", "grading", "runner", "records", "trial", "cli"},
    "tasks": {"agents", "grading", "runner", "records", "trial", "cli", "sandbox"},
    "records": {"agents", "grading", "runner", "trial", "cli", "sandbox"},
    "pack": {"agents", "grading", "runner", "records", "trial", "cli"},
    "report": {"agents", "grading", "runner", "trial", "cli", "sandbox"},
    "stats": {"agents", "grading", "runner", "trial", "cli", "sandbox"},
    # The key's custodian depends on nothing that runs agent or grader code.
    "credproxy": {"agents", "grading", "judge", "runner", "records", "trial", "cli", "sandbox"},
}


def our_imports(path: Path) -> set[str]:
    """Top-level names of mlskills modules that a file imports (mlskills.X -> X)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "mlskills" and len(parts) > 1:
                found.add(parts[1])
    return found


def files_of(module: str) -> list[Path]:
    package = SRC / module
    if package.is_dir():
        return sorted(package.rglob("*.py"))
    single = SRC / f"{module}.py"
    return [single] if single.exists() else []


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_import_rules(module):
    banned = FORBIDDEN[module]
    for path in files_of(module):
        imported = our_imports(path) - {module}
        bad = imported if "*" in banned else imported & banned
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_nothing_imports_the_cli():
    for path in SRC.rglob("*.py"):
        if "cli" not in path.relative_to(SRC).parts and path.name != "__main__.py":
            assert "cli" not in our_imports(path), path
