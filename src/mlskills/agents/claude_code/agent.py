"""Run the real Claude Code CLI headless on a task, bare or with the pack as a plugin.

The CLI runs inside the trial's sandbox with a fresh HOME, so no user settings, sessions or
plugins leak in. It never holds the API key: the harness runs a credential proxy
(mlskills.credproxy) on a unix socket shown read-only inside the sandbox, and the CLI gets
a per-trial token as its key and a loopback URL that leads to that socket. Under bwrap the
CLI therefore needs no network at all. The pack arm loads a staged copy of the plugin with
--plugin-dir and starts the session as the ml-engineer agent (`--agent
mlskills:ml-engineer`), which makes the agent's body the system prompt and its tool list
the tools: the way users who invoke the subagent by name work.
"""

from __future__ import annotations

import contextlib
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from mlskills import credproxy
from mlskills.agents.base import AgentOptions, AgentRequest
from mlskills.agents.claude_code.locate import cli_version, find_cli
from mlskills.agents.claude_code.stream import StreamSummary, priced_usage
from mlskills.agents.pack_stage import stage_plugin
from mlskills.credproxy.credential import KEY_VARIABLE
from mlskills.errors import AgentSetupError
from mlskills.pack.load import load_pack
from mlskills.sandbox.output import CappedBuffer
from mlskills.sandbox.processes import kill_group
from mlskills.schema import AgentResult, Usage

if TYPE_CHECKING:  # for annotations only
    from mlskills.credproxy.server import ProxyStats
    from mlskills.credproxy.usage import UsageTotals

PLUGIN_NAME = "mlskills"
PACK_AGENT = f"{PLUGIN_NAME}:ml-engineer"
PROXY_GUEST_DIR = "/run/mlskills-api"  # where the proxy's socket folder appears under bwrap
PROXY_SOCKET = "api.sock"
CREDENTIAL_NOTE = "proxy: the key stays in the harness; the CLI holds a per-trial token"
QUIET_ENV = {
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "DISABLE_TELEMETRY": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "IS_SANDBOX": "1",  # lets bypassPermissions run as root inside our sandbox
}
# With CLAUDE_CODE_SUBPROCESS_ENV_SCRUB=1 (Claude Code >= 2.1.79) the CLI strips credentials
# from the commands the model runs and runs each in its own bubblewrap sandbox. With the
# proxy there is no key left to strip (only the per-trial token, which spends through the
# proxy and dies with the trial), so it is off by default. When asked for, version 2.1.330
# needs `bwrap` and `socat` on PATH, cannot nest inside our bwrap backend, cannot see
# folders under /dev (a scratch on /dev/shm: every command fails), and forces the
# permission mode to "default": the tools the model may use are listed with --allowedTools.
SCRUB_ENV = {"CLAUDE_CODE_SUBPROCESS_ENV_SCRUB": "1"}
SCRUB_NEEDS = ("bwrap", "socat")
ALLOWED_TOOLS = ("Bash", "Edit", "Write", "Read", "NotebookEdit", "Glob", "Grep", "Skill", "Task")
ALLOWED_TOOLS += ("Agent", "TodoWrite", "WebFetch", "WebSearch")  # what bypassPermissions allowed
# --agent-option scrub_env=...: off (default), on (error where it cannot work; `require` is
# the older name), auto (on where it works, else off, recorded).
SCRUB_MODES = ("off", "on", "require", "auto")
MAX_LOGGED_LINE = 200_000  # characters of one stream line kept in the transcript


class ClaudeCodeAgent:
    name = "claude-code"
    OPTIONS: ClassVar[frozenset[str]] = frozenset({"scrub_env", "max_retries"})  # --agent-option

    def __init__(self, options: AgentOptions) -> None:
        self.binary = find_cli(options.claude_bin)
        self.version = cli_version(self.binary)
        self.options = options
        try:
            self.credential = credproxy.from_environment()
        except ValueError as exc:
            raise AgentSetupError(f"the claude-code agent: {exc}") from exc
        if self.credential is None:
            raise AgentSetupError(
                "the claude-code agent needs ANTHROPIC_API_KEY (export ANTHROPIC_API_KEY=...), "
                "or try the harness offline with --agent oracle"
            )
        self.scrub_mode = str(options.extra.get("scrub_env", "off"))
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
            "pack_mode": f"--plugin-dir + --agent {PACK_AGENT} (plugin arm: no --agent)",
            "credential": CREDENTIAL_NOTE,
            "api_upstream": self.credential.upstream_kind,
            "network": "host network" if self.options.network else "none (bwrap); host (local)",
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
            argv += ["--plugin-dir", plugin_dir]
        if plugin_dir and request.arm.as_agent:
            argv += ["--agent", PACK_AGENT]
        return argv

    def _plugin(self, request: AgentRequest) -> str | None:
        if not request.arm.pack:
            return None
        target = request.sandbox.home / "plugins" / PLUGIN_NAME
        stage_plugin(load_pack(), request.arm, target)
        return request.sandbox.guest_path(target)

    def scrub_problem(self, sandbox: Any) -> str | None:
        """Why the CLI's own command sandbox cannot run here (None: it can)."""
        if not sandbox.allows_nested_sandbox:
            return f"the CLI's own bubblewrap sandbox cannot nest inside the {sandbox.kind} backend"
        missing = [tool for tool in SCRUB_NEEDS if shutil.which(tool) is None]
        if missing:
            return f"the CLI's command sandbox needs {' and '.join(missing)} on PATH"
        if Path(sandbox.workdir).is_relative_to("/dev"):
            return (
                f"the CLI's command sandbox cannot see {sandbox.workdir.parent} (it mounts its "
                "own /dev, so every command would fail); give --scratch-dir a folder on disk"
            )
        return None

    def scrub(self, sandbox: Any) -> tuple[str, str | None]:
        """The scrub's state for this trial ("on", "off" or "off: why"), or an error that
        ends the trial instead (scrub asked for where it cannot work)."""
        if self.scrub_mode == "off":
            return "off", None
        problem = self.scrub_problem(sandbox)
        if problem is None:
            return "on", None
        if self.scrub_mode == "auto":
            return f"off: {problem}", None
        return "off", f"claude-code: --agent-option scrub_env={self.scrub_mode}: {problem}"

    def environment(self, scrub: bool = False) -> dict[str, str]:
        """Quiet, offline-friendly settings; `--agent-option max_retries=N` caps API retries."""
        env = {**QUIET_ENV, **(SCRUB_ENV if scrub else {})}
        if (retries := self.options.extra.get("max_retries")) is not None:
            env["CLAUDE_CODE_MAX_RETRIES"] = str(int(retries))
        return env

    @contextlib.contextmanager
    def behind_proxy(
        self, sandbox: Any, argv: list[str]
    ) -> Iterator[tuple[list[str], credproxy.CredentialProxy]]:
        """The CLI's argv behind the in-sandbox forwarder, and the running proxy that holds
        the key: the sandbox gets only the proxy's socket (read-only) and a per-trial token."""
        sockets = Path(tempfile.mkdtemp(prefix="credproxy-", dir=sandbox.scratch))
        sockets.chmod(0o755)  # a root harness's sandbox runs as another uid
        guest_dir = sandbox.share(sockets, PROXY_GUEST_DIR)
        try:
            with credproxy.CredentialProxy(self.credential, sockets / PROXY_SOCKET) as proxy:
                yield credproxy.forwarder_argv(f"{guest_dir}/{PROXY_SOCKET}", argv), proxy
        finally:
            shutil.rmtree(sockets, ignore_errors=True)

    def run(self, request: AgentRequest) -> AgentResult:
        scrub_state, error = self.scrub(request.sandbox)
        if error:
            return AgentResult(status="error", error=error)
        plugin_dir = self._plugin(request)
        with self.behind_proxy(request.sandbox, self.argv(request, plugin_dir)) as (argv, proxy):
            proc = request.sandbox.popen(
                argv,
                env=self.environment(scrub=scrub_state == "on"),
                secrets={KEY_VARIABLE: proxy.token},
                network=self.options.network,
            )
            result = _watch(proc, request)
        result.details["credential"] = "proxy"
        result.details["credential_proxy"] = proxy.stats.to_dict()
        _prefer_measured_usage(result, proxy.stats.usage, request)
        _check_api_error_claim(result, proxy.stats, request)
        _check_vanished_cli(result, proxy.stats, request)
        result.details["credential_scrub"] = scrub_state
        if refused := proxy.stats.key_in_request:  # never expected: say it where it is seen
            request.log.event("key_in_request_refused", count=refused)
            result.status = "error"
            result.error = (
                f"the credential proxy refused {refused} request(s) that held the API key "
                f"itself; the key reached the conversation somehow. {result.error or ''}"
            ).strip()
        return result


def _watch(proc: subprocess.Popen, request: AgentRequest) -> AgentResult:
    """Follow the CLI to its end or the deadline; its stderr goes to agent.log."""
    summary = StreamSummary()
    stderr = CappedBuffer(64 * 1024)
    drain = threading.Thread(target=_drain, args=(proc.stderr, stderr), daemon=True)
    drain.start()
    timed_out = _follow(proc, summary, request, time.monotonic() + request.limits.agent_timeout)
    code = proc.wait()
    drain.join(timeout=2)
    request.log.write_text("agent.log", stderr.text())
    return _result(summary, code, timed_out, stderr.text())


def _prefer_measured_usage(
    result: AgentResult, measured: UsageTotals, request: AgentRequest
) -> None:
    """Record the proxy's token count when it exceeds what the CLI reported.

    The CLI's numbers come from inside the sandbox: the model's commands run as the same
    user and can write lines into the CLI's output (a forged `result`) or kill it, and
    requests they send with the trial's token never reach the CLI's count at all. The
    proxy saw every response the key paid for.
    """
    if measured.responses == 0:
        return
    proxied = Usage()
    for model, tokens in measured.by_model.items():
        proxied.add(priced_usage(model, tokens))
    if proxied.total_tokens <= result.usage.total_tokens:
        return
    reported = result.usage
    proxied.cost = max(proxied.cost, reported.cost)
    result.details["usage_reported_by_cli"] = asdict(reported)
    result.details["usage_source"] = "credential proxy (the CLI reported fewer tokens)"
    result.usage = proxied
    request.log.event("usage_from_proxy", reported=asdict(reported), measured=measured.to_dict())


def _check_api_error_claim(result: AgentResult, stats: ProxyStats, request: AgentRequest) -> None:
    """An API error the proxy never relayed did not happen: grade the trial instead.

    Every API response reaches the CLI through the proxy, so an `error` record blaming the
    API while the proxy saw no error status, error event, cut stream or refusal comes from
    inside the sandbox (a model's command can write a forged `result` line into the CLI's
    output). An `error` is not scored, so believing it would turn the agent's 0 into a
    missing data point.
    """
    details = result.details
    claims_api = details.get("terminal_reason") == "api_error" or details.get("api_error_status")
    if result.status != "error" or not claims_api or stats.error_responses:
        return
    details["api_error_unconfirmed"] = result.error
    request.log.event("api_error_unconfirmed", claimed=result.error)
    result.status, result.error = "completed", None


def _check_vanished_cli(result: AgentResult, stats: Any, request: AgentRequest) -> None:
    """A CLI that ended without a result line after the model had answered, with no API
    failure relayed, was ended from inside its sandbox (the model's commands run as its
    user and can kill it): the agent's own doing, graded like any other ending. Without a
    single relayed answer it is the harness's (the CLI could not start or reach the proxy)."""
    if result.status != "error" or result.details.get("result_lines", 0) != 0:
        return
    if not stats.forwarded or stats.error_responses:
        return
    result.details["cli_ended_without_result"] = result.error
    request.log.event("cli_ended_without_result", error=result.error)
    result.status, result.error = "completed", None


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
