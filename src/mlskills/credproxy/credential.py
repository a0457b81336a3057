"""The API credential as the harness holds it: which header carries it, and where it goes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_UPSTREAM = "https://api.anthropic.com"
KEY_VARIABLE = "ANTHROPIC_API_KEY"  # sent as x-api-key
TOKEN_VARIABLE = "ANTHROPIC_AUTH_TOKEN"  # sent as Authorization: Bearer
UPSTREAM_VARIABLE = "ANTHROPIC_BASE_URL"


@dataclass(frozen=True)
class Credential:
    """A secret plus the upstream it is valid for. `value` never appears in a repr."""

    variable: str
    value: str = field(repr=False)
    upstream: str = DEFAULT_UPSTREAM

    @property
    def headers(self) -> dict[str, str]:
        if self.variable == TOKEN_VARIABLE:
            return {"authorization": f"Bearer {self.value}"}
        return {"x-api-key": self.value}

    @property
    def upstream_kind(self) -> str:
        """What run.json may say about the upstream without naming a private gateway."""
        return "default" if self.upstream == DEFAULT_UPSTREAM else "custom"


def from_environment(environ: dict[str, str] | None = None) -> Credential | None:
    """ANTHROPIC_API_KEY (else ANTHROPIC_AUTH_TOKEN) and ANTHROPIC_BASE_URL, as the SDK and
    the CLI read them; None when neither credential is set."""
    env = os.environ if environ is None else environ
    upstream = (env.get(UPSTREAM_VARIABLE) or "").strip() or DEFAULT_UPSTREAM
    parts = urlsplit(upstream)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{UPSTREAM_VARIABLE}={upstream!r} is not an http(s) URL")
    for variable in (KEY_VARIABLE, TOKEN_VARIABLE):
        if value := (env.get(variable) or "").strip():
            return Credential(variable, value, upstream.rstrip("/"))
    return None
