"""An installed wheel works outside a checkout: it carries the pack, prompts and evals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if build.returncode != 0:
        pytest.skip(f"cannot build the wheel here: {build.stderr[-500:]}")
    [wheel] = out.glob("*.whl")
    target = out / "site"
    zipfile.ZipFile(wheel).extractall(target)
    return target


def run_from(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-m", "mlskills", *args],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=120,
    )  # fmt: skip


def test_wheel_carries_pack_prompts_evals_and_plugin(unpacked_wheel):
    data = unpacked_wheel / "mlskills" / "_data"
    for rel in (
        "agents/ml-engineer.md",
        ".claude-plugin/plugin.json",
        "evals/suites/core.yaml",
        "evals/_partials/constraints.md.j2",  # every instruction.md includes it
    ):
        assert (data / rel).is_file(), rel
    assert any((data / "skills").glob("*/SKILL.md"))
    assert any((data / "prompts").glob("*.j2"))


def test_installed_cli_finds_its_tasks_outside_a_checkout(unpacked_wheel, tmp_path):
    where = run_from(unpacked_wheel, "tasks", "list", "--json", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert "churn-imbalanced" in {row["id"] for row in json.loads(where.stdout)}
    valid = run_from(unpacked_wheel, "validate", cwd=tmp_path)
    assert valid.returncode == 0, valid.stdout + valid.stderr
