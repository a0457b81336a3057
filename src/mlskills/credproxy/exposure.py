"""How credentials reach a run's agent and judge, and what remains exposed: for run.json,
the console and the report (a reader must not have to find it in a transcript)."""

from __future__ import annotations

from typing import Any

API_AGENTS = ("anthropic", "claude-code")
HOW = {
    "claude-code": (
        "credential proxy: the key stays in the harness; the CLI in the sandbox holds a "
        "per-trial token that works only through this trial's proxy"
    ),
    "anthropic": (
        "harness: the API is called from the harness process; the model's commands run in "
        "sandboxes without the key"
    ),
}
JUDGE_HOW = "harness: the judge calls the API from the harness process"


def credential_flow(
    agent: str, sandbox: str, passed_env: tuple[str, ...] = (), judged: bool = False
) -> dict[str, Any]:
    """{"agent": how, "judge": how or None, "exposure": [plain sentences]} for run.json."""
    exposure = [
        f"the agent was given {name} (--agent-env): it can read it and send it anywhere it "
        "can reach; redaction only keeps its common forms out of the harness's own files"
        for name in passed_env
    ]
    if sandbox == "local" and (agent in API_AGENTS or judged):
        exposure.append(
            "local sandbox: the agent runs as the harness's user, so it could read the key "
            "from the harness's memory (a debugger, /proc/PID/mem); no environment it can "
            "see holds the key. Use --sandbox bwrap to rule this out"
        )
    return {
        "agent": HOW.get(agent, "none: this agent gets no API credential"),
        "judge": JUDGE_HOW if judged else None,
        "exposure": exposure,
    }
