"""The credential proxy: the API key stays in the harness; sandboxes get a token and a socket.

`CredentialProxy` (server.py) runs in the harness and adds the real key to each Messages
API request; `forwarder_argv` starts a command inside a sandbox behind forwarder.py, which
gives it a loopback URL that leads to the proxy's socket. docs/credentials.md tells the
whole story.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mlskills.credproxy.credential import Credential, from_environment
from mlskills.credproxy.server import CredentialProxy, ProxyStats

FORWARDER_SOURCE = Path(__file__).with_name("forwarder.py")


def forwarder_argv(socket_path: str, command: list[str], python: str | None = None) -> list[str]:
    """`command` behind the in-sandbox forwarder to `socket_path` (a path as seen inside).

    The forwarder goes in as source text (`-c`): the mlskills package is hidden in the
    sandbox, and -I -S keep the start-up to the standard library (about 15 ms).
    """
    source = FORWARDER_SOURCE.read_text(encoding="utf-8")
    return [python or sys.executable, "-I", "-S", "-c", source, socket_path, *command]


__all__ = ["Credential", "CredentialProxy", "ProxyStats", "forwarder_argv", "from_environment"]
