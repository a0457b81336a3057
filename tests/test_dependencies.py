"""The dependency contract: bounded ranges, a lock inside them, and an environment that obeys.

A range with no upper bound let a fresh machine resolve anthropic 2.x while CI, installing
over an older environment, kept 1.x and stayed green (issue 14).
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
BEHAVIOUR = ("anthropic", "claude-agent-sdk", "scikit-learn", "pandas", "numpy", "torch")


def requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    texts = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        texts += extra
    return {(r := Requirement(t)).name.lower(): r for t in texts}


def locked() -> dict[str, Version]:
    text = (ROOT / "requirements.lock").read_text()
    return {
        name.lower(): Version(version)
        for name, version in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, re.M)
    }


@pytest.mark.parametrize("name", BEHAVIOUR)
def test_libraries_we_depend_on_have_an_upper_bound(name):
    spec = requirements()[name].specifier
    assert any(s.operator in ("<", "<=", "==", "~=") for s in spec), f"{name}: {spec} is open"


def test_the_lock_pins_every_requirement_inside_its_range():
    pins = locked()
    for name, requirement in requirements().items():
        assert name in pins, f"{name} is not in requirements.lock (run .ci/lock)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]} outside {requirement.specifier}"
        )


def test_this_environment_has_versions_inside_the_ranges():
    """What the tests run against is what pyproject.toml promises (not a stale install)."""
    for name, requirement in requirements().items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            continue  # an extra not installed here; its tests skip with the reason
        assert requirement.specifier.contains(installed, prereleases=True), (
            f"{name} {installed} is installed, outside {requirement.specifier}"
        )
