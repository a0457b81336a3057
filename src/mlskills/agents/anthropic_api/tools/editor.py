"""The `text_editor_20250728` client tool: view, create, str_replace and insert.

Semantics follow Anthropic's definition (the models are trained on it): `view` shows a file
with 1-based line numbers (optionally a `view_range`) or a directory two levels deep;
`str_replace` needs `old_str` to occur exactly once; `insert` puts text after line
`insert_line` (0 = top). There is no `undo_edit` in this version. Files are read and
written as UTF-8 bytes on the host, so line endings survive edits.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mlskills.agents.anthropic_api.tools.outcome import ToolOutcome, error, truncate
from mlskills.agents.anthropic_api.tools.paths import PathRefused, Resolver, Target

NAME = "str_replace_based_edit_tool"
TYPE = "text_editor_20250728"
SNIPPET_LINES = 4  # context shown around an edit
LISTING_ENTRIES = 400


class EditorError(Exception):
    """A failed edit; the message goes back to the model as an error result."""


class TextEditor:
    def __init__(self, resolver: Resolver, max_characters: int) -> None:
        self.resolver = resolver
        self.max_characters = max_characters

    def definition(self) -> dict[str, Any]:
        return {"type": TYPE, "name": NAME, "max_characters": self.max_characters}

    def __call__(self, params: dict[str, Any]) -> ToolOutcome:
        command = params.get("command")
        handler = {
            "view": self.view,
            "create": self.create,
            "str_replace": self.str_replace,
            "insert": self.insert,
        }.get(str(command))
        if handler is None:
            return error(f"unknown command {command!r}: use view, create, str_replace or insert")
        try:
            return ToolOutcome(handler(params))
        except (PathRefused, EditorError) as exc:
            return error(str(exc))
        except OSError as exc:
            return error(f"{params.get('path')}: {exc.strerror or exc}")

    # ---- commands

    def view(self, params: dict[str, Any]) -> str:
        target = self.resolver.resolve(_required(params, "path"))
        if target.host.is_dir():
            if params.get("view_range"):
                raise EditorError("view_range applies to files, not directories")
            return self._listing(target)
        lines = _file_lines(_read(target))
        if not lines:
            return f"{target.guest} is empty.\n"
        start, end = _view_range(params.get("view_range"), len(lines))
        numbered = "\n".join(f"{n:6}\t{lines[n - 1]}" for n in range(start, end + 1))
        header = f"Here's the result of running `cat -n` on {target.guest}:\n"
        hint = "Use view_range to see the omitted lines."
        return header + truncate(numbered, self.max_characters, hint) + "\n"

    def create(self, params: dict[str, Any]) -> str:
        target = self.resolver.resolve(_required(params, "path"), write=True)
        content = params.get("file_text")
        if not isinstance(content, str):
            raise EditorError("create needs file_text (the whole content of the new file)")
        if target.host.is_dir():
            raise EditorError(f"{target.guest} is a directory")
        existed = target.host.exists()
        _make_parents(target.host.parent)
        _write(target, content)
        if not existed:
            _adopt_owner(target.host)
        return f"File {'overwritten' if existed else 'created'} successfully at: {target.guest}"

    def str_replace(self, params: dict[str, Any]) -> str:
        target = self.resolver.resolve(_required(params, "path"), write=True)
        old, new = _required(params, "old_str"), params.get("new_str") or ""
        content = _read(target)
        count = content.count(old)
        if count == 0:
            raise EditorError(
                f"No replacement was performed: old_str did not appear verbatim in {target.guest}."
            )
        if count > 1:
            lines = _lines_of(content, old)
            raise EditorError(
                f"No replacement was performed: old_str occurs {count} times, at lines "
                f"{lines}. Include more surrounding lines so that it is unique."
            )
        _write(target, content.replace(old, new, 1))
        first = content[: content.index(old)].count("\n") + 1
        return self._edited(target, content.replace(old, new, 1), first, new.count("\n"))

    def insert(self, params: dict[str, Any]) -> str:
        target = self.resolver.resolve(_required(params, "path"), write=True)
        new = params.get("new_str", params.get("insert_text"))
        if not isinstance(new, str):
            raise EditorError("insert needs new_str (the text to insert)")
        content = _read(target)
        lines = content.split("\n")
        count = len(content.splitlines())
        at = params.get("insert_line")
        if not isinstance(at, int) or isinstance(at, bool) or not 0 <= at <= count:
            raise EditorError(f"insert_line must be a line number from 0 to {count}, not {at!r}")
        updated = "\n".join([*lines[:at], *new.split("\n"), *lines[at:]])
        _write(target, updated)
        return self._edited(target, updated, at + 1, new.count("\n"))

    # ---- helpers

    def _edited(self, target: Target, content: str, first: int, extra_lines: int) -> str:
        """Confirm an edit with the changed lines and a little context, numbered."""
        lines = content.split("\n")
        start = max(1, first - SNIPPET_LINES)
        end = min(len(lines), first + extra_lines + SNIPPET_LINES)
        snippet = "\n".join(f"{n:6}\t{lines[n - 1]}" for n in range(start, end + 1))
        return (
            f"The file {target.guest} has been edited. Here's a snippet of it with line "
            f"numbers:\n{truncate(snippet, self.max_characters)}\n"
            "Review the changes and make sure they are as expected."
        )

    def _listing(self, target: Target) -> str:
        entries = sorted(_walk(target.host, depth=2))
        shown = [self.resolver.guest_of(target, p) for p in entries[:LISTING_ENTRIES]]
        more = len(entries) - len(shown)
        tail = f"\n[{more} more entries not shown; view a subdirectory]" if more > 0 else ""
        return (
            f"Here are the files and directories up to 2 levels deep in {target.guest}, "
            f"excluding hidden items:\n{target.guest}\n" + "\n".join(shown) + tail + "\n"
        )


def _walk(folder: Path, depth: int) -> list[Path]:
    found = []
    for entry in os.scandir(folder):
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        found.append(path)
        if depth > 1 and entry.is_dir(follow_symlinks=False):
            found.extend(_walk(path, depth - 1))
    return found


def _required(params: dict[str, Any], key: str) -> str:
    value = params.get(key)
    if not isinstance(value, str) or not value:
        raise EditorError(f"missing parameter {key!r}")
    return value


def _read(target: Target) -> str:
    if not target.host.exists():
        raise EditorError(f"{target.guest} does not exist")
    if target.host.is_dir():
        raise EditorError(f"{target.guest} is a directory")
    try:
        return target.host.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise EditorError(
            f"{target.guest} is not a UTF-8 text file; inspect it with bash"
        ) from None


def _file_lines(content: str) -> list[str]:
    """Lines as `cat -n` numbers them (a final newline does not start another line)."""
    lines = content.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def _make_parents(folder: Path) -> None:
    """Create missing folders, each owned like the folder it is made in (see _adopt_owner)."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        path.mkdir()
        _adopt_owner(path)


def _adopt_owner(path: Path) -> None:
    """Give a new file its folder's owner, so a sandbox running as another uid can change it.

    A harness running as root edits on the host while a sandbox may run commands as its own
    uid (bubblewrap does); files the editor creates must stay writable for those commands.
    """
    if os.geteuid() != 0:
        return
    folder = path.parent.stat()
    if path.lstat().st_uid != folder.st_uid:
        os.chown(path, folder.st_uid, folder.st_gid, follow_symlinks=False)


def _write(target: Target, content: str) -> None:
    target.host.write_bytes(content.encode("utf-8"))


def _view_range(value: Any, total: int) -> tuple[int, int]:
    """1-based inclusive bounds; `-1` as the end means the last line."""
    if not value:
        return 1, total
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise EditorError("view_range must be two integers [start, end]")
    start, end = value
    end = total if end == -1 else min(end, total)
    if not 1 <= start <= total or end < start:
        raise EditorError(f"invalid view_range {value}: the file has {total} lines")
    return start, end


def _lines_of(content: str, needle: str) -> list[int]:
    lines, index = [], content.find(needle)
    while index != -1:
        lines.append(content[:index].count("\n") + 1)
        index = content.find(needle, index + 1)
    return lines
