"""Shared by the trigger tests: the scripted keyword 'model' and an in-process CLI call."""

from __future__ import annotations

import contextlib
import io

from fakes.messages_api import Recorded, reply, text, tool_use

from mlskills.cli import main

KEY = "sk-ant-trigger-test-5e1f"

CASES = """\
cases:
  - id: prof-1
    prompt: check data/customers.csv for sentinel values PROFILE
    expect: [skill:data-profiling]
  - id: prof-2
    prompt: the numbers in the customer file look wrong PROFILE
    expect: [skill:data-profiling]
  - id: prof-3
    prompt: is the new extract sane? (nothing the fake recognises)
    expect: [skill:data-profiling]
  - id: build-1
    prompt: build a churn model end to end DELEGATE
    expect: [agent:ml-engineer]
  - id: neg-1
    prompt: plot units per store
    expect: []
  - id: neg-2
    prompt: fix the typo in the README PROFILE
    expect: []
"""


def first_user_text(request: Recorded) -> str:
    """The user's request in a trigger session (Claude Code adds `system` entries)."""
    for message in request.body.get("messages", []):
        if message.get("role") == "user":
            content = message["content"]
            if isinstance(content, str):
                return content
            return " ".join(b.get("text", "") for b in content if b.get("type") == "text")
    return ""


def keyword_model(skill_name: str = "data-profiling", agent_name: str = "ml-engineer"):
    """A scripted 'model': PROFILE -> Skill, DELEGATE -> Agent, else a plain answer.

    The names are given as the agent under test spells them (namespaced for Claude Code).
    """

    def respond(request: Recorded):
        prompt = first_user_text(request)
        if "PROFILE" in prompt:
            return reply(text("Loading the skill."), tool_use("Skill", {"skill": skill_name}))
        if "DELEGATE" in prompt:
            args = {"subagent_type": agent_name, "description": "build it", "prompt": prompt}
            return reply(tool_use("Agent", args))
        return reply(text("Here is how I would do that."))

    return respond


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """`mlskills ARGV` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()
