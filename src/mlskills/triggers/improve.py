"""`triggers improve`: rewrite one description from its failures, keep it only if it helps
on cases it was not written from.

Cases split once by id (`TriggerCase.held_out`). The proposer model sees only the
training cases' failures (missed requests and false triggers) and writes a new
description within the length limit; both versions then run on the held-out cases, and
the candidate is kept only if held-out recall rises and false triggers do not. The pack is
never written unless asked (`--write`), and then only the description line changes.
"""

from __future__ import annotations

import difflib
import functools
import re
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlskills.triggers.cases import TriggerCase
from mlskills.triggers.record import TriggerRecord
from mlskills.triggers.stage import replace_description

if TYPE_CHECKING:  # the SDK costs ~0.9 s to import: every CLI command would pay it
    import anthropic

MAX_DESCRIPTION = 1024  # the Agent Skills limit for one description
SHOWN_FAILURES = 12
_TAG = re.compile(r"<description>(.*?)</description>", re.DOTALL)


@dataclass
class Score:
    """One description version on one set of cases."""

    recall: float | None  # mean over positive sessions that chose the item
    false_triggers: int  # sessions on other cases that chose it
    sessions: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # a copy: vars() would hand out the live __dict__


def score(records: list[TriggerRecord], label: str) -> Score:
    scored = [r for r in records if r.correct is not None]
    positives = [r for r in scored if label in r.expect]
    recall = sum(r.choice == label for r in positives) / len(positives) if positives else None
    false = sum(1 for r in scored if label not in r.expect and r.choice == label)
    return Score(recall, false, len(scored))


def keep(current: Score, candidate: Score) -> tuple[bool, str]:
    """The held-out rule: recall must rise, false triggers must not."""
    if current.recall is None or candidate.recall is None:
        return False, "no held-out positives to judge by"
    if candidate.recall <= current.recall:
        return (
            False,
            f"held-out recall did not rise ({current.recall:.0%} -> {candidate.recall:.0%})",
        )
    if candidate.false_triggers > current.false_triggers:
        return False, (
            f"more held-out false triggers ({current.false_triggers} -> {candidate.false_triggers})"
        )
    return True, (
        f"held-out recall {current.recall:.0%} -> {candidate.recall:.0%}, false triggers "
        f"{current.false_triggers} -> {candidate.false_triggers}"
    )


def failures(
    records: list[TriggerRecord], cases: dict[str, TriggerCase], label: str
) -> tuple[list[str], list[str]]:
    """Training requests the item missed, and other requests it fired on."""
    missed, false = set(), set()
    for r in records:
        if r.correct is None or r.case_id not in cases:
            continue
        if label in r.expect and r.choice != label:
            missed.add(r.case_id)
        elif label not in r.expect and r.choice == label:
            false.add(r.case_id)
    return [cases[c].prompt for c in sorted(missed)], [cases[c].prompt for c in sorted(false)]


def proposal_prompt(label: str, current: str, missed: list[str], false: list[str]) -> str:
    def listed(items: list[str]) -> str:
        shown = [f"- {' '.join(p.split())[:400]}" for p in items[:SHOWN_FAILURES]]
        return "\n".join(shown) or "- (none)"

    return textwrap.dedent(
        f"""\
        A coding agent decides from a one-paragraph description whether to load the pack
        item `{label}` for a user's request. Rewrite the description so the agent loads it
        for requests like the missed ones and not for the false triggers. Say what the item
        does and when to use it, in the words users type (symptoms, not jargon). At most
        {MAX_DESCRIPTION} characters, one paragraph, no Markdown.

        Current description:
        {current}

        Requests it should have loaded for but did not:
        {listed(missed)}

        Requests it loaded for but should not have:
        {listed(false)}

        Answer with the new description between <description> and </description>."""
    )


def propose(client: anthropic.Anthropic, model: str, prompt: str) -> str:
    """The proposer's description, checked for length; ValueError if it gave none."""
    message = client.messages.create(
        model=model, max_tokens=1024, messages=[{"role": "user", "content": prompt}]
    )
    text = "".join(block.text for block in message.content if block.type == "text")
    found = _TAG.search(text)
    if not found:
        raise ValueError("the proposer gave no <description>…</description>")
    description = " ".join(found.group(1).split())
    if not description or len(description) > MAX_DESCRIPTION:
        raise ValueError(f"the proposed description has {len(description)} characters")
    return description


def diff(label: str, current: str, candidate: str) -> str:
    wrap = functools.partial(textwrap.wrap, width=88)
    lines = difflib.unified_diff(
        wrap(current), wrap(candidate), f"{label} (current)", f"{label} (candidate)", lineterm=""
    )
    return "\n".join(lines)


def write(file: Path, description: str) -> Path:
    """Replace the description in the pack's own file, every other byte kept."""
    file.write_text(
        replace_description(file.read_text(encoding="utf-8"), description), encoding="utf-8"
    )
    return file
