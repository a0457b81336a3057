"""What the rubric says to look at, gathered by the harness before the judge starts.

Rubric `evidence` entries are workspace files or glob patterns (`README.md`, `*.md`), or
commands written with a leading `$ ` (`$ python predict.py --help`). Files are read as text
from the finished workspace, refusing anything whose real path leaves it (an agent may
plant a link to the grading data). Commands run in a fresh sandbox on a throwaway copy of
the workspace without network, so nothing the judge asks for can change what was graded.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mlskills import fsafe
from mlskills.judge.case import SandboxFactory
from mlskills.sandbox import Sandbox
from mlskills.schema import Limits, RubricItem

COMMAND_PREFIX = "$ "
FILE_CHARS = 12_000  # of one file shown in the prompt (head and tail)
MAX_READ = 8 * 2**20  # bytes: a larger file is described, not read
OUTPUT_CHARS = 8_000  # of one command's output
MAX_FILES = 12  # per pattern
COMMAND_TIMEOUT = 60.0


@dataclass(frozen=True)
class Exhibit:
    """One piece of evidence as the judge will read it."""

    kind: str  # file | command | missing
    name: str  # the path or the command
    text: str


def is_command(entry: str) -> bool:
    return entry.startswith(COMMAND_PREFIX)


def gather(
    items: tuple[RubricItem, ...],
    workspace: Path,
    make_sandbox: SandboxFactory | None,
    scratch: Path,
) -> list[Exhibit]:
    """Every distinct evidence entry of the rubric, files first, then command outputs."""
    entries = list(dict.fromkeys(e for item in items for e in item.evidence))
    exhibits = [x for e in entries if not is_command(e) for x in read_files(workspace, e)]
    commands = [e[len(COMMAND_PREFIX) :].strip() for e in entries if is_command(e)]
    if commands:
        exhibits += run_commands(commands, workspace, make_sandbox, scratch)
    return exhibits


def read_files(workspace: Path, pattern: str) -> list[Exhibit]:
    """The text of the files matching `pattern` inside the workspace, or why there is none."""
    root = workspace.resolve()
    try:
        matches = sorted(p for p in root.glob(pattern) if p.is_file())[:MAX_FILES]
    except (NotImplementedError, ValueError, OSError):  # absolute or malformed pattern
        matches = []
    shown = [p for p in matches if p.resolve().is_relative_to(root)]
    if not shown:
        return [Exhibit("missing", pattern, "no such file in the workspace")]
    return [Exhibit("file", str(p.relative_to(root)), _read(root, p)) for p in shown]


def _read(root: Path, path: Path) -> str:
    """The file's text, opened beneath the workspace without following any link, capped."""
    try:
        data = fsafe.read_bytes(root, path.relative_to(root).as_posix(), MAX_READ)
    except (fsafe.Refused, OSError) as exc:
        return f"[not readable: {exc}]"
    if b"\0" in data[:4096]:
        return f"[binary file, {len(data)} bytes]"
    return cut(data.decode("utf-8", errors="replace"), FILE_CHARS)


def run_commands(
    commands: list[str],
    workspace: Path,
    make_sandbox: SandboxFactory | None,
    scratch: Path,
) -> list[Exhibit]:
    """Run each command in one fresh sandbox over a throwaway copy of the workspace."""
    if make_sandbox is None:
        return [Exhibit("command", c, "[not run: no sandbox available]") for c in commands]
    root = Path(tempfile.mkdtemp(prefix="judge-evidence-", dir=scratch))
    copy = root / "workspace"
    try:
        fsafe.copy_tree(workspace, copy)  # links kept as links, holes kept, capped
    except fsafe.Refused as exc:
        shutil.rmtree(root, ignore_errors=True)
        return [Exhibit("command", c, f"[not run: {exc}]") for c in commands]
    limits = Limits(command_timeout=COMMAND_TIMEOUT, agent_timeout=COMMAND_TIMEOUT)
    sandbox = make_sandbox(copy, limits, root)
    try:
        return [Exhibit("command", c, _run(sandbox, c)) for c in commands]
    finally:
        sandbox.close()
        shutil.rmtree(root, ignore_errors=True)


def _run(sandbox: Sandbox, command: str) -> str:
    result = sandbox.exec(command, timeout=COMMAND_TIMEOUT)
    output = result.stdout + (f"\n[stderr]\n{result.stderr}" if result.stderr.strip() else "")
    status = "timed out" if result.timed_out else f"exit code {result.exit_code}"
    return f"{cut(output.strip(), OUTPUT_CHARS)}\n[{status}]"


def cut(text: str, limit: int) -> str:
    """Head and tail of a long text, saying how much was left out."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - limit} characters left out ...]\n{text[-half:]}"
