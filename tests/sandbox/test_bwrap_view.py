"""What a command inside the bubblewrap sandbox can and cannot see or do."""

from __future__ import annotations

import socket
import sys
import threading
from pathlib import Path

import pytest
from sandbox.helpers import invisible_check, needs_bwrap, toward_python

import mlskills
from mlskills import paths

pytestmark = needs_bwrap


def run_ok(box, command: str, **kwargs) -> str:
    result = box.exec(command, **kwargs)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_workspace_home_and_tmp_are_the_trials_own(make_sandbox):
    box = make_sandbox()
    out = run_ok(box, "pwd; echo $HOME $TMPDIR; echo w > out.txt; echo h > ~/h; echo t > /tmp/t")
    assert out.split() == ["/workspace", "/home/agent", "/tmp"]
    assert (box.workdir / "out.txt").read_text() == "w\n"
    assert (box.home / "h").read_text() == "h\n"
    assert (box.tmp / "t").read_text() == "t\n"
    assert box.guest_path(box.workdir / "data" / "x.csv") == "/workspace/data/x.csv"
    assert box.guest_path(box.tmp / "instruction.md") == "/tmp/instruction.md"


def test_repository_package_and_cache_do_not_exist_inside(make_sandbox):
    """The agent cannot read the repo (evals, graders), our package or prepared data."""
    cache = paths.default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    hidden = [
        paths.resource_root(),
        paths.evals_dir(),
        Path(mlskills.__file__).parent,
        cache,
        Path(__file__).parent,
    ]
    box = make_sandbox()
    out = run_ok(box, f"{invisible_check(hidden)}\npython -c 'import mlskills' 2>&1 | tail -1")
    assert "VISIBLE" not in out
    assert "No module named 'mlskills'" in out


def test_other_trials_and_host_tmp_are_invisible(make_sandbox, tmp_path):
    other = tmp_path / "other-trial" / "workspace"
    other.mkdir(parents=True)
    (other / "predictions.csv").write_text("secret")
    box = make_sandbox()
    out = run_ok(box, f"{invisible_check([other])}\necho TMP; ls -A /tmp; echo HOME; ls -A /home")
    assert "VISIBLE" not in out
    tmp, home = out.split("HOME")
    # /tmp is empty but for the way to a venv made under /tmp; /home holds the agent's HOME
    assert set(tmp.split()) - {"TMP"} == toward_python(Path("/tmp"))
    assert home.split() == ["agent"]


def test_system_and_python_are_read_only_but_usable(make_sandbox):
    box = make_sandbox()
    prefix = Path(sys.prefix)
    result = box.exec(f"touch /usr/x || touch /etc/x || touch /x || touch {prefix}/x; echo $?")
    assert result.stdout.strip() == "1"
    assert "Read-only file system" in result.stderr
    out = run_ok(box, "python -c 'import numpy, pandas, sklearn, sys; print(sys.executable)'")
    assert out.strip().startswith(str(prefix))


def test_never_root_never_capable(make_sandbox):
    """uid 0 could rewrite host sysctls even without capabilities; the sandbox never is."""
    box = make_sandbox()
    out = run_ok(
        box,
        "id -u; grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status;"
        " v=$(cat /proc/sys/kernel/threads-max); (echo $v > /proc/sys/kernel/threads-max)"
        " 2>/dev/null && echo SYSCTL-WRITABLE; whoami; hostname",
    )
    lines = out.split("\n")
    assert lines[0] != "0"
    assert "CapEff:\t0000000000000000" in out and "CapBnd:\t0000000000000000" in out
    assert "NoNewPrivs:\t1" in out
    assert "SYSCTL-WRITABLE" not in out
    assert "agent\nsandbox" in out


def test_only_own_processes_and_no_secrets_in_etc(make_sandbox):
    box = make_sandbox()
    out = run_ok(box, "ls /proc | grep -c '^[0-9]'; wc -c < /etc/shadow; ls /etc/ssh | wc -l")
    processes, shadow, ssh = (int(n) for n in out.split())
    assert processes < 10  # bwrap, the shell and its children; no host processes
    assert shadow == 0 and ssh == 0


class HostServer:
    """A TCP listener on the host's loopback that records whether anyone connected."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connected = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        self.connected.set()
        conn.close()

    def close(self) -> None:
        self.sock.close()


CONNECT = (
    "python -c \"import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])),"
    " timeout=2); print('CONNECTED')\" {port}"
)
LOOPBACK_SELF = """python - <<'EOF'
import socket, threading
server = socket.create_server(("127.0.0.1", 0))
threading.Thread(target=lambda: server.accept()[0].sendall(b"pong"), daemon=True).start()
client = socket.create_connection(server.getsockname(), timeout=2)
print(client.recv(4).decode(), sorted(name for _, name in socket.if_nameindex()))
EOF"""


@pytest.fixture
def host_server():
    server = HostServer()
    yield server
    server.close()


def test_host_loopback_is_unreachable_but_own_loopback_works(make_sandbox, host_server):
    box = make_sandbox()
    result = box.exec(CONNECT.format(port=host_server.port))
    assert "CONNECTED" not in result.stdout
    assert "refused" in result.stderr.lower()
    assert not host_server.connected.wait(0.5)
    assert run_ok(box, LOOPBACK_SELF).strip() == "pong ['lo']"


def test_network_true_shares_the_hosts_network(make_sandbox, host_server):
    """The documented trade-off: an agent given network (Claude Code) reaches host loopback."""
    box = make_sandbox()
    out = run_ok(box, CONNECT.format(port=host_server.port), network=True)
    assert "CONNECTED" in out
    assert host_server.connected.wait(2)


def test_harness_files_become_the_sandboxs_unless_made_read_only(make_sandbox):
    """Files the harness adds between commands are writable inside; a read-only staged
    copy (the pack in HOME) stays read-only."""
    box = make_sandbox()
    (box.workdir / "notes").mkdir()
    (box.workdir / "notes" / "todo.txt").write_text("a\n")
    staged = box.home / "skills"
    staged.mkdir()
    (staged / "SKILL.md").write_text("body\n")
    (staged / "SKILL.md").chmod(0o444)
    staged.chmod(0o555)
    result = box.exec("echo b >> notes/todo.txt && echo x >> ~/skills/SKILL.md; echo $?")
    assert (box.workdir / "notes" / "todo.txt").read_text() == "a\nb\n"
    assert result.stdout.strip() == "1" and "Permission denied" in result.stderr
    assert (staged / "SKILL.md").read_text() == "body\n"
    staged.chmod(0o755)


def test_hidden_paths_inside_the_python_environment_are_covered(make_sandbox, monkeypatch):
    """An installed wheel keeps mlskills (tasks, graders) in site-packages, which is
    mounted: such paths are covered with an empty tmpfs. Stand-in: the json package."""
    import json

    from mlskills.sandbox import bwrap, mounts

    package = Path(json.__file__).parent
    monkeypatch.setattr(mounts, "hidden_paths", lambda: [package])
    bwrap._view_template.cache_clear()  # the view is built once per process
    monkeypatch.setattr(bwrap, "_view_template", bwrap._view_template.__wrapped__)
    box = make_sandbox()
    out = run_ok(box, f"ls -A {package} | wc -l; python -c 'from json import loads' 2>&1 | tail -1")
    assert out.split("\n")[0] == "0"
    assert "cannot import name 'loads'" in out  # an empty folder is a namespace package


@needs_bwrap
def test_hidden_paths_inside_system_folders_are_covered(make_sandbox, monkeypatch):
    """A system install keeps mlskills under /usr (mounted whole): covered there too.
    Stand-in: a documentation folder under /usr/share."""
    from mlskills.sandbox import bwrap, mounts

    folder = next(p for p in Path("/usr/share/doc").iterdir() if p.is_dir() and any(p.iterdir()))
    monkeypatch.setattr(mounts, "hidden_paths", lambda: [folder])
    bwrap._view_template.cache_clear()
    monkeypatch.setattr(bwrap, "_view_template", bwrap._view_template.__wrapped__)
    box = make_sandbox()
    assert run_ok(box, f"ls -A {folder} | wc -l").strip() == "0"


def test_a_shared_folder_is_reachable_by_the_sandbox_uid_and_read_only(make_sandbox, tmp_path):
    """`share` (the credential proxy's socket folder) under a guest path whose parent bwrap
    creates: that parent must be passable for the sandbox's own uid, not 0700 root's."""
    box = make_sandbox()
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    (folder / "note.txt").write_text("from the harness\n")
    (folder / "note.txt").chmod(0o644)
    guest = box.share(folder, "/run/mlskills-test/deeper")
    result = box.exec(f"cat {guest}/note.txt; touch {guest}/x 2>/dev/null || echo READ-ONLY")
    assert result.stdout.split() == ["from", "the", "harness", "READ-ONLY"], result.stderr
