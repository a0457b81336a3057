"""ctx.tree_digest / run.tree_digest: a folder's digest that never follows a link.

Real files, links, FIFOs and a real local sandbox for `run`; the grader is a real
grader.py run by the harness's run_grader.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from mlskills import sandbox as sandboxes
from mlskills.grading import GradeContext, run_grader
from mlskills.grading.tree import TreeCaps, tree_digest
from mlskills.schema import GradingSpec, Limits, TaskSpec


def make_tree(root: Path) -> Path:
    models = root / "registry" / "models"
    (models / "v1").mkdir(parents=True)
    (models / "v1" / "model.bin").write_bytes(b"\x00weights-1")
    (models / "v2").mkdir()
    (models / "v2" / "card.json").write_text('{"auc": 0.8}')
    return models


def digest(root: Path, rel: str = "registry/models", caps: TreeCaps | None = None):
    return tree_digest(root, rel, "models", caps or TreeCaps())


def test_equal_trees_digest_equal_and_every_kind_of_change_shows(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    make_tree(a)
    models = make_tree(b)
    first = digest(a)
    assert first.ok and first.value == digest(b).value
    changes = [
        lambda: (models / "v1" / "model.bin").write_bytes(b"\x00weights-2"),  # content
        lambda: (models / "v2" / "card.json").rename(models / "v2" / "card2.json"),  # name
        lambda: (models / "v3").mkdir(),  # an empty folder
        lambda: (models / "v3").rmdir() or (models / "v3").write_bytes(b""),  # kind
    ]
    seen = {first.value}
    for change in changes:
        change()
        now = digest(b)
        assert now.ok and now.value not in seen
        seen.add(now.value)


def test_links_count_by_target_text_and_special_files_are_never_opened(tmp_path):
    outside = tmp_path / "host_secret"
    outside.write_text("one")
    models = make_tree(tmp_path / "ws")
    (models / "v1" / "link").symlink_to(outside)
    (models / "kmsg").symlink_to("/proc/kmsg")
    os.mkfifo(models / "pipe")  # opened for reading, a FIFO would block without a writer
    start = time.monotonic()
    before = digest(tmp_path / "ws")
    outside.write_text("two: a link's target is never read")
    after = digest(tmp_path / "ws")
    assert before.ok and before.value == after.value
    assert time.monotonic() - start < 5
    os.remove(models / "v1" / "link")
    (models / "v1" / "link").symlink_to(tmp_path / "elsewhere")
    assert digest(tmp_path / "ws").value != before.value


def test_a_linked_missing_or_oversized_tree_is_a_failed_check_with_the_reason(tmp_path):
    real = make_tree(tmp_path / "real")
    (tmp_path / "ws" / "registry").mkdir(parents=True)
    (tmp_path / "ws" / "registry" / "models").symlink_to(real)
    linked = digest(tmp_path / "ws")
    assert linked.value is None and not linked.ok and "link" in linked.check.message
    missing = digest(tmp_path / "real", "registry/nothing")
    assert missing.value is None and "not found" in missing.check.message
    wide = digest(tmp_path / "real", caps=TreeCaps(max_entries=3))
    assert wide.value is None and "entries" in wide.check.message
    deep = digest(tmp_path / "real", caps=TreeCaps(max_depth=0))
    assert deep.value is None and "deep" in deep.check.message
    big = digest(tmp_path / "real", caps=TreeCaps(max_bytes=4))
    assert big.value is None and "MiB" in big.check.message
    escape = digest(tmp_path / "real", "../real")
    assert escape.value is None and not escape.ok


GRADER = """
def grade(ctx):
    run = ctx.exec("bash change.sh")
    after, before = run.tree_digest("registry/models"), ctx.tree_digest("registry/models")
    same = after.ok and before.ok and after.value == before.value
    return ctx.grade(1.0 if same else 0.0, [before.check, after.check])
"""


def grade_with(tmp_path: Path, script: str):
    folder = tmp_path / "task"
    folder.mkdir(parents=True)
    (folder / "grader.py").write_text(GRADER)
    spec = GradingSpec("m", 0.0, 1.0, 0.5, timeout=60.0)
    task = TaskSpec(f"t{time.monotonic_ns()}", "t", "t", folder, (), (), Limits(), spec)
    workspace = tmp_path / "graded"
    make_tree(workspace)
    (workspace / "change.sh").write_text(script)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    ctx = GradeContext(
        task,
        0,
        workspace,
        folder,
        lambda w, lim, s: sandboxes.create("local", w, lim, s),
        scratch,
    )
    with ctx:
        return run_grader(task, ctx)


def test_a_grader_tells_agent_code_that_left_the_tree_alone_from_code_that_changed_it(
    tmp_path,
):
    left_alone = grade_with(tmp_path / "a", "echo rolled back > rollback.log\n")
    assert left_alone.score == 1.0
    changed = grade_with(tmp_path / "b", "rm -r registry/models/v1\n")
    assert changed.score == 0.0
    relinked = grade_with(tmp_path / "c", "rm -r registry/models && ln -s /etc registry/models\n")
    assert relinked.score == 0.0
    assert any("link" in c.message for c in relinked.checks if not c.passed)
