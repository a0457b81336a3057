"""Settings of a model client, read once from a model name, option keys and the environment.

The anthropic agent passes its AgentOptions (model, extra), the judge its own model and
options. Option keys (all optional): `base_url` (else ANTHROPIC_BASE_URL), `max_retries`
(the SDK's retries for 429/529/5xx/connection errors, also used for streams cut mid-way),
`prices` (see pricing.py), `output_chars` (cap on one tool result), `request_timeout`
(seconds), `pack_root` (a pack folder other than the installed one), `pack_agent` (the
subagent whose body leads the pack arm's system prompt).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlskills.errors import AgentSetupError
from mlskills.llm.pricing import Prices, price_table

OPTION_KEYS = frozenset(
    {
        "base_url",
        "max_retries",
        "prices",
        "output_chars",
        "request_timeout",
        "pack_root",
        "pack_agent",
    }
)  # the option keys read below
DEFAULT_MODEL = "claude-sonnet-5-5"
DEFAULT_MAX_RETRIES = 5
DEFAULT_OUTPUT_CHARS = 30_000
DEFAULT_REQUEST_TIMEOUT = 600.0
PACK_AGENT = "ml-engineer"
NO_KEY = (
    "ANTHROPIC_API_KEY is not set: export ANTHROPIC_API_KEY=<your key> "
    "(and ANTHROPIC_BASE_URL for a gateway), or use --agent oracle to try the harness offline"
)


@dataclass(frozen=True)
class Settings:
    model: str
    api_key: str = field(repr=False)  # never logged, never passed to the sandbox
    base_url: str | None = None
    max_retries: int = DEFAULT_MAX_RETRIES
    prices: dict[str, Prices] = field(default_factory=dict, repr=False)
    output_chars: int = DEFAULT_OUTPUT_CHARS
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    pack_root: Path | None = None
    pack_agent: str = PACK_AGENT


def settings_from(model: str | None, extra: dict[str, Any] | None) -> Settings:
    """Settings for `model` (else the default) and the option keys in `extra`; a missing API
    key is an AgentSetupError with the fix."""
    api_key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    if not api_key:
        raise AgentSetupError(NO_KEY)
    extra = extra or {}
    pack_root = extra.get("pack_root")
    try:
        return Settings(
            model=model or DEFAULT_MODEL,
            api_key=api_key,
            base_url=extra.get("base_url") or os.environ.get("ANTHROPIC_BASE_URL") or None,
            max_retries=int(extra.get("max_retries", DEFAULT_MAX_RETRIES)),
            prices=price_table(extra.get("prices")),
            output_chars=int(extra.get("output_chars", DEFAULT_OUTPUT_CHARS)),
            request_timeout=float(extra.get("request_timeout", DEFAULT_REQUEST_TIMEOUT)),
            pack_root=Path(pack_root) if pack_root else None,
            pack_agent=str(extra.get("pack_agent", PACK_AGENT)),
        )
    except (TypeError, ValueError) as exc:
        raise AgentSetupError(f"anthropic agent options: {exc}") from exc
