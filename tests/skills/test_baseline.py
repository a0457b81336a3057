"""baseline.py: cross-validated baselines, with the split chosen from the data's structure."""

import numpy as np
import pandas as pd
import pytest

SCRIPT = ("tabular-modeling", "scripts/baseline.py")


def classification_frame(n: int = 240) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "id": np.arange(n),
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "plan": rng.choice(["basic", "pro", "team"], n),
            "note": rng.choice(["great service", "bad service", "slow", "refund please"], n),
            "customer": rng.integers(0, 40, n),
        }
    )
    signal = frame["a"] + (frame["plan"] == "pro") + 1.5 * frame["note"].str.contains("bad")
    frame["y"] = (signal + rng.normal(0, 0.5, n) > 0.8).astype(int)
    frame.loc[::13, "a"] = np.nan
    return frame


def test_classification_models_beat_the_dummy_with_group_folds(run, tmp_path):
    classification_frame().to_csv(tmp_path / "train.csv", index=False)
    report = run.json(
        *SCRIPT,
        "train.csv",
        "--target",
        "y",
        "--drop",
        "id",
        "--text-cols",
        "note",
        "--group",
        "customer",
        "--cv",
        "3",
    )
    assert report["task"] == "binary"
    assert report["cv"] == "stratified group k-fold by customer"
    assert report["features"]["text"] == ["note"]
    models = report["models"]
    dummy = models["dummy"]["roc_auc"]["mean"]
    assert dummy == pytest.approx(0.5)
    assert models["linear"]["roc_auc"]["mean"] > dummy + 0.2
    assert report["best"] in ("linear", "hist_gradient_boosting")


def test_regression_with_time_ordered_folds(run, tmp_path):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {"day": pd.date_range("2024-01-01", periods=150).astype(str), "x": rng.normal(size=150)}
    )
    frame["y"] = 3 * frame["x"] + rng.normal(0, 0.3, 150)
    frame.to_csv(tmp_path / "train.csv", index=False)
    report = run.json(*SCRIPT, "train.csv", "--target", "y", "--time", "day", "--cv", "3")
    assert report["task"] == "regression"
    assert report["cv"].startswith("forward-chaining")
    assert report["models"]["dummy"]["mae"]["mean"] > report["models"]["linear"]["mae"]["mean"]


@pytest.mark.parametrize(
    ("content", "args", "words"),
    [
        (None, ["--target", "y"], ["not found"]),
        ("a,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n", ["--target", "label"], ["label"]),
        ("a,y\n1,0\n2,0\n3,0\n4,0\n5,0\n6,0\n", ["--target", "y", "--cv", "2"], ["single class"]),
    ],
)
def test_bad_input_fails_cleanly(run, tmp_path, content, args, words):
    if content is not None:
        (tmp_path / "train.csv").write_text(content)
    run.fails(*SCRIPT, "train.csv", *args, words=tuple(words))


def test_boosting_survives_a_category_with_more_than_255_levels(run, tmp_path):
    frame = classification_frame(n=600)
    frame["zip"] = [f"z{i % 400:03d}" for i in range(len(frame))]
    frame.to_csv(tmp_path / "train.csv", index=False)
    report = run.json(*SCRIPT, "train.csv", "--target", "y", "--drop", "id,note", "--cv", "3")
    assert "zip" in report["features"]["categorical"]
    boosted = report["models"]["hist_gradient_boosting"]["roc_auc"]["mean"]
    assert boosted > report["models"]["dummy"]["roc_auc"]["mean"] + 0.2
