"""Trigger reports in four formats from one row model: table, Markdown, JSON and HTML."""

from __future__ import annotations

import html
import json
from typing import Any

from rich.console import Console, Group
from rich.table import Table

from mlskills.report.fmt import DASH, money, pct_interval
from mlskills.stats import Interval
from mlskills.triggers.cases import TriggerCase
from mlskills.triggers.metrics import TriggerMetrics

FORMATS = ("table", "md", "json", "html")
PROMPT_EXCERPT = 110


def target_rows(metrics: TriggerMetrics) -> list[dict[str, str]]:
    return [
        {
            "item": t.label,
            "positives": str(t.positives),
            "recall": pct_interval(t.recall),
            "false triggers": pct_interval(t.false_triggers),
            "false (n)": str(t.false_trigger_count),
        }
        for t in metrics.targets
    ]


def worst_rows(metrics: TriggerMetrics, cases: dict[str, TriggerCase]) -> list[dict[str, str]]:
    rows = []
    for summary in metrics.worst():
        prompt = " ".join(cases[summary.case_id].prompt.split()) if summary.case_id in cases else ""
        chosen = ", ".join(f"{k}×{v}" for k, v in sorted(summary.chosen.items()))
        rows.append(
            {
                "case": summary.case_id,
                "right": f"{summary.correct}/{summary.sessions}",
                "expected": ", ".join(summary.expect) or "none",
                "chosen": chosen,
                "request": _cut(prompt, PROMPT_EXCERPT),
            }
        )
    return rows


def confusion_rows(metrics: TriggerMetrics) -> tuple[list[str], list[dict[str, str]]]:
    columns = sorted({c for row in metrics.confusion.values() for c in row})
    rows = [
        {"expected": expected, **{c: str(row.get(c, "")) for c in columns}}
        for expected, row in metrics.confusion.items()
    ]
    return ["expected", *columns], rows


def headline(metrics: TriggerMetrics) -> dict[str, str]:
    return {
        "sessions": str(metrics.sessions),
        "errors (not scored)": str(metrics.errors),
        "right choice": pct_interval(metrics.accuracy),
        "negatives with none of ours": pct_interval(metrics.negatives_clean),
        "cost": money(metrics.cost),
        "tokens": f"{metrics.tokens:,}",
    }


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------------ formats


def as_json(metrics: TriggerMetrics, meta: dict[str, Any]) -> str:
    return json.dumps({"run": _run_facts(meta), **metrics.to_dict()}, indent=2, default=str)


def _run_facts(meta: dict[str, Any]) -> dict[str, Any]:
    keys = ("agent", "config", "descriptions_digest", "status", "spent_usd")
    return {k: meta.get(k) for k in keys}


def as_markdown(metrics: TriggerMetrics, meta: dict[str, Any], cases: dict) -> str:
    out = [f"# Trigger run ({meta.get('descriptions_digest', DASH)})", ""]
    out += [f"- **{k}**: {v}" for k, v in headline(metrics).items()] + [""]
    out += ["## Per pack item", "", *md_table(target_rows(metrics)), ""]
    columns, rows = confusion_rows(metrics)
    out += ["## Confusion (expected → chosen)", "", *md_table(rows, columns), ""]
    out += ["## Cases that failed most", "", *md_table(worst_rows(metrics, cases)), ""]
    return "\n".join(out)


def md_table(rows: list[dict[str, str]], columns: list[str] | None = None) -> list[str]:
    if not rows:
        return ["(none)"]
    columns = columns or list(rows[0])
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(_md_cell(row.get(c, "")) for c in columns) + " |" for row in rows),
    ]


def _md_cell(value: Any) -> str:
    """A value that cannot break its Markdown table row."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def as_html(metrics: TriggerMetrics, meta: dict[str, Any], cases: dict) -> str:
    columns, rows = confusion_rows(metrics)
    facts = "".join(
        f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in headline(metrics).items()
    )
    body = (
        f"<h1>Trigger run <code>{html.escape(str(meta.get('descriptions_digest', '')))}</code></h1>"
        f"<ul>{facts}</ul>"
        f"<h2>Per pack item</h2>{_html_table(target_rows(metrics))}"
        f"<h2>Confusion (expected → chosen)</h2>{_html_table(rows, columns)}"
        f"<h2>Cases that failed most</h2>{_html_table(worst_rows(metrics, cases))}"
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\"><title>mlskills trigger report</title>"
        "<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _html_table(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    if not rows:
        return "<p>(none)</p>"
    columns = columns or list(rows[0])
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(r.get(c, '')))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def as_table(metrics: TriggerMetrics, meta: dict[str, Any], cases: dict) -> Group:
    facts = Table.grid(padding=(0, 2))
    for key, value in headline(metrics).items():
        facts.add_row(key, value)
    columns, rows = confusion_rows(metrics)
    return Group(
        facts,
        rich_table("Per pack item", target_rows(metrics)),
        rich_table("Confusion (expected → chosen)", rows, columns),
        rich_table("Cases that failed most", worst_rows(metrics, cases)),
    )


def rich_table(title: str, rows: list[dict[str, str]], columns: list[str] | None = None) -> Table:
    table = Table(title=title, title_justify="left")
    columns = columns or (list(rows[0]) if rows else ["(none)"])
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(row.get(c, "") for c in columns))
    return table


def render(fmt: str, metrics: TriggerMetrics, meta: dict[str, Any], cases: dict) -> str | Group:
    if fmt == "json":
        return as_json(metrics, meta)
    if fmt == "md":
        return as_markdown(metrics, meta, cases)
    if fmt == "html":
        return as_html(metrics, meta, cases)
    return as_table(metrics, meta, cases)


def print_table(group: Group, width: int | None = None) -> None:
    Console(width=width or 140, soft_wrap=False).print(group)


# ------------------------------------------------------------------ compare


def compare_rows(a: TriggerMetrics, b: TriggerMetrics) -> list[dict[str, str]]:
    """Per item, B minus A: the change a new description version made."""
    before = {t.label: t for t in a.targets}
    rows = []
    for t in b.targets:
        old = before.get(t.label)
        rows.append(
            {
                "item": t.label,
                "description": "changed"
                if old and old.description_sha256 != t.description_sha256
                else "same",
                "recall A": pct_interval(old.recall) if old else DASH,
                "recall B": pct_interval(t.recall),
                "Δ recall": _delta(old.recall if old else None, t.recall),
                "false A": pct_interval(old.false_triggers) if old else DASH,
                "false B": pct_interval(t.false_triggers),
                "Δ false": _delta(old.false_triggers if old else None, t.false_triggers),
            }
        )
    return rows


def _delta(a: Interval | None, b: Interval | None) -> str:
    if a is None or b is None:
        return DASH
    return f"{(b.mean - a.mean) * 100:+.0f} pp"


__all__ = ["FORMATS", "compare_rows", "print_table", "render"]
