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


def trend_frame(n: int = 360) -> pd.DataFrame:
    """A target that grows with time: forward-chaining folds make the test fold the future,
    which a tree cannot extrapolate, so the fold order shows in the scores."""
    rng = np.random.default_rng(2)
    days = pd.date_range("2023-01-01", periods=n)
    frame = pd.DataFrame({"day": days, "x": np.arange(n) + rng.normal(0, 2, n)})
    frame["y"] = frame["x"] * 0.5 + rng.normal(0, 1, n)
    return frame.sample(frac=1, random_state=0)  # file order is not time order


def test_day_first_dates_are_parsed_not_sorted_as_text(run, tmp_path):
    """D2: '31/01/2023' < '01/02/2023' as text; folds must follow the calendar."""
    frame = trend_frame()
    iso = frame.assign(day=frame["day"].dt.strftime("%Y-%m-%d"))
    dmy = frame.assign(day=frame["day"].dt.strftime("%d/%m/%Y"))
    iso.to_csv(tmp_path / "iso.csv", index=False)
    dmy.to_csv(tmp_path / "dmy.csv", index=False)
    common = ("--target", "y", "--time", "day", "--cv", "3")
    by_iso = run.json(*SCRIPT, "iso.csv", *common)
    by_dmy = run.json(*SCRIPT, "dmy.csv", *common, "--time-format", "%d/%m/%Y")
    for model in by_iso["models"]:
        assert by_dmy["models"][model]["mae"] == pytest.approx(by_iso["models"][model]["mae"])
    # Chronological folds: the boosted model extrapolates badly (text order would interleave).
    assert by_iso["models"]["hist_gradient_boosting"]["r2"]["mean"] < 0.5


def test_ambiguous_text_dates_stop_the_run_without_a_format(run, tmp_path):
    frame = trend_frame()
    frame.assign(day=frame["day"].dt.strftime("%d/%m/%Y")).sort_values("x").to_csv(
        tmp_path / "dmy.csv", index=False
    )
    run.fails(*SCRIPT, "dmy.csv", "--target", "y", "--time", "day", words=("--time-format",))


def test_missing_text_is_an_empty_document(run, tmp_path):
    """D3: one NaN in a text column used to fail every fit, dummy included."""
    frame = classification_frame()
    frame.loc[::7, "note"] = np.nan
    frame.to_csv(tmp_path / "train.csv", index=False)
    report = run.json(
        *SCRIPT, "train.csv", "--target", "y", "--drop", "id,customer", "--text-cols", "note"
    )
    models = report["models"]
    assert models["dummy"]["roc_auc"]["mean"] == pytest.approx(0.5)
    assert models["linear"]["roc_auc"]["mean"] > 0.7


def test_time_and_group_together_keep_groups_out_of_later_test_folds(run, tmp_path):
    """D12: TimeSeriesSplit ignores groups; a memorised group identity must not score."""
    rng = np.random.default_rng(3)
    n = 600
    # Half the rows come from 20 customers seen all year, half from customers active for a
    # short window only: only the recurring ones can be memorised across time.
    recurring = rng.integers(0, 20, n)
    short_lived = 20 + np.arange(n) // 10
    group = np.where(rng.random(n) < 0.5, recurring, short_lived)
    label_of_group = rng.integers(0, 2, group.max() + 1)
    frame = pd.DataFrame(
        {
            "t": np.arange(n),
            "customer": group,
            "customer_code": group.astype(float),  # a feature that identifies the group
            "noise": rng.normal(size=n),
            "y": label_of_group[group],
        }
    )
    frame.to_csv(tmp_path / "train.csv", index=False)
    common = ("train.csv", "--target", "y", "--time", "t", "--cv", "3")
    leaky = run.json(*SCRIPT, *common)
    assert leaky["models"]["hist_gradient_boosting"]["roc_auc"]["mean"] > 0.7
    report = run.json(*SCRIPT, *common, "--group", "customer")
    assert "dropped" in report["cv"]
    grouped = report["models"]["hist_gradient_boosting"]["roc_auc"]["mean"]
    assert grouped < 0.65
    assert grouped < leaky["models"]["hist_gradient_boosting"]["roc_auc"]["mean"] - 0.1
