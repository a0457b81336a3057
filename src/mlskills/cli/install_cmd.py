"""`mlskills install` / `mlskills uninstall`: put the pack where Claude Code looks for it."""

from __future__ import annotations

import argparse
from pathlib import Path

from mlskills.errors import MlskillsError
from mlskills.pack.install import install, uninstall


def register(subparsers: argparse._SubParsersAction) -> None:
    add = subparsers.add_parser(
        "install",
        help="copy the agents and skills into a project's or your .claude/ folder",
        description="Copy agents/*.md to .claude/agents/ and skills/<name>/ to "
        ".claude/skills/<name>/. Files you changed are never overwritten without --force.",
    )
    _add_target_options(add)
    add.add_argument(
        "--force",
        action="store_true",
        help="overwrite files that were changed or not installed by mlskills",
    )
    add.add_argument(
        "--pack",
        type=Path,
        default=None,
        metavar="DIR",
        help="install the pack at DIR instead of the bundled one",
    )
    add.set_defaults(handler=run_install)

    remove = subparsers.add_parser(
        "uninstall",
        help="remove exactly what `mlskills install` put there",
        description="Remove the files recorded by the last install; files you changed stay.",
    )
    _add_target_options(remove)
    remove.set_defaults(handler=run_uninstall)


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        default=None,
        help="the project whose .claude/ folder to use (default: current folder)",
    )
    where.add_argument("--user", action="store_true", help="use ~/.claude/ instead")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change, change nothing"
    )


def target_dir(args: argparse.Namespace) -> Path:
    if args.user:
        return Path.home() / ".claude"
    project = args.project or Path.cwd()
    if not project.is_dir():
        raise MlskillsError(f"project folder {project} does not exist")
    return project / ".claude"


def run_install(args: argparse.Namespace) -> int:
    report = install(target_dir(args), pack_root=args.pack, dry_run=args.dry_run, force=args.force)
    print("\n".join(report.lines()))
    return 0


def run_uninstall(args: argparse.Namespace) -> int:
    report = uninstall(target_dir(args), dry_run=args.dry_run)
    print("\n".join(report.lines()))
    return 0
