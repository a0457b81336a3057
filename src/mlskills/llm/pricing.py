"""Dollar prices per million tokens, so a trial's cost can be reported and capped.

Published list prices (5-minute cache writes), checked November 2026. A model missing here
has no known price: its cost is reported as 0 with `cost_known: false`, and a cost limit
cannot be enforced for it. Override or extend with AgentOptions.extra["prices"]:
`{"my-model": {"input": 3, "output": 15, "cache_write": 3.75, "cache_read": 0.3}}`
(cache prices default to 1.25x and 0.1x input) or `{"my-model": [3, 15, 3.75, 0.3]}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mlskills.errors import AgentSetupError
from mlskills.schema import Usage

MTOK = 1_000_000
DATE_SUFFIX = re.compile(r"-\d{8}$")


@dataclass(frozen=True)
class Prices:
    """Dollars per million tokens of each kind."""

    input: float
    output: float
    cache_write: float
    cache_read: float

    def cost(self, usage: Usage) -> float:
        return (
            usage.input_tokens * self.input
            + usage.output_tokens * self.output
            + usage.cache_write_tokens * self.cache_write
            + usage.cache_read_tokens * self.cache_read
        ) / MTOK


def _family(input: float, output: float, cache_read: float | None = None) -> Prices:
    read = cache_read if cache_read is not None else input / 10
    return Prices(input, output, input * 1.25, read)


_FABLE_51 = _family(10, 50, 0.25)
_FABLE_5 = _family(10, 50, 1.0)
_OPUS_45 = _family(5, 25)
_OPUS_4 = _family(15, 75)
_SONNET_4 = _family(3, 15)

PRICES: dict[str, Prices] = {
    "claude-fable-5-1": _FABLE_51,
    "claude-mythos-5-1": _FABLE_51,
    "claude-fable-5": _FABLE_5,
    "claude-mythos-5": _FABLE_5,
    "claude-opus-5-5": _family(4, 20),
    "claude-opus-5": _OPUS_45,
    "claude-opus-4-8": _OPUS_45,
    "claude-opus-4-7": _OPUS_45,
    "claude-opus-4-6": _OPUS_45,
    "claude-opus-4-5": _OPUS_45,
    "claude-opus-4-1": _OPUS_4,
    "claude-opus-4-0": _OPUS_4,
    "claude-sonnet-5-5": _family(2, 10, 0.10),  # cache reads cut to $0.10 on 2026-10-07
    "claude-sonnet-5": _family(2, 10),
    "claude-sonnet-4-6": _SONNET_4,
    "claude-sonnet-4-5": _SONNET_4,
    "claude-sonnet-4-0": _SONNET_4,
    "claude-haiku-5-5": _family(0.10, 0.50),  # prompts up to 100k tokens; longer cost 5x
    "claude-haiku-4-5": _family(1, 5),
}


def prices_for(model: str, table: dict[str, Prices] | None = None) -> Prices | None:
    """The prices of `model`, also under a dated id such as claude-haiku-4-5-20251001."""
    table = PRICES if table is None else table
    return table.get(model) or table.get(DATE_SUFFIX.sub("", model))


def price_table(overrides: dict[str, Any] | None) -> dict[str, Prices]:
    """The built-in table with AgentOptions.extra["prices"] applied on top."""
    table = dict(PRICES)
    for model, value in (overrides or {}).items():
        table[model] = parse_prices(model, value)
    return table


def parse_prices(model: str, value: Any) -> Prices:
    try:
        if isinstance(value, dict):
            base = float(value["input"])
            return Prices(
                base,
                float(value["output"]),
                float(value.get("cache_write", base * 1.25)),
                float(value.get("cache_read", base / 10)),
            )
        return Prices(*(float(v) for v in value))
    except (KeyError, TypeError, ValueError) as exc:
        raise AgentSetupError(
            f"prices for {model!r}: give {{input, output[, cache_write, cache_read]}} dollars "
            f"per million tokens, or a list of four numbers ({exc})"
        ) from exc
