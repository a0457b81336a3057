"""The editor against an agent that swaps folders for symbolic links while the editor works.

The harness edits files on the host (as root under bwrap) while the agent's processes keep
running. Here a background loop in the agent's own shell atomically exchanges a folder with
a symbolic link to a host folder outside the workspace, and a file with a link to a host
file, as fast as it can, while the real editor creates, edits and views files there. An
editor that checks a path and opens it later would sooner or later land outside: nothing
outside may ever be read or written.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlskills import sandbox as sandboxes
from mlskills.agents.anthropic_api.tools import ToolBox
from mlskills.sandbox import default_kind
from mlskills.schema import Limits

EDIT = "str_replace_based_edit_tool"
SECRET = "TOPSECRET"  # in every host file the agent must not reach
HAMMER_SECONDS = 2.0
HOST_FILES = {"f.txt": f"{SECRET} f\n", "host.txt": f"{SECRET} host\n", "host-only.txt": "x\n"}

# Runs in the sandbox: exchange d <-> d.swap and g.txt <-> g.swap (renameat2 with
# RENAME_EXCHANGE, so both names always exist) until told to stop or out of time.
FLIPPER = """\
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
pairs = [(b"d", b"d.swap"), (b"g.txt", b"g.swap")]
end, flips = time.monotonic() + float(sys.argv[1]), 0
while time.monotonic() < end and not os.path.exists(".stop"):
    for _ in range(200):
        for a, b in pairs:
            flips += libc.renameat2(-100, a, -100, b, 2) == 0
with open(".flips", "w") as out:
    out.write(str(flips))
"""


def _sandbox_kinds() -> list:
    kind, reason = default_kind()
    bwrap = pytest.param(
        "bwrap", marks=pytest.mark.skipif(kind != "bwrap", reason=f"bubblewrap: {reason}")
    )
    return ["local", bwrap]


@pytest.fixture(params=_sandbox_kinds())
def arena(request, tmp_path: Path) -> Iterator[tuple[ToolBox, Path, Path]]:
    """A toolbox over a workspace holding the swappable pairs, and the host folder outside."""
    if not hasattr(ctypes.CDLL(None), "renameat2"):
        pytest.skip("the C library has no renameat2")
    outside = tmp_path / "outside"
    outside.mkdir()
    for name, content in HOST_FILES.items():
        (outside / name).write_text(content)
    workspace = tmp_path / "trial" / "workspace"
    (workspace / "d").mkdir(parents=True)
    (workspace / "d" / "f.txt").write_text("inside\n")
    (workspace / "g.txt").write_text("inside\n")
    (workspace / "d.swap").symlink_to(outside)
    (workspace / "g.swap").symlink_to(outside / "host.txt")
    (workspace / ".flip.py").write_text(FLIPPER)
    with sandboxes.create(request.param, workspace, Limits(), tmp_path / "trial") as sandbox:
        box = ToolBox(sandbox, output_chars=4000)
        yield box, workspace, outside
        box.close()


def _operations(i: int) -> list[dict]:
    return [
        {"command": "create", "path": f"d/new-{i}.txt", "file_text": "made inside\n"},
        {"command": "str_replace", "path": "g.txt", "old_str": "inside", "new_str": "inside"},
        {"command": "str_replace", "path": "d/f.txt", "old_str": "inside", "new_str": "inside"},
        {"command": "insert", "path": "g.txt", "insert_line": 0, "new_str": "inside too"},
        {"command": "view", "path": "g.txt"},
        {"command": "view", "path": "d/f.txt"},
        {"command": "view", "path": "d"},
    ]


def test_swapping_folders_for_links_never_lets_the_editor_out(arena) -> None:
    box, workspace, outside = arena
    started = box.call("bash", {"command": "python .flip.py 30 >/dev/null 2>&1 &"}, timeout=10)
    assert not started.is_error, started.text
    leaks, refused, done, i = [], 0, 0, 0
    end = time.monotonic() + HAMMER_SECONDS
    while time.monotonic() < end:
        for params in _operations(i):
            outcome = box.call(EDIT, params, timeout=5)
            if SECRET in outcome.text or "host-only" in outcome.text:
                leaks.append((params, outcome.text[:200]))
            refused += outcome.is_error
            done += not outcome.is_error
        i += 1
    (workspace / ".stop").touch()
    flips = _wait_for_flips(workspace)

    found = {p.name: p.read_text() for p in outside.iterdir()}
    written = {name: text for name, text in found.items() if HOST_FILES.get(name) != text}
    assert not written and not leaks, (
        f"outside the workspace the editor wrote {len(written)} files {sorted(written)[:4]} "
        f"and showed host files {len(leaks)} times: {leaks[:2]}"
    )
    # the swaps really interleaved with the editor: some calls met links, some folders
    assert flips > 1000 and refused > 0 and done > 0, (flips, refused, done)


def _wait_for_flips(workspace: Path) -> int:
    counter = workspace / ".flips"
    deadline = time.monotonic() + 10
    while not counter.exists() or not counter.read_text():
        assert time.monotonic() < deadline, "the flipper did not stop"
        time.sleep(0.05)
    return int(counter.read_text())


# ---------------------------------------------------------------- links without a race


@pytest.fixture
def box(tmp_path: Path) -> Iterator[ToolBox]:
    workspace = tmp_path / "trial" / "workspace"
    workspace.mkdir(parents=True)
    skills = tmp_path / "trial" / "home" / "skills"
    (skills / "s").mkdir(parents=True)
    (skills / "s" / "SKILL.md").write_text("skill body\n")
    with sandboxes.create("local", workspace, Limits(), tmp_path / "trial") as sandbox:
        toolbox = ToolBox(sandbox, output_chars=2000, read_only=(skills,))
        yield toolbox
        toolbox.close()


def edit(box: ToolBox, **params):
    return box.call(EDIT, params, timeout=5)


def test_a_skills_folder_swapped_for_a_link_is_refused(box: ToolBox, tmp_path: Path) -> None:
    """The agent can rename its HOME's read-only skills folder and put a link in its place."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "key").write_text(SECRET)
    skills = box.editor.resolver.roots[1]
    skills.host.rename(skills.host.with_name("old"))
    skills.host.symlink_to(outside)
    outcome = edit(box, command="view", path=str(skills.guest / "key"))
    assert outcome.is_error and "symbolic link" in outcome.text and SECRET not in outcome.text


def test_links_that_stay_inside_the_workspace_are_followed(box: ToolBox) -> None:
    ws = box.editor.resolver.workspace.host
    (ws / "runs" / "3").mkdir(parents=True)
    (ws / "runs" / "3" / "log.txt").write_text("loss 1\n")
    (ws / "latest").symlink_to("runs/3")  # relative
    (ws / "runs" / "best").symlink_to(ws / "runs" / "3")  # absolute, inside
    (ws / "runs" / "3" / "up").symlink_to("../best/log.txt")
    (ws / "planned").symlink_to("runs/3/plan.txt")  # dangling: create makes the target
    (ws / "loop").symlink_to("loop")
    assert "loss 1" in edit(box, command="view", path="latest/log.txt").text
    done = edit(box, command="str_replace", path="runs/best/log.txt", old_str="1", new_str="2")
    assert not done.is_error, done.text
    assert "loss 2" in edit(box, command="view", path="latest/up").text
    assert not edit(box, command="create", path="planned", file_text="plan\n").is_error
    assert (ws / "runs" / "3" / "plan.txt").read_text() == "plan\n"
    assert f"{ws}/runs/3/log.txt\n" in edit(box, command="view", path="latest").text
    looped = edit(box, command="view", path="loop")
    assert looped.is_error and "symbolic links" in looped.text


def test_a_fifo_is_refused_without_waiting_for_a_writer(box: ToolBox) -> None:
    fifo = box.editor.resolver.workspace.host / "pipe"
    os.mkfifo(fifo)
    calls = [{"command": "view"}, {"command": "str_replace", "old_str": "a"}]
    outcomes = []
    worker = threading.Thread(
        target=lambda: outcomes.extend(edit(box, path="pipe", **c) for c in calls), daemon=True
    )
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # release the editor stuck opening the pipe, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert not worker.is_alive(), "the editor waited for a writer to the FIFO"
    assert all(o.is_error and "not a regular file" in o.text for o in outcomes), outcomes


@pytest.mark.skipif(os.geteuid() != 0, reason="ownership changes need root")
def test_new_files_and_folders_take_their_folders_owner(box: ToolBox) -> None:
    ws = box.editor.resolver.workspace.host
    os.chown(ws, 12345, 12346)
    assert not edit(box, command="create", path="a/b/c.txt", file_text="x").is_error
    for path in [ws / "a", ws / "a" / "b", ws / "a" / "b" / "c.txt"]:
        assert (path.stat().st_uid, path.stat().st_gid) == (12345, 12346), path
