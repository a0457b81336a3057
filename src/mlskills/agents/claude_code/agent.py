"""Run the real Claude Code CLI headless on a task, bare or with the pack as a plugin.

The CLI runs inside the trial's sandbox (network allowed: it must reach the API) with a
fresh HOME, so no user settings, sessions or plugins leak in. The pack arm loads a staged
copy of the plugin with --plugin-dir and starts the session as the ml-engineer agent
(`--agent mlskills:ml-engineer`), which makes the agent's body the system prompt and its
tool list the tools: the way users who invoke the subagent by name work.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import threading
import time
from typing import Any, ClassVar

from mlskills.agents.base import AgentOptions, AgentRequest
from mlskills.agents.claude_code.locate import cli_version, find_cli
from mlskills.agents.claude_code.stream import StreamSummary
from mlskills.agents.pack_stage import stage_plugin
from mlskills.errors import AgentSetupError
from mlskills.pack.load import load_pack
from mlskills.sandbox.output import CappedBuffer
from mlskills.sandbox.processes import kill_group
from mlskills.schema import AgentResult

PLUGIN_NAME = "mlskills"
PACK_AGENT = f"{PLUGIN_NAME}:ml-engineer"
CREDENTIALS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")
PASSED_THROUGH = ("ANTHROPIC_BASE_URL",)  # not secret, but scrubbed with the ANTHROPIC_ prefix
QUIET_ENV = {
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "DISABLE_TELEMETRY": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "IS_SANDBOX": "1",  # lets bypassPermissions run as root inside our sandbox
}
# The CLI passes its environment, API key included, to the commands the model runs. With
# CLAUDE_CODE_SUBPROCESS_ENV_SCRUB=1 (Claude Code >= 2.1.79) it strips credentials from them
# and runs each command in its own bubblewrap sandbox (a PID namespace, so the CLI's
# /proc/PID/environ is out of reach too). Version 2.1.330 then needs `bwrap` and `socat` on
# PATH (else every command is refused), cannot nest inside our bwrap backend (user namespaces
# are disabled there), and forces the permission mode to "default": the tools the model may
# use without asking must be listed with --allowedTools.
SCRUB_ENV = {"CLAUDE_CODE_SUBPROCESS_ENV_SCRUB": "1"}
SCRUB_NEEDS = ("bwrap", "socat")
ALLOWED_TOOLS = ("Bash", "Edit", "Write", "Read", "NotebookEdit", "Glob", "Grep", "Skill", "Task")
ALLOWED_TOOLS += ("Agent", "TodoWrite", "WebFetch", "WebSearch")  # what bypassPermissions allowed
SCRUB_MODES = ("auto", "require", "off")  # --agent-option scrub_env=...
MAX_LOGGED_LINE = 200_000  # characters of one stream line kept in the transcript


class ClaudeCodeAgent:
    name = "claude-code"
    OPTIONS: ClassVar[frozenset[str]] = frozenset({"scrub_env", "max_retries"})  # --agent-option

    def __init__(self, options: AgentOptions) -> None:
        self.binary = find_cli(options.claude_bin)
        self.version = cli_version(self.binary)
        self.options = options
        self.secrets = {k: os.environ[k] for k in CREDENTIALS if os.environ.get(k)}
        if not self.secrets:
            raise AgentSetupError(
                "the claude-code agent needs ANTHROPIC_API_KEY (export ANTHROPIC_API_KEY=...), "
                "or try the harness offline with --agent oracle"
            )
        self.secrets.update({k: os.environ[k] for k in PASSED_THROUGH if os.environ.get(k)})
        self.scrub_mode = str(options.extra.get("scrub_env", "auto"))
        if self.scrub_mode not in SCRUB_MODES:
            raise AgentSetupError(
                f"--agent-option scrub_env={self.scrub_mode}: expected {', '.join(SCRUB_MODES)}"
            )

    def describe(self) -> dict[str, Any]:
        return {
            "agent": self.name,
            "cli": str(self.binary),
            "cli_version": self.version,
            "model": self.options.model,
            "pack_mode": f"--plugin-dir + --agent {PACK_AGENT}",
            "credential_scrub": self.scrub_mode,
        }

    def argv(self, request: AgentRequest, plugin_dir: str | None) -> list[str]:
        argv = [str(self.binary), "-p", request.instruction]
        argv += ["--output-format", "stream-json", "--verbose"]
        argv += ["--permission-mode", "bypassPermissions"]
        argv += ["--allowedTools", ",".join(ALLOWED_TOOLS)]  # needed once the env is scrubbed
        argv += ["--max-turns", str(request.limits.max_turns)]
        if self.options.model:
            argv += ["--model", self.options.model]
        if request.limits.cost_limit:
            argv += ["--max-budget-usd", str(request.limits.cost_limit)]
        if plugin_dir:
            argv += ["--plugin-dir", plugin_dir, "--agent", PACK_AGENT]
        return argv

    def _plugin(self, request: AgentRequest) -> str | None:
        if not request.arm.pack:
            return None
        target = request.sandbox.home / "plugins" / PLUGIN_NAME
        stage_plugin(load_pack(), request.arm, target)
        return request.sandbox.guest_path(target)

    def scrub_problem(self, sandbox: Any) -> str | None:
        """Why the CLI cannot scrub credentials from its commands here (None: it can)."""
        if self.scrub_mode == "off":
            return "turned off with --agent-option scrub_env=off"
        from mlskills.sandbox.bwrap import BwrapSandbox

        if isinstance(sandbox, BwrapSandbox):
            return "the CLI's own bubblewrap sandbox cannot nest inside the bwrap backend"
        missing = [tool for tool in SCRUB_NEEDS if shutil.which(tool) is None]
        if missing:
            return f"the CLI's command sandbox needs {' and '.join(missing)} on PATH"
        return None

    def environment(self, scrub: bool = True) -> dict[str, str]:
        """Quiet, offline-friendly settings; `--agent-option max_retries=N` caps API retries."""
        env = {**QUIET_ENV, **(SCRUB_ENV if scrub else {})}
        if (retries := self.options.extra.get("max_retries")) is not None:
            env["CLAUDE_CODE_MAX_RETRIES"] = str(int(retries))
        return env

    def run(self, request: AgentRequest) -> AgentResult:
        problem = self.scrub_problem(request.sandbox)
        if problem and self.scrub_mode == "require":
            error = f"claude-code: cannot keep the API key from the model's commands: {problem}"
            return AgentResult(status="error", error=error)
        if problem:  # loud, never silent: the model's commands can read the key
            request.log.event("credential_exposed", reason=problem)
        plugin_dir = self._plugin(request)
        proc = request.sandbox.popen(
            self.argv(request, plugin_dir),
            env=self.environment(scrub=problem is None),
            secrets=self.secrets,
            network=True,
        )
        summary = StreamSummary()
        stderr = CappedBuffer(64 * 1024)
        drain = threading.Thread(target=_drain, args=(proc.stderr, stderr), daemon=True)
        drain.start()
        timed_out = _follow(proc, summary, request, time.monotonic() + request.limits.agent_timeout)
        code = proc.wait()
        drain.join(timeout=2)
        request.log.write_text("agent.log", stderr.text())
        result = _result(summary, code, timed_out, stderr.text())
        result.details["credential_scrub"] = "on" if problem is None else f"off: {problem}"
        return result


def _drain(stream: Any, sink: CappedBuffer) -> None:
    for chunk in iter(lambda: stream.read(65536), b""):
        sink.write(chunk)


def _lines(stream: Any, out: queue.Queue) -> None:
    for raw in iter(stream.readline, b""):
        out.put(raw.decode("utf-8", errors="replace"))
    out.put(None)


def _follow(
    proc: subprocess.Popen, summary: StreamSummary, request: AgentRequest, deadline: float
) -> bool:
    """Log and parse stdout until it ends or the deadline passes; True on timeout."""
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
    while True:
        remaining = deadline - time.monotonic()
        try:
            line = lines.get(timeout=max(remaining, 0.01))
        except queue.Empty:
            kill_group(proc.pid)
            return True
        if line is None:
            return False
        message = summary.feed(line)
        if message is None and line.strip():
            request.log.event("malformed_line", text=line[:2000])
        elif message is not None:
            request.log.event("stream", message=_bounded(message, line))


def _bounded(message: dict[str, Any], line: str) -> dict[str, Any] | str:
    return message if len(line) <= MAX_LOGGED_LINE else line[:MAX_LOGGED_LINE] + " [truncated]"


def _result(summary: StreamSummary, code: int, timed_out: bool, stderr: str) -> AgentResult:
    final = summary.final
    base = {"usage": summary.usage(), "details": {**summary.details(), "exit_code": code}}
    turns = int((final or {}).get("num_turns") or summary.assistant_messages)
    if timed_out:
        return AgentResult(status="timeout", limit="agent_timeout", turns=turns, **base)
    if final is None:
        why = f"the CLI exited {code} without a result line: {stderr[-500:].strip()}"
        return AgentResult(status="error", error=why, turns=turns, **base)
    subtype = str(final.get("subtype") or "")
    if subtype == "error_max_turns":
        return AgentResult(status="limit", limit="max_turns", turns=turns, **base)
    if "budget" in subtype:
        return AgentResult(status="limit", limit="cost_limit", turns=turns, **base)
    if final.get("is_error"):
        why = final.get("result") or final.get("terminal_reason") or subtype
        status_code = final.get("api_error_status")
        error = f"Claude Code reported an error ({status_code or subtype}): {str(why)[:500]}"
        return AgentResult(status="error", error=error, turns=turns, **base)
    return AgentResult(status="completed", turns=turns, **base)
