"""Inside the sandbox: a loopback TCP port that leads to the proxy's unix socket, then a command.

    python -I -S -c "$(cat forwarder.py)" SOCKET COMMAND [ARGS...]

Clients such as the Claude Code CLI speak HTTP to a URL, not to a unix socket, and a sandbox
without network has only its own loopback. This script listens on 127.0.0.1 (a free port,
chosen before the command starts, so nothing races), starts COMMAND with
ANTHROPIC_BASE_URL pointing at that port, relays bytes between TCP clients and SOCKET until
COMMAND exits, and exits with COMMAND's status. It runs where the mlskills package is
hidden, so it uses the standard library only and is passed as source text.
"""

import contextlib
import os
import selectors
import signal
import socket
import sys


def _pair(sel, client, unix_path):
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(unix_path)
    except OSError:
        upstream.close()
        client.close()
        return
    state = {"open": 2}
    sel.register(client, selectors.EVENT_READ, (upstream, state))
    sel.register(upstream, selectors.EVENT_READ, (client, state))


def _relay(sel, source, target, state):
    """Copy what `source` has to `target`; at its end, half-close `target`."""
    try:
        data = source.recv(65536)
    except OSError:
        data = b""
    if data:
        try:
            target.sendall(data)
        except OSError:
            _close(sel, source, target)
        return
    sel.unregister(source)
    state["open"] -= 1
    if state["open"] <= 0:
        _close(sel, source, target)
        return
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


def _close(sel, *socks):
    for sock in socks:
        with contextlib.suppress(KeyError, ValueError):
            sel.unregister(sock)
        sock.close()


def _exit_code(status):
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def _reachable(path):
    """A unix address connect() accepts: a long path goes through /proc/self/fd."""
    if len(os.fsencode(path)) <= 107:
        return path
    folder = os.open(os.path.dirname(path), os.O_PATH | os.O_DIRECTORY)  # close-on-exec
    return f"/proc/self/fd/{folder}/{os.path.basename(path)}"


def main(argv):
    unix_path, command = _reachable(argv[0]), argv[1:]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    os.environ["ANTHROPIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    child = os.fork()
    if child == 0:
        listener.close()
        try:
            os.execvp(command[0], command)
        except OSError as exc:
            sys.stderr.write(f"credential forwarder: cannot start {command[0]}: {exc}\n")
            os._exit(127)
    for stop in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # pass stops on to the command
        signal.signal(stop, lambda sig, _: os.kill(child, sig))
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    while True:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            return _exit_code(status)
        for key, _ in sel.select(timeout=0.2):
            if key.data is None:
                try:
                    client, _ = listener.accept()
                except OSError:
                    continue
                client.setblocking(True)
                client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                _pair(sel, client, unix_path)
            elif key.fileobj.fileno() != -1:  # not closed earlier in this round
                target, state = key.data
                _relay(sel, key.fileobj, target, state)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
