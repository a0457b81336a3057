"""fsafe: no file operation on an agent's tree follows a link, at any path component.

Each operation is driven with a link to a host folder (as a middle component and as the
last one) and with links to /proc/kmsg (never reaches end of file for root) and
/proc/self/mem (EIO on read): every one is refused with a reason, promptly.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from mlskills import fsafe
from mlskills.fsafe.copy import copy_sparse

PROC = ["/proc/kmsg", "/proc/self/mem"]


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """(agent root, a host folder outside it holding secret.txt)."""
    root, host = tmp_path / "root", tmp_path / "host"
    root.mkdir()
    host.mkdir()
    (host / "secret.txt").write_text("host secret")
    return root, host


def test_a_linked_folder_on_the_way_is_refused_for_every_operation(tree):
    root, host = tree
    os.symlink(host, root / "incoming")
    with pytest.raises(fsafe.Refused, match="link"):
        fsafe.read_bytes(root, "incoming/secret.txt", 1000)
    with pytest.raises(fsafe.Refused, match="link"):
        fsafe.sha256(root, "incoming/secret.txt")
    with pytest.raises(fsafe.Refused, match="link"):
        fsafe.write_file(root, "incoming/batch.csv", host / "secret.txt")
    assert sorted(p.name for p in host.iterdir()) == ["secret.txt"], "wrote through the link"
    assert not fsafe.is_file(root, "incoming/secret.txt")


@pytest.mark.parametrize("target", PROC)
def test_links_to_proc_files_are_refused_without_reading(tree, target):
    root, _ = tree
    os.symlink(target, root / "predictions.csv")
    with pytest.raises(fsafe.Refused, match="link"):
        fsafe.read_bytes(root, "predictions.csv", 1 << 20)
    with pytest.raises(fsafe.Refused, match="link"):
        fsafe.sha256(root, "predictions.csv")


def test_special_files_are_never_opened(tree):
    root, _ = tree
    os.mkfifo(root / "fifo.csv")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "sock.csv"))
        for name, kind in (("fifo.csv", "FIFO"), ("sock.csv", "socket")):
            with pytest.raises(fsafe.Refused, match=kind):
                fsafe.read_bytes(root, name, 100)
    (root / "folder.csv").mkdir()
    with pytest.raises(fsafe.Refused, match="folder"):
        fsafe.read_bytes(root, "folder.csv", 100)


def test_write_file_replaces_a_planted_link_instead_of_following_it(tree):
    root, host = tree
    (root / "incoming").mkdir()
    os.symlink(host / "secret.txt", root / "incoming" / "batch.csv")
    source = host.parent / "input.csv"
    source.write_text("id\n1\n")
    fsafe.write_file(root, "incoming/batch.csv", source)
    assert (host / "secret.txt").read_text() == "host secret"
    assert not (root / "incoming" / "batch.csv").is_symlink()
    assert (root / "incoming" / "batch.csv").read_text() == "id\n1\n"


def test_write_file_refuses_a_file_where_a_folder_goes(tree):
    root, host = tree
    (root / "incoming").write_text("not a folder")
    with pytest.raises(fsafe.Refused, match="not a folder"):
        fsafe.write_file(root, "incoming/batch.csv", host / "secret.txt")


def test_paths_out_of_the_root_are_refused(tree):
    root, _ = tree
    for bad in ("../host/secret.txt", "/etc/passwd"):
        with pytest.raises(fsafe.Refused):
            fsafe.read_bytes(root, bad, 100)


def test_the_copy_keeps_links_as_links_and_leaves_special_files_out(tree, tmp_path):
    root, host = tree
    (root / "sub").mkdir()
    (root / "sub" / "a.txt").write_text("a")
    os.symlink(host, root / "hostdir")
    os.symlink("/proc/kmsg", root / "kmsg")
    os.mkfifo(root / "pipe")
    dest = tmp_path / "copy"
    report = fsafe.copy_tree(root, dest)
    assert (dest / "sub" / "a.txt").read_text() == "a"
    assert os.readlink(dest / "hostdir") == str(host)  # a link, not host's files
    assert not (dest / "hostdir" / "secret.txt").resolve().is_relative_to(dest)
    assert os.readlink(dest / "kmsg") == "/proc/kmsg"
    assert not (dest / "pipe").exists() and any("pipe" in s for s in report.skipped)


def test_the_copy_keeps_holes_and_stops_at_the_cap(tree, tmp_path):
    root, _ = tree
    with open(root / "sparse.bin", "wb") as handle:
        handle.seek(200 * 2**20)
        handle.write(b"end")
    dest = tmp_path / "copy"
    fsafe.copy_tree(root, dest, fsafe.CopyCaps(max_bytes=300 * 2**20))
    copied = os.stat(dest / "sparse.bin")
    assert copied.st_size == 200 * 2**20 + 3
    assert copied.st_blocks * 512 < 1 * 2**20, "the holes were written out"
    with pytest.raises(fsafe.Refused, match="apparent size"):
        fsafe.copy_tree(root, tmp_path / "capped", fsafe.CopyCaps(max_bytes=100 * 2**20))


def test_the_copy_refuses_trees_too_deep_or_too_many(tree, tmp_path):
    root, _ = tree
    deep = root
    for _ in range(10):
        deep = deep / "d"
        deep.mkdir()
    with pytest.raises(fsafe.Refused, match="folders deep"):
        fsafe.copy_tree(root, tmp_path / "a", fsafe.CopyCaps(max_depth=5))
    with pytest.raises(fsafe.Refused, match="entries"):
        fsafe.copy_tree(root, tmp_path / "b", fsafe.CopyCaps(max_entries=5))


def test_copy_into_follows_no_link_on_either_side(tree, tmp_path):
    root, host = tree
    run = tmp_path / "run"
    (run / "out").mkdir(parents=True)
    (run / "out" / "ckpt").write_text("state")
    os.symlink(host, run / "linked")
    with pytest.raises(fsafe.Refused, match="link"):  # a source that is a link to the host
        fsafe.copy_into(root, "from", run, "linked")
    os.symlink(host, root / "runs")
    with pytest.raises(fsafe.Refused, match="link"):  # a destination through a link
        fsafe.copy_into(root, "runs/from", run, "out")
    fsafe.copy_into(root, "ok/from", run, "out")
    assert (root / "ok" / "from" / "ckpt").read_text() == "state"
    assert sorted(p.name for p in host.iterdir()) == ["secret.txt"]


def test_sparse_copy_of_data_between_holes(tmp_path):
    src = tmp_path / "src"
    with open(src, "wb") as handle:
        handle.write(b"head")
        handle.seek(8 * 2**20)
        handle.write(b"middle")
        handle.seek(16 * 2**20)
        handle.write(b"tail")
    out = tmp_path / "out"
    with open(src, "rb") as a, open(out, "wb") as b:
        copy_sparse(a.fileno(), b.fileno())
    assert out.read_bytes() == src.read_bytes()
