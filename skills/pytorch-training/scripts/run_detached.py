#!/usr/bin/env python3
"""Run a long job (training) detached from the shell, with a log file and a poll command.

Agent shells kill foreground commands after a few minutes. `start` launches the command in
its own session, writes all its output to --log and returns at once; `status` says whether
it is still running, its exit code once finished, how stale the log is and its last lines;
`stop` ends the whole process group. State lives next to the log (LOG.state.json,
LOG.exit.json). JSON on stdout; standard library only.

Examples:
  python run_detached.py start --log runs/r1/train.log -- python train.py --config c.json
  python run_detached.py status --log runs/r1/train.log --tail 20
  python run_detached.py stop --log runs/r1/train.log
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="action", required=True)
    start = sub.add_parser("start", help="launch COMMAND detached; return at once")
    start.add_argument("--log", type=Path, required=True, help="file for stdout and stderr")
    start.add_argument("--cwd", type=Path, default=Path.cwd(), help="working directory")
    start.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command")
    status = sub.add_parser("status", help="running or finished, exit code, last log lines")
    status.add_argument("--log", type=Path, required=True)
    status.add_argument("--tail", type=int, default=20, help="log lines to include")
    stop = sub.add_parser("stop", help="terminate the job's process group")
    stop.add_argument("--log", type=Path, required=True)
    supervise = sub.add_parser("_supervise", help=argparse.SUPPRESS)
    supervise.add_argument("--log", type=Path, required=True)
    supervise.add_argument("command", nargs=argparse.REMAINDER)
    return parser.parse_args(argv)


def state_path(log: Path) -> Path:
    return log.with_name(log.name + ".state.json")


def exit_path(log: Path) -> Path:
    return log.with_name(log.name + ".exit.json")


def write_json(path: Path, data: dict) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data) + "\n", encoding="utf-8")
    temporary.replace(path)


def strip_separator(command: list[str]) -> list[str]:
    command = command[1:] if command[:1] == ["--"] else command
    if not command:
        raise UsageError("no command given: put it after --")
    return command


def start(args: argparse.Namespace) -> dict:
    command = strip_separator(args.command)
    if not args.cwd.is_dir():
        raise UsageError(f"working directory not found: {args.cwd}")
    state = state_path(args.log)
    if state.is_file() and process_alive(read_state(args.log)["pid"]):
        raise UsageError(f"a job is already running with log {args.log}; stop it first")
    args.log.parent.mkdir(parents=True, exist_ok=True)
    exit_path(args.log).unlink(missing_ok=True)
    supervisor = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "_supervise",
            "--log",
            str(args.log.resolve()),
            "--",
            *command,
        ],
        cwd=args.cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    info = {
        "pid": supervisor.pid,
        "command": command,
        "log": str(args.log),
        "cwd": str(args.cwd),
        "started_at": time.time(),
    }
    write_json(state, info)
    return {**info, "poll": f"python {Path(__file__)} status --log {args.log}"}


def supervise(args: argparse.Namespace) -> int:
    """Runs detached: the job writes to the log; its exit code goes to LOG.exit.json."""
    command = strip_separator(args.command)
    with args.log.open("ab") as log:
        try:
            code = subprocess.call(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        except OSError as exc:
            log.write(f"run_detached: cannot start {command[0]}: {exc}\n".encode())
            code = 127
    write_json(exit_path(args.log), {"exit_code": code, "finished_at": time.time()})
    return code


def read_state(log: Path) -> dict:
    path = state_path(log)
    if not path.is_file():
        raise UsageError(f"no job was started with log {log} ({path.name} missing)")
    return json.loads(path.read_text(encoding="utf-8"))


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.is_file() and stat.read_text().split(") ")[-1].startswith("Z"))


def tail(path: Path, lines: int) -> list[str]:
    if not path.is_file():
        return []
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - 64 * 1024))
        text = handle.read().decode("utf-8", errors="replace")
    return text.splitlines()[-lines:] if lines > 0 else []


def status(args: argparse.Namespace) -> dict:
    info = read_state(args.log)
    finished = exit_path(args.log)
    outcome = json.loads(finished.read_text()) if finished.is_file() else {}
    exit_code = outcome.get("exit_code")
    running = not outcome and process_alive(info["pid"])
    now = time.time()
    log_age = now - args.log.stat().st_mtime if args.log.is_file() else None
    state = (
        "running"
        if running
        else "stopped"
        if outcome.get("stopped")
        else "finished"
        if outcome
        else "vanished"
    )
    return {
        "state": state,
        "running": running,
        "exit_code": exit_code,
        "pid": info["pid"],
        "elapsed_seconds": round(now - info["started_at"], 1),
        "log_age_seconds": None if log_age is None else round(log_age, 1),
        "log": str(args.log),
        "tail": tail(args.log, args.tail),
    }


def stop(args: argparse.Namespace) -> dict:
    info = read_state(args.log)
    if not process_alive(info["pid"]):
        return {"stopped": False, "reason": "not running"}
    os.killpg(info["pid"], signal.SIGTERM)
    used = "SIGTERM"
    for _ in range(50):
        if not process_alive(info["pid"]):
            break
        time.sleep(0.2)
    else:
        os.killpg(info["pid"], signal.SIGKILL)
        used = "SIGKILL"
    write_json(
        exit_path(args.log), {"exit_code": None, "stopped": True, "finished_at": time.time()}
    )
    return {"stopped": True, "signal": used}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.action == "_supervise":
        return supervise(args)
    actions = {"start": start, "status": status, "stop": stop}
    try:
        result = actions[args.action](args)
    except UsageError as exc:
        print(f"run_detached.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"run_detached.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
