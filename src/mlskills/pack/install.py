"""Copy the pack into a `.claude/` folder, and take exactly that back out again.

What was installed is recorded with content hashes in `.claude/.mlskills-install.json`, so
a later install or uninstall can tell our files from files the user wrote or changed, and
never overwrites or deletes the user's work without --force.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from mlskills import __version__
from mlskills.errors import MlskillsError
from mlskills.pack.load import Pack, load_pack

MANIFEST_NAME = ".mlskills-install.json"
SKIPPED_PARTS = {"__pycache__", ".pytest_cache"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


class InstallConflict(MlskillsError):
    """A file in the target was written or changed by someone else."""


class NothingInstalled(MlskillsError):
    """Uninstall found no record of an earlier install."""


@dataclass
class Action:
    verb: str  # create, update, unchanged, remove, keep
    path: str  # relative to the .claude folder
    note: str = ""


CHANGES = ("create", "update", "remove")  # verbs that change a file; `keep` leaves it


@dataclass
class Report:
    target: Path
    dry_run: bool
    actions: list[Action] = field(default_factory=list)
    uninstalling: bool = False

    def lines(self) -> list[str]:
        prefix = "would " if self.dry_run else ""
        shown = [a for a in self.actions if a.verb != "unchanged"]
        out = [
            f"{prefix}{a.verb} {self.target / a.path}" + (f" ({a.note})" if a.note else "")
            for a in shown
        ]
        changed = sum(a.verb in CHANGES for a in self.actions)
        kept = sum(a.verb == "keep" for a in self.actions)
        unchanged = len(self.actions) - len(shown)
        parts = [f"{changed} change(s)"]
        if kept:
            parts.append(f"{kept} file(s) of yours kept")
        if unchanged:
            parts.append(
                f"{unchanged} file(s) "
                + ("already gone" if self.uninstalling else "already up to date")
            )
        dry = " [dry run: nothing written]" if self.dry_run else ""
        out.append(f"{', '.join(parts)} in {self.target}{dry}")
        return out


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pack_files(pack: Pack) -> dict[str, Path]:
    """Destination path (relative to .claude/) -> source file, for every file we ship."""
    files = {f"agents/{agent.path.name}": agent.path for agent in pack.agents}
    for skill in pack.skills:
        for source in sorted(skill.path.rglob("*")):
            rel = source.relative_to(skill.path)
            if source.is_file() and not _skipped(rel):
                files[f"skills/{skill.name}/{rel.as_posix()}"] = source
    return files


def _skipped(rel: Path) -> bool:
    return bool(SKIPPED_PARTS & set(rel.parts)) or rel.suffix in SKIPPED_SUFFIXES


def read_manifest(target: Path) -> dict[str, str]:
    return dict(_manifest(target).get("files", {}))


def _manifest(target: Path) -> dict:
    path = target / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        dict(data["files"])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        raise MlskillsError(f"{path} is corrupt; remove it and reinstall with --force") from None
    return data


def write_manifest(target: Path, files: dict[str, str], created_target: bool = False) -> None:
    """`created_target`: the install made the .claude folder itself, so uninstall may
    remove it once empty (a folder the user had stays)."""
    path = target / MANIFEST_NAME
    data = {
        "tool": "mlskills",
        "version": __version__,
        "created_target": created_target,
        "files": dict(sorted(files.items())),
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def plan_install(
    sources: dict[str, Path], target: Path, recorded: dict[str, str]
) -> tuple[list[Action], list[str]]:
    """Decide each file's fate before touching anything; return (actions, conflicts)."""
    actions, conflicts = [], []
    for rel, source in sorted(sources.items()):
        dest = target / rel
        new_hash = sha256_file(source)
        if not dest.exists():
            actions.append(Action("create", rel))
            continue
        current = sha256_file(dest)
        if current == new_hash:
            actions.append(Action("unchanged", rel))
        elif recorded.get(rel) == current:
            actions.append(Action("update", rel))
        else:
            why = "changed since mlskills installed it" if rel in recorded else "not ours"
            conflicts.append(f"{target / rel} ({why})")
            actions.append(Action("update", rel, note=f"overwriting: {why}"))
    for rel in sorted(set(recorded) - set(sources)):
        actions.append(_stale_action(target / rel, rel, recorded[rel]))
    return actions, conflicts


def _stale_action(dest: Path, rel: str, recorded_hash: str) -> Action:
    """A file an older install put there that the pack no longer ships."""
    if not dest.exists():
        return Action("unchanged", rel)
    if sha256_file(dest) == recorded_hash:
        return Action("remove", rel, note="no longer in the pack")
    return Action("keep", rel, note="no longer in the pack, but you changed it")


def install(
    target: Path, pack_root: Path | None = None, dry_run: bool = False, force: bool = False
) -> Report:
    """Copy agents and skills into `target` (a .claude folder)."""
    pack = load_pack(pack_root)
    if not pack.skills and not pack.agents:
        raise MlskillsError(f"no skills or agents found in {pack_root or 'the bundled pack'}")
    sources = pack_files(pack)
    recorded = read_manifest(target)
    actions, conflicts = plan_install(sources, target, recorded)
    if conflicts and not force:
        listed = "\n".join(f"  - {c}" for c in conflicts)
        raise InstallConflict(
            f"refusing to overwrite {len(conflicts)} file(s):\n{listed}\n"
            "back them up and re-run with --force to replace them"
        )
    report = Report(target, dry_run, actions)
    if not dry_run:
        created = bool(_manifest(target).get("created_target")) or not target.exists()
        _apply_install(actions, sources, target)
        write_manifest(target, {rel: sha256_file(sources[rel]) for rel in sources}, created)
    return report


def _apply_install(actions: list[Action], sources: dict[str, Path], target: Path) -> None:
    for action in actions:
        dest = target / action.path
        if action.verb in ("create", "update"):
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(sources[action.path], dest)
        elif action.verb == "remove":
            dest.unlink()
            _prune_empty_parents(dest.parent, target)


def uninstall(target: Path, dry_run: bool = False) -> Report:
    """Remove what the manifest says we installed; keep files the user changed."""
    manifest = _manifest(target)
    recorded = dict(manifest.get("files", {}))
    if not recorded:
        raise NothingInstalled(
            f"no mlskills install recorded in {target} ({MANIFEST_NAME} is missing)"
        )
    actions = [
        _uninstall_action(target / rel, rel, digest) for rel, digest in sorted(recorded.items())
    ]
    report = Report(target, dry_run, actions, uninstalling=True)
    if not dry_run:
        for action in actions:
            if action.verb == "remove":
                (target / action.path).unlink()
                _prune_empty_parents((target / action.path).parent, target)
        (target / MANIFEST_NAME).unlink()
        if manifest.get("created_target") and not any(target.iterdir()):
            target.rmdir()  # the .claude folder install made, now empty
    return report


def _uninstall_action(dest: Path, rel: str, recorded_hash: str) -> Action:
    if not dest.exists():
        return Action("unchanged", rel)
    if sha256_file(dest) == recorded_hash:
        return Action("remove", rel)
    return Action("keep", rel, note="you changed it; left in place")


def _prune_empty_parents(folder: Path, stop: Path) -> None:
    """Remove folders emptied by an uninstall, up to (not including) the target."""
    while folder != stop and stop in folder.parents and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
