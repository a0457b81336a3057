"""Map the paths the model names onto host files, and refuse any that leave the workspace.

The model sees guest paths (what the sandboxed shell sees); edits happen on the host side.
A path must lie inside one of the roots after `..` and symbolic links are resolved; extra
roots (the pack's skills) can be read but not written.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class PathRefused(Exception):
    """A path the editor will not touch; the message is shown to the model."""


@dataclass(frozen=True)
class Root:
    guest: PurePosixPath
    host: Path
    writable: bool = True


@dataclass(frozen=True)
class Target:
    host: Path  # the real file on the host (symbolic links resolved)
    guest: str  # the path as the model wrote it, normalised and absolute
    root: Root


class Resolver:
    """Resolves model paths against the workspace (the first root) and read-only extras."""

    def __init__(self, roots: list[Root]) -> None:
        self.roots = roots
        self.workspace = roots[0]

    def resolve(self, raw: str, *, write: bool = False) -> Target:
        guest = self._absolute(raw)
        root = self._root_of(guest)
        if root is None:
            raise PathRefused(
                f"{raw} is outside the workspace {self.workspace.guest}; "
                "use a path inside the workspace"
            )
        host = (root.host / guest.relative_to(root.guest)).resolve()
        if not host.is_relative_to(root.host.resolve()):
            raise PathRefused(f"{raw} leads outside the workspace through a symbolic link")
        if write and not root.writable:
            raise PathRefused(f"{raw} is read-only; copy it into the workspace to change it")
        return Target(host, str(guest), root)

    def guest_of(self, target: Target, host: Path) -> str:
        """The guest path of a host file found under `target` (directory listings)."""
        return str(target.root.guest / host.relative_to(target.root.host.resolve()))

    def _absolute(self, raw: str) -> PurePosixPath:
        path = PurePosixPath(raw.strip())
        if not path.is_absolute():
            path = self.workspace.guest / path
        return PurePosixPath(posixpath.normpath(str(path)))

    def _root_of(self, guest: PurePosixPath) -> Root | None:
        for root in self.roots:
            if guest == root.guest or root.guest in guest.parents:
                return root
        return None
