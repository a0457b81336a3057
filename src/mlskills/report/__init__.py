"""Reports of a run: numbers with honest intervals, rendered as a table, Markdown, JSON or HTML.

`build_report(run_dir)` computes a `Report` (report.model); `render(report, fmt)` turns it
into text. `compare` does the same for two runs side by side.
"""

from __future__ import annotations

from mlskills.report.build import build_report
from mlskills.report.detail import Budget
from mlskills.report.model import Report

FORMATS = ("table", "md", "json", "html")


def render(report: Report, fmt: str, budget: Budget | None = None) -> str:
    """The report in one of FORMATS; `budget` bounds what the HTML embeds per trial."""
    if fmt == "html":
        from mlskills.report.html import render as page

        return page(report, budget)
    if fmt == "table":
        from mlskills.report.terminal import render as text
    elif fmt == "md":
        from mlskills.report.markdown import render as text
    elif fmt == "json":
        from mlskills.report.jsonout import render as text
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return text(report)


__all__ = ["FORMATS", "Budget", "Report", "build_report", "render"]
