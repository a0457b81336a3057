"""`mlskills report` and `mlskills compare` as a user types them."""

from __future__ import annotations

import json

import pytest
from fakes.synthetic_run import trial, write_run

from mlskills.cli import main


def small_run(tmp_path, run_id="r"):
    records = [trial(t, arm, e, s) for t, s in (("a", 0.4), ("b", 0.9)) for arm in ("bare", "pack")
               for e in range(2)]  # fmt: skip
    return write_run(tmp_path, records, run_id=run_id)


def test_report_prints_a_table_by_default(tmp_path, capsys):
    assert main(["report", str(small_run(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "Arms" in out and "Uplift of pack over bare" in out


def test_report_json_to_stdout(tmp_path, capsys):
    assert main(["report", str(small_run(tmp_path)), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["uplift"]["treatment"] == "pack"


def test_report_html_defaults_into_the_run_folder(tmp_path, capsys):
    path = small_run(tmp_path)
    assert main(["report", str(path), "--format", "html"]) == 0
    assert (path / "report.html").read_text().startswith("<!doctype html>")
    assert "wrote" in capsys.readouterr().err


def test_report_format_follows_out_extension(tmp_path):
    out = tmp_path / "out" / "report.md"
    out.parent.mkdir()  # --out never creates folders (a typo would make a tree)
    assert main(["report", str(small_run(tmp_path)), "--out", str(out)]) == 0
    assert out.read_text().startswith("# mlskills report")


def test_report_of_a_folder_that_is_not_a_run(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not a run folder" in capsys.readouterr().err


def test_report_with_an_unknown_arm(tmp_path, capsys):
    assert main(["report", str(small_run(tmp_path)), "--treatment", "nope"]) == 2
    assert "not in this run" in capsys.readouterr().err


def test_compare_two_runs(tmp_path, capsys):
    a, b = small_run(tmp_path, "a"), small_run(tmp_path, "b")
    assert main(["compare", str(a), str(b), "--format", "md"]) == 0
    assert "# mlskills compare: a (A) vs b (B)" in capsys.readouterr().out
    assert main(["compare", str(a), str(b), "--format", "html"]) == 0
    assert (b / "compare-a.html").is_file()
    other = write_run(tmp_path, [trial("zzz", "bare", 0, 1.0)], run_id="c")
    assert main(["compare", str(a), str(other)]) == 2
    assert "share no task" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seed", "-1"], "must be 0 or more, got -1"),
        (["--transcript-kb", "-5"], "must be 0 or more, got -5"),
        (["--seed", "x"], "expected a whole number"),
    ],
)
def test_report_rejects_negative_numbers_with_a_usage_error(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(small_run(tmp_path)), *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_compare_rejects_a_negative_seed(tmp_path, capsys):
    a = small_run(tmp_path, "a")
    with pytest.raises(SystemExit):
        main(["compare", str(a), str(a), "--seed", "-1"])
    assert "must be 0 or more" in capsys.readouterr().err
