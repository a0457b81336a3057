"""The client tools on their own: real files, a real local sandbox, no API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlskills import sandbox as sandboxes
from mlskills.agents.anthropic_api.tools import ToolBox
from mlskills.schema import Limits

EDIT = "str_replace_based_edit_tool"


@pytest.fixture
def box(tmp_path: Path) -> Iterator[ToolBox]:
    workspace = tmp_path / "trial" / "workspace"
    workspace.mkdir(parents=True)
    skills = tmp_path / "trial" / "home" / "skills" / "s"
    skills.mkdir(parents=True)
    (skills / "SKILL.md").write_text("skill body\n")
    with sandboxes.create("local", workspace, Limits(), tmp_path / "trial") as sandbox:
        toolbox = ToolBox(sandbox, output_chars=2000, read_only=(skills.parent,))
        yield toolbox
        toolbox.close()


def edit(box: ToolBox, **params):
    return box.call(EDIT, params, timeout=5)


def bash(box: ToolBox, command: str, timeout: float = 5):
    return box.call("bash", {"command": command}, timeout=timeout)


def workspace(box: ToolBox) -> Path:
    return box.editor.resolver.workspace.host


# ---------------------------------------------------------------- editor


def test_create_view_insert_and_replace_edit_real_files(box: ToolBox) -> None:
    assert not edit(box, command="create", path="src/a.py", file_text="one\ntwo\nthree\n").is_error
    assert (workspace(box) / "src/a.py").read_text() == "one\ntwo\nthree\n"
    view = edit(box, command="view", path="src/a.py", view_range=[2, -1])
    assert "     2\ttwo\n     3\tthree" in view.text and "one" not in view.text
    assert not edit(box, command="insert", path="src/a.py", insert_line=0, new_str="zero").is_error
    done = edit(box, command="str_replace", path="src/a.py", old_str="two", new_str="TWO")
    assert not done.is_error and "has been edited" in done.text
    assert (workspace(box) / "src/a.py").read_text() == "zero\none\nTWO\nthree\n"


def test_view_lists_a_directory_two_levels_deep_without_hidden_items(box: ToolBox) -> None:
    (workspace(box) / "d" / "e" / "f").mkdir(parents=True)
    (workspace(box) / ".hidden").write_text("x")
    listing = edit(box, command="view", path=".").text
    assert f"{workspace(box)}/d/e\n" in listing
    assert "/f" not in listing and ".hidden" not in listing


@pytest.mark.parametrize("content", ["abc\n", "dup\ndup\n"])
def test_str_replace_needs_exactly_one_match(box: ToolBox, content: str) -> None:
    (workspace(box) / "f.txt").write_text(content)
    outcome = edit(box, command="str_replace", path="f.txt", old_str="dup", new_str="x")
    assert outcome.is_error and "No replacement was performed" in outcome.text
    assert (workspace(box) / "f.txt").read_text() == content
    if content.count("dup") == 2:
        assert "[1, 2]" in outcome.text


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.txt", "sub/../../outside.txt"])
def test_paths_outside_the_workspace_are_refused(box: ToolBox, path: str) -> None:
    for params in [{"command": "view"}, {"command": "create", "file_text": "x"}]:
        outcome = edit(box, path=path, **params)
        assert outcome.is_error and "outside the workspace" in outcome.text
    assert not (workspace(box).parent / "outside.txt").exists()


def test_symlinks_leading_out_of_the_workspace_are_refused(box: ToolBox, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    os.symlink(outside, workspace(box) / "link")
    os.symlink(outside / "secret.txt", workspace(box) / "file-link")
    for path in ["link/secret.txt", "file-link"]:
        outcome = edit(box, command="view", path=path)
        assert outcome.is_error and "symbolic link" in outcome.text
    assert edit(box, command="create", path="link/new.txt", file_text="x").is_error
    assert edit(box, command="str_replace", path="file-link", old_str="secret").is_error
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert (outside / "secret.txt").read_text() == "secret"


def test_skill_folders_can_be_viewed_but_not_changed(box: ToolBox) -> None:
    skill_md = box.editor.resolver.roots[1].guest / "s" / "SKILL.md"
    assert "skill body" in edit(box, command="view", path=str(skill_md)).text
    refused = edit(box, command="create", path=str(skill_md), file_text="changed")
    assert refused.is_error and "read-only" in refused.text


def test_editor_errors_are_error_results(box: ToolBox) -> None:
    assert edit(box, command="undo_edit", path="x").is_error
    assert edit(box, command="view", path="missing.txt").is_error
    (workspace(box) / "f.txt").write_text("a\n")
    assert edit(box, command="view", path="f.txt", view_range=[5, 9]).is_error
    assert edit(box, command="insert", path="f.txt", insert_line=7, new_str="x").is_error
    assert box.call("no_such_tool", {}, timeout=1).is_error


def test_long_files_are_cut_with_a_note(box: ToolBox) -> None:
    (workspace(box) / "big.txt").write_text("line\n" * 2000)
    text = edit(box, command="view", path="big.txt").text
    assert "[output truncated:" in text and "view_range" in text and len(text) < 2600


# ---------------------------------------------------------------- bash


def test_shell_state_persists_and_stderr_and_exit_codes_show(box: ToolBox) -> None:
    assert bash(box, "mkdir -p sub && cd sub && export GREETING=hi").text == "(no output)"
    out = bash(box, "pwd; echo $GREETING; echo oops >&2; false").text
    assert out.splitlines()[:3] == [str(workspace(box) / "sub"), "hi", "oops"]
    assert "[exit code: 1]" in out


def test_commands_cannot_read_stdin_or_break_the_protocol(box: ToolBox) -> None:
    assert bash(box, "cat").text == "(no output)"
    broken = bash(box, "echo 'unterminated")
    assert "unexpected EOF" in broken.text and not broken.is_error
    assert bash(box, "echo still alive").text == "still alive"


def test_a_timed_out_command_is_killed_and_the_shell_restarted(box: ToolBox) -> None:
    bash(box, "cd /tmp")
    outcome = bash(box, "echo started; sleep 30", timeout=0.5)
    assert outcome.is_error and "started" in outcome.text and "timed out" in outcome.text
    assert bash(box, "pwd").text == str(workspace(box))


def test_exit_and_restart_give_a_fresh_shell(box: ToolBox) -> None:
    assert "shell exited with code 3" in bash(box, "export A=1; exit 3").text
    assert bash(box, "echo ${A:-unset}").text == "unset"
    bash(box, "export B=1")
    assert box.call("bash", {"restart": True}, timeout=5).text == "tool has been restarted."
    assert bash(box, "echo ${B:-unset}").text == "unset"


def test_long_output_is_truncated_with_a_note(box: ToolBox) -> None:
    text = bash(box, "seq 1 100000").text
    assert text.startswith("1\n2\n") and text.rstrip().endswith("100000")
    assert "[output truncated:" in text and "the cap is 2000 characters" in text
