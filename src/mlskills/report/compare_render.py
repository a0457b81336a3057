"""`compare` output as a terminal table, Markdown, JSON or a small self-contained HTML page."""

from __future__ import annotations

import io
from html import escape

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape as rich_escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlskills.report import fmt, svg
from mlskills.report.compare import ArmPair, Comparison
from mlskills.report.html import asset
from mlskills.report.jsonout import dumps
from mlskills.report.markdown import ICONS, plain, table
from mlskills.report.terminal import STYLES, VERDICT, add_column
from mlskills.tablewidth import natural_width

FORMATS = ("table", "md", "json", "html")


def headline(pair: ArmPair) -> str:
    d, c = pair.diff, pair.diff.counts
    tasks = d.score.tasks if d.score else 0
    return (
        f"A:{pair.arm_a} {fmt.interval(pair.a.score)} → B:{pair.arm_b} "
        f"{fmt.interval(pair.b.score)}; paired Δ (B − A) {fmt.uplift_score(d)}, verdict "
        f"{d.verdict}, on {tasks} shared tasks: {fmt.verdicts(c)}"
    )


def _rows(pair: ArmPair) -> list[list[str]]:
    return [
        [
            d.task,
            fmt.num(d.baseline),
            fmt.num(d.treatment),
            fmt.signed(d.diff),
            fmt.bounds(d.low, d.high),
            d.verdict,
        ]
        for d in pair.diff.tasks
    ]


HEADER = ["task", "A", "B", "Δ B − A", "95% CI", "verdict"]


def to_table(comparison: Comparison) -> str:
    parts: list[RenderableType] = [
        Text.assemble(("compare ", "bold"), f"A {comparison.a.run_id}  ·  B {comparison.b.run_id}")
    ]
    for n in comparison.notices:
        parts.append(Panel(Text(n.text), title=rich_escape(n.title), border_style=STYLES[n.level]))
    for pair in comparison.pairs:
        parts.append(Text(headline(pair), style="bold"))
        grid = Table(box=box.SIMPLE_HEAD, padding=(0, 1))
        for name in HEADER:
            add_column(grid, name, "left" if name == "task" else "right")
        for row in _rows(pair):
            style = VERDICT[row[-1]]
            grid.add_row(
                *map(rich_escape, row[:3]), Text(row[3], style), row[4], Text(row[5], style)
            )
        parts.append(grid)
    buffer = io.StringIO()
    width = natural_width(*parts, least=140)  # ids never fold mid-word in a file or pipe
    Console(file=buffer, width=width, color_system=None).print(Group(*parts))
    return buffer.getvalue()


def to_markdown(comparison: Comparison) -> str:
    lines = [f"# mlskills compare: {comparison.a.run_id} (A) vs {comparison.b.run_id} (B)", ""]
    lines += [
        f"> {ICONS[n.level]} **{plain(n.title)}.** {plain(n.text)}\n" for n in comparison.notices
    ]
    for pair in comparison.pairs:
        lines += [f"## {pair.arm_a} → {pair.arm_b}", "", plain(headline(pair)) + ".", ""]
        lines += [*table(HEADER, _rows(pair)), ""]
    return "\n".join(lines).rstrip() + "\n"


def to_json(comparison: Comparison) -> str:
    return dumps(comparison.to_dict(), indent=2) + "\n"


def _html_pair(pair: ArmPair) -> str:
    d = pair.diff
    rows = []
    if d.score:
        low, high = (d.score.low, d.score.high) if d.has_interval else (None, None)
        rows.append(svg.Row("all shared tasks", d.score.mean, low, high, True))
    rows += [svg.Row(t.task, t.diff, t.low, t.high) for t in d.tasks]
    chart = svg.forest(rows, d.tie, "Δ score (B − A)") if rows else ""
    cells = "".join(
        "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in _rows(pair)
    )
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADER)
    return (
        f"<section class='panel'><h2>{escape(pair.arm_a)} → {escape(pair.arm_b)}</h2>"
        f"<p>{escape(headline(pair))}</p>{chart}<div class='scroll'><table><thead><tr>{head}"
        f"</tr></thead><tbody>{cells}</tbody></table></div></section>"
    )


def to_html(comparison: Comparison) -> str:
    notices = "".join(
        f"<div class='notice {n.level}'><b>{escape(n.title)}</b>{escape(n.text)}</div>"
        for n in comparison.notices
    )
    title = f"mlskills compare {comparison.a.run_id} vs {comparison.b.run_id}"
    policy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{policy}\">"
        f"<title>{escape(title)}</title><style>{asset('report.css')}</style></head><body><main>"
        f"<h1>{escape(title)}</h1><p class='meta'>A = {escape(comparison.a.path)}<br>"
        f"B = {escape(comparison.b.path)}</p>{notices}"
        + "".join(_html_pair(p) for p in comparison.pairs)
        + "</main></body></html>\n"
    )


def render(comparison: Comparison, fmt_name: str) -> str:
    renderers = {"table": to_table, "md": to_markdown, "json": to_json, "html": to_html}
    if fmt_name not in renderers:
        raise ValueError(f"unknown format {fmt_name!r}; use one of {', '.join(FORMATS)}")
    return renderers[fmt_name](comparison)
