"""`mlskills run`: run tasks against an agent, with progress, a summary and honest exit codes.

Exit codes: 0 every trial recorded without an infrastructure error; 1 some trials ended in
`error` or went missing; 2 bad input (or the run folder is in use by another process);
3 an internal error (MLSKILLS_DEBUG=1 shows the traceback); 130 interrupted (finish it
with `mlskills resume RUN_DIR`; `run --resume RUN_DIR` is an alias).
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path
from typing import Any

from mlskills import agents, bytecode, paths, sandbox, tasks
from mlskills.cli.argtypes import (
    HelpFormat,
    existing_dir,
    key_values,
    non_negative_int,
    positive_float,
    positive_int,
)
from mlskills.cli.outcome import finish
from mlskills.cli.resume_cmd import resume
from mlskills.credproxy.exposure import credential_flow
from mlskills.errors import MlskillsError
from mlskills.executors import EXECUTORS
from mlskills.judge import JudgeConfig
from mlskills.runner import RunConfig, start_run
from mlskills.schema import Arm


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="run eval tasks against an agent",
        description=__doc__,
        formatter_class=HelpFormat,
    )
    _selection_flags(p.add_argument_group("what to run"))
    how = p.add_argument_group("how")
    _executor_flags(how)
    _sandbox_flags(how)
    _folder_flags(how)
    how.add_argument("--json", action="store_true", help="print the summary as JSON")
    _agent_flags(p.add_argument_group("agent settings"))
    _judge_flags(p.add_argument_group("rubric judge (without one, rubric items are 'not judged')"))
    _limit_flags(p.add_argument_group("limits (override each task's)"))
    p.set_defaults(handler=handle)


def _selection_flags(what: argparse._ArgumentGroup) -> None:
    """Which tasks, agent, arms, epochs and seed; or an earlier run to finish."""
    what.add_argument("--suite", help="suite name (evals/suites/NAME.yaml) or path")
    what.add_argument("--task", action="append", default=[], metavar="ID", help="repeatable")
    what.add_argument("--agent", help="oracle, nop, command, anthropic or claude-code")
    what.add_argument(
        "--arm", action="append", default=[], help="bare, pack or NAME=skill-a,skill-b (repeat)"
    )
    what.add_argument(
        "--epochs", type=positive_int, help="trials per task and arm (default: suite or 1)"
    )
    what.add_argument(
        "--seed", type=non_negative_int, default=0, help="base seed; epoch e uses seed+e"
    )
    what.add_argument(
        "--resume",
        type=Path,
        metavar="RUN_DIR",
        help="alias of `mlskills resume RUN_DIR` (-j and --json may be given)",
    )
    what.add_argument("--evals", type=existing_dir, help="evals folder (default: the bundled one)")


def _executor_flags(how: argparse._ArgumentGroup) -> None:
    """Where trials run and how many at once."""
    how.add_argument(
        "-j", "--jobs", type=positive_int, help="trials in parallel (default: 1, or the run's)"
    )
    how.add_argument(
        "--executor",
        default="local",
        choices=EXECUTORS,
        help="local: a thread pool (-j); ray: each trial a Ray task on a cluster",
    )
    how.add_argument("--ray-address", help="Ray cluster address (default: RAY_ADDRESS or local)")
    how.add_argument(
        "--api-concurrency",
        type=positive_int,
        metavar="N",
        help="model calls in flight at once across the whole run (on Ray: cluster-wide)",
    )


def _sandbox_flags(how: argparse._ArgumentGroup) -> None:
    """The isolation backend; `auto` never falls back to local while bwrap is installed."""
    how.add_argument(
        "--sandbox",
        default="auto",
        choices=["auto", "local", "bwrap"],
        help="auto: bwrap; local only if bubblewrap is not installed (refuses if it is "
        "installed but cannot start)",
    )


def _folder_flags(how: argparse._ArgumentGroup) -> None:
    """Where run records, prepared data and trial workspaces go."""
    how.add_argument("--runs-dir", type=Path, default=Path("runs"), help="where run folders go")
    how.add_argument("--cache-dir", type=Path, help="prepared data cache (default: XDG cache)")
    how.add_argument("--scratch-dir", type=Path, help="where workspaces live (default: tmpfs)")
    how.add_argument("--keep-workspaces", action="store_true", help="keep trial scratch dirs")


def _agent_flags(agent: argparse._ArgumentGroup) -> None:
    """Settings the chosen agent reads (model, command template, network, options)."""
    agent.add_argument("--model", help="model id for API-backed agents")
    agent.add_argument("--agent-command", help="template for --agent command")
    agent.add_argument(
        "--agent-env",
        action="append",
        default=[],
        metavar="NAME",
        help="host variable the command agent may see (repeat); its value is redacted in logs",
    )
    agent.add_argument(
        "--agent-network",
        action="store_true",
        help="command and claude-code agents may use the host network (bwrap)",
    )
    agent.add_argument("--claude-bin", help="path to the Claude Code CLI")
    agent.add_argument(
        "--agent-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="agent-specific setting, e.g. max_retries=3 (VALUE is parsed as JSON if it can be)",
    )


def _judge_flags(judge: argparse._ArgumentGroup) -> None:
    judge.add_argument("--judge-model", metavar="MODEL", help="judge rubric items with MODEL")
    judge.add_argument(
        "--judge-epochs", type=positive_int, default=1, metavar="N", help="majority of N"
    )
    judge.add_argument(
        "--judge-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="judge setting, e.g. max_turns=8 (see mlskills.judge.config)",
    )


# Each flag overrides the task's Limits field of the same name (a test holds them to it).
LIMIT_FLAGS: dict[str, dict[str, Any]] = {
    "agent_timeout": {"type": positive_float, "metavar": "SECONDS"},
    "command_timeout": {"type": positive_float, "metavar": "SECONDS"},
    "max_turns": {"type": positive_int, "help": "model turns per trial"},
    "max_output_tokens": {"type": positive_int, "help": "per model turn"},
    "token_budget": {"type": positive_int, "help": "tokens per trial, all kinds"},
    "cost_limit": {"type": positive_float, "metavar": "DOLLARS"},
}


def _limit_flags(limits: argparse._ArgumentGroup) -> None:
    """Overrides of the task's Limits, one flag per LIMIT_FLAGS entry."""
    for field, options in LIMIT_FLAGS.items():
        limits.add_argument("--" + field.replace("_", "-"), dest=field, **options)


def _limit_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The limit flags the user gave, by Limits field."""
    given = {field: getattr(args, field) for field in LIMIT_FLAGS}
    return {field: value for field, value in given.items() if value is not None}


def _task_ids(args: argparse.Namespace) -> tuple[list[str], int | None, dict]:
    """Tasks from --suite and --task (in that order, without repeats), suite epochs and limits."""
    ids: list[str] = []
    epochs, limits = None, {}
    if args.suite:
        suite = tasks.load_suite(args.suite, args.evals)
        ids.extend(suite.task_ids)
        epochs, limits = suite.epochs, suite.limits
    ids.extend(t for t in args.task if t not in ids)
    if not ids:
        raise MlskillsError("nothing to run: give --suite NAME or --task ID (see `tasks list`)")
    for task_id in ids:
        tasks.find_task(task_id, args.evals)  # validates, with every problem listed
    return ids, epochs, limits


ARMLESS_AGENTS = ("oracle", "nop", "command")


def _check_arms(texts: list[str], agent: str) -> None:
    """Arms must parse, be distinct and name skills that exist; warn where they mean nothing."""
    try:
        arms = [Arm.parse(t) for t in texts]
    except ValueError as exc:
        raise MlskillsError(str(exc)) from exc
    names = [a.name for a in arms]
    if len(set(names)) != len(names):
        raise MlskillsError(f"--arm names must be distinct, got {names}")
    wanted = {s for a in arms for s in (a.skills or ())}
    if wanted:
        from mlskills.pack.load import load_pack

        known = {s.name for s in load_pack().skills}
        if unknown := sorted(wanted - known):
            raise MlskillsError(f"--arm names unknown skills {unknown}; known: {sorted(known)}")
    if agent in ARMLESS_AGENTS and any(a.pack for a in arms):
        print(
            f"warning: the {agent} agent ignores the pack; its arms will not differ",
            file=sys.stderr,
        )


def build_config(args: argparse.Namespace) -> RunConfig:
    """The run's config; every input is checked before the sandbox is chosen (last)."""
    if not args.agent:
        raise MlskillsError("choose an agent with --agent (oracle needs no API key)")
    if args.agent not in agents.REGISTRY:
        known = ", ".join(agents.REGISTRY)
        raise MlskillsError(f"unknown agent {args.agent!r}: use one of {known}")
    extra = key_values(args.agent_option, "--agent-option")
    agents.check_options(args.agent, extra)
    _check_arms(args.arm, args.agent)
    ids, suite_epochs, suite_limits = _task_ids(args)
    cli_limits = _limit_overrides(args)
    options = {
        "extra": extra,
        "model": args.model,
        "command": args.agent_command,
        "claude_bin": args.claude_bin,
        "network": args.agent_network,
        "pass_env": tuple(args.agent_env),
    }
    judge = _judge(args)
    scratch = _scratch(args.scratch_dir)
    kind, reason = sandbox.choose(args.sandbox)  # last: everything else is valid by now
    return RunConfig(
        agent=args.agent,
        task_ids=ids,
        arms=args.arm or ["bare"],
        epochs=args.epochs or suite_epochs or 1,
        seed=args.seed,
        jobs=args.jobs or 1,
        sandbox=kind,
        sandbox_reason=reason,
        suite=args.suite,
        limits={**suite_limits, **cli_limits},
        agent_options=options,
        cache_dir=str(args.cache_dir or paths.default_cache_dir()),
        keep_workspaces=args.keep_workspaces,
        evals=str(args.evals.resolve()) if args.evals else None,
        scratch_dir=scratch,
        judge=judge,
        executor=args.executor,
        ray_address=args.ray_address,
        api_concurrency=args.api_concurrency,
    )


def _judge(args: argparse.Namespace) -> dict | None:
    """The judge's stored config, checked now so a typo fails before any trial runs."""
    if not args.judge_model:
        return None
    options = key_values(args.judge_option, "--judge-option")
    return JudgeConfig(args.judge_model, args.judge_epochs, options).to_dict()


def _scratch(choice: Path | None) -> str | None:
    folder = choice or paths.default_scratch_dir()
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder.resolve())


def handle(args: argparse.Namespace) -> int:
    from mlskills.cli.progress import RunProgress

    if args.resume:  # the alias: `mlskills resume`'s code path, once the flags are checked
        _check_resume_flags(args)
        return resume(args.resume, args.jobs, args.json)
    config = build_config(args)
    with RunProgress(quiet=args.json) as progress:
        # warned once the agent and judge are built: their input errors come first
        warn = functools.partial(_warn_sandbox, config)
        outcome = start_run(config, args.runs_dir, progress, ready=warn)
    return finish(outcome, args.json)


RESUME_FREE = {"resume", "json", "handler", "command", "jobs"}  # -j does not change results


def _check_resume_flags(args: argparse.Namespace) -> None:
    """--resume reruns the stored config; any other setting would be silently ignored
    (`mlskills resume` has no such flags to refuse)."""
    defaults = vars(build_parser_defaults())
    changed = [k for k, v in vars(args).items() if k not in RESUME_FREE and v != defaults.get(k)]
    if changed:
        flags = ", ".join("--" + k.replace("_", "-") for k in sorted(changed))
        raise MlskillsError(
            f"--resume reruns the run as it was configured; drop {flags} "
            "(or start a new run with them)"
        )


def build_parser_defaults() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    return parser.parse_args(["run"])


def _warn_sandbox(config: RunConfig) -> None:
    """Say which sandbox runs, and on local, who the agent is on this machine; then any
    remaining credential exposure."""
    if config.sandbox != "local":
        print(f"sandbox: {config.sandbox} ({config.sandbox_reason})", file=sys.stderr)
    else:
        print(
            f"warning: local sandbox ({config.sandbox_reason}): the agent runs as "
            f"{sandbox.local_user()} on this machine, with your network, and can read the "
            "harness's files including grading data; its scores are unverified",
            file=sys.stderr,
        )
    flow = credential_flow(
        config.agent, config.sandbox, config.agent_options["pass_env"], bool(config.judge)
    )
    for exposure in flow["exposure"]:
        print(f"warning: credential exposure: {exposure}", file=sys.stderr)
    if config.sandbox == "bwrap" and (slow := bytecode.hint()):
        print(slow, file=sys.stderr)
