#!/usr/bin/env python3
"""A file-based model registry with promotion gates and one-command rollback.

Layout: REGISTRY/MODEL/versions/N/ holds a copy of the artefacts plus metrics.json (and
manifest.json when given); REGISTRY/MODEL/state.json says which version is in production
and keeps the history of every promotion and rollback. Use it when MLflow is not
available, or read it as the procedure MLflow's registry aliases follow.
JSON on stdout; exit 3 when a promotion gate rejects the candidate. Standard library only.

Examples:
  python registry.py register --registry models --model churn --artifact runs/r1/model.joblib \\
      --metrics runs/r1/metrics.json --manifest runs/r1/manifest.json
  python registry.py promote --registry models --model churn --version 2 --metric pr_auc \\
      --min-delta 0.005
  python registry.py rollback --registry models --model churn --reason "p95 latency doubled"
  python registry.py status --registry models --model churn
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="action", required=True)
    for name in ("register", "promote", "rollback", "status"):
        command = sub.add_parser(name)
        command.add_argument("--registry", type=Path, required=True, help="registry folder")
        command.add_argument("--model", required=True, help="model name")
        if name == "register":
            command.add_argument("--artifact", type=Path, action="append", required=True)
            command.add_argument("--metrics", type=Path, required=True, help="metrics JSON")
            command.add_argument("--manifest", type=Path, help="run manifest JSON")
        if name == "promote":
            command.add_argument("--version", type=int, required=True)
            command.add_argument("--metric", required=True, help="gate metric in metrics.json")
            command.add_argument("--lower-is-better", action="store_true")
            command.add_argument(
                "--min-delta", type=float, default=0.0, help="required improvement over production"
            )
            command.add_argument("--force", action="store_true", help="skip the gate")
        if name in ("promote", "rollback"):
            command.add_argument("--reason", default="")
    return parser.parse_args(argv)


def read_json(path: Path, label: str) -> dict:
    if not path.is_file():
        raise UsageError(f"{label} not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{label} {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{label} {path} must be a JSON object")
    return data


def write_json(path: Path, data: dict) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)  # atomic: readers never see half a file


def model_dir(args: argparse.Namespace) -> Path:
    return args.registry / args.model


def load_state(args: argparse.Namespace) -> dict:
    path = model_dir(args) / "state.json"
    return read_json(path, "state") if path.is_file() else {"production": None, "history": []}


def versions(args: argparse.Namespace) -> list[int]:
    folder = model_dir(args) / "versions"
    return (
        sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit())
        if (folder.is_dir())
        else []
    )


def version_metrics(args: argparse.Namespace, version: int) -> dict:
    path = model_dir(args) / "versions" / str(version) / "metrics.json"
    if not path.is_file():
        raise UsageError(f"version {version} of {args.model} is not registered")
    return read_json(path, "metrics")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def register(args: argparse.Namespace) -> dict:
    metrics = read_json(args.metrics, "metrics")
    missing = [str(p) for p in args.artifact if not p.exists()]
    if missing:
        raise UsageError(f"artefact(s) not found: {', '.join(missing)}")
    version = (versions(args) or [0])[-1] + 1
    target = model_dir(args) / "versions" / str(version)
    target.mkdir(parents=True)
    for artifact in args.artifact:
        copy = shutil.copytree if artifact.is_dir() else shutil.copy2
        copy(artifact, target / artifact.name)
    write_json(target / "metrics.json", metrics)
    if args.manifest:
        write_json(target / "manifest.json", read_json(args.manifest, "manifest"))
    return {"model": args.model, "version": version, "path": str(target), "metrics": metrics}


def gate(args: argparse.Namespace, candidate: dict, production: dict | None) -> tuple[bool, str]:
    if args.metric not in candidate:
        raise UsageError(f"metric {args.metric!r} not in version {args.version}'s metrics")
    if production is None:
        return True, "no production version yet"
    if args.metric not in production:
        return False, f"production has no {args.metric!r} to compare with; use --force"
    gain = (
        production[args.metric] - candidate[args.metric]
        if args.lower_is_better
        else (candidate[args.metric] - production[args.metric])
    )
    verdict = gain >= args.min_delta
    return verdict, (
        f"{args.metric}: candidate {candidate[args.metric]:.6g} vs production "
        f"{production[args.metric]:.6g}, improvement {gain:+.6g} "
        f"{'>=' if verdict else '<'} required {args.min_delta:g}"
    )


def promote(args: argparse.Namespace) -> dict:
    state = load_state(args)
    candidate = version_metrics(args, args.version)
    current = state["production"]
    production = version_metrics(args, current) if current else None
    passed, reason = gate(args, candidate, production)
    if args.force and not passed:
        passed, reason = True, f"forced past the gate ({reason})"
    if passed:
        state["history"].append(
            {
                "at": now(),
                "action": "promote",
                "from": current,
                "to": args.version,
                "reason": args.reason or reason,
            }
        )
        state["production"] = args.version
        write_json(model_dir(args) / "state.json", state)
    return {
        "model": args.model,
        "promoted": passed,
        "production": state["production"],
        "gate": reason,
    }


def production_stack(history: list[dict]) -> list[int]:
    """Versions that were in production, oldest first; a rollback pops the latest."""
    stack: list[int] = []
    for event in history:
        if event["action"] == "promote":
            stack.append(event["to"])
        elif stack:
            stack.pop()
    return stack


def rollback(args: argparse.Namespace) -> dict:
    state = load_state(args)
    current = state["production"]
    if current is None:
        raise UsageError(f"{args.model} has no production version to roll back")
    stack = production_stack(state["history"])
    if len(stack) < 2:
        raise UsageError(f"version {current} has no earlier production version to return to")
    previous = stack[-2]
    state["history"].append(
        {"at": now(), "action": "rollback", "from": current, "to": previous, "reason": args.reason}
    )
    state["production"] = previous
    write_json(model_dir(args) / "state.json", state)
    return {"model": args.model, "production": previous, "rolled_back_from": current}


def status(args: argparse.Namespace) -> dict:
    state = load_state(args)
    return {
        "model": args.model,
        "production": state["production"],
        "versions": {v: version_metrics(args, v) for v in versions(args)},
        "history": state["history"],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    actions = {"register": register, "promote": promote, "rollback": rollback, "status": status}
    try:
        result = actions[args.action](args)
    except UsageError as exc:
        print(f"registry.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"registry.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 3 if result.get("promoted") is False else 0


if __name__ == "__main__":
    sys.exit(main())
