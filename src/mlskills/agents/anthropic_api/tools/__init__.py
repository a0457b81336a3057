"""The client tools the model may call in a trial: `bash` in the sandbox, and the text editor
(mlskills.llm.tools, shared with the judge) over the workspace and read-only roots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from mlskills.agents.anthropic_api.tools.shell import NAME as BASH_NAME
from mlskills.agents.anthropic_api.tools.shell import BashSession
from mlskills.llm.tools.editor import NAME as EDITOR_NAME
from mlskills.llm.tools.editor import TextEditor
from mlskills.llm.tools.outcome import ToolOutcome, error
from mlskills.llm.tools.paths import Resolver, Root
from mlskills.sandbox import Sandbox


class ToolBox:
    """Tool definitions for the request, and dispatch of the model's tool calls."""

    def __init__(
        self,
        sandbox: Sandbox,
        output_chars: int,
        read_only: tuple[Path, ...] = (),
        observer: Callable[[str, Any], None] | None = None,
    ) -> None:
        self.observer = observer  # told of every call (e.g. which skills the model read)
        roots = [_root(sandbox, sandbox.workdir, writable=True)]
        roots += [_root(sandbox, path, writable=False) for path in read_only]
        self.bash = BashSession(sandbox, output_chars)
        self.editor = TextEditor(Resolver(roots), output_chars)

    def definitions(self) -> list[dict[str, Any]]:
        return [self.bash.definition(), self.editor.definition()]

    def call(self, name: str, params: Any, timeout: float) -> ToolOutcome:
        if not isinstance(params, dict):
            return error(f"the input of {name} must be an object")
        if self.observer:
            self.observer(name, params)
        if name == BASH_NAME:
            return self.bash(params, timeout)
        if name == EDITOR_NAME:
            return self.editor(params)
        return error(f"unknown tool {name!r}: use {BASH_NAME} or {EDITOR_NAME}")

    def close(self) -> None:
        self.bash.close()


def _root(sandbox: Sandbox, host: Path, writable: bool) -> Root:
    return Root(PurePosixPath(sandbox.guest_path(host)), Path(host).resolve(), writable)


__all__ = ["ToolBox", "ToolOutcome"]
