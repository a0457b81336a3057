"""The `text_editor_20250728` client tool: view, create, str_replace and insert.

Semantics follow Anthropic's definition (the models are trained on it): `view` shows a file
with 1-based line numbers (optionally a `view_range`) or a directory two levels deep;
`str_replace` needs `old_str` to occur exactly once; `insert` puts text after line
`insert_line` (0 = top). There is no `undo_edit` in this version. Files are read and
written as UTF-8 bytes on the host, so line endings survive edits.

Every file and folder is opened through `Resolver.open`, by descriptor from its root, and
then read, listed and rewritten through that one descriptor, never again by name: an agent
swapping folders for links meanwhile cannot lead the editor (root, under bwrap) outside.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mlskills.fsafe.beneath import Opened, listing
from mlskills.llm.tools.outcome import ToolOutcome, error, truncate
from mlskills.llm.tools.paths import PathRefused, Resolver, Target

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
        with self._open(target, os.O_RDONLY) as opened:
            if stat.S_ISDIR(os.fstat(opened.fd).st_mode):
                if params.get("view_range"):
                    raise EditorError("view_range applies to files, not directories")
                return self._listing(target, opened)
            lines = _file_lines(_read(target, opened.fd))
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
        with self._open(target, os.O_WRONLY, create=True) as opened:
            _regular(target, opened.fd)
            _write(opened.fd, content)
        return (
            f"File {'created' if opened.created else 'overwritten'} successfully at: {target.guest}"
        )

    def str_replace(self, params: dict[str, Any]) -> str:
        target = self.resolver.resolve(_required(params, "path"), write=True)
        old, new = _required(params, "old_str"), params.get("new_str") or ""
        with self._open(target, os.O_RDWR) as opened:
            content = _read(target, opened.fd)
            count = content.count(old)
            if count == 0:
                raise EditorError(
                    "No replacement was performed: old_str did not appear verbatim in "
                    f"{target.guest}."
                )
            if count > 1:
                lines = _lines_of(content, old)
                raise EditorError(
                    f"No replacement was performed: old_str occurs {count} times, at lines "
                    f"{lines}. Include more surrounding lines so that it is unique."
                )
            _write(opened.fd, content.replace(old, new, 1))
        first = content[: content.index(old)].count("\n") + 1
        return self._edited(target, content.replace(old, new, 1), first, new.count("\n"))

    def insert(self, params: dict[str, Any]) -> str:
        target = self.resolver.resolve(_required(params, "path"), write=True)
        new = params.get("new_str", params.get("insert_text"))
        if not isinstance(new, str):
            raise EditorError("insert needs new_str (the text to insert)")
        with self._open(target, os.O_RDWR) as opened:
            content = _read(target, opened.fd)
            lines = content.split("\n")
            count = len(content.splitlines())
            at = params.get("insert_line")
            if not isinstance(at, int) or isinstance(at, bool) or not 0 <= at <= count:
                raise EditorError(
                    f"insert_line must be a line number from 0 to {count}, not {at!r}"
                )
            updated = "\n".join([*lines[:at], *new.split("\n"), *lines[at:]])
            _write(opened.fd, updated)
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

    @contextmanager
    def _open(self, target: Target, flags: int, create: bool = False) -> Iterator[Opened]:
        """The target opened race-free beneath its root (Resolver.open), closed afterwards."""
        try:
            opened = self.resolver.open(target, flags, create=create)
        except FileNotFoundError:
            raise EditorError(f"{target.guest} does not exist") from None
        except IsADirectoryError:
            raise EditorError(f"{target.guest} is a directory") from None
        try:
            yield opened
        finally:
            os.close(opened.fd)

    def _listing(self, target: Target, opened: Opened) -> str:
        entries = sorted(listing(opened.fd, depth=2))
        shown = [self.resolver.guest_of(target, opened, p) for p in entries[:LISTING_ENTRIES]]
        more = len(entries) - len(shown)
        tail = f"\n[{more} more entries not shown; view a subdirectory]" if more > 0 else ""
        return (
            f"Here are the files and directories up to 2 levels deep in {target.guest}, "
            f"excluding hidden items:\n{target.guest}\n" + "\n".join(shown) + tail + "\n"
        )


def _required(params: dict[str, Any], key: str) -> str:
    value = params.get(key)
    if not isinstance(value, str) or not value:
        raise EditorError(f"missing parameter {key!r}")
    return value


def _regular(target: Target, fd: int) -> None:
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        raise EditorError(f"{target.guest} is a directory")
    if not stat.S_ISREG(mode):
        raise EditorError(f"{target.guest} is not a regular file; inspect it with bash")


def _read(target: Target, fd: int) -> str:
    _regular(target, fd)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise EditorError(
            f"{target.guest} is not a UTF-8 text file; inspect it with bash"
        ) from None


def _write(fd: int, content: str) -> None:
    """Replace the whole file behind `fd` in place (same file, owner and mode)."""
    data = memoryview(content.encode("utf-8"))
    os.ftruncate(fd, 0)
    offset = 0
    while offset < len(data):
        offset += os.pwrite(fd, data[offset:], offset)


def _file_lines(content: str) -> list[str]:
    """Lines as `cat -n` numbers them (a final newline does not start another line)."""
    lines = content.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


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
