"""The judge's settings: model, votes per item, and optional knobs; stored in run.json.

`options` keys (all optional): `max_turns` (per vote, default 12), `timeout` (seconds per
vote, default 600), `max_output_tokens` (per turn, default 8000), and the model client's
keys (mlskills.llm.settings, as for the `anthropic` agent): `base_url`, `max_retries`,
`prices`, `output_chars`, `request_timeout`, `pack_root` (where agents/evaluator.md comes
from).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from mlskills.errors import MlskillsError
from mlskills.schema import Limits

DEFAULT_TURNS = 12
DEFAULT_TIMEOUT = 600.0
DEFAULT_OUTPUT_TOKENS = 8000
VIEW_CHARS = 20_000  # one `view` result
OWN_KEYS = frozenset({"max_turns", "timeout", "max_output_tokens"})


@dataclass(frozen=True)
class JudgeConfig:
    model: str
    epochs: int = 1
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.model:
            raise MlskillsError("the judge needs a model: --judge-model MODEL")
        if self.epochs < 1:
            raise MlskillsError(f"--judge-epochs must be at least 1, not {self.epochs}")
        if unknown := sorted(set(self.options) - option_keys()):
            raise MlskillsError(
                f"--judge-option {', '.join(unknown)}: not a judge setting; "
                f"it accepts: {', '.join(sorted(option_keys()))}"
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> JudgeConfig | None:
        if not data:
            return None
        return cls(str(data["model"]), int(data.get("epochs", 1)), dict(data.get("options") or {}))

    def limits(self) -> Limits:
        """What one vote may spend (the judge has no commands: command_timeout is moot)."""
        opts = self.options
        return Limits(
            agent_timeout=float(opts.get("timeout", DEFAULT_TIMEOUT)),
            max_turns=int(opts.get("max_turns", DEFAULT_TURNS)),
            max_output_tokens=int(opts.get("max_output_tokens", DEFAULT_OUTPUT_TOKENS)),
            command_timeout=60.0,
        )

    def client_extra(self) -> dict[str, Any]:
        """Options for the model client's settings (mlskills.llm: client, prices, pack)."""
        extra = {"output_chars": VIEW_CHARS, **self.options}
        for own in OWN_KEYS:
            extra.pop(own, None)
        return extra


def option_keys() -> frozenset[str]:
    """The judge's own keys and the model client's, but pack_agent (it is the evaluator).
    Imported here, not at module level: the CLI loads this module, the SDK only with a judge."""
    from mlskills.llm.settings import OPTION_KEYS

    return OWN_KEYS | (OPTION_KEYS - {"pack_agent"})
