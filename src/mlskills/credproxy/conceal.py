"""Blank credentials in this process's /proc/PID/environ, keeping them in os.environ.

The kernel serves /proc/PID/environ from the environment block the process was started
with, and os.environ edits never touch it. On the local sandbox the agent runs as the
harness's user, so `grep KEY /proc/*/environ` finds the key in the harness itself (the
review found exactly that). Overwriting the values in that block in place hides them from
such scans; Python keeps its own copy in os.environ, so the SDK, the judge and the proxy
still read the key, and the C-level environment is pointed at a fresh copy of each value
(os.putenv), so children started without an explicit environment inherit it as before.

This does not stop a same-user process from reading the harness's memory (ptrace,
/proc/PID/mem): only a sandbox with its own PID namespace (bwrap) does.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from pathlib import Path

BLANK = b"*"
ENV_START_FIELD = 50  # /proc/PID/stat fields 50 and 51 (1-based): env_start, env_end


def _env_block() -> tuple[int, bytes] | None:
    """The address of this process's environment block and its bytes (None if unknown)."""
    try:
        stat = Path("/proc/self/stat").read_text()
        raw = Path("/proc/self/environ").read_bytes()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ", from field 3 on
    if len(fields) < ENV_START_FIELD - 1:
        return None
    start, end = int(fields[ENV_START_FIELD - 3]), int(fields[ENV_START_FIELD - 2])
    if end - start != len(raw) or ctypes.string_at(start, len(raw)) != raw:
        return None  # not the layout we expect: touch nothing
    return start, raw


def conceal_environ(is_secret: Callable[[str], bool]) -> list[str]:
    """Overwrite the values of secret variables in the environment block; their names.

    Returns the names blanked (empty when nothing matched or the block is not where the
    kernel says it is).
    """
    block = _env_block()
    if block is None:
        return []
    start, raw = block
    blanked, offset = [], 0
    for entry in raw.split(b"\0"):
        name, sep, value = entry.partition(b"=")
        text_name = name.decode(errors="replace")
        if sep and value and is_secret(text_name) and value.strip(BLANK):
            at = start + offset + len(name) + 1
            ctypes.memset(at, BLANK[0], len(value))
            os.putenv(name, value)  # getenv() and inheriting children keep the real value
            blanked.append(text_name)
        offset += len(entry) + 1
    return blanked
