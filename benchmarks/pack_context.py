"""What the pack costs in context (a measurement, not a test).

- always loaded: every skill and agent description (what Claude Code lists up front);
- on use: each SKILL.md body and each agent body (the system prompt of a subagent);
- the API agent's pack-arm system prompt (ml-engineer body + skill index) vs the bare one.

Tokens are estimated at 4 characters a token, the usual rule of thumb for English prose.
Usage: python benchmarks/pack_context.py [--json]
"""

from __future__ import annotations

import argparse
import json

from mlskills.agents.anthropic_api import prompts
from mlskills.agents.anthropic_api.skills import SkillEntry
from mlskills.pack.load import load_pack

CHARS_PER_TOKEN = 4


def tokens(text: str) -> int:
    return round(len(text) / CHARS_PER_TOKEN)


def measure() -> dict:
    pack = load_pack()
    descriptions = [s.description for s in pack.skills] + [a.description for a in pack.agents]
    entries = [
        SkillEntry(s.name, s.description, f"/home/agent/skills/{s.name}", "SKILL.md")
        for s in pack.skills
    ]
    engineer = pack.agent("ml-engineer").body
    bare = prompts.bare_system("/workspace")
    packed = prompts.pack_system("/workspace", engineer, entries)
    return {
        "descriptions_chars": sum(len(d) for d in descriptions),
        "descriptions_tokens": tokens("".join(descriptions)),
        "skills": {
            s.name: {"lines": s.body.count("\n") + 1, "tokens": tokens(s.body)} for s in pack.skills
        },
        "agents": {a.name: tokens(a.body) for a in pack.agents},
        "api_system_prompt_tokens": {"bare": tokens(bare), "pack": tokens(packed)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    figures = measure()
    if parser.parse_args().json:
        print(json.dumps(figures, indent=2))
        return
    print(f"descriptions (always loaded): {figures['descriptions_chars']} chars, "
          f"~{figures['descriptions_tokens']} tokens")  # fmt: skip
    print("| skill | lines | ~tokens |\n|---|---|---|")
    for name, row in figures["skills"].items():
        print(f"| {name} | {row['lines']} | {row['tokens']} |")
    print("| agent | ~tokens |\n|---|---|")
    for name, count in figures["agents"].items():
        print(f"| {name} | {count} |")
    api = figures["api_system_prompt_tokens"]
    print(f"API agent system prompt: bare ~{api['bare']} tokens, pack ~{api['pack']} tokens")


if __name__ == "__main__":
    main()
