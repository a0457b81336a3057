"""The report as one self-contained HTML file: inline CSS, JS and SVG, no network at all.

A strict Content-Security-Policy blocks every fetch and allows only our own script (by
hash), so even a transcript that slipped past escaping could not run code. Per-trial data
is gzip+base64 in its own inert <script> block and decoded only when opened, which keeps a
1,000-trial page small and quick to open.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from importlib import resources
from pathlib import Path

from mlskills.records import RunDir
from mlskills.report import panels, sections
from mlskills.report.detail import Budget, trial_detail
from mlskills.report.jsonout import dumps
from mlskills.report.model import Report
from mlskills.schema import TrialRecord


def asset(name: str) -> str:
    return resources.files("mlskills.report").joinpath("assets", name).read_text("utf-8")


def script_json(value: object) -> str:
    """JSON safe inside <script>: no `<`, `>` or `&` survive, so no tag can be closed early."""
    text = dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def packed(value: object) -> str:
    """gzip + base64 of the JSON (mtime 0, so the same run gives the same file).

    Values must already be JSON-safe (detail.trial_detail sees to that): no NaN pass.
    """
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return base64.b64encode(gzip.compress(raw.encode(), compresslevel=6, mtime=0)).decode()


def csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def index(report: Report) -> dict[str, object]:
    rows = [{"i": i, **row} for i, row in enumerate(report.trials)]
    return {"run": report.run.run_id, "k": report.k, "trials": rows}


def trial_blocks(run_path: Path, records: list[TrialRecord], budget: Budget) -> str:
    return "\n".join(
        f"<script type='application/octet-stream' id='trial-{i}'>"
        f"{packed(trial_detail(run_path, record, budget))}</script>"
        for i, record in enumerate(records)
    )


def section(ident: str, title: str, body: str) -> str:
    return f"<section class='panel' id='{ident}'><h2>{title}</h2>{body}</section>"


def body(report: Report) -> str:
    uplift_title = "Uplift"
    if report.uplift:
        uplift_title += f" of {sections.esc(report.uplift.treatment)} over "
        uplift_title += sections.esc(report.uplift.baseline)
    charts = (
        f"<div class='two'>{section('uplift', uplift_title, sections.uplift_chart(report.uplift))}"
        f"{section('cost', 'Cost and score', panels.cost_chart(report))}</div>"
    )
    return "".join(
        [
            sections.header(report),
            sections.notices(report),
            sections.cards(report),
            section(
                "heat",
                "Scores by task",
                sections.heatmap(report)
                + panels.numbers_table(report)
                + panels.rubric_table(report),
            ),
            charts,
            section("trials", "Trials", panels.EXPLORER),
            panels.footer(report),
        ]
    )


def render(report: Report, budget: Budget | None = None) -> str:
    """The whole page; trial details are read from the run folder the report came from."""
    records = records_in_order(report)
    script = asset("report.js")
    title = sections.esc(f"mlskills report {report.run.run_id}")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{csp(script)}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>{asset('report.css')}</style></head><body><main>"
        f"{body(report)}</main>"
        f"<script type='application/json' id='report-index'>{script_json(index(report))}</script>"
        f"{trial_blocks(Path(report.run.path), records, budget or Budget())}"
        f"<script>{script}</script></body></html>\n"
    )


def records_in_order(report: Report) -> list[TrialRecord]:
    """The latest records, ordered like `report.trials` (task, arm, epoch)."""
    latest = RunDir.open(Path(report.run.path)).latest()
    order = {(r["task"], r["arm"], r["epoch"]): i for i, r in enumerate(report.trials)}
    chosen = [r for r in latest.values() if (r.task_id, r.arm, r.epoch) in order]
    return sorted(chosen, key=lambda r: order[(r.task_id, r.arm, r.epoch)])
