"""argparse types that reject nonsense with a message instead of silently "fixing" it, and
the parser and help format every sub-command uses."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mlskills.errors import MlskillsError


class Parser(argparse.ArgumentParser):
    """A usage error is one line and a hint, not the whole usage block above the message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n(see `{self.prog} --help`)\n")
        sys.exit(2)


class HelpFormat(argparse.RawDescriptionHelpFormatter):
    """Shows a default only where it says something and the help text does not already."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        empty = default is None or default is False or default == [] or default == argparse.SUPPRESS
        silent = empty or "default" in text
        if silent or action.option_strings == [] or action.nargs == 0:
            return text
        return f"{text} (default: %(default)s)"


def existing_dir(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        what = "is not a folder" if path.exists() else "does not exist"
        raise argparse.ArgumentTypeError(f"{text!r} {what}")
    return path


def positive_int(text: str) -> int:
    value = _number(text, int)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number of at least 1")
    return value


def non_negative_int(text: str) -> int:
    value = _number(text, int)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number of 0 or more")
    return value


def positive_float(text: str) -> float:
    value = _number(text, float)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number above 0")
    return value


def _number(text: str, kind: type) -> int | float:
    try:
        return kind(text)
    except ValueError:
        noun = "whole number" if kind is int else "number"
        raise argparse.ArgumentTypeError(f"{text!r} is not a {noun}") from None


def key_values(pairs: list[str], flag: str) -> dict[str, object]:
    """`KEY=VALUE` pairs given with `flag`; values that parse as JSON (numbers, objects) are
    used as such."""
    extra: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise MlskillsError(f"{flag} {pair!r}: use KEY=VALUE, e.g. max_retries=3")
        try:
            extra[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            extra[key.strip()] = value
    return extra
