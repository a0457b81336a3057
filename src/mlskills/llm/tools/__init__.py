"""What the tool loop needs of a toolbox, and the host-side tool pieces its drivers share.

`Toolbox` is the contract ToolLoop calls; the anthropic agent's ToolBox (bash and the editor
in a sandbox) and the judge's read-only ViewTools both meet it. outcome (a call's result,
output caps), editor (Anthropic's text editor over host files) and paths (confining the
model's paths to declared roots) live here because both drivers use them; tools that run
inside a sandbox (bash) stay with the agent.
"""

from __future__ import annotations

from typing import Any, Protocol

from mlskills.llm.tools.outcome import ToolOutcome


class Toolbox(Protocol):
    """The tools of one conversation: their definitions for the request, and dispatch."""

    def definitions(self) -> list[dict[str, Any]]: ...

    def call(self, name: str, params: Any, timeout: float) -> ToolOutcome:
        """Run one tool call within `timeout` seconds; failures come back as error outcomes."""
        ...

    def close(self) -> None: ...


__all__ = ["ToolOutcome", "Toolbox"]
