"""Find a secret in text even when it was encoded, reversed or cut, and replace it.

An agent that is given a value (`--agent-env NAME`) can always send it somewhere: no
redaction stops a determined agent (it could encrypt the value first). What this catches
is the value copied into logs and records the harness writes, as is or in the forms a
script would print it in: base64 (standard and URL-safe, at each of the three byte
alignments it can have inside a longer encoded stream), hex (either case), URL-encoded,
reversed, and any piece of it at least WINDOW characters long.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
MIN_SECRET = 8  # shorter values would redact ordinary words
WINDOW = 12  # any piece of a secret this long or longer is redacted too
MIN_FORM = 8  # encoded forms shorter than this are too likely to be ordinary text


def _base64_forms(raw: bytes) -> set[str]:
    """The characters base64 always produces for `raw`, wherever it sits in a longer input.

    Inside a longer byte stream the secret starts at offset 0, 1 or 2 of a 3-byte group;
    only the characters fully determined by the secret's own bytes are certain.
    """
    forms = set()
    for offset in range(3):
        padded = b"\0" * offset + raw
        first = -(-offset * 8 // 6)  # the first character not touched by the padding bytes
        last = len(padded) * 8 // 6  # characters after this depend on what follows
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            forms.add(encode(padded).decode()[first:last])
    return forms


def secret_forms(value: str) -> set[str]:
    """The value and its common encodings (see the module docstring)."""
    raw = value.encode()
    hexed = binascii.hexlify(raw).decode()
    forms = {value, value[::-1], hexed, hexed.upper(), quote(value, safe=""), quote_plus(value)}
    forms |= _base64_forms(raw)
    return {form for form in forms if len(form) >= MIN_FORM}


class Redactor:
    """Replaces every registered secret, in any of its forms, with REDACTED."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        self.secrets = tuple(dict.fromkeys(s for s in secrets if s and len(s) >= MIN_SECRET))
        forms: set[str] = set()
        windows: set[str] = set()
        for secret in self.secrets:
            forms |= secret_forms(secret)
            windows |= {secret[i : i + WINDOW] for i in range(len(secret) - WINDOW + 1)}
        self._needles = sorted(forms | windows, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def redact(self, text: str) -> str:
        """Every occurrence of a form or a WINDOW-long piece, merged where they overlap."""
        spans = []
        for needle in self._needles:
            start = text.find(needle)
            while start != -1:
                spans.append((start, start + len(needle)))
                start = text.find(needle, start + 1)
        if not spans:
            return text
        pieces, cursor = [], 0
        for start, end in _merged(spans):
            pieces += [text[cursor:start], REDACTED]
            cursor = end
        pieces.append(text[cursor:])
        return "".join(pieces)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans as one (pieces of one secret overlap when it is longer than WINDOW)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
