"""File operations on trees an agent made, that never follow a link at any component.

- `nofollow`: open, read, hash and write single files under a root (refused with a reason
  when a component is a link, or the file is not a regular file);
- `copy`: copy a whole tree for grading, links kept as links, holes kept, capped;
- `beneath`: the editor's resolution, which follows links only while they stay beneath
  the root (the API agent's file editor works on the agent's own workspace).
"""

from mlskills.fsafe.copy import CopyCaps, CopyReport, copy_into, copy_tree
from mlskills.fsafe.nofollow import (
    Missing,
    Refused,
    is_file,
    lstat,
    open_regular,
    read_bytes,
    sha256,
    write_file,
)

__all__ = [
    "CopyCaps",
    "CopyReport",
    "Missing",
    "Refused",
    "copy_into",
    "copy_tree",
    "is_file",
    "lstat",
    "open_regular",
    "read_bytes",
    "sha256",
    "write_file",
]
