"""`mlskills triggers` end to end with the real anthropic SDK against the loopback fake API."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fakes.messages_api import Recorded, fault, reply, system_text, text, tool_use
from triggers.helpers import KEY, first_user_text, keyword_model, run_cli

from mlskills import paths
from mlskills.pack.load import load_pack
from mlskills.triggers.cases import TriggerCase
from mlskills.triggers.record import TriggerRun

MODEL = "claude-sonnet-4-5"


def trigger_run(cases_dir: Path, runs: Path, *extra: str) -> tuple[int, str, str]:
    argv = ["triggers", "run", "--agent", "anthropic", "--model", MODEL]
    argv += ["--cases", str(cases_dir), "--runs-dir", str(runs), *extra]
    return run_cli(argv)


def only_run(runs: Path) -> TriggerRun:
    [folder] = sorted(runs.iterdir())
    return TriggerRun.open(folder)


def test_choices_are_recorded_one_request_per_session(fake, cases_dir, tmp_path):
    code, out, err = trigger_run(cases_dir, tmp_path / "runs", "--repeats", "2", "--json")
    assert code == 0, err
    assert "plan: 12 session(s)" in err
    assert len(fake.message_requests) == 12  # the session stops at the first reply
    latest = only_run(tmp_path / "runs").latest()
    choices = {case: rec.choice for (case, _), rec in latest.items()}
    assert choices == {
        "prof-1": "skill:data-profiling",
        "prof-2": "skill:data-profiling",
        "prof-3": "none",
        "build-1": "agent:ml-engineer",
        "neg-1": "none",
        "neg-2": "skill:data-profiling",
    }
    metrics = json.loads(out)
    dp = next(t for t in metrics["targets"] if t["label"] == "skill:data-profiling")
    assert dp["recall"]["mean"] == pytest.approx(2 / 3)
    assert dp["false_trigger_count"] == 2
    assert metrics["sessions"] == 12 and metrics["errors"] == 0
    assert metrics["cost_usd"] > 0 and metrics["tokens"] > 0


def test_the_model_sees_the_pack_listing_and_claude_code_shaped_tools(fake, cases_dir, tmp_path):
    trigger_run(cases_dir, tmp_path / "runs", "--repeats", "1", "--case", "prof-1")
    [request] = fake.message_requests
    sent = request.headers.get("x-api-key") or request.headers.get("authorization", "")
    assert sent.endswith(KEY)  # anthropic 2.x sends `authorization: Bearer KEY`
    tools = {t["name"] for t in request.body["tools"]}
    assert {"Skill", "Agent", "Bash", "Read"} <= tools
    system = system_text(request.body)
    pack = load_pack()
    for skill in pack.skills:
        assert f"- {skill.name}: {' '.join(skill.description.split())}" in system
    for agent in pack.agents:
        assert f"- {agent.name}: " in system
    assert "data/customers.csv" in system  # the project's files, so requests make sense
    meta = only_run(tmp_path / "runs").meta()
    assert meta["targets"]["skill:data-profiling"]["description"] == " ".join(
        pack.skill("data-profiling").description.split()
    )
    assert len(meta["descriptions_digest"]) == 16
    assert (
        KEY
        not in (tmp_path / "runs")
        .joinpath(only_run(tmp_path / "runs").path.name, "triggers.jsonl")
        .read_text()
    )


def test_errors_are_not_scored_and_resume_reruns_only_them(fake, cases_dir, tmp_path):
    def failing(request: Recorded):
        if "sane" in first_user_text(request):
            return fault(400, "invalid_request_error", "scripted failure")
        return keyword_model()(request)

    fake.responder = failing
    code, _, _ = trigger_run(cases_dir, tmp_path / "runs", "--repeats", "2")
    assert code == 1  # a session errored
    run = only_run(tmp_path / "runs")
    errored = [r for r in run.latest().values() if r.status == "error"]
    assert [(r.case_id, r.error[:15]) for r in errored] == [("prof-3", "BadRequestError")] * 2
    before = len(fake.message_requests)
    fake.responder = keyword_model()
    code, _, err = run_cli(["triggers", "run", "--resume", str(run.path)])
    assert code == 0, err
    assert "plan: 2 session(s)" in err
    assert len(fake.message_requests) == before + 2
    assert all(r.status == "ok" for r in run.latest().values())
    code, out, _ = run_cli(["triggers", "run", "--resume", str(run.path)])
    assert code == 0 and "nothing to resume" in out


def test_max_cost_stops_the_run(fake, cases_dir, tmp_path):
    code, _, err = trigger_run(cases_dir, tmp_path / "runs", "--max-cost", "0.000001", "-j", "1")
    assert code == 1
    assert "stops at $0.00" in err and "--max-cost" in err
    run = only_run(tmp_path / "runs")
    assert len(run.records()) == 1
    assert run.meta()["status"] == "cost_limit"
    assert len(fake.message_requests) == 1


def test_report_formats_and_compare_of_two_description_versions(fake, cases_dir, tmp_path):
    trigger_run(cases_dir, tmp_path / "a", "--repeats", "1")
    pack = tmp_path / "pack"
    for part in ("agents", "skills"):
        shutil.copytree(paths.resource_root() / part, pack / part)
    skill_md = pack / "skills" / "data-profiling" / "SKILL.md"
    from mlskills.triggers.stage import replace_description

    skill_md.write_text(replace_description(skill_md.read_text(), "Use when a file looks sane."))
    trigger_run(cases_dir, tmp_path / "b", "--repeats", "1", "--pack", str(pack))
    a, b = only_run(tmp_path / "a").path, only_run(tmp_path / "b").path

    code, md, _ = run_cli(["triggers", "report", str(a), "--format", "md"])
    assert code == 0
    assert "| skill:data-profiling | 3 |" in md and "## Confusion" in md
    assert "neg-2" in md  # a false trigger is among the worst cases, with its request
    code, table, _ = run_cli(["triggers", "report", str(a)])
    assert code == 0 and "Per pack item" in table
    code, _, _ = run_cli(
        ["triggers", "report", str(a), "--format", "html", "--out", str(tmp_path / "r.html")]
    )
    html = (tmp_path / "r.html").read_text()
    assert code == 0 and "Content-Security-Policy" in html and "skill:data-profiling" in html
    code, _, err = run_cli(
        ["triggers", "report", str(a), "--format", "md", "--out", str(tmp_path / "r.pdf")]
    )
    assert code == 2 and ".pdf" in err

    code, out, _ = run_cli(["triggers", "compare", str(a), str(b), "--format", "json"])
    rows = {r["item"]: r for r in json.loads(out)}
    assert rows["skill:data-profiling"]["description"] == "changed"
    assert rows["skill:model-serving"]["description"] == "same"


def _split_ids(prefix: str, held_out: bool, n: int) -> list[str]:
    ids, i = [], 0
    while len(ids) < n:
        case_id = f"{prefix}-{i}"
        if TriggerCase(case_id, "x", (), "").held_out == held_out:
            ids.append(case_id)
        i += 1
    return ids


def _improve_cases(folder: Path) -> None:
    lines = ["cases:"]
    for case_id in _split_ids("train", False, 3) + _split_ids("held", True, 3):
        prompt = "'is this extract sane?'"
        lines.append(f"  - {{id: {case_id}, prompt: {prompt}, expect: [skill:data-profiling]}}")
    for case_id in _split_ids("neg", True, 2):
        lines.append(f"  - {{id: {case_id}, prompt: plot units per store, expect: []}}")
    (folder / "cases.yaml").write_text("\n".join(lines) + "\n")


def sanity_model(proposal: str):
    """Sessions choose data-profiling for 'sane' requests only when its listed description
    mentions sanity; the proposer (a request without tools) answers `proposal`."""

    def respond(request: Recorded):
        if not request.body.get("tools"):
            return reply(text(f"Here: <description>{proposal}</description>"))
        listing = [
            ln
            for ln in system_text(request.body).splitlines()
            if ln.startswith("- data-profiling:")
        ]
        if "sane" in first_user_text(request) and "sanity" in listing[0]:
            return reply(tool_use("Skill", {"skill": "data-profiling"}))
        return reply(text("ok"))

    return respond


def improve(cases_dir: Path, tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    argv = ["triggers", "improve", "--skill", "data-profiling", "--agent", "anthropic"]
    argv += ["--model", MODEL, "--cases", str(cases_dir), "--runs-dir", str(tmp_path / "runs")]
    return run_cli([*argv, "--repeats", "1", *extra])


def test_improve_keeps_a_description_that_wins_on_held_out_cases(fake, cases_dir, tmp_path):
    _improve_cases(cases_dir)
    fake.responder = sanity_model("Profile data; use for a sanity check of a new extract.")
    pack = tmp_path / "pack"
    for part in ("agents", "skills"):
        shutil.copytree(paths.resource_root() / part, pack / part)
    before = (pack / "skills" / "data-profiling" / "SKILL.md").read_text()

    code, out, err = improve(cases_dir, tmp_path, "--pack", str(pack))
    assert code == 0, err
    assert "KEEP: held-out recall 0% -> 100%" in out
    assert "+Profile data; use for a sanity check" in out  # the diff
    assert (pack / "skills" / "data-profiling" / "SKILL.md").read_text() == before  # no --write
    proposer = [r for r in fake.message_requests if not r.body.get("tools")]
    assert len(proposer) == 1
    prompt = proposer[0].body["messages"][0]["content"]
    held = _split_ids("held", True, 3)
    assert "is this extract sane?" in prompt and not any(h in prompt for h in held)

    code, out, _ = improve(cases_dir, tmp_path, "--pack", str(pack), "--write")
    assert code == 0 and "wrote" in out
    after = (pack / "skills" / "data-profiling" / "SKILL.md").read_text()
    assert load_pack(pack).skill("data-profiling").description.startswith("Profile data; use")
    assert len(after.splitlines()) == len(before.splitlines())


def test_improve_rejects_a_description_that_does_not_help(fake, cases_dir, tmp_path):
    _improve_cases(cases_dir)
    fake.responder = sanity_model("Profile data before modelling.")
    code, out, _ = improve(cases_dir, tmp_path)
    assert code == 0
    assert "REJECT: held-out recall did not rise" in out
