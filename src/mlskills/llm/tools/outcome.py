"""What a tool call returns to the model, and how long output is cut to a stated cap."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ToolOutcome:
    """The tool_result text; `is_error` tells the model the call itself failed."""

    text: str
    is_error: bool = False

    def block(self, tool_use_id: str) -> dict:
        block = {"type": "tool_result", "tool_use_id": tool_use_id, "content": self.text}
        if self.is_error:
            block["is_error"] = True
        return block


def error(message: str) -> ToolOutcome:
    return ToolOutcome(message, is_error=True)


def truncate(text: str, cap: int, hint: str = "") -> str:
    """Keep the head and tail of `text` within `cap` characters and say what was cut.

    The head shows how output started, the tail how it ended (where errors usually are).
    """
    if len(text) <= cap:
        return text
    head, tail = text[: cap // 2], text[len(text) - cap // 2 :]
    omitted = len(text) - len(head) - len(tail)
    note = (
        f"\n[output truncated: {omitted} of {len(text)} characters omitted from the middle; "
        f"the cap is {cap} characters.{' ' + hint if hint else ''}]\n"
    )
    return head + note + tail
