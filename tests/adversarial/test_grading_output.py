"""Terminal injection (integrity review, finding 7): text an agent controls reaches the
operator's terminal and the reports only with its control characters escaped.

Two real paths: a grader that quotes an agent's file in its exception (the run prints the
`error` line live, and `mlskills report` shows it), and a server whose last log line is
quoted in a failed check (grade.json, then the Markdown and HTML reports).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SPOOF = "\x1b[2J\x1b[H\x1b]0;all trials passed\x1b\\\x1b[32mALL 14 TASKS PASSED\x1b[0m"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "evals"

QUOTING_GRADER = """
def grade(ctx):
    text = ctx.read_bytes("answers.csv", max_bytes=4096).value or b""
    raise RuntimeError("cannot parse answers.csv: " + text.decode("utf-8", "replace"))
"""


def mlskills(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlskills", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


@pytest.fixture
def evals(tmp_path: Path) -> Path:
    """The fixture evals plus a task whose grader quotes the agent's file in its error."""
    folder = tmp_path / "evals"
    shutil.copytree(FIXTURES, folder)
    task = folder / "tasks" / "quoting"
    shutil.copytree(folder / "tasks" / "double", task)
    (task / "grader.py").write_text(QUOTING_GRADER)
    yaml = (task / "task.yaml").read_text().replace("id: double", "id: quoting")
    (task / "task.yaml").write_text(yaml)
    return folder


def test_escape_sequences_never_reach_the_terminal_or_the_reports(tmp_path, evals):
    spoof_file = tmp_path / "spoof.txt"
    spoof_file.write_text(SPOOF)
    agent = f"cp {spoof_file} answers.csv"
    options = ["--agent", "command", "--agent-command", agent, "--sandbox", "local"]
    folders = ["--runs-dir", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "cache")]
    run = mlskills(
        "run", "--task", "quoting", "--evals", str(evals), *options, *folders, cwd=tmp_path
    )
    assert "ALL 14 TASKS" in run.stderr, run.stderr  # the error line was printed
    assert "\x1b" not in run.stderr and "\x1b" not in run.stdout
    assert "\\x1b[2J" in run.stderr  # shown, escaped, for the operator to see
    [run_dir] = (tmp_path / "runs").iterdir()
    for fmt in ("table", "md", "html", "json"):
        report = mlskills("report", str(run_dir), "--format", fmt, cwd=tmp_path)
        assert report.returncode == 0, report.stderr
        assert "\x1b" not in report.stdout, fmt
        assert "\x1b" not in report.stderr, fmt


def test_a_servers_log_line_in_a_failed_check_is_escaped_in_reports(attack, tmp_path):
    server = f"import sys\nprint({SPOOF!r}, flush=True)\nsys.exit(1)\n"
    script = f"cat > serve.py <<'PYEOF'\n{server}PYEOF\necho PLANTED\n"
    [outcome] = attack(script, task="model-serving")
    assert outcome.failed_gates == ["service starts"]
    message = next(c["message"] for c in outcome.record.grade["checks"] if not c["passed"])
    assert "ALL 14 TASKS PASSED" in message  # the raw record keeps the evidence
    for fmt in ("md", "html", "table"):
        report = mlskills("report", str(outcome.run_dir), "--format", fmt, cwd=tmp_path)
        assert report.returncode == 0, report.stderr
        assert "\x1b" not in report.stdout, fmt
