#!/usr/bin/env python3
"""A file-based model registry with promotion gates and one-command rollback.

Layout: REGISTRY/MODEL/versions/N/ holds a copy of the artefacts plus metrics.json (and
manifest.json when given); REGISTRY/MODEL/state.json says which version is in production
and keeps the history of every promotion and rollback. `register --bundle` copies a model
bundle (bundle.py) and takes its metrics and eval-set hash from bundle.json.
The promotion gate reads a metric by dotted path (metrics.pr_auc.value) and needs a strict
improvement over production: either a paired comparison (--paired, the JSON of eval_report.py
--compare with production as --score and the candidate as --compare: the CI's lower bound
must clear --min-delta), or stored numbers measured on the same eval set (hashes must match).
Promoting the version already in production is refused; rollback returns to the previous
*distinct* production version. Use it when MLflow is not available, or read it as the
procedure MLflow's registry aliases follow.
JSON on stdout; exit 3 when a promotion gate rejects the candidate. Standard library only.

Examples:
  python registry.py register --registry models --model churn --bundle runs/r1/bundle
  python registry.py promote --registry models --model churn --version 2 \\
      --metric metrics.pr_auc.value --paired runs/r2/compare.json --min-delta 0.005
  python registry.py rollback --registry models --model churn --reason "p95 latency doubled"
  python registry.py status --registry models --model churn
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from datetime import datetime, timezone
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
            command.add_argument("--bundle", type=Path, help="bundle folder from bundle.py")
            command.add_argument("--artifact", type=Path, action="append", default=[])
            command.add_argument("--metrics", type=Path, help="metrics JSON (not with --bundle)")
            command.add_argument("--manifest", type=Path, help="run manifest JSON")
        if name == "promote":
            command.add_argument("--version", type=int, required=True)
            command.add_argument(
                "--metric", required=True, help="dotted path in metrics.json: metrics.pr_auc.value"
            )
            command.add_argument("--lower-is-better", action="store_true")
            command.add_argument(
                "--min-delta",
                type=float,
                default=0.0,
                help="improvement over production that must be exceeded (strictly)",
            )
            command.add_argument(
                "--paired",
                type=Path,
                help="eval_report.py --compare JSON: production = --score, candidate = --compare",
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
    return datetime.now(timezone.utc).isoformat(timespec="seconds")  # noqa: UP017 (3.10)


def register(args: argparse.Namespace) -> dict:
    if args.bundle:
        if args.metrics:
            raise UsageError("--metrics comes from the bundle; do not pass both")
        bundle = read_json(args.bundle / "bundle.json", "bundle manifest")
        metrics = dict(bundle.get("metrics") or {})
        eval_data = (bundle.get("data") or {}).get("eval") or {}
        if eval_data.get("sha256"):
            metrics.setdefault("eval_sha256", eval_data["sha256"])
        args.artifact = [args.bundle, *args.artifact]
    elif args.metrics:
        metrics = read_json(args.metrics, "metrics")
    else:
        raise UsageError("give --bundle, or --artifact and --metrics")
    if not args.artifact:
        raise UsageError("nothing to register: give --bundle or --artifact")
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


def lookup(metrics: dict, path: str):
    """A number at a dotted path ('metrics.pr_auc.value'), or None when the path is absent."""
    value = metrics
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"{path!r} is a {type(value).__name__}, not a number: use a full path")
    return float(value)


def paired_gate(args: argparse.Namespace) -> tuple[bool, str]:
    """The candidate must beat production on the same rows: the CI of the paired difference
    (candidate minus production) must lie entirely beyond --min-delta."""
    report = read_json(args.paired, "paired comparison")
    parts = args.metric.split(".")
    name = parts[-2] if parts[-1] == "value" and len(parts) > 1 else parts[-1]
    row = (report.get("comparison") or {}).get(name)
    if not isinstance(row, dict) or not row.get("ci95"):
        raise UsageError(f"{args.paired} has no comparison.{name}.ci95 (eval_report.py --compare)")
    low, high = row["ci95"]
    if args.lower_is_better:
        passed, bound, text = -high > args.min_delta, -high, f"upper bound {high:+.6g}"
    else:
        passed, bound, text = low > args.min_delta, low, f"lower bound {low:+.6g}"
    return passed, (
        f"paired {name}: candidate minus production {row['compare_minus_score']:+.6g}, "
        f"95% CI {text}; improvement bound {bound:+.6g} "
        f"{'>' if passed else '<='} required {args.min_delta:g}"
    )


def gate(args: argparse.Namespace, candidate: dict, production: dict | None) -> tuple[bool, str]:
    if lookup(candidate, args.metric) is None:
        raise UsageError(f"metric {args.metric!r} not in version {args.version}'s metrics")
    if production is None:
        return True, "no production version yet"
    if args.paired:
        return paired_gate(args)
    if lookup(production, args.metric) is None:
        return False, f"production has no {args.metric!r} to compare with; use --force"
    sets = candidate.get("eval_sha256"), production.get("eval_sha256")
    if None in sets or sets[0] != sets[1]:
        return False, (
            "stored metrics come from different or unrecorded eval sets: compare the two "
            "models on the same rows (eval_report.py --compare) and pass --paired"
        )
    new, old = lookup(candidate, args.metric), lookup(production, args.metric)
    gain = old - new if args.lower_is_better else new - old
    verdict = gain > args.min_delta
    return verdict, (
        f"{args.metric}: candidate {new:.6g} vs production {old:.6g} on the same eval set, "
        f"improvement {gain:+.6g} {'>' if verdict else '<='} required {args.min_delta:g}"
    )


def promote(args: argparse.Namespace) -> dict:
    state = load_state(args)
    candidate = version_metrics(args, args.version)
    current = state["production"]
    if current == args.version:
        raise UsageError(f"version {args.version} is already in production")
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
    """Versions that were in production, oldest first; a rollback pops the latest. Repeats
    (from histories written before duplicate promotion was refused) collapse into one."""
    stack: list[int] = []
    for event in history:
        if event["action"] == "promote":
            if not stack or stack[-1] != event["to"]:
                stack.append(event["to"])
        elif stack:
            stack.pop()
    return stack


def rollback(args: argparse.Namespace) -> dict:
    state = load_state(args)
    current = state["production"]
    if current is None:
        raise UsageError(f"{args.model} has no production version to roll back")
    stack = [v for v in production_stack(state["history"]) if v != current]
    if not stack:
        raise UsageError(f"version {current} has no earlier production version to return to")
    previous = stack[-1]
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
