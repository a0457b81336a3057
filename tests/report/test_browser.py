"""The HTML report in real headless Chromium: no console errors, drill-down, expand, no injection.

Needs Debian's `chromium` (/usr/bin/chromium) and Playwright for Python; Playwright drives
the system browser through `executable_path`, so no browser download is involved. CI
installs both, so these tests run there.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from fakes.synthetic_run import Spec, synthesise

from mlskills.records import RunDir
from mlskills.report import build_report, render
from mlskills.schema import TrialKey
from mlskills.transcript import TrialLog

CHROMIUM = os.environ.get("MLSKILLS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (dev extra)")
if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ATTACK = "</script><script>window.__pwned = 1</script><img src=x onerror='window.__pwned=2'>"
LONG = "line of tool output\n" * 400


def hostile_run(runs_dir: Path) -> Path:
    """A small run whose first trial's transcript tries to inject script and is very long."""
    path = synthesise(runs_dir, Spec(tasks=2, epochs=2, turns=3))
    log = TrialLog(path / TrialKey("task-000", "bare", 0).relpath)
    log.event("tool_call", name="bash", input={"command": ATTACK}, output=LONG, is_error=False)
    log.event("text", text=ATTACK)
    log.event("stream", message=STREAM_LINE)
    log.close()
    add_rubric(path, TrialKey("task-000", "bare", 0))
    return path


STREAM_LINE = {  # a Claude Code stream-json line, as the claude-code agent logs it
    "type": "assistant",
    "message": {"content": [{"type": "text", "text": "Checking the data."},
                            {"type": "tool_use", "name": "Bash", "input": {"command": "ls"}}]},
}  # fmt: skip
RUBRIC = [
    {"id": "explains-metric", "verdict": "pass", "evidence": "README.md", "reason": "Says why AP."},
    {"id": "no-leakage", "verdict": "fail", "evidence": "train.py:12", "reason": "Fits on test."},
    {"id": "reproducible", "verdict": "not judged", "evidence": "", "reason": "Judge timed out."},
]


def add_rubric(path: Path, key: TrialKey) -> None:
    """Give one trial LLM-judge verdicts, as the evaluator will store them in grade.rubric."""
    run = RunDir.open(path)
    record = run.latest()[key]
    record.grade = {**(record.grade or {}), "rubric": RUBRIC}
    run.append(record)  # the last line for a key wins


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    path = hostile_run(tmp_path_factory.mktemp("runs"))
    out = path / "report.html"
    out.write_text(render(build_report(path), "html"), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, page_file):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: not r.url.startswith("file:") and problems.append(r.url))
    page.goto(page_file.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    yield page
    assert problems == [], f"console errors or network requests: {problems}"
    page.close()


def test_renders_and_lists_every_trial(page, tmp_path):
    assert page.locator("#trial-rows tr").count() == 8
    assert page.locator("td.hm[data-task]").count() >= 4
    assert "8 of 8 trials" in page.inner_text("#trial-count")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_clicking_a_trial_shows_its_transcript_inertly(page):
    page.click("#trial-rows tr >> nth=0")
    page.wait_for_selector("#transcript")
    assert "task-000 · bare · epoch 0" in page.inner_text("#detail-title")
    assert "Grade checks" in page.inner_text("#detail")
    text_event = page.locator("#transcript details[data-kind='text']")
    assert ATTACK in text_event.inner_text()  # shown as text, never parsed
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#detail img").count() == 0


def test_tool_calls_are_folded_and_long_output_expands(page):
    page.click("#trial-rows tr >> nth=0")
    page.wait_for_selector("#transcript")
    tool = page.locator("#transcript details.tool[data-kind='tool_call']").last
    assert not tool.evaluate("d => d.open")
    tool.locator("summary").click()
    pre = tool.locator("pre").last
    before = len(pre.inner_text())
    tool.get_by_role("button", name="show all").click()
    full = pre.inner_text()
    assert len(full) > before > 0
    assert "characters cut" in full  # the report's per-string budget, said out loud


def test_heat_map_filters_and_hash_links_select(page, page_file):
    page.click("td.hm[data-task='task-001'][data-arm='pack']")
    assert "2 of 8 trials" in page.inner_text("#trial-count")
    page.goto(page_file.as_uri() + "#trial=task-001/pack/1")
    page.wait_for_selector("#transcript")
    assert "task-001 · pack · epoch 1" in page.inner_text("#detail-title")


def test_rubric_verdicts_and_stream_lines_render(page):
    page.click("#trial-rows tr >> nth=0")
    page.wait_for_selector("#transcript")
    rubric = page.locator("#detail .rubric")
    assert "Rubric (LLM judge" in rubric.inner_text()
    assert rubric.locator("tr").count() == 4  # header and three items
    assert "Fits on test." in rubric.inner_text() and "not judged" in rubric.inner_text()
    stream = page.locator("#transcript details[data-kind='stream']")
    assert "stream · assistant" in stream.inner_text() and "→ Bash" in stream.inner_text()


def test_keyboard_opens_trials_and_steps_through_them(page):
    page.focus("#trial-rows tr >> nth=2")
    page.keyboard.press("Enter")
    page.wait_for_selector("#transcript")
    assert "task-000 · pack · epoch 0" in page.inner_text("#detail-title")
    page.keyboard.press("j")
    # a selector wait, not wait_for_function: the page's CSP forbids evaluating strings
    page.locator("#detail-title", has_text="epoch 1").wait_for()
    assert "task-000 · pack · epoch 1" in page.inner_text("#detail-title")


V1_RUN = Path(__file__).parents[1] / "fixtures" / "runs" / "20261201-120000-v1ab"


def test_a_schema_1_run_shows_its_kept_workspace_and_judge_facts(browser, tmp_path):
    """A run written before the typed record: its details.scratch and details.judge are
    read into the record's fields, and the drill-down shows them."""
    out = tmp_path / "report.html"
    out.write_text(render(build_report(V1_RUN), "html"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri() + "#trial=double/bare/0")
    page.locator("#detail-title", has_text="epoch 0").wait_for()  # no agent transcript
    facts = page.inner_text("#detail .facts")
    assert "/tmp/v1gen/out/scratch/mlskills-double-p3ux9udl" in facts
    assert "score, grader only" in facts and "claude-haiku-4-5 × 1" in facts
    page.goto(out.as_uri() + "#trial=double/bare/1")
    page.locator("#detail-title", has_text="epoch 1").wait_for()
    assert "score, grader only" not in page.inner_text("#detail .facts")  # never graded
    assert errors == []
    page.close()
