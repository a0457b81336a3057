"""Trigger sessions through the real Claude Code CLI, stopped at its first tool call.

Each session is set up like a trial: a copy of the trigger project as the workspace, a
fresh HOME, the trial sandbox, and the pack staged as a plugin (`--plugin-dir`, no
`--agent`: the main session decides whether to load a skill or delegate, as it does for
users). The CLI writes one stream-json line per content block; at the first `tool_use` the
CLI's process group is killed. Until then a PreToolUse hook holds every tool call, so the
tool never runs and no second model turn is paid for, however late the line is read.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from mlskills import sandbox as sandboxes
from mlskills.agents.base import AgentOptions
from mlskills.agents.claude_code.agent import ALLOWED_TOOLS, ClaudeCodeAgent
from mlskills.agents.claude_code.stream import StreamSummary
from mlskills.credproxy.credential import KEY_VARIABLE
from mlskills.llm.pricing import prices_for
from mlskills.pack.load import Pack
from mlskills.sandbox.processes import kill_group
from mlskills.schema import Limits
from mlskills.triggers.cases import TriggerCase
from mlskills.triggers.choice import PLUGIN, classify
from mlskills.triggers.session import Outcome, bounded
from mlskills.triggers.stage import stage_with
from mlskills.triggers.targets import Targets

SESSION_TIMEOUT = 180.0  # seconds for one session to reach its first tool call or its end
LIMITS = Limits(agent_timeout=SESSION_TIMEOUT, max_turns=2)
# Settings that hold every tool call in a PreToolUse hook until the CLI is killed. Killing
# at the first tool_use line alone was a race: on a loaded machine the CLI ran the tool and
# sent a second, paid turn before the harness read the line (CI, 2026-12-07).
_HOLD = {"type": "command", "command": f"sleep {SESSION_TIMEOUT:.0f}", "timeout": SESSION_TIMEOUT}
HOLD_TOOLS = json.dumps({"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [_HOLD]}]}})


class ClaudeCodeSession:
    name = "claude-code"

    def __init__(
        self,
        pack: Pack,
        project: Path,
        sandbox_kind: str,
        model: str | None = None,
        claude_bin: str | None = None,
        scratch_root: Path | None = None,
        timeout: float = SESSION_TIMEOUT,
    ) -> None:
        self.cli = ClaudeCodeAgent(AgentOptions(model=model, claude_bin=claude_bin))
        self.pack = pack
        self.project = Path(project)
        self.sandbox_kind = sandbox_kind
        self.model = model
        self.scratch_root = scratch_root
        self.timeout = timeout
        self._active: set[sandboxes.Sandbox] = set()
        self._lock = threading.Lock()

    def describe(self) -> dict[str, Any]:
        return {
            "agent": self.name,
            "cli": str(self.cli.binary),
            "cli_version": self.cli.version,
            "model": self.model,
            "sandbox": self.sandbox_kind,
            "pack_mode": "--plugin-dir (no --agent: the main session chooses)",
        }

    def argv(self, prompt: str, plugin_dir: str) -> list[str]:
        argv = [str(self.cli.binary), "-p", prompt, "--output-format", "stream-json"]
        argv += ["--verbose", "--permission-mode", "bypassPermissions"]
        argv += ["--allowedTools", ",".join(ALLOWED_TOOLS), "--max-turns", "2"]
        argv += ["--plugin-dir", plugin_dir, "--settings", HOLD_TOOLS]
        return argv + (["--model", self.model] if self.model else [])

    def probe(self, case: TriggerCase, targets: Targets) -> Outcome:
        scratch = Path(tempfile.mkdtemp(prefix="mlskills-trigger-", dir=self.scratch_root))
        started = time.monotonic()
        try:
            workspace = scratch / "workspace"
            shutil.copytree(self.project, workspace)
            box = sandboxes.create(self.sandbox_kind, workspace, LIMITS, scratch)
            with self._lock:
                self._active.add(box)
            try:
                plugin = stage_with(self.pack, targets.overrides(self.pack), box.home / "plugin")
                argv = self.argv(case.prompt, box.guest_path(plugin))
                with self.cli.behind_proxy(box, argv) as (proxied, proxy):
                    proc = box.popen(
                        proxied,
                        env=self.cli.environment(scrub=False),  # no command ever runs
                        secrets={KEY_VARIABLE: proxy.token},
                        network=False,  # the proxy's socket is the only way out
                    )
                    outcome = self._watch(proc, targets, started)
            finally:
                box.close()
                with self._lock:
                    self._active.discard(box)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        outcome.seconds = time.monotonic() - started
        return outcome

    def _watch(self, proc: subprocess.Popen, targets: Targets, started: float) -> Outcome:
        """Read the stream until the first tool call (kill the CLI), its end, or the deadline."""
        summary = StreamSummary()
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
        stderr: list[bytes] = []
        threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True).start()
        text: list[str] = []
        deadline = started + self.timeout
        while True:
            try:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                kill_group(proc.pid)
                return self._outcome(summary, None, error=f"no choice within {self.timeout:.0f} s")
            if line is None:
                proc.wait(timeout=10)
                return self._ended(summary, text, proc.returncode, b"".join(stderr), targets)
            message = summary.feed(line)
            if _is_init(message) and (problem := plugin_problem(message)):
                kill_group(proc.pid)
                return self._outcome(summary, None, error=problem)
            if not message or message.get("type") != "assistant":
                continue
            if message.get("parent_tool_use_id"):
                continue  # a subagent's own turns: the main session's choice came first
            for block in (message.get("message") or {}).get("content") or []:
                if block.get("type") == "text":
                    text.append(str(block.get("text", "")))
                elif block.get("type") == "tool_use":
                    kill_group(proc.pid)
                    tool, tool_input = block.get("name"), block.get("input")
                    outcome = self._outcome(summary, classify(tool, tool_input, targets.labels))
                    outcome.text, outcome.tool_input = bounded("".join(text)), bounded(tool_input)
                    return outcome

    def _ended(
        self, summary: StreamSummary, text: list[str], code: int, stderr: bytes, targets: Targets
    ) -> Outcome:
        """The CLI finished without a tool call: a plain answer, or a failure."""
        final = summary.final
        if final is None or final.get("is_error"):
            why = (final or {}).get("result") or stderr.decode("utf-8", "replace")[-500:]
            return self._outcome(summary, None, error=f"the CLI failed (exit {code}): {why}")
        outcome = self._outcome(summary, classify(None, None, targets.labels))
        outcome.text = bounded("".join(text))
        return outcome

    def _outcome(self, summary: StreamSummary, choice: Any, error: str | None = None) -> Outcome:
        models = {model for model, _ in summary.message_usage.values() if model}
        if summary.final:  # the CLI priced it
            usage, cost_known = summary.usage(), True
        else:
            usage = summary.message_usage_total()
            cost_known = all(prices_for(model) for model in models)
        return Outcome(
            choice=choice,
            usage=usage,
            cost_known=cost_known,
            model=next(iter(models), self.model),
            model_calls=len(summary.message_usage),
            error=error,
        )

    def close(self) -> None:
        """Kill every running session (Ctrl-C)."""
        with self._lock:
            boxes = list(self._active)
        for box in boxes:
            box.close()


def _is_init(message: dict[str, Any] | None) -> bool:
    return bool(message) and message.get("type") == "system" and message.get("subtype") == "init"


def plugin_problem(init: dict[str, Any]) -> str | None:
    """Why the session cannot measure the pack: the plugin did not load, or loaded with
    errors. Never measure triggering with the pack silently missing."""
    names = [p.get("name") for p in init.get("plugins") or [] if isinstance(p, dict)]
    if PLUGIN not in names:
        return f"the {PLUGIN} plugin did not load (plugins: {names})"
    if errors := init.get("plugin_errors"):
        return f"the {PLUGIN} plugin loaded with errors: {str(errors)[:500]}"
    return None


def _lines(stream: Any, out: queue.Queue) -> None:
    for raw in iter(stream.readline, b""):
        out.put(raw.decode("utf-8", errors="replace"))
    out.put(None)
