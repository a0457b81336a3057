"""The `bash_20250124` client tool: one persistent bash per trial, inside the sandbox.

Each command is handed to the shell through a quoted here-document and `eval`, so a
syntax error cannot swallow the end-of-command marker, and `cd`/`export` persist between
calls. stdin is /dev/null (nothing can wait for input), stderr is merged into stdout, and
a marker line with a per-shell random token carries the exit status back. A command that
outlives its timeout is killed with its whole process group and the shell is restarted;
the result says so.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import subprocess
import time
import uuid
from typing import Any

from mlskills.llm.tools.outcome import ToolOutcome, error, truncate
from mlskills.sandbox import Sandbox
from mlskills.sandbox.output import CappedBuffer
from mlskills.sandbox.processes import kill_group

NAME = "bash"
TYPE = "bash_20250124"
KEEP_BYTES = 4 * 1024 * 1024  # read at most this much of one command's output into memory
SCRIPT = """IFS= read -r -d '' __mlsk_cmd <<'__MLSK_CMD_{token}'
{command}
__MLSK_CMD_{token}
{{ eval "$__mlsk_cmd"
}} </dev/null
printf '\\n__MLSK_DONE_{token}_%s__\\n' "$?"
"""


class BashSession:
    """A bash process that lives across tool calls; started lazily, restarted on demand."""

    def __init__(self, sandbox: Sandbox, output_chars: int) -> None:
        self.sandbox = sandbox
        self.output_chars = output_chars
        self._proc: subprocess.Popen | None = None
        self._token = ""

    def definition(self) -> dict[str, Any]:
        return {"type": TYPE, "name": NAME}

    def __call__(self, params: dict[str, Any], timeout: float) -> ToolOutcome:
        if params.get("restart"):
            self.close()
            self._start()
            return ToolOutcome("tool has been restarted.")
        command = params.get("command")
        if not isinstance(command, str) or not command.strip():
            return error("missing parameter 'command' (or pass restart: true)")
        return self._run(command, timeout)

    def close(self) -> None:
        """Kill the shell and everything it started in its process group."""
        if self._proc is None:
            return
        kill_group(self._proc.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=5)
        for stream in (self._proc.stdin, self._proc.stdout):
            stream.close()
        self._proc = None

    # ---- internals

    def _start(self) -> None:
        self._token = uuid.uuid4().hex
        self._proc = self.sandbox.popen(
            ["bash", "--noprofile", "--norc"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def _run(self, command: str, timeout: float) -> ToolOutcome:
        if self._proc is None or self._proc.poll() is not None:
            self.close()
            self._start()
        try:
            self._proc.stdin.write(SCRIPT.format(token=self._token, command=command).encode())
            self._proc.stdin.flush()
        except BrokenPipeError:
            self.close()
            return error("the shell had exited; run the command again in the new shell")
        output, ending, code = self._collect(timeout)
        return self._outcome(output, ending, code, timeout)

    def _collect(self, timeout: float) -> tuple[str, str, int | None]:
        """Read until the marker ("done"), end of output ("exited") or the deadline ("timeout")."""
        pattern = re.compile(rb"\n__MLSK_DONE_" + self._token.encode() + rb"_(\d+)__\n")
        keep = len(self._token) + 40  # bytes that might be the start of a split marker
        buffer, pending = CappedBuffer(KEEP_BYTES), bytearray()
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self._proc.stdout, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0:
                if not selector.select(timeout=min(left, 1.0)):
                    continue
                chunk = os.read(self._proc.stdout.fileno(), 65536)
                if not chunk:
                    buffer.write(bytes(pending))
                    return buffer.text(), "exited", self._proc.wait()
                pending += chunk
                if found := pattern.search(pending):
                    buffer.write(bytes(pending[: found.start()]))
                    return buffer.text(), "done", int(found.group(1))
                if len(pending) > keep:
                    buffer.write(bytes(pending[:-keep]))
                    del pending[:-keep]
        buffer.write(bytes(pending))
        return buffer.text(), "timeout", None

    def _outcome(self, output: str, ending: str, code: int | None, timeout: float) -> ToolOutcome:
        hint = "Redirect long output to a file and read parts of it."
        text = truncate(output.rstrip("\n"), self.output_chars, hint)
        if ending == "timeout":
            self.close()
            self._start()
            return error(
                f"{text}\n[the command timed out after {timeout:.0f} s and was killed; the shell "
                "was restarted, so the working directory and variables are back to the start. "
                "Run long jobs in the background (nohup ... &) and check on them.]"
            )
        if ending == "exited":
            self.close()
            return ToolOutcome(
                f"{text}\n[the shell exited with code {code}; the next command starts a new "
                "shell in the workspace]"
            )
        if code:
            text = f"{text}\n[exit code: {code}]"
        return ToolOutcome(text if text.strip() else "(no output)")
