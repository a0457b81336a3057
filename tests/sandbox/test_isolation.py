"""Namespaces, seccomp and process tracking of each sandbox, tested directly."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sandbox.helpers import gone_soon, needs_bwrap, processes_with

from mlskills.sandbox import mounts, tracking
from mlskills.sandbox.base import Sandbox


def run_ok(box: Sandbox, command: str) -> str:
    result = box.exec(command)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


@needs_bwrap
def test_each_bwrap_sandbox_has_a_user_namespace_of_its_own(make_sandbox):
    first, second = make_sandbox(), make_sandbox()
    show = "readlink /proc/self/ns/user; cat /proc/self/uid_map"
    # concurrently: a namespace's inode number is reused once the namespace is gone
    alive = first.popen(["sh", "-c", f"{show}; sleep 3"])
    a = alive.stdout.readline().decode() + alive.stdout.readline().decode()
    b = run_ok(second, show)
    alive.kill()
    host = os.readlink("/proc/self/ns/user")
    assert a.splitlines()[0] != b.splitlines()[0]
    assert host not in (a.splitlines()[0], b.splitlines()[0])
    assert len(a.splitlines()) == 2  # one uid mapped: the sandbox's own, never 0
    inside, outside, count = a.splitlines()[1].split()
    assert inside == outside != "0" and count == "1"


@needs_bwrap
def test_key_syscalls_fail_and_no_descriptor_leaks_in(make_sandbox):
    box = make_sandbox()
    out = run_ok(
        box,
        "python -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True); "
        "print(l.syscall(250, 0, -3, 0), ctypes.get_errno())'; ls /proc/self/fd | wc -l; "
        "grep Seccomp: /proc/self/status",
    )
    keyctl, fds, seccomp_line = out.splitlines()
    assert keyctl == "-1 1"  # EPERM
    assert int(fds) <= 4  # stdin, stdout, stderr, and ls's own directory
    assert seccomp_line.split()[-1] == "2"  # a filter is loaded


def test_only_folders_count_as_importable_packages(tmp_path):
    """A console script's folder holds a *file* named mlskills: it is not a package."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "mlskills").write_text("#!/bin/sh\n")
    (tmp_path / "site" / "mlskills").mkdir(parents=True)
    found = mounts.importable_folders([str(tmp_path / "bin"), str(tmp_path / "site"), ""])
    assert found == [tmp_path / "site" / "mlskills"]


DAEMONS = """
( setsid env -i /bin/sleep {tag}1 & )
python3 -c '
import os, sys
if os.fork(): sys.exit(0)
os.setsid()
if os.fork(): sys.exit(0)
os.execve("/bin/sleep", ["sleep", "{tag}2"], {{}})
'
sleep 0.3
"""

TRACKERS = {
    "cgroup": lambda: tracking.cgroup_parent() is not None,
    "pid-namespace": tracking.pid_namespace_works,
}


@pytest.mark.parametrize("kind", sorted(TRACKERS))
def test_local_trackers_kill_daemons_that_wipe_their_environment(make_sandbox, kind, monkeypatch):
    if not TRACKERS[kind]():
        pytest.skip(f"{kind} tracking is not available here")
    if kind == "cgroup":  # force it even where a PID namespace would be chosen
        monkeypatch.setattr(tracking, "pid_namespace_works", lambda: False)
    box = make_sandbox("local")
    expected = {"cgroup": "cgroup v2", "pid-namespace": "PID namespace per command"}[kind]
    assert box.tracker.how == expected
    tag = str(8000 + uuid.uuid4().int % 900)
    box.exec(DAEMONS.format(tag=tag))
    box.close()
    for n in (1, 2):
        assert gone_soon(f"sleep {tag}{n}"), processes_with(f"sleep {tag}{n}")


def test_the_cgroup_of_a_closed_sandbox_is_removed(make_sandbox, monkeypatch):
    if tracking.cgroup_parent() is None:
        pytest.skip("no cgroup v2 the harness may write here")
    monkeypatch.setattr(tracking, "pid_namespace_works", lambda: False)
    box = make_sandbox("local")
    box.exec("sleep 0.1 &")
    folder = box.tracker.path
    assert folder.is_dir()
    box.close()
    assert not folder.exists()


def test_memory_cap_through_the_cgroup_where_the_controller_is_delegated(make_sandbox):
    parent = tracking.cgroup_parent()
    if parent is None or "memory" not in tracking._controllers(parent):
        pytest.skip("the cgroup v2 memory controller is not delegated here (watchdog instead)")
    box = make_sandbox("local", memory_mb=128)
    assert box.tracker.memory_capped
    assert Path(box.tracker.path / "memory.max").read_text().strip() == str(128 << 20)


HOG = """
for i in 1 2 3 4 5 6 7 8; do
  python3 -c 'import time; b = bytearray(48 << 20); time.sleep(20)' &
done
wait
"""


@pytest.mark.parametrize("kind", ["local", pytest.param("bwrap", marks=needs_bwrap)])
@pytest.mark.parametrize("tracker", ["best here", "tree and marker"])
def test_memory_of_the_whole_tree_is_watched_with_any_tracker(
    make_sandbox, monkeypatch, kind, tracker
):
    """Eight processes of ~48 MiB, each far below memory_mb, their sum above it."""
    if tracker == "tree and marker":
        monkeypatch.setattr(tracking, "cgroup_parent", lambda: None)
        monkeypatch.setattr(tracking, "pid_namespace_works", lambda: False)
    box = make_sandbox(kind, memory_mb=256)
    result = box.exec(HOG, timeout=40)
    assert box.limit_hit == "memory_mb"
    assert result.duration < 30  # stopped, not left to its sleep


AS_A_USER = """
import sys, tempfile
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from mlskills.sandbox import bwrap
from mlskills.schema import Limits
ok, why = bwrap.probe()
assert ok, why
folder = Path(tempfile.mkdtemp(dir=sys.argv[2]))
(folder / "workspace").mkdir()
box = bwrap.BwrapSandbox(folder / "workspace", Limits(), folder)
print(box.exec(sys.argv[3]).stdout)
box.close()
"""


@needs_bwrap
def test_the_unprivileged_path_confines_as_much():
    """A harness that is not root: one bwrap, in a user namespace. Run with the system
    python as `nobody`, importing the sandbox package from this checkout."""
    import subprocess

    src = Path(__file__).resolve().parents[2] / "src"
    system_python = Path("/usr/bin/python3")
    if os.geteuid() != 0 or not system_python.exists():
        pytest.skip("needs root (to become nobody) and /usr/bin/python3")
    if subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "test",
            "-r",
            str(src / "mlskills" / "sandbox" / "bwrap.py"),
        ]
    ).returncode:
        pytest.skip("the checkout is not readable by nobody")  # fmt: skip
    import shutil
    import tempfile

    tmp_path = Path(tempfile.mkdtemp(prefix="mlskills-as-a-user-"))  # pytest's is 0700
    tmp_path.chmod(0o777)
    check = (
        "id -u; unshare -U true 2>/dev/null || echo no-userns; "
        "python3 -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True); "
        "print(l.syscall(250, 0, -3, 0), ctypes.get_errno())'; "
        "tr '\\0' ' ' < /proc/1/cmdline"
    )
    done = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(system_python),
         "-c", AS_A_USER, str(src), str(tmp_path), check],
        capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    shutil.rmtree(tmp_path, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    uid, userns, keyctl, cmdline = done.stdout.strip().splitlines()
    assert uid == "65534" and userns == "no-userns" and keyctl == "-1 1"
    assert str(tmp_path) not in cmdline
