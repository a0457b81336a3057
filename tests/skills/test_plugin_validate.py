"""Claude Code's own validator accepts the plugin with no error and no warning (the icon
warning included), using the real CLI bundled with claude-agent-sdk."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_claude_plugin_validate_is_clean():
    locate = pytest.importorskip("mlskills.agents.claude_code.locate")
    cli = locate.bundled_cli()
    if cli is None:
        pytest.skip(
            "the claude-code extra (claude-agent-sdk with its bundled CLI) is not installed"
        )
    result = subprocess.run(
        [str(cli), "plugin", "validate", "."], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Validation passed" in output, output
    assert "⚠" not in output and "✘" not in output, output


def test_icon_is_a_square_png_of_the_accepted_size():
    data = (ROOT / ".claude-plugin" / "icon.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 2_000_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == height and 512 <= width <= 2048
