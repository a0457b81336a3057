"""install/uninstall: copy exactly the pack, never clobber or delete the user's files."""

import json

import pytest

from mlskills.cli import main
from mlskills.errors import MlskillsError
from mlskills.pack.install import (
    MANIFEST_NAME,
    InstallConflict,
    NothingInstalled,
    install,
    uninstall,
)

from .conftest import edit

EVAL_SKILL = "skills/model-evaluation/SKILL.md"


@pytest.fixture
def target(tmp_path):
    return tmp_path / "project" / ".claude"


def test_install_copies_agents_and_skills_and_records_hashes(pack, target):
    report = install(target, pack_root=pack)
    assert (target / "agents" / "evaluator.md").read_text() == (
        pack / "agents" / "evaluator.md"
    ).read_text()
    assert (target / "skills/model-evaluation/scripts/eval_report.py").is_file()
    assert (target / "skills/pytorch-training/assets/train_template.py").is_file()
    recorded = json.loads((target / MANIFEST_NAME).read_text())["files"]
    assert EVAL_SKILL in recorded and len(recorded["agents/mlops.md"]) == 64
    assert not any("__pycache__" in path for path in recorded)
    assert {a.verb for a in report.actions} == {"create"}
    assert report.lines()[-1].startswith(f"{len(recorded)} change(s)")


def test_reinstall_is_idempotent_and_updates_our_unchanged_files(pack, target):
    install(target, pack_root=pack)
    assert {a.verb for a in install(target, pack_root=pack).actions} == {"unchanged"}
    edit(pack / EVAL_SKILL, "# Model evaluation", "# Model evaluation (v2)")
    actions = {a.path: a.verb for a in install(target, pack_root=pack).actions}
    assert actions[EVAL_SKILL] == "update"
    assert "(v2)" in (target / EVAL_SKILL).read_text()


def test_files_the_user_changed_are_not_overwritten_without_force(pack, target):
    install(target, pack_root=pack)
    (target / EVAL_SKILL).write_text("my notes")
    edit(pack / EVAL_SKILL, "# Model evaluation", "# Model evaluation (v2)")
    with pytest.raises(InstallConflict, match="changed since mlskills installed it"):
        install(target, pack_root=pack)
    assert (target / EVAL_SKILL).read_text() == "my notes"
    install(target, pack_root=pack, force=True)
    assert "(v2)" in (target / EVAL_SKILL).read_text()


def test_a_preexisting_file_we_did_not_install_is_a_conflict(pack, target):
    (target / "agents").mkdir(parents=True)
    (target / "agents" / "mlops.md").write_text("the user's own agent")
    with pytest.raises(InstallConflict, match="not ours"):
        install(target, pack_root=pack)
    assert not (target / MANIFEST_NAME).exists()
    assert not (target / "skills").exists()  # nothing written on refusal


def test_dry_run_writes_nothing(pack, target):
    report = install(target, pack_root=pack, dry_run=True)
    assert not target.exists()
    assert report.lines()[0].startswith("would create ")


def test_files_dropped_from_the_pack_are_removed_on_update(pack, target):
    install(target, pack_root=pack)
    (pack / "skills/model-evaluation/references/comparing_models.md").unlink()
    edit(pack / EVAL_SKILL, "- Read `references/comparing_models.md`", "- Compare")
    actions = {a.path: a.verb for a in install(target, pack_root=pack).actions}
    assert actions["skills/model-evaluation/references/comparing_models.md"] == "remove"
    assert not (target / "skills/model-evaluation/references/comparing_models.md").exists()


def test_uninstall_removes_ours_and_keeps_the_users(pack, target):
    install(target, pack_root=pack)
    (target / "agents" / "mlops.md").write_text("edited by the user")
    (target / "skills" / "my-own-skill").mkdir()
    report = uninstall(target)
    kept = [a for a in report.actions if a.verb == "keep"]
    assert [a.path for a in kept] == ["agents/mlops.md"] and "you changed it" in kept[0].note
    assert (target / "agents" / "mlops.md").read_text() == "edited by the user"
    assert not (target / "skills" / "model-evaluation").exists()
    assert (target / "skills" / "my-own-skill").is_dir()
    assert not (target / MANIFEST_NAME).exists()


def test_uninstall_dry_run_and_nothing_installed(pack, target):
    install(target, pack_root=pack)
    uninstall(target, dry_run=True)
    assert (target / EVAL_SKILL).is_file() and (target / MANIFEST_NAME).is_file()
    uninstall(target)
    with pytest.raises(NothingInstalled):
        uninstall(target)


def test_empty_pack_is_an_error(tmp_path, target):
    with pytest.raises(MlskillsError, match="no skills or agents"):
        install(target, pack_root=tmp_path)


# ---------------------------------------------------------------- command line
def test_cli_install_and_uninstall_in_a_project(tmp_path, capsys):
    project = tmp_path / "proj"
    project.mkdir()
    assert main(["install", "--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert f"create {project}/.claude/agents/ml-engineer.md" in out
    assert (project / ".claude/skills/drift-monitoring/scripts/drift_report.py").is_file()
    assert main(["uninstall", "--project", str(project)]) == 0
    assert not (project / ".claude" / "skills").exists()


def test_cli_user_install_goes_to_home(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["install", "--user", "--dry-run"]) == 0
    assert "would create" in capsys.readouterr().out
    assert main(["install", "--user"]) == 0
    assert (tmp_path / ".claude" / "agents" / "evaluator.md").is_file()


def test_cli_errors_are_one_message_and_exit_2(tmp_path, capsys):
    assert main(["install", "--project", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["uninstall", "--project", str(tmp_path)]) == 2
    assert "no mlskills install recorded" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["install", "--user", "--project", str(tmp_path)])
    assert caught.value.code == 2
