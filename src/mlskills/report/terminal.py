"""The report as terminal tables (rich): what `mlskills report` prints by default."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlskills.report import fmt
from mlskills.report.markdown import (
    JUDGE_HEADER,
    NOT_JUDGED,
    RUBRIC_HEADER,
    judge_rows,
    rubric_rows,
)
from mlskills.report.model import Report, Uplift
from mlskills.stats import Interval

STYLES = {"danger": "bold red", "warn": "yellow", "info": "cyan"}
VERDICT = {"improved": "green", "regressed": "red", "tied": "dim", "uncertain": "yellow"}


def score_style(value: float | None) -> str:
    if value is None:
        return "dim"
    return "green" if value >= 0.75 else "yellow" if value >= 0.4 else "red"


def two_line(value: Interval | None, percent: bool = False) -> Text:
    """Estimate on top, its interval dimmed below: narrow enough for an 80-column terminal."""
    if value is None:
        return Text(fmt.DASH, style="dim")
    if percent:
        top, bottom = f"{value.mean:.0%}", f"[{value.low:.0%}, {value.high:.0%}]"
    else:
        top, bottom = f"{value.mean:.3f}", f"[{value.low:.3f}, {value.high:.3f}]"
    return Text.assemble((top, score_style(None if percent else value.mean)), "\n", (bottom, "dim"))


def grid(title: str) -> Table:
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1))


def errors(counts: dict[str, int]) -> Text:
    """Only what is not `completed`: errors in red, timeouts and limits in yellow."""
    parts = [(f"{n} {s}", "red" if s == "error" else "yellow") for s, n in counts.items() if n]
    kept = [p for p in parts if not p[0].endswith("completed")]
    return Text(" ".join(p[0] for p in kept) or "", style=kept[0][1] if kept else "")


def notices(report: Report) -> list[RenderableType]:
    return [
        Panel(Text(n.text), title=escape(n.title), border_style=STYLES[n.level], expand=True)
        for n in report.notices
    ]


Column = tuple[str, Callable[[Any], RenderableType | str], bool]  # name, value, wide only
IDS = ("task", "arm", "rubric item")  # never cut with "…": a task id must stay whole to be copied


def add_column(table: Table, name: str, justify: str) -> None:
    """Numbers never wrap; ids fold onto a second line rather than lose characters."""
    if name in IDS:
        table.add_column(escape(name), justify="left", overflow="fold")
    else:
        table.add_column(escape(name), justify=justify, no_wrap=True)  # type: ignore[arg-type]


def fill(title: str, columns: list[Column], items: list[Any], wide: bool) -> Table:
    """A table of the given columns; narrow terminals drop wide-only ones, all drop empty ones."""
    kept = [c for c in columns if wide or not c[2]]
    rows = [[value(item) for _, value, _ in kept] for item in items]
    show = [any(str(row[i]) for row in rows) for i in range(len(kept))]
    table = grid(title)
    for index, (name, _, _) in enumerate(kept):
        if show[index]:
            add_column(table, name, "left" if index == 0 else "right")
    for row in rows:
        table.add_row(*(cell for cell, on in zip(row, show, strict=True) if on))
    return table


def arms_table(report: Report, wide: bool = True) -> Table:
    k = report.k
    columns: list[Column] = [
        ("arm", lambda a: escape(a.arm), False),
        ("score", lambda a: two_line(a.score), False),
        ("pass rate", lambda a: two_line(a.pass_rate, percent=True), False),
        (f"pass@{k}", lambda a: fmt.pct(a.pass_at_k), False),
        (f"pass^{k}", lambda a: fmt.pct(a.pass_hat_k), False),
        ("tasks", lambda a: str(a.tasks), True),
        ("trials", lambda a: str(a.trials), False),
        ("not ok", lambda a: errors(a.status), False),
        ("cost", lambda a: fmt.money(a.cost), False),
        ("time", lambda a: fmt.seconds(a.mean_wall_seconds), True),
    ]
    title = "Arms · means weigh tasks equally · 95% bootstrap intervals"
    return fill(title, columns, report.arms, wide)


def uplift_table(uplift: Uplift) -> Group:
    c = uplift.counts
    line = Text.assemble(
        (f"Uplift of {uplift.treatment} over {uplift.baseline}: ", "bold"),
        (fmt.uplift_score(uplift), "bold"),
        "  verdict ",
        (uplift.verdict, VERDICT.get(uplift.verdict, "bold")),
        f"  ·  pass rate {fmt.uplift_pass_rate(uplift)}  ·  per task ",
        (f"{c['improved']} improved", VERDICT["improved"]),
        ", ",
        (f"{c['regressed']} regressed", VERDICT["regressed"]),
        f", {c['tied']} tied, ",
        (f"{c['uncertain']} uncertain", VERDICT["uncertain"]),
    )
    table = grid("Per task, regressions first (Δ with a 95% interval over epochs)")
    add_column(table, "task", "left")
    for name in (uplift.baseline, uplift.treatment, "Δ", "95% CI", "verdict"):
        add_column(table, name, "right")
    for d in uplift.tasks:
        table.add_row(
            escape(d.task),
            fmt.num(d.baseline),
            fmt.num(d.treatment),
            Text(fmt.signed(d.diff), style=VERDICT[d.verdict]),
            fmt.bounds(d.low, d.high),
            Text(d.verdict, style=VERDICT[d.verdict]),
        )
    return Group(line, table)


def tasks_table(report: Report, wide: bool = True) -> Table:
    k = report.k
    columns: list[Column] = [
        ("task", lambda c: escape(c.task), False),
        ("arm", lambda c: escape(c.arm), False),
        ("score", lambda c: Text(fmt.num(c.mean_score), style=score_style(c.mean_score)), False),
        ("pass", lambda c: f"{c.passed}/{c.scored}", False),
        (f"pass@{k}", lambda c: fmt.pct(c.pass_at_k), False),
        (f"pass^{k}", lambda c: fmt.pct(c.pass_hat_k), False),
        ("metric", lambda c: fmt.num(c.mean_metric, 4), True),
        ("not ok", lambda c: errors(c.status), False),
        ("tok in/out", lambda c: _pair(c.tokens["input"], c.tokens["output"]), True),
        ("cache r/w", lambda c: _pair(c.tokens["cache_read"], c.tokens["cache_write"]), True),
        ("cost", lambda c: fmt.money(c.cost), False),
        ("time", lambda c: fmt.seconds(c.mean_wall_seconds), True),
    ]
    return fill("Tasks × arms · per-trial means, total cost", columns, report.cells, wide)


def rubric_table(report: Report) -> RenderableType:
    """The judge's verdicts, then the score without and with them and the judge's cost."""
    if not report.rubric_judged:
        return Text(f"Rubric: {NOT_JUDGED}.", style="dim")
    titles = (
        "Rubric verdicts (LLM judge; judged items weigh like checks)",
        "Score without and with the rubric; the judge's own tokens and cost",
    )
    tables = []
    for title, header, rows in zip(
        titles,
        (RUBRIC_HEADER, JUDGE_HEADER),
        (rubric_rows(report), judge_rows(report)),
        strict=True,
    ):
        table = grid(title)
        for index, name in enumerate(header):
            add_column(table, name, "left" if index < 2 else "right")
        for row in rows:
            table.add_row(*map(escape, row))
        tables.append(table)
    return Group(*tables)


def _pair(first: float, second: float) -> str:
    return f"{fmt.tokens(first)}/{fmt.tokens(second)}"


def renderables(report: Report, width: int = 140) -> Group:
    """Everything, laid out for a terminal `width` columns wide."""
    wide = width >= 120
    run = report.run
    head = Text.assemble(
        ("mlskills report ", "bold"),
        (run.run_id, "bold cyan"),
        f"  agent {run.agent}{f' ({run.model})' if run.model else ''} · "
        f"{len(report.task_ids)} tasks · {run.epochs} epochs · sandbox {run.sandbox} · "
        f"status {run.status}",
    )
    parts: list[RenderableType] = [head, *notices(report), arms_table(report, wide)]
    if report.uplift:
        parts.append(uplift_table(report.uplift))
    parts.append(tasks_table(report, wide))
    if report.has_rubric:
        parts.append(rubric_table(report))
    return Group(*parts)


def render(report: Report, width: int = 140, color: bool = False) -> str:
    """Render to a string (the CLI prints straight to the console instead)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system=None)
    console.print(renderables(report, width))
    return buffer.getvalue()
