"""Find the Claude Code CLI: --claude-bin, else `claude` on PATH, else the one bundled in
the claude-agent-sdk wheel (`pip install "mlskills[claude-code]"`)."""

from __future__ import annotations

import functools
import importlib.util
import shutil
import subprocess
from pathlib import Path

from mlskills.errors import AgentSetupError

HOW_TO_GET = (
    "install one with `pip install 'mlskills[claude-code]'` (bundles the CLI), "
    "or `npm install -g @anthropic-ai/claude-code`, or pass --claude-bin PATH"
)


def bundled_cli() -> Path | None:
    spec = importlib.util.find_spec("claude_agent_sdk")
    if spec is None or spec.origin is None:
        return None
    candidate = Path(spec.origin).parent / "_bundled" / "claude"
    return candidate if candidate.is_file() else None


def find_cli(explicit: str | None = None) -> Path:
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise AgentSetupError(f"--claude-bin {explicit}: no such file; {HOW_TO_GET}")
        return path.resolve()
    on_path = shutil.which("claude")
    found = Path(on_path) if on_path else bundled_cli()
    if found is None:
        raise AgentSetupError(f"the Claude Code CLI was not found; {HOW_TO_GET}")
    return found.resolve()


@functools.cache
def cli_version(binary: Path) -> str:
    """`claude --version`, e.g. '2.1.330 (Claude Code)'; recorded with every run."""
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AgentSetupError(f"{binary} --version failed: {exc}; {HOW_TO_GET}") from exc
    if out.returncode != 0:
        raise AgentSetupError(f"{binary} --version exited {out.returncode}: {out.stderr[-300:]}")
    return out.stdout.strip()
