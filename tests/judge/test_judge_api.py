"""The judge over real HTTP: the real SDK against the fake API, scripted evaluator verdicts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from fakes.judging import NOTES, bad, good, verdict
from fakes.messages_api import (
    FakeMessagesAPI,
    last_tool_results,
    reply,
    result_text,
    server_error,
    system_text,
    tool_use,
)

from mlskills import sandbox as sandboxes
from mlskills.instructions import render_instruction
from mlskills.judge import Case, JudgeConfig
from mlskills.judge.judge import Judge
from mlskills.judge.tools import GUEST_ROOT
from mlskills.judge.verdicts import NO_EVIDENCE
from mlskills.schema import TaskSpec
from mlskills.transcript import TrialLog

IDS = ("notes_explain", "no_overclaim")


def local(workdir: Path, limits, scratch: Path):
    return sandboxes.create("local", workdir, limits, scratch)


def make_workspace(root: Path) -> Path:
    workspace = root / "workspace"
    (workspace / "data").mkdir(parents=True)
    (workspace / "NOTES.md").write_text(NOTES)
    (workspace / "answers.csv").write_text("id,y\nr0,2\nr1,4\n")
    (workspace / "data" / "numbers.csv").write_text("id,x\nr0,1\nr1,2\n")
    return workspace


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def judge_it(task: TaskSpec, tmp_path: Path, epochs: int = 1, **options) -> tuple:
    """Judge a fresh workspace once; returns (judgement, workspace, transcript events)."""
    judge = Judge(JudgeConfig("claude-haiku-4-5", epochs, {"max_retries": 0, **options}))
    workspace = make_workspace(tmp_path)
    log = TrialLog(tmp_path / "log" / "judge")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    instruction = render_instruction(task, GUEST_ROOT, task.limits)
    judgement = judge.judge(Case(task, workspace, scratch, local, instruction=instruction), log)
    log.close()
    lines = (log.folder / "transcript.jsonl").read_text().splitlines()
    return judgement, workspace, [json.loads(line) for line in lines]


def verdicts(judgement) -> dict[str, str]:
    return {e["id"]: e["verdict"] for e in judgement.entries}


def test_pass_and_fail_per_item_with_evidence_and_cost(api, rubric_task, tmp_path) -> None:
    api.push(verdict(good("notes_explain"), bad("no_overclaim")))
    judgement, _, events = judge_it(rubric_task, tmp_path)
    assert verdicts(judgement) == {"notes_explain": "pass", "no_overclaim": "fail"}
    first = judgement.entries[0]
    assert first["evidence"].startswith("NOTES.md:2") and first["reason"] == "notes_explain is pass"
    assert first["weight"] == 0.5 and first["votes"][0]["verdict"] == "pass"
    assert judgement.requests == 1 and judgement.usage.total_tokens > 0
    assert judgement.usage.cost > 0  # claude-haiku-4-5 has a known price
    body = api.message_requests[0].body
    assert system_text(body).startswith("You are an independent reviewer of machine-learning")
    message = body["messages"][0]["content"][0]["text"]
    assert "write `answers.csv`" in message and "`notes_explain`: NOTES.md explains" in message
    assert NOTES.strip() in message  # the evidence file, read by the harness
    assert "### command: `wc -l < answers.csv`\n<evidence>\n3\n[exit code 0]" in message
    assert [e["kind"] for e in events][:2] == ["judge_vote", "message"]


def test_the_judge_is_offered_only_a_read_only_viewer(api, rubric_task, tmp_path) -> None:
    api.push(verdict(good("notes_explain"), good("no_overclaim")))
    judge_it(rubric_task, tmp_path)
    tools = api.message_requests[0].body["tools"]
    assert [t["name"] for t in tools] == ["view"]
    assert all("type" not in t or t["type"] == "custom" for t in tools)  # no editor, no bash
    assert set(tools[0]["input_schema"]["properties"]) == {"path", "view_range"}


def test_tool_calls_cannot_change_the_workspace_or_leave_it(api, rubric_task, tmp_path) -> None:
    secret = tmp_path / "hidden-answers.csv"
    secret.write_text("id,y\nr0,2\n")
    calls = [
        tool_use("view", {"path": "/workspace/NOTES.md"}),
        tool_use("view", {"path": "../hidden-answers.csv"}),
        tool_use("view", {"path": "/workspace/link.csv"}),
        tool_use(
            "str_replace_based_edit_tool", {"command": "create", "path": "x", "file_text": ""}
        ),
        tool_use("bash", {"command": "rm -rf /workspace/*"}),
        tool_use("view", {"path": "/workspace/NOTES.md", "command": "create", "file_text": "x"}),
    ]
    api.push(reply(*calls), verdict(good("notes_explain"), good("no_overclaim")))
    workspace = make_workspace(tmp_path)
    (workspace / "link.csv").symlink_to(secret)
    before = snapshot(workspace)
    judge = Judge(JudgeConfig("claude-haiku-4-5", 1, {"max_retries": 0}))
    case = Case(rubric_task, workspace, tmp_path, local, instruction="Double x.")
    judge.judge(case, TrialLog(tmp_path / "log"))
    results = last_tool_results(api.message_requests[1].body)
    texts = [result_text(r) for r in results]
    assert NOTES.splitlines()[1] in texts[0] and not results[0].get("is_error")
    assert all(r.get("is_error") for r in results[1:5])
    assert "outside the workspace" in texts[1] and "symbolic link" in texts[2]
    assert "only tool is view" in texts[3] and "only tool is view" in texts[4]
    assert texts[5].startswith("Here's the result of running `cat -n` on /workspace/NOTES.md")
    assert snapshot(workspace) == before and not (workspace / "x").exists()


def test_a_verdict_without_evidence_is_a_fail(api, rubric_task, tmp_path) -> None:
    api.push(verdict(("notes_explain", "pass", ""), good("no_overclaim")))
    judgement, _, _ = judge_it(rubric_task, tmp_path)
    assert verdicts(judgement) == {"notes_explain": "fail", "no_overclaim": "pass"}
    assert judgement.entries[0]["reason"].startswith(NO_EVIDENCE)


def test_a_malformed_verdict_is_retried_once(api, rubric_task, tmp_path) -> None:
    api.push(
        reply("Both items pass, trust me."), verdict(good("notes_explain"), bad("no_overclaim"))
    )
    judgement, _, events = judge_it(rubric_task, tmp_path)
    assert verdicts(judgement) == {"notes_explain": "pass", "no_overclaim": "fail"}
    assert len(api.message_requests) == 2 and judgement.requests == 2
    retry = api.message_requests[1].body["messages"][-1]["content"][-1]["text"]
    assert retry.startswith("Your verdict could not be used: no JSON object")
    assert [e["kind"] for e in events].count("judge_retry") == 1


def test_still_malformed_after_the_retry_is_a_judge_error(api, rubric_task, tmp_path) -> None:
    api.push(
        verdict(good("notes_explain"), ("no_overclaim", "unsure", "NOTES.md")),
        reply('```json\n{"items": [{"id": "no_overclaim", "verdict": "maybe"}]}\n```'),
    )
    judgement, _, _ = judge_it(rubric_task, tmp_path)
    assert verdicts(judgement) == {"notes_explain": "pass", "no_overclaim": "judge error"}
    assert "verdict must be" in judgement.entries[1]["reason"]
    assert len(api.message_requests) == 2  # one retry, no more


def test_majority_of_three_votes(api, rubric_task, tmp_path) -> None:
    api.push(
        verdict(good("notes_explain"), bad("no_overclaim")),
        verdict(bad("notes_explain"), bad("no_overclaim")),
        verdict(good("notes_explain"), good("no_overclaim")),
    )
    judgement, _, events = judge_it(rubric_task, tmp_path, epochs=3)
    assert verdicts(judgement) == {"notes_explain": "pass", "no_overclaim": "fail"}
    assert [v["verdict"] for v in judgement.entries[0]["votes"]] == ["pass", "fail", "pass"]
    assert "[votes: 2 pass, 1 fail]" in judgement.entries[0]["reason"]
    assert judgement.requests == 3 and [e["kind"] for e in events].count("judge_vote") == 3
    bodies = [r.body["messages"][0] for r in api.message_requests]
    assert bodies[0] == bodies[1] == bodies[2]  # independent votes on the same prompt


def test_an_api_failure_is_a_judge_error_for_every_item(api, rubric_task, tmp_path) -> None:
    api.push(server_error("the judge's backend is down"))
    judgement, _, _ = judge_it(rubric_task, tmp_path)
    assert verdicts(judgement) == {i: "judge error" for i in IDS}
    assert "the judge's backend is down" in judgement.entries[0]["reason"]


def test_a_judge_out_of_turns_still_gets_its_one_retry(api, rubric_task, tmp_path) -> None:
    api.push(
        reply(tool_use("view", {"path": "NOTES.md"})),
        verdict(good("notes_explain"), good("no_overclaim")),
    )
    judgement, _, _ = judge_it(rubric_task, tmp_path, max_turns=1)
    assert verdicts(judgement) == {i: "pass" for i in IDS}
    last = api.message_requests[1].body["messages"][-1]
    assert last["role"] == "user"  # the tool result and the retry share one user turn
    assert [b["type"] for b in last["content"]] == ["tool_result", "text"]


def test_the_judge_reads_the_instruction_it_is_given_word_for_word(
    api, rubric_task, tmp_path
) -> None:
    """The judge never renders the template itself: a template it could not render, or
    limits other than the agent's, cannot reach it."""
    rubric_task.instruction_path.write_text("{{ no_such_name }} would not render.\n")
    api.push(verdict(good("notes_explain"), good("no_overclaim")))
    judge = Judge(JudgeConfig("claude-haiku-4-5", 1, {"max_retries": 0}))
    said = "Double x in /somewhere/else; you have 77 seconds.\n"
    case = Case(rubric_task, make_workspace(tmp_path), tmp_path, local, instruction=said)
    judgement = judge.judge(case, TrialLog(tmp_path / "log"))
    assert verdicts(judgement) == {i: "pass" for i in IDS}
    first = api.message_requests[0].body["messages"][0]["content"][0]["text"]
    assert f"<task>\n{said}\n</task>" in first
    assert "no_such_name" not in first


def test_a_judge_past_its_context_window_gives_judge_errors(api, rubric_task, tmp_path) -> None:
    """The judge's own conversation outgrowing the window ends its loop at the `context`
    limit (no crash, no API error); with no usable verdict the items are judge errors."""
    from fakes.messages_api import fault

    too_long = "prompt is too long: 300000 tokens > 200000 maximum"
    api.push(
        reply(tool_use("view", {"path": "NOTES.md"})),
        *[fault(400, "invalid_request_error", too_long)] * 2,
    )
    judgement, _, events = judge_it(rubric_task, tmp_path)
    assert verdicts(judgement) == {i: "judge error" for i in IDS}
    assert len(api.message_requests) == 3  # the one retry was tried
    assert [e["limit"] for e in events if e["kind"] == "limit"] == ["context", "context"]


@pytest.mark.parametrize("epochs", [0, -1])
def test_bad_settings_are_refused(epochs: int) -> None:
    from mlskills.errors import MlskillsError

    with pytest.raises(MlskillsError, match="judge-epochs"):
        JudgeConfig("m", epochs)


def test_no_api_key_is_refused_with_the_fix(monkeypatch, rubric_task) -> None:
    from mlskills.errors import AgentSetupError

    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(AgentSetupError, match="ANTHROPIC_API_KEY"):
        Judge(JudgeConfig("claude-haiku-4-5"))


def test_fake_api_fixture_is_used(api: FakeMessagesAPI) -> None:
    assert api.url.startswith("http://127.0.0.1")
