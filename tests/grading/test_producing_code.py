"""ctx.producing_code: is the code that made a deliverable in the workspace? Real files and
links in temporary folders; the reader never follows a link or opens a FIFO."""

from __future__ import annotations

import os
from pathlib import Path

from mlskills.grading.sources import SourceCaps, producing_code

TRAIN = 'import joblib, pandas as pd\nrows = pd.read_csv("data/train.csv")\njoblib.dump(m, "{}")\n'


def check(root: Path, makes=None, caps: SourceCaps | None = None):
    caps = caps or SourceCaps()
    return producing_code(root, "train.csv", makes, "training code present", caps=caps)


def workspace(root: Path, artefact: str = "model.joblib") -> Path:
    (root / "data").mkdir(parents=True)
    (root / "data" / "train.csv").write_text("a,b\n1,2\n")
    (root / "predict.py").write_text(f'import joblib\nmodel = joblib.load("{artefact}")\n')
    (root / artefact).parent.mkdir(parents=True, exist_ok=True)
    (root / artefact).write_bytes(b"\x80model")
    return root


def test_a_training_script_anywhere_naming_the_input_and_a_saved_file_passes(tmp_path):
    for layout, artefact in [
        ("train.py", "model.joblib"),
        ("src/pipeline/fit.py", "artefacts/model.joblib"),
        ("notebooks/train.ipynb", "model.pkl"),
        ("train.sh", "price_model.joblib"),
    ]:
        root = workspace(tmp_path / layout.replace("/", "_"), artefact)
        (root / layout).parent.mkdir(parents=True, exist_ok=True)
        (root / layout).write_text(TRAIN.format(Path(artefact).name))
        result = check(root)
        assert result.passed and result.gate, (layout, result.message)
        assert layout in result.message and Path(artefact).name in result.message


def test_no_training_code_fails_the_gate_with_the_reason(tmp_path):
    root = workspace(tmp_path / "ws")
    result = check(root)
    assert not result.passed and result.gate
    assert "reads train.csv" in result.message and "1 code file" in result.message
    # code that names the input but saves nothing that exists (a predictor that retrains)
    (root / "model.joblib").unlink()
    (root / "predict.py").write_text('import pandas as pd\npd.read_csv("data/train.csv")\n')
    assert not check(root).passed


def test_only_the_named_outputs_count_when_they_are_given(tmp_path):
    root = workspace(tmp_path / "ws")
    explore = 'import pandas as pd\npd.read_csv("data/train.csv")\nsavefig("eda.png")'
    (root / "explore.py").write_text(explore)
    (root / "eda.png").write_bytes(b"png")
    assert check(root).passed  # any saved file counts without `makes`
    assert not check(root, makes=("report.csv",)).passed
    (root / "report.csv").write_text("x\n")
    (root / "explore.py").write_text('open("data/train.csv"); open("report.csv", "w")')
    assert check(root, makes=("report.csv",)).passed


def test_data_and_hidden_folders_are_not_searched(tmp_path):
    root = workspace(tmp_path / "ws")
    (root / "data" / "train.py").write_text(TRAIN.format("model.joblib"))
    (root / ".scratch").mkdir()
    (root / ".scratch" / "train.py").write_text(TRAIN.format("model.joblib"))
    assert not check(root).passed


def test_links_are_never_followed_and_fifos_never_opened(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "train.py").write_text(TRAIN.format("model.joblib"))
    root = workspace(tmp_path / "ws")
    (root / "linked.py").symlink_to(elsewhere / "train.py")
    (root / "code").symlink_to(elsewhere, target_is_directory=True)
    os.mkfifo(root / "fifo.py")  # opening it for reading would block without a writer
    result = check(root)
    assert not result.passed, result.message
    (root / "train.py").write_text(TRAIN.format("model.joblib"))
    assert check(root).passed


def test_a_huge_tree_is_searched_breadth_first_up_to_a_cap(tmp_path):
    root = workspace(tmp_path / "ws")
    deep = root / "venv" / "lib"
    deep.mkdir(parents=True)
    for i in range(60):
        (deep / f"mod{i}.py").write_text("x = 1\n")
    (root / "train.py").write_text(TRAIN.format("model.joblib"))
    caps = SourceCaps(max_entries=20)
    assert check(root, caps=caps).passed  # the top level is seen first
    (root / "train.py").unlink()
    result = check(root, caps=caps)
    assert not result.passed and "before the caps (20 entries" in result.message


def test_a_file_name_built_at_run_time_is_named_by_its_extension(tmp_path):
    root = workspace(tmp_path / "ws", "model_v3.joblib")
    built = 'import pandas as pd\npd.read_csv("data/train.csv")\ndump(m, f"model_{v}.joblib")\n'
    (root / "train.py").write_text(built)
    assert check(root).passed
    # not the input's own extension, which any code reading it names
    (root / "model_v3.joblib").rename(root / "scores.csv")
    (root / "train.py").write_text(built.replace(".joblib", ".csv"))
    assert not check(root).passed
    # nor a longer extension that starts the same (.pth is not .pt)
    (root / "scores.csv").rename(root / "net.pt")
    (root / "train.py").write_text(built.replace(".joblib", ".pth"))
    assert not check(root).passed


def test_code_is_read_up_to_a_total_so_memory_stays_bounded(tmp_path):
    root = workspace(tmp_path / "ws")
    for i in range(5):
        (root / f"bulk{i}.py").write_bytes(b"# " + b"x" * 1000 + b"\n")
    (root / "train.py").write_text(TRAIN.format("model.joblib"))  # sorted after bulk*
    caps = SourceCaps(max_total_bytes=3500)
    result = check(root, caps=caps)
    assert not result.passed and "before the caps" in result.message
    assert check(root).passed
