"""Unpacking the evals on a Ray node: plain files and folders only, on every Python 3.11.

Python 3.11.2 (Debian 12's) has no `filter=` for extractall; the same rules are checked
by hand there, so these run twice: with tarfile's data filter and without it. No Ray here:
the archives are real tar files, crafted the way an attacker would."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from mlskills.executors.fingerprint import extract_data, pack_tree, tree_digest, unpack_tree


@pytest.fixture(params=["data filter", "no filter (Python < 3.11.4)"])
def python(request, monkeypatch):
    if request.param.startswith("no filter"):
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    return request.param


def archive(*members: tuple[tarfile.TarInfo, bytes | None]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in members:
            info.size = len(data or b"")
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def member(name: str, kind: bytes = tarfile.REGTYPE, **fields) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    for key, value in fields.items():
        setattr(info, key, value)
    return info


def test_a_packed_evals_tree_unpacks_to_the_same_digest(python, tmp_path):
    evals = tmp_path / "evals"
    (evals / "tasks" / "t").mkdir(parents=True)
    (evals / "tasks" / "t" / "task.yaml").write_text("id: t\n")
    (evals / "tasks" / "t" / "solve.sh").write_text("echo hi\n")
    digest = tree_digest(evals)
    unpacked = unpack_tree(pack_tree(evals), digest, tmp_path / "cache")
    assert tree_digest(unpacked) == digest
    assert (unpacked / "tasks" / "t" / "solve.sh").read_text() == "echo hi\n"


@pytest.mark.parametrize(
    "bad",
    [
        member("/tmp/owned"),
        member("../outside"),
        member("tasks/../../outside"),
        member("link", tarfile.SYMTYPE, linkname="/etc/passwd"),
        member("inner-link", tarfile.SYMTYPE, linkname="tasks/a"),
        member("hard", tarfile.LNKTYPE, linkname="tasks/a"),
        member("device", tarfile.CHRTYPE, devmajor=1, devminor=3),
        member("fifo", tarfile.FIFOTYPE),
    ],
    ids=[
        "absolute",
        "dotdot",
        "dotdot-inside",
        "symlink-out",
        "symlink-in",
        "hardlink",
        "device",
        "fifo",
    ],
)
def test_anything_but_plain_files_is_refused_before_a_byte_is_written(python, tmp_path, bad):
    data = archive((member("tasks/a"), b"a"), (bad, b"x" if bad.isfile() else None))
    with pytest.raises(ValueError, match="archive member"):
        unpack_tree(data, "0" * 20, tmp_path / "cache")
    assert not (tmp_path / "outside").exists() and not Path("/tmp/owned").exists()
    assert not any((tmp_path / "cache").glob(".*/tasks/a"))  # refused before extracting


def test_setuid_and_world_writable_bits_are_dropped(python, tmp_path):
    data = archive((member("tool", mode=0o4777), b"#!/bin/sh\n"))
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        extract_data(tar, tmp_path / "out")
    assert (tmp_path / "out" / "tool").stat().st_mode & 0o7777 == 0o755


def test_a_link_inside_the_evals_travels_as_the_file_it_names(python, tmp_path):
    evals = tmp_path / "evals"
    (evals / "tasks" / "t" / "solution").mkdir(parents=True)
    (evals / "tasks" / "t" / "wrong").mkdir()
    (evals / "tasks" / "t" / "solution" / "predict.py").write_text("print('reference')\n")
    (evals / "tasks" / "t" / "wrong" / "reference_predict.py").symlink_to("../solution/predict.py")
    digest = tree_digest(evals)
    unpacked = unpack_tree(pack_tree(evals), digest, tmp_path / "cache")
    copy = unpacked / "tasks" / "t" / "wrong" / "reference_predict.py"
    assert not copy.is_symlink() and copy.read_text() == "print('reference')\n"
    assert tree_digest(unpacked) == digest


@pytest.mark.parametrize("target", ["/etc/hostname", "../missing.py"], ids=["out", "dangling"])
def test_a_link_a_node_could_not_follow_is_refused_when_packing(tmp_path, target):
    evals = tmp_path / "evals"
    (evals / "tasks" / "t").mkdir(parents=True)
    (evals / "tasks" / "t" / "task.yaml").write_text("id: t\n")
    (evals / "tasks" / "t" / "helper.py").symlink_to(target)
    with pytest.raises(ValueError, match="not a file inside"):
        pack_tree(evals)
    with pytest.raises(ValueError, match="not a file inside"):
        tree_digest(evals)
