"""The judge's only tool: `view`, a read-only file viewer over the finished workspace.

A custom tool, not Anthropic's text editor: the editor's trained schema includes create,
str_replace and insert, and a judge must not even be offered those. No bash either; the
commands a rubric needs are run by the harness beforehand (evidence.py). Views go through
the editor's own `view` with a read-only root, so paths outside the workspace and symbolic
links leading out are refused the same way the agent's editor refuses them.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from mlskills.llm.tools.editor import EditorError, TextEditor
from mlskills.llm.tools.outcome import ToolOutcome, error
from mlskills.llm.tools.paths import PathRefused, Resolver, Root

NAME = "view"
GUEST_ROOT = "/workspace"  # how the judge sees the workspace, whatever its host path
DEFINITION = {
    "name": NAME,
    "description": (
        "Read-only. Show a text file of the finished workspace with line numbers (optionally "
        "only lines view_range=[start, end], end -1 for the last line), or list a directory "
        f"two levels deep. Paths are absolute under {GUEST_ROOT} or relative to it."
    ),
    "input_schema": {
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": f"file or directory under {GUEST_ROOT}"},
            "view_range": {"type": "array", "items": {"type": "integer"}},
        },
        "required": ["path"],
    },
}


class ViewTools:
    """A Toolbox (mlskills.llm.tools) for ToolLoop: definitions(), call(), close()."""

    def __init__(self, workspace: Path, output_chars: int) -> None:
        root = Root(PurePosixPath(GUEST_ROOT), Path(workspace).resolve(), writable=False)
        self.editor = TextEditor(Resolver([root]), output_chars)

    def definitions(self) -> list[dict[str, Any]]:
        return [DEFINITION]

    def call(self, name: str, params: Any, timeout: float) -> ToolOutcome:
        if name != NAME:
            return error(f"unknown tool {name!r}: the only tool is {NAME} (read-only)")
        if not isinstance(params, dict):
            return error(f"the input of {NAME} must be an object")
        try:
            return ToolOutcome(self.editor.view({"path": params.get("path"), **_range(params)}))
        except (PathRefused, EditorError) as exc:
            return error(str(exc))
        except OSError as exc:
            return error(f"{params.get('path')}: {exc.strerror or exc}")

    def close(self) -> None:
        """Nothing to release: the viewer holds no processes."""


def _range(params: dict[str, Any]) -> dict[str, Any]:
    return {"view_range": params["view_range"]} if params.get("view_range") else {}
