"""Channels between trials and escapes from one, through the real runner.

Each attack runs as the `command` agent on the tiny fixture task (so the trial costs
little besides the attack) and prints what it reached; the test asserts it reached
nothing: the kernel keyring, SysV IPC and abstract unix sockets connect no two trials,
no nested user namespace can be made, /proc/1/cmdline names no host path, local daemons
die with the trial, and sparse files and many-process memory hogs end the trial at its
limit.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sandbox.helpers import gone_soon, needs_bwrap, processes_with

from mlskills.runner import RunConfig, start_run
from mlskills.schema import TrialRecord

FIXTURE_EVALS = Path(__file__).resolve().parents[1] / "fixtures" / "evals"
FAST = {"agent_timeout": 60.0, "command_timeout": 60.0}


@pytest.fixture
def trials(tmp_path: Path, cache_dir: Path, scratch: Path) -> Callable[..., list[tuple]]:
    """trials(script, epochs=1, jobs=1, sandbox="bwrap", **limits) -> [(record, log)]."""

    def run(script: str, epochs: int = 1, jobs: int = 1, sandbox: str = "bwrap", **limits):
        encoded = base64.b64encode(script.encode()).decode()
        config = RunConfig(
            agent="command",
            task_ids=["double"],
            epochs=epochs,
            jobs=jobs,
            sandbox=sandbox,
            cache_dir=str(cache_dir),
            limits={**FAST, **limits},
            agent_options={"command": f"echo {encoded} | base64 -d | bash"},
            scratch_dir=str(scratch),
            evals=str(FIXTURE_EVALS),
        )
        outcome = start_run(config, tmp_path / f"runs-{uuid.uuid4().hex[:6]}")
        found = []
        for record in sorted(outcome.records, key=lambda r: r.epoch):
            log = outcome.run.trial_dir(record.key) / "agent.log"
            found.append((record, log.read_text() if log.exists() else ""))
        return found

    return run


def not_error(record: TrialRecord) -> None:
    assert record.status != "error", record.error


# Writes a key readable by anyone, then looks for any other trial's key for a while.
KEYRING = r"""
python3 - <<'PY'
import ctypes, os, time
libc = ctypes.CDLL(None, use_errno=True)
mine = b"mlskills-attack-%d" % os.getpid()
KEY_SPEC_USER_KEYRING = -4
serial = libc.syscall(248, b"user", mine, b"SECRET-LABELS", 13, KEY_SPEC_USER_KEYRING)
print("ADD", serial, ctypes.get_errno())
print("KEYCTL", libc.syscall(250, 0, -3, 0), ctypes.get_errno())
for _ in range(6):
    try:
        keys = open("/proc/keys").read()
    except OSError as exc:
        keys = ""
    others = [l for l in keys.splitlines() if "mlskills-attack" in l and mine.decode() not in l]
    if others:
        print("LEAK", others)
    time.sleep(0.5)
PY
"""


@needs_bwrap
def test_keyring_is_no_channel_between_sequential_or_concurrent_trials(trials):
    for epochs, jobs in ((2, 1), (2, 2)):
        for record, log in trials(KEYRING, epochs=epochs, jobs=jobs):
            not_error(record)
            assert "ADD -1 1" in log, log  # add_key: EPERM
            assert "KEYCTL -1 1" in log, log  # keyctl: EPERM
            assert "LEAK" not in log


IPC = r"""
python3 - <<'PY'
import ctypes, os, socket, time
libc = ctypes.CDLL(None, use_errno=True)
KEY, IPC_CREAT = 0x5EED, 0o1000
def attach():
    shmid = libc.shmget(KEY, 4096, 0o666)
    return shmid >= 0
def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(b"\0mlskills-attack")
        return True
    except OSError:
        return False
if attach() or connect():
    print("REACHED another trial")
created = libc.shmget(KEY, 4096, IPC_CREAT | 0o666)
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    server.bind(b"\0mlskills-attack"); server.listen(1); print("LISTENING")
except OSError as exc:
    print("BIND FAILED (someone holds the name)", exc)
print("SHM", created >= 0)
for _ in range(6):
    time.sleep(0.5)
PY
"""


@needs_bwrap
def test_sysv_ipc_and_abstract_sockets_do_not_connect_concurrent_trials(trials):
    results = trials(IPC, epochs=2, jobs=2)
    assert len(results) == 2
    for record, log in results:
        not_error(record)
        assert "LISTENING" in log and "SHM True" in log, log
        assert "REACHED" not in log and "BIND FAILED" not in log, log


NESTED = r"""
unshare -U true && echo "NESTED USERNS MADE"
unshare -Ur true && echo "NESTED ROOT USERNS MADE"
python3 -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True)
print("UNSHARE", l.unshare(0x10000000), ctypes.get_errno())'
cat /proc/self/uid_map
id -u
"""


@needs_bwrap
def test_no_nested_user_namespace_and_never_uid_0(trials):
    [(record, log)] = trials(NESTED)
    not_error(record)
    assert "NESTED" not in log
    assert "UNSHARE -1" in log
    lines = log.split("--- stderr ---")[0].strip().splitlines()
    assert lines[-1] != "0"


CMDLINES = r"""
for f in /proc/[0-9]*/cmdline; do echo "CMD $f: $(tr '\0' ' ' < $f)"; done
"""


@needs_bwrap
def test_proc_cmdlines_inside_name_no_host_path(trials, scratch):
    [(record, log)] = trials(CMDLINES)
    not_error(record)
    assert "CMD /proc/1/cmdline" in log
    assert str(scratch) not in log
    assert "/dev/shm/" not in log and "mlskills-" not in log


DAEMONS = """
( setsid env -i /bin/sleep {tag}1 & )
python3 -c '
import os, sys
if os.fork(): sys.exit(0)
os.setsid()
if os.fork(): sys.exit(0)
os.execve("/bin/sleep", ["sleep", "{tag}2"], {{}})
'
nohup sleep {tag}3 > /dev/null 2>&1 &
sleep 0.5
echo started
"""


@pytest.mark.parametrize("sandbox", ["local", pytest.param("bwrap", marks=needs_bwrap)])
def test_daemons_that_wipe_their_environment_die_with_the_trial(trials, sandbox):
    tag = str(7000 + uuid.uuid4().int % 900)
    [(record, log)] = trials(DAEMONS.format(tag=tag), sandbox=sandbox)
    not_error(record)
    assert "started" in log
    for n in (1, 2, 3):
        assert gone_soon(f"sleep {tag}{n}"), processes_with(f"sleep {tag}{n}")


SPARSE = """
python3 -c '
f = open("sparse.bin", "wb"); f.truncate(400 * 1024 * 1024); f.close()
print("SPARSE written")'
sleep 20
"""


@pytest.mark.parametrize("sandbox", ["local", pytest.param("bwrap", marks=needs_bwrap)])
def test_sparse_files_count_their_apparent_size_against_disk_mb(trials, sandbox):
    [(record, log)] = trials(SPARSE, sandbox=sandbox, disk_mb=64)
    assert "SPARSE written" in log
    assert (record.status, record.limit) == ("limit", "disk_mb"), (record.status, record.error)
    assert record.agent_seconds < 15  # stopped, not left to its sleep


# Eight processes of ~48 MiB each: every one is far below memory_mb, their sum is not.
HOG = """
echo HOGS starting
for i in 1 2 3 4 5 6 7 8; do
  python3 -c 'import time; b = bytearray(48 << 20); b[::4096] = b"x" * (12 << 10)
time.sleep(30)' &
done
wait
"""


@pytest.mark.parametrize("sandbox", ["local", pytest.param("bwrap", marks=needs_bwrap)])
def test_memory_of_many_processes_is_capped_as_a_whole(trials, sandbox):
    [(record, log)] = trials(HOG, sandbox=sandbox, memory_mb=256)
    assert "HOGS starting" in log  # on a quiet machine the cap can hit within a second
    assert (record.status, record.limit) == ("limit", "memory_mb"), (record.status, record.error)
    assert record.agent_seconds < 25
