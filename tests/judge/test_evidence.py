"""Evidence the harness gathers for the judge: files read safely, commands run on a copy."""

from __future__ import annotations

from pathlib import Path

from mlskills import sandbox as sandboxes
from mlskills.judge.evidence import gather, read_files, run_commands
from mlskills.schema import RubricItem


def local(workdir: Path, limits, scratch: Path):
    return sandboxes.create("local", workdir, limits, scratch)


def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "workspace"
    (folder / "docs").mkdir(parents=True)
    (folder / "NOTES.md").write_text("the note\n")
    (folder / "docs" / "a.md").write_text("doc a\n")
    (folder / "model.bin").write_bytes(b"\0\1\2" * 100)
    return folder


def test_files_and_globs_are_read_and_links_out_are_refused(tmp_path) -> None:
    folder = workspace(tmp_path)
    hidden = tmp_path / "hidden.csv"
    hidden.write_text("id,label\n1,secret\n")
    (folder / "REPORT.md").symlink_to(hidden)
    assert [(x.kind, x.name, x.text) for x in read_files(folder, "NOTES.md")] == [
        ("file", "NOTES.md", "the note\n")
    ]
    assert [x.name for x in read_files(folder, "**/*.md")] == ["NOTES.md", "docs/a.md"]
    assert read_files(folder, "REPORT.md")[0].kind == "missing"  # a link to hidden data
    assert read_files(folder, "/etc/passwd")[0].kind == "missing"
    assert read_files(folder, "../hidden.csv")[0].kind == "missing"
    assert read_files(folder, "model.bin")[0].text == "[binary file, 300 bytes]"


def test_commands_run_on_a_throwaway_copy(tmp_path) -> None:
    folder = workspace(tmp_path)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    [first, second] = run_commands(["rm NOTES.md && ls", "cat NOTES.md"], folder, local, scratch)
    assert "docs" in first.text and first.text.endswith("[exit code 0]")
    assert second.text.endswith("[exit code 1]")  # the same copy for every command
    assert (folder / "NOTES.md").read_text() == "the note\n"  # the original is untouched
    assert list(scratch.iterdir()) == []  # the copy is gone


def test_gather_dedupes_entries_and_puts_files_first(tmp_path) -> None:
    folder = workspace(tmp_path)
    items = (
        RubricItem("a", "c", evidence=("$ echo hi", "NOTES.md")),
        RubricItem("b", "c", evidence=("NOTES.md",)),
    )
    exhibits = gather(items, folder, local, tmp_path)
    assert [(x.kind, x.name) for x in exhibits] == [("file", "NOTES.md"), ("command", "echo hi")]
    assert gather(items, folder, None, tmp_path)[1].text == "[not run: no sandbox available]"
