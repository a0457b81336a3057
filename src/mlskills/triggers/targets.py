"""The pack items a request can trigger, named `skill:<name>` or `agent:<name>`.

Each target carries the exact description text under test and its hash, so a trigger run
records what it measured and `compare` can tell two description versions apart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from mlskills.pack.load import Pack


@dataclass(frozen=True)
class Target:
    kind: str  # "skill" or "agent"
    name: str
    description: str

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.description.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Targets:
    """Every skill and agent of a pack, with descriptions possibly overridden for a trial."""

    items: tuple[Target, ...]

    @classmethod
    def from_pack(cls, pack: Pack) -> Targets:
        skills = [Target("skill", s.name, " ".join(s.description.split())) for s in pack.skills]
        agents = [Target("agent", a.name, " ".join(a.description.split())) for a in pack.agents]
        return cls(tuple(skills + agents))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(t.label for t in self.items)

    def get(self, label: str) -> Target:
        for target in self.items:
            if target.label == label:
                return target
        raise KeyError(label)

    def of_kind(self, kind: str) -> list[Target]:
        return [t for t in self.items if t.kind == kind]

    def with_description(self, label: str, description: str) -> Targets:
        """The same targets with one description replaced (a candidate under test)."""
        self.get(label)  # KeyError for an unknown label
        return Targets(
            tuple(
                replace(t, description=" ".join(description.split())) if t.label == label else t
                for t in self.items
            )
        )

    def overrides(self, pack: Pack) -> dict[str, str]:
        """Labels whose description differs from the pack's own (what a stage must patch)."""
        original = {t.label: t.description for t in Targets.from_pack(pack).items}
        return {
            t.label: t.description for t in self.items if original.get(t.label) != t.description
        }

    def digest(self) -> str:
        """One hash over every label and description: two runs with equal digests saw the
        same descriptions."""
        text = "\n".join(f"{t.label}\t{t.description}" for t in self.items)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def describe(self) -> dict[str, dict[str, str]]:
        return {t.label: {"description": t.description, "sha256": t.digest} for t in self.items}
