"""The `mlskills` command: one module per sub-command, each with `register(subparsers)`.

A sub-command module adds its parser and sets `handler=fn`, where `fn(args) -> int` is the
exit code. Errors meant for people are raised as MlskillsError and printed as one message.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from mlskills import __version__
from mlskills.cli.argtypes import Parser
from mlskills.credproxy.conceal import conceal_environ
from mlskills.errors import MlskillsError
from mlskills.sandbox.environment import is_secret, one_math_thread_here

# Sub-command modules, in the order `mlskills --help` lists them.
COMMAND_MODULES = (
    "run_cmd",
    "resume_cmd",
    "tasks_cmd",
    "report_cmd",
    "validate_cmd",
    "install_cmd",
    "judge_cmd",
    "triggers_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(  # sub-command parsers inherit its one-line usage errors
        prog="mlskills",
        description="Run ML-engineering evals against coding agents, and manage the skill pack.",
    )
    parser.add_argument("--version", action="version", version=f"mlskills {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"mlskills.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    conceal_environ(is_secret)  # sandboxed commands on `local` could scan /proc/PID/environ
    one_math_thread_here()  # before any handler loads numpy: trials are the parallelism
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except MlskillsError as exc:
        print(f"mlskills: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("mlskills: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader left (`mlskills validate | head -1`): say nothing
        _discard_stdout()
        return 1  # as rich does for the commands that print through it
    except OSError as exc:  # a path the user gave that is not what it should be
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"mlskills: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: say so in one line; the traceback on request
        if os.environ.get("MLSKILLS_DEBUG"):
            raise
        print(
            f"mlskills: internal error: {type(exc).__name__}: {exc} "
            "(set MLSKILLS_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        return 3


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's flush at exit fails on nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
