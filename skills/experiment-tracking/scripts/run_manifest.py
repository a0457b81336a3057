#!/usr/bin/env python3
"""Write or verify a run manifest: what exactly produced a model and its numbers.

`write` records data and artefact hashes, git commit and dirty state (with a hash of the
uncommitted diff), config, parameters, metrics, seed, command and package versions into one
JSON file. File paths are stored relative to the manifest's folder, so `verify` re-hashes
the files a manifest lists from any working directory and reports any that changed.
JSON on stdout; standard library only; Python 3.10+.

Examples:
  python run_manifest.py write --out runs/r1/manifest.json --data data/train.csv \\
      --config config.json --metrics runs/r1/metrics.json --artifact runs/r1/model.joblib \\
      --seed 0 --command "python train.py --config config.json"
  python run_manifest.py verify runs/r1/manifest.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

PACKAGES = (
    "numpy",
    "pandas",
    "scikit-learn",
    "scipy",
    "torch",
    "xgboost",
    "lightgbm",
    "mlflow",
    "joblib",
)


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="action", required=True)
    write = sub.add_parser("write", help="write a manifest for a finished run")
    write.add_argument("--out", type=Path, required=True, help="manifest file to write")
    write.add_argument("--data", type=Path, action="append", default=[], help="input data file")
    write.add_argument(
        "--artifact",
        type=Path,
        action="append",
        default=[],
        help="output file (model, predictions)",
    )
    write.add_argument("--config", type=Path, help="JSON config file (embedded and hashed)")
    write.add_argument("--metrics", type=Path, help="JSON file of metrics")
    write.add_argument("--param", action="append", default=[], help="KEY=VALUE, repeatable")
    write.add_argument("--seed", type=int)
    write.add_argument("--command", help="the command that ran the training")
    write.add_argument("--notes", default="")
    verify = sub.add_parser("verify", help="check that listed files still match their hashes")
    verify.add_argument("manifest", type=Path)
    return parser.parse_args(argv)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_file(path: Path, base: Path) -> dict:
    """Path relative to the manifest's folder (base), so verify works from anywhere."""
    if not path.is_file():
        raise UsageError(f"file not found: {path}")
    relative = os.path.relpath(path.resolve(), base.resolve())
    return {"path": Path(relative).as_posix(), "sha256": sha256(path), "bytes": path.stat().st_size}


def read_json(path: Path | None, label: str) -> dict | None:
    if path is None:
        return None
    if not path.is_file():
        raise UsageError(f"{label} file not found: {path}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{label} file {path} is not valid JSON: {exc}") from None


def git_state() -> dict:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, check=True, timeout=20
        ).stdout

    try:
        commit = git("rev-parse", "HEAD").strip()
        status = git("status", "--porcelain")
        diff = git("diff", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return {"available": False}
    return {
        "available": True,
        "commit": commit,
        "dirty": bool(status.strip()),
        "uncommitted_diff_sha256": hashlib.sha256(diff.encode()).hexdigest() if diff else None,
        "untracked_or_modified": status.splitlines()[:20],
    }


def environment() -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


def parse_params(items: list[str]) -> dict:
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param needs KEY=VALUE, got {item!r}")
        params[key] = value
    return params


def write(args: argparse.Namespace) -> dict:
    base = args.out.parent
    data = [describe_file(p, base) for p in args.data]
    artifacts = [describe_file(p, base) for p in args.artifact]
    config = read_json(args.config, "config")
    fingerprint = hashlib.sha256(
        json.dumps([config, [d["sha256"] for d in data]], sort_keys=True).encode()
    ).hexdigest()
    now = datetime.now(timezone.utc)  # noqa: UP017 (Python 3.10 has no datetime.UTC)
    manifest = {
        "run_id": f"{now:%Y%m%dT%H%M%SZ}-{fingerprint[:8]}",
        "created_at": now.isoformat(timespec="seconds"),
        "command": args.command,
        "seed": args.seed,
        "notes": args.notes,
        "paths_relative_to": "manifest",
        "git": git_state(),
        "environment": environment(),
        "data": data,
        "config": config,
        "config_sha256": sha256(args.config) if args.config else None,
        "params": parse_params(args.param),
        "metrics": read_json(args.metrics, "metrics"),
        "artifacts": artifacts,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    temporary = args.out.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    temporary.replace(args.out)
    return manifest


def verify(args: argparse.Namespace) -> dict:
    manifest = read_json(args.manifest, "manifest")
    if not isinstance(manifest, dict):
        raise UsageError(f"{args.manifest} is not a manifest object")
    checked, changed = 0, []
    # Older manifests stored paths relative to the directory `write` ran in.
    base = args.manifest.parent if manifest.get("paths_relative_to") == "manifest" else Path()
    for entry in manifest.get("data", []) + manifest.get("artifacts", []):
        path = base / entry["path"]
        checked += 1
        if not path.is_file():
            changed.append({"path": entry["path"], "problem": "missing"})
        elif sha256(path) != entry["sha256"]:
            changed.append({"path": entry["path"], "problem": "content changed"})
    return {
        "manifest": str(args.manifest),
        "run_id": manifest.get("run_id"),
        "files_checked": checked,
        "changed": changed,
        "ok": not changed,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = write(args) if args.action == "write" else verify(args)
    except UsageError as exc:
        print(f"run_manifest.py: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line instead of a traceback, even for surprises
        print(f"run_manifest.py: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0 if result.get("ok", True) else 3


if __name__ == "__main__":
    sys.exit(main())
