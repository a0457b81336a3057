"""Map the paths the model names onto host files, and refuse any that leave the workspace.

The model sees guest paths (what the sandboxed shell sees); edits happen on the host side.
A path must lie inside one of the roots after `..` and symbolic links are resolved; extra
roots (the pack's skills) can be read but not written. `resolve` checks the path as written;
links are followed only by `open`, which walks from the root by descriptor (beneath.py), so
an agent swapping folders for links meanwhile cannot lead it out.
"""

from __future__ import annotations

import errno
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlskills.fsafe.beneath import (
    LinkEscape,
    Opened,
    identity_of,
    open_beneath,
)


class PathRefused(Exception):
    """A path the editor will not touch; the message is shown to the model."""


@dataclass(frozen=True)
class Root:
    guest: PurePosixPath
    host: Path
    writable: bool = True


@dataclass(frozen=True)
class Target:
    guest: str  # the path as the model wrote it, normalised and absolute
    root: Root
    parts: tuple[str, ...]  # the guest path beneath the root, links not yet followed
    raw: str  # exactly as the model wrote it, for messages


class Resolver:
    """Resolves model paths against the workspace (the first root) and read-only extras."""

    def __init__(self, roots: list[Root]) -> None:
        self.roots = roots
        self.workspace = roots[0]
        # What each root is before the agent acts: a root later swapped for a link is refused.
        self._identities = {root: identity_of(root.host) for root in roots}

    def resolve(self, raw: str, *, write: bool = False) -> Target:
        guest = self._absolute(raw)
        root = self._root_of(guest)
        if root is None:
            raise PathRefused(
                f"{raw} is outside the workspace {self.workspace.guest}; "
                "use a path inside the workspace"
            )
        if write and not root.writable:
            raise PathRefused(f"{raw} is read-only; copy it into the workspace to change it")
        return Target(str(guest), root, guest.relative_to(root.guest).parts, raw)

    def open(self, target: Target, flags: int, *, create: bool = False) -> Opened:
        """Open the target's file or folder (flags as for os.open), never leaving its root.

        With `create`, missing folders and the file are made, owned like their folders.
        The caller closes `fd`.
        """
        identity = self._identities[target.root]
        if identity is None:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), target.guest)
        try:
            return open_beneath(target.root.host, identity, target.parts, flags, create)
        except LinkEscape:
            message = f"{target.raw} leads outside the workspace through a symbolic link"
            raise PathRefused(message) from None

    def guest_of(self, target: Target, opened: Opened, entry: PurePosixPath) -> str:
        """The guest path of `entry`, found in the folder `opened` (directory listings)."""
        return str(target.root.guest.joinpath(*opened.parts, entry))

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
