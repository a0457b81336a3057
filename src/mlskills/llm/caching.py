"""Prompt-cache breakpoints, so each turn re-reads the conversation so far from the cache.

Four breakpoints at most (the API's limit): the last tool definition and the system prompt
(the stable prefix), and the last block of each of the two latest user messages. The
newest one writes this turn's prefix; the one before lands exactly where the previous
request wrote, so the read hits even when a turn added more blocks than the API looks back.
"""

from __future__ import annotations

from typing import Any

EPHEMERAL = {"type": "ephemeral"}
MOVING_BREAKPOINTS = 2

Block = dict[str, Any]
Message = dict[str, Any]


def mark_last(blocks: list[Block]) -> list[Block]:
    """A copy of `blocks` whose last block carries cache_control (inputs are not changed)."""
    if not blocks:
        return []
    return [*blocks[:-1], {**blocks[-1], "cache_control": EPHEMERAL}]


def mark_conversation(messages: list[Message]) -> list[Message]:
    """A copy of the history with breakpoints on the latest user messages' last blocks."""
    marked = list(messages)
    users = [i for i, m in enumerate(messages) if m["role"] == "user"][-MOVING_BREAKPOINTS:]
    for i in users:
        marked[i] = {**messages[i], "content": mark_last(list(messages[i]["content"]))}
    return marked
