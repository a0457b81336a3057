"""Every output format from one run: contents, valid JSON, self-contained and inert HTML."""

from __future__ import annotations

import base64
import gzip
import json
import math
import re

import pytest
from fakes.synthetic_run import Spec, synthesise, trial, write_run

from mlskills.report import FORMATS, build_report, render
from mlskills.report.detail import Budget, cut, fit
from mlskills.report.terminal import render as terminal_render

ATTACK = "</script><script>window.__pwned = 1</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def run_path(tmp_path_factory):
    return synthesise(tmp_path_factory.mktemp("runs"), Spec(tasks=3, epochs=2, errors=0.1))


@pytest.fixture(scope="module")
def report(run_path):
    return build_report(run_path)


def test_every_format_renders(report):
    for name in FORMATS:
        assert render(report, name).strip()
    with pytest.raises(ValueError):
        render(report, "pdf")


def test_table_shows_arms_uplift_and_tasks(report):
    text = render(report, "table")
    assert "Uplift of pack over bare" in text
    for task in report.task_ids:
        assert task in text
    assert "pass@2" in text


def test_markdown_has_sections_and_numbers(report):
    text = render(report, "md")
    for heading in ("# mlskills report", "## Arms", "## Uplift: pack over bare", "## Tasks"):
        assert heading in text
    bare = report.arms[0]
    assert f"{bare.score.mean:.3f} [{bare.score.low:.3f}, {bare.score.high:.3f}]" in text
    assert text.count("| task-000 |") == 3  # uplift row plus one per arm


def test_json_is_strict_and_complete(report):
    data = json.loads(render(report, "json"), parse_constant=pytest.fail)
    assert {"run", "k", "cells", "arms", "uplift", "notices", "trials"} <= set(data)
    assert data["arms"][0]["score"]["level"] == 0.95
    assert len(data["trials"]) == 12


def test_json_has_no_nan(tmp_path):
    records = [trial("a", "bare", 0, 0.5, metric=math.nan), trial("a", "bare", 1, 0.7)]
    text = render(build_report(write_run(tmp_path, records)), "json")
    assert "NaN" not in text
    json.loads(text)


def test_html_is_self_contained(report):
    page = render(report, "html")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(link|iframe|img|object|embed)\b", page)
    assert not re.search(r"\b(src|href)\s*=", page)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg"}
    for section in ("id='heat'", "id='uplift'", "id='cost'", "id='trials'", "class='cards'"):
        assert section in page


def test_html_embeds_each_trial_once_compressed(report):
    page = render(report, "html")
    blocks = re.findall(r"id='trial-(\d+)'>([A-Za-z0-9+/=]+)</script>", page)
    assert len(blocks) == len(report.trials)
    first = json.loads(gzip.decompress(base64.b64decode(blocks[0][1])))
    assert first["record"]["task_id"] == report.trials[0]["task"]
    kinds = [e["kind"] for e in first["transcript"]["events"]]
    assert kinds[0] == "agent_start" and "tool_call" in kinds


def test_html_escapes_agent_text(tmp_path):
    records = [trial(f"a{ATTACK}", "bare", 0, None, status="error", error=ATTACK)]
    page = render(build_report(write_run(tmp_path, records)), "html")
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert page.count("<script") == page.count("</script>")


def test_cut_keeps_head_and_tail():
    text = "h" * 600 + "m" * 1000 + "t" * 400
    short = cut(text, 1000)
    assert short.startswith("h" * 600) and short.endswith("t" * 250)
    assert "1,000 characters cut" in short
    assert cut("short", 10) == "short"


def test_fit_keeps_both_ends_within_budget():
    events = [{"kind": "e", "n": i, "pad": "x" * 80} for i in range(100)]
    kept, dropped = fit(events, 2000)
    assert dropped > 0 and kept[0]["n"] == 0 and kept[-1]["n"] == 99
    assert any(e["kind"] == "cut" for e in kept)
    assert len(json.dumps(kept)) < 2300
    assert fit(events[:3], 10_000) == (events[:3], 0)


def test_budget_bounds_the_page(tmp_path):
    path = synthesise(tmp_path, Spec(tasks=1, arms=("bare",), epochs=2, turns=40))
    small = render(build_report(path), "html")
    from mlskills.report.html import render as html

    tiny = html(build_report(path), Budget(string_chars=200, trial_chars=3000))
    assert len(tiny) < len(small)


def test_rubric_verdicts_are_counted_apart_from_the_score(tmp_path):
    verdicts = [{"id": "no-leakage", "verdict": v} for v in ("pass", "fail")]
    grade = {"score": 0.5, "passed": True, "checks": [], "rubric": verdicts[:1]}
    other = {**grade, "rubric": [*verdicts[1:], {"id": "explains", "verdict": "not judged"}]}
    records = [trial("a", "bare", 0, 0.5, grade=grade), trial("a", "bare", 1, 0.5, grade=other)]
    report = build_report(write_run(tmp_path, records))
    cell = report.cell("a", "bare")
    assert cell.rubric == {"no-leakage": {"pass": 1, "fail": 1}, "explains": {"not judged": 1}}
    assert cell.mean_score == 0.5
    assert "| a | bare | no-leakage | 1 | 1 | 0 | 0 |" in render(report, "md")
    assert "Rubric verdicts" in render(report, "table")
    assert "class='rubric'" in render(report, "html")
    assert "not judged (no --judge-model)" not in render(report, "md")
    plain = write_run(tmp_path, [trial("a", "bare", 0, 0.5)], run_id="plain")
    assert "Rubric" not in render(build_report(plain), "md")


def test_rubric_without_a_judge_is_one_line_in_every_format(tmp_path):
    items = [{"id": "no-leakage", "verdict": "not judged"}, {"id": "explains", "verdict": None}]
    grade = {"score": 0.5, "passed": True, "checks": [], "rubric": items}
    records = [trial("a", "bare", e, 0.5, grade=grade) for e in range(2)]
    report = build_report(write_run(tmp_path, records))
    assert report.has_rubric and not report.rubric_judged
    for name in ("table", "md", "html"):
        text = render(report, name).split("<script")[0]  # the page, not its data and code
        assert text.count("rubric items not judged (no --judge-model)") == 1, name
        assert "no-leakage" not in text, name
        assert "Rubric verdicts" not in text and "judge tokens" not in text, name


@pytest.mark.parametrize(
    "records",
    [
        [trial("a", "bare", 0, None, status="error", error="sandbox failed")],
        [trial("a", "bare", 0, 0.0), trial("a", "pack", 0, None, status="error")],
        [trial("a", "x", 0, 1.0, status="limit", limit="max_turns"), trial("b", "y", 1, 0.0)],
    ],
    ids=["all-errored", "one-arm-unscored", "no-shared-tasks"],
)
def test_degenerate_runs_render_in_every_format(tmp_path, records):
    report = build_report(write_run(tmp_path, records))
    for name in FORMATS:
        assert render(report, name)


def test_terminal_tables_never_cut_task_ids(tmp_path):
    task = "kaggle-house-prices-advanced-regression-techniques-v2"
    records = [trial(task, arm, e, s) for arm, s in (("bare", 0.2), ("pack", 0.9)) for e in (0, 1)]
    report = build_report(write_run(tmp_path, records))
    for width in (80, 140):
        text = render(report, "table") if width == 140 else terminal_render(report, width)
        assert "…" not in text, width
        words = text.replace("-", " ").split()  # a folded id splits at its hyphens
        assert all(word in words for word in task.split("-")), width
    assert task in render(report, "table")  # whole on one line when there is room
