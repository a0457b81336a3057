"""The import rules of DESIGN.md, enforced: an agent cannot see how it is graded, and so on."""

from __future__ import annotations

import ast
import subprocess
import sys
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
    # The judge is the agent's peer: both reach the model through llm/, neither the other.
    "judge": {"agents", "runner", "records", "trial", "selfcheck", "report", "stats", "cli"},
    # Model access knows no caller, nor what runs commands: the loop asks a sandbox only for
    # a limit it hit, through a protocol, and calls tools through the Toolbox contract.
    "llm": {
        "agents",
        "judge",
        "grading",
        "sandbox",
        "pack",
        "tasks",
        "preparation",
        "runner",
        "records",
        "trial",
        "selfcheck",
        "report",
        "stats",
        "triggers",
        "credproxy",
        "executors",
        "cli",
    },
    "sandbox": {"agents", "grading", "runner", "records", "trial", "cli"},
    "tasks": {"agents", "grading", "runner", "records", "trial", "cli", "sandbox"},
    # rendered once below both readers: the agent's trial and the judge
    "instructions": {"agents", "grading", "judge", "runner", "records", "trial", "cli", "sandbox"},
    "records": {"agents", "grading", "runner", "trial", "cli", "sandbox"},
    "pack": {"agents", "grading", "runner", "records", "trial", "cli"},
    "report": {"agents", "grading", "runner", "trial", "cli", "sandbox"},
    "stats": {"agents", "grading", "runner", "trial", "cli", "sandbox"},
    # The key's custodian depends on nothing that runs agent or grader code.
    "credproxy": {"agents", "grading", "judge", "runner", "records", "trial", "cli", "sandbox"},
    "triggers": {"grading", "runner", "trial", "selfcheck", "judge", "cli"},
}


def our_imports(path: Path, package: list[str] | None = None) -> set[str]:
    """Top-level names of mlskills modules that a file imports (mlskills.X -> X), in every
    form: `import mlskills.X`, `from mlskills.X import y`, `from mlskills import X`,
    relative imports, and `importlib.import_module("mlskills.X")` with a literal name."""
    package = package or _package_of(path)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        for name in _imported_names(node, package):
            parts = name.split(".")
            if parts[0] == "mlskills" and len(parts) > 1:
                found.add(parts[1])
    return found


def _package_of(path: Path) -> list[str]:
    """`src/mlskills/agents/base.py` -> ["mlskills", "agents"]."""
    return ["mlskills", *path.relative_to(SRC).parent.parts]


def _imported_names(node: ast.AST, package: list[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        base = package[: len(package) - node.level + 1] if node.level else []
        module = ".".join([*base, *(node.module.split(".") if node.module else [])])
        # `from mlskills import X` imports the module X; `from mlskills.a import b` imports a
        return [f"{module}.{a.name}" for a in node.names] if module == "mlskills" else [module]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "import_module"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return [node.args[0].value]
    return []


def test_every_import_form_is_seen(tmp_path):
    sample = tmp_path / "probe.py"  # read as if it were src/mlskills/agents/probe.py
    sample.write_text(
        "import importlib\n"
        "from mlskills import grading, runner as r\n"
        "from ..records import RunDir\n"
        "from . import base\n"
        "importlib.import_module('mlskills.judge')\n"
    )
    found = our_imports(sample, ["mlskills", "agents"])
    assert found == {"grading", "runner", "records", "agents", "judge"}


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


def test_the_cli_starts_without_the_sdk():
    """The anthropic SDK takes ~0.9 s to import; only commands that call a model may pay it."""
    probe = "import sys, mlskills.cli; print(sorted(m for m in sys.modules if m == 'anthropic'))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
