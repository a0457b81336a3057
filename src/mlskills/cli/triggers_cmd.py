"""`mlskills triggers`: does a coding agent pick the right skill or subagent for a request?

  list      the cases per pack item
  run       show each case to an agent, stop at its first tool call, record the choice
  report    recall and false triggers per item, with intervals, a confusion table and
            the cases that failed most
  compare   two runs (e.g. two description versions), item by item
  improve   rewrite one description from its failures; keep it only if it helps on
            held-out cases (writes nothing unless --write)

Exit codes (run): 0 every session recorded without error; 1 some sessions errored or the
run stopped early (--max-cost); 2 bad input; 130 interrupted (resume with --resume).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from mlskills import paths, sandbox
from mlskills.cli.argtypes import positive_float, positive_int
from mlskills.errors import MlskillsError
from mlskills.pack.load import Pack, load_pack
from mlskills.triggers import improve as improving
from mlskills.triggers import runner
from mlskills.triggers.cases import TriggerCase, load_cases, project_dir
from mlskills.triggers.metrics import compute
from mlskills.triggers.record import TriggerRecord, TriggerRun
from mlskills.triggers.render import (
    FORMATS,
    compare_rows,
    md_table,
    print_table,
    render,
    rich_table,
)
from mlskills.triggers.session import Session
from mlskills.triggers.targets import Targets

AGENTS = ("anthropic", "claude-code")
DEFAULT_MODEL = "claude-sonnet-4-5"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "triggers",
        help="trigger evals: does the agent load the right skill or subagent?",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")

    lst = verbs.add_parser("list", help="the cases per pack item")
    _cases_arg(lst)
    lst.set_defaults(handler=_list)

    run = verbs.add_parser("run", help="run the trigger cases against an agent")
    _session_args(run)
    run.add_argument("--case", action="append", default=[], metavar="ID", help="repeatable")
    run.add_argument("--resume", type=Path, metavar="RUN_DIR", help="finish an earlier run")
    run.add_argument("--json", action="store_true", help="print the metrics as JSON")
    run.set_defaults(handler=_run)

    rep = verbs.add_parser("report", help="metrics of a trigger run")
    rep.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    rep.add_argument("--format", choices=FORMATS, default="table")
    rep.add_argument("--out", type=Path, help="write to a file instead of the terminal")
    rep.set_defaults(handler=_report)

    cmp_ = verbs.add_parser("compare", help="two trigger runs, item by item (B minus A)")
    cmp_.add_argument("run_a", type=Path, metavar="RUN_A")
    cmp_.add_argument("run_b", type=Path, metavar="RUN_B")
    cmp_.add_argument("--format", choices=("table", "md", "json"), default="table")
    cmp_.set_defaults(handler=_compare)

    imp = verbs.add_parser("improve", help="propose a better description, judged on held-out")
    which = imp.add_mutually_exclusive_group(required=True)
    which.add_argument("--skill", metavar="NAME")
    which.add_argument("--subagent", metavar="NAME")
    _session_args(imp)
    imp.add_argument("--proposer-model", help="model that rewrites (default: --model)")
    imp.add_argument("--write", action="store_true", help="write a kept description to the pack")
    imp.set_defaults(handler=_improve)


def _cases_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--cases", type=Path, help="trigger cases folder (default: the bundled evals/triggers)"
    )


def _session_args(p: argparse.ArgumentParser) -> None:
    _cases_arg(p)
    p.add_argument(
        "--pack", type=Path, help="pack folder with agents/ and skills/ (default: the bundled one)"
    )
    p.add_argument("--agent", choices=AGENTS, help="anthropic (our API session) or claude-code")
    p.add_argument("--model", help=f"model id (anthropic default: {DEFAULT_MODEL})")
    p.add_argument("--repeats", type=positive_int, default=3, help="sessions per case")
    p.add_argument("-j", "--jobs", type=positive_int, default=2, help="sessions in parallel")
    p.add_argument("--max-cost", type=positive_float, metavar="USD", help="stop at this spend")
    p.add_argument("--sandbox", default="auto", choices=["auto", "local", "bwrap"])
    p.add_argument("--claude-bin", help="path to the Claude Code CLI")
    p.add_argument("--runs-dir", type=Path, default=Path("runs"), help="where run folders go")
    p.add_argument("--scratch-dir", type=Path, help="where session workspaces live")


# ------------------------------------------------------------------ helpers


def cases_folder(given: Path | None) -> Path:
    return given if given else paths.evals_dir() / "triggers"


def make_session(config: runner.TriggerConfig, pack: Pack, scratch: Path | None = None) -> Session:
    project = project_dir(Path(config.cases_dir))
    if not project.is_dir():
        raise MlskillsError(f"{project}: the trigger project folder is missing")
    if config.agent == "anthropic":
        from mlskills.triggers.api_session import ApiSession

        return ApiSession(config.model or DEFAULT_MODEL, project)
    from mlskills.triggers.cli_session import ClaudeCodeSession

    kind = config.sandbox
    if kind == "auto":
        kind, _ = sandbox.default_kind()
    return ClaudeCodeSession(pack, project, kind, config.model, config.claude_bin, scratch)


def _select(cases: list[TriggerCase], ids: list[str]) -> list[TriggerCase]:
    if not ids:
        return cases
    known = {c.id: c for c in cases}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise MlskillsError(f"unknown case id(s) {unknown}; see `mlskills triggers list`")
    return [known[i] for i in ids]


def _progress(total: int, quiet: bool) -> Callable[[TriggerRecord], None]:
    """A line per record on stderr, `[n/total] case#repeat -> choice ok|MISS|ERROR`."""
    seen = 0

    def on_record(record: TriggerRecord) -> None:
        nonlocal seen
        seen += 1
        if quiet:
            return
        mark = {True: "ok", False: "MISS", None: "ERROR"}[record.correct]
        what = record.choice or (record.error or "")[:80]
        print(
            f"[{seen}/{total}] {record.case_id}#{record.repeat} -> {what} {mark}",
            file=sys.stderr,
        )

    return on_record


def _config(args: argparse.Namespace, folder: Path, case_ids: list[str]) -> runner.TriggerConfig:
    """A new run's config from the session flags (`--resume` reads the stored one instead)."""
    return runner.TriggerConfig(
        agent=args.agent,
        model=args.model,
        repeats=args.repeats,
        jobs=args.jobs,
        cases_dir=str(folder.resolve()),
        case_ids=case_ids,
        max_cost=args.max_cost,
        sandbox=args.sandbox,
        claude_bin=args.claude_bin,
    )


def _execute(
    run: TriggerRun,
    session: Session,
    targets: Targets,
    plan: runner.Plan,
    config: runner.TriggerConfig,
    quiet: bool,
) -> runner.TriggerOutcome:
    """The plan run with the config's parallelism and cost cap, a line per record unless quiet."""
    return runner.execute(
        run, session, targets, plan, config.jobs, config.max_cost, _progress(plan.sessions, quiet)
    )


# ------------------------------------------------------------------ verbs


def _list(args: argparse.Namespace) -> int:
    targets = Targets.from_pack(load_pack())
    cases = load_cases(cases_folder(args.cases), targets.labels)
    for label in targets.labels:
        n = sum(1 for c in cases if c.is_positive_for(label))
        print(f"{label:40} {n:3d} positive case(s)")
    print(f"{'none of ours (negatives)':40} {sum(c.negative for c in cases):3d}")
    print(f"{len(cases)} case(s) in {cases_folder(args.cases)}")
    return 0


def _run(args: argparse.Namespace) -> int:
    pack = load_pack(args.pack)
    targets = Targets.from_pack(pack)
    if args.resume:
        run, config = runner.open_for_resume(args.resume)
        runner.check_resumable(run, targets)
        cases = _select(load_cases(Path(config.cases_dir), targets.labels), config.case_ids)
        plan = runner.plan(cases, config.repeats, run.latest())
        if not plan.work:
            print(f"nothing to resume: every session of {run.path} is recorded")
            return 0
    else:
        if not args.agent:
            raise MlskillsError("choose an agent with --agent (anthropic or claude-code)")
        folder = cases_folder(args.cases)
        cases = _select(load_cases(folder, targets.labels), args.case)
        config = _config(args, folder, case_ids=list(args.case))
        plan = runner.plan(cases, config.repeats)
    session = make_session(config, pack, args.scratch_dir)
    print(runner.describe_plan(plan, config.agent, config.max_cost), file=sys.stderr)
    if not args.resume:
        run = TriggerRun.create(args.runs_dir, runner.run_metadata(config, session, targets, cases))
    else:
        run.update(status="running")
    try:
        outcome = _execute(run, session, targets, plan, config, quiet=args.json)
    finally:
        session.close()
    return _finish_run(outcome, targets, {c.id: c for c in cases}, args.json)


def _finish_run(
    outcome: runner.TriggerOutcome, targets: Targets, cases: dict, as_json: bool
) -> int:
    records = list(outcome.run.latest().values())
    metrics = compute(records, list(targets.labels), _digests(targets))
    meta = outcome.run.meta()
    if as_json:
        print(render("json", metrics, meta, cases))
    else:
        print_table(render("table", metrics, meta, cases))
        print(f"run folder: {outcome.run.path} ({outcome.status})")
    if outcome.status == "interrupted":
        print(
            f"interrupted: resume with mlskills triggers run --resume {outcome.run.path}",
            file=sys.stderr,
        )
        return 130
    if outcome.status == "cost_limit":
        print(
            "stopped: the spend reached --max-cost (or a model had no known price)", file=sys.stderr
        )
        return 1
    return 1 if metrics.errors or outcome.status != "finished" else 0


def _digests(targets: Targets) -> dict[str, str]:
    return {t.label: t.digest for t in targets.items}


def _loaded(path: Path) -> tuple[dict, list[TriggerRecord]]:
    run = TriggerRun.open(path)
    return run.meta(), list(run.latest().values())


def _metrics_of(meta: dict, records: list[TriggerRecord]):
    stored = meta.get("targets") or {}
    labels = list(stored) or sorted({label for r in records for label in r.expect})
    digests = {label: (info or {}).get("sha256", "") for label, info in stored.items()}
    return compute(records, labels, digests)


def _report(args: argparse.Namespace) -> int:
    meta, records = _loaded(args.run_dir)
    folder = Path((meta.get("config") or {}).get("cases_dir") or cases_folder(None))
    cases = _cases_for_report(folder, meta)
    out = render(args.format, _metrics_of(meta, records), meta, cases)
    if args.out:
        if args.out.suffix.lower() not in {".txt", ".md", ".json", ".html", ".htm"}:
            raise MlskillsError(f"--out {args.out}: use .txt, .md, .json or .html")
        if not args.out.parent.is_dir():
            raise MlskillsError(f"--out {args.out}: the folder {args.out.parent} does not exist")
        if args.format == "table":
            raise MlskillsError("--out with --format table: pick md, json or html")
        args.out.write_text(str(out), encoding="utf-8")
        print(f"wrote {args.out}")
    elif args.format == "table":
        print_table(out)
    else:
        print(out)
    return 0


def _cases_for_report(folder: Path, meta: dict) -> dict[str, TriggerCase]:
    """Case texts for the report's excerpts; a moved or edited folder only loses excerpts."""
    labels = tuple(meta.get("targets") or {})
    try:
        return {c.id: c for c in load_cases(folder, labels)}
    except MlskillsError:
        return {}


def _compare(args: argparse.Namespace) -> int:
    meta_a, rec_a = _loaded(args.run_a)
    meta_b, rec_b = _loaded(args.run_b)
    rows = compare_rows(_metrics_of(meta_a, rec_a), _metrics_of(meta_b, rec_b))
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return 0
    if args.format == "md":
        print("\n".join(md_table(rows)))
        return 0
    print_table(rich_table(f"{args.run_a.name} → {args.run_b.name}", rows))
    return 0


def _improve(args: argparse.Namespace) -> int:
    if not args.agent:
        raise MlskillsError("choose an agent with --agent (anthropic or claude-code)")
    pack = load_pack(args.pack)
    targets = Targets.from_pack(pack)
    label = f"skill:{args.skill}" if args.skill else f"agent:{args.subagent}"
    if label not in targets.labels:
        raise MlskillsError(f"{label} is not in the pack; known: {', '.join(targets.labels)}")
    folder = cases_folder(args.cases)
    cases = load_cases(folder, targets.labels)
    train = [c for c in cases if not c.held_out]
    held = [c for c in cases if c.held_out]
    if not any(c.is_positive_for(label) for c in held):
        raise MlskillsError(f"no held-out positive case for {label}: add cases first")
    config = _config(args, folder, case_ids=[])
    session = make_session(config, pack, args.scratch_dir)
    try:
        baseline = _measure(session, targets, cases, config, args.runs_dir, "current")
        missed, false = improving.failures(
            [r for r in baseline if r.case_id in {c.id for c in train}],
            {c.id: c for c in train},
            label,
        )
        current = targets.get(label).description
        if not missed and not false:
            print(f"{label}: no failures on the training cases; nothing to improve")
            return 0
        candidate = _propose(args, label, current, missed, false)
        trial = targets.with_description(label, candidate)
        tried = _measure(session, trial, held, config, args.runs_dir, "candidate")
    finally:
        session.close()
    held_ids = {c.id for c in held}
    before = improving.score([r for r in baseline if r.case_id in held_ids], label)
    after = improving.score(tried, label)
    kept, why = improving.keep(before, after)
    print(improving.diff(label, current, candidate))
    print(f"{'KEEP' if kept else 'REJECT'}: {why}")
    if kept and args.write:
        item = (
            pack.skill(args.skill).path / "SKILL.md"
            if args.skill
            else pack.agent(args.subagent).path
        )
        print(f"wrote {improving.write(item, candidate)}")
    elif kept:
        print("run again with --write to save it")
    return 0


def _propose(args, label: str, current: str, missed: list[str], false: list[str]) -> str:
    import anthropic

    client = anthropic.Anthropic(max_retries=4)
    prompt = improving.proposal_prompt(label, current, missed, false)
    try:
        return improving.propose(client, args.proposer_model or args.model or DEFAULT_MODEL, prompt)
    except (ValueError, anthropic.APIError) as exc:
        raise MlskillsError(f"no usable proposal: {exc}") from exc
    finally:
        client.close()


def _measure(session, targets, cases, config, runs_dir, what: str) -> list[TriggerRecord]:
    plan = runner.plan(cases, config.repeats)
    print(f"{what}: " + runner.describe_plan(plan, config.agent, config.max_cost), file=sys.stderr)
    run = TriggerRun.create(runs_dir, runner.run_metadata(config, session, targets, cases))
    outcome = _execute(run, session, targets, plan, config, quiet=False)
    if outcome.status != "finished":
        raise MlskillsError(f"the {what} run did not finish ({outcome.status}): {run.path}")
    print(f"{what} descriptions: {run.path}", file=sys.stderr)
    return outcome.records
