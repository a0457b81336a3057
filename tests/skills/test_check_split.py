"""check_split.py finds planted duplicates, group overlap, time disorder and leaky features."""

import json

import numpy as np
import pandas as pd
import pytest

SCRIPT = ("leakage-and-splits", "scripts/check_split.py")


def make_frame(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "user": rng.integers(0, 80, n),
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
            "city": rng.choice(["a", "b", "c"], n),
            "t": pd.date_range("2023-01-01", periods=n, freq="h").astype(str),
        }
    )
    frame["y"] = (frame["x1"] + rng.normal(size=n) > 0).astype(int)
    return frame


def write(tmp_path, train: pd.DataFrame, test: pd.DataFrame) -> None:
    train.to_csv(tmp_path / "train.csv", index=False)
    test.to_csv(tmp_path / "test.csv", index=False)


def test_honest_grouped_time_split_is_ok(run, tmp_path):
    frame = make_frame()
    frame["user"] = np.arange(len(frame)) // 5  # users are contiguous in time
    write(tmp_path, frame.iloc[:300], frame.iloc[300:])
    report = run.json(
        *SCRIPT,
        "--train",
        "train.csv",
        "--test",
        "test.csv",
        "--target",
        "y",
        "--group",
        "user",
        "--time",
        "t",
    )
    assert report["ok"] is True, report["problems"]
    assert report["duplicates"]["test_rows_exactly_in_train"] == 0
    assert report["time"]["ordered"] is True
    assert report["leakage"]["suspected"] == []


def test_planted_problems_are_all_reported(run, tmp_path):
    frame = make_frame()
    frame["leak"] = frame["y"] * 3 + np.random.default_rng(1).normal(0, 0.1, len(frame))
    train, test = frame.iloc[:300], frame.iloc[300:].copy()
    test = pd.concat([test, train.iloc[:7]], ignore_index=True)  # 7 exact copies
    near = train.iloc[10:14].copy()
    near["x1"] += 1e-6  # 4 near copies
    near["city"] = near["city"].str.upper() + " "
    write(tmp_path, train, pd.concat([test, near], ignore_index=True))
    result = run(
        *SCRIPT,
        "--train",
        "train.csv",
        "--test",
        "test.csv",
        "--target",
        "y",
        "--group",
        "user",
        "--time",
        "t",
        "--fail-on-problems",
    )
    assert result.returncode == 3
    report = json.loads(result.stdout)
    assert report["duplicates"]["test_rows_exactly_in_train"] == 7
    assert report["duplicates"]["test_rows_nearly_in_train"] == 4
    assert report["groups"]["groups_in_both"] > 0
    assert report["time"]["test_rows_not_after_train"] == 11
    assert report["leakage"]["suspected"] == ["leak"]
    assert len(report["problems"]) == 5


def test_high_cardinality_id_is_not_called_a_leak(run, tmp_path):
    frame = make_frame()
    frame["row_id"] = [f"r{i}" for i in range(len(frame))]  # unique text per row
    write(tmp_path, frame.iloc[:300], frame.iloc[300:])
    report = run.json(*SCRIPT, "--train", "train.csv", "--test", "test.csv", "--target", "y")
    assert "row_id" not in report["leakage"]["suspected"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--train", "nope.csv", "--test", "test.csv"], ["not found"]),
        (["--train", "train.csv", "--test", "test.csv", "--group", "missing"], ["missing"]),
        (["--train", "train.csv", "--test", "empty.csv"], ["empty"]),
    ],
)
def test_bad_input_fails_cleanly(run, tmp_path, args, words):
    frame = make_frame(50)
    write(tmp_path, frame.iloc[:40], frame.iloc[40:])
    (tmp_path / "empty.csv").write_text("")
    run.fails(*SCRIPT, *args, words=tuple(words))


def test_near_duplicates_across_a_rounding_edge_are_found(run, tmp_path):
    """D14/T17: bucketing at tol*std and hashing missed 1.0049 vs 1.0051-style pairs."""
    rng = np.random.default_rng(9)
    train = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300), "y": 0})
    train.loc[::2, "y"] = 1
    std_a, std_b = train["a"].std(), train["b"].std()
    copies = train.iloc[:20].copy()
    # Put each copy's original just below a bucket edge and the copy just above it.
    for i in copies.index:
        edge_a = (np.floor(train.loc[i, "a"] / (0.01 * std_a)) + 0.5) * 0.01 * std_a
        train.loc[i, "a"] = edge_a - 0.0001 * std_a
        copies.loc[i, "a"] = edge_a + 0.0001 * std_a
        copies.loc[i, "b"] = train.loc[i, "b"] + 0.004 * std_b
    fresh = pd.DataFrame({"a": rng.normal(5, 1, 30), "b": rng.normal(5, 1, 30), "y": 1})
    write(tmp_path, train, pd.concat([copies, fresh], ignore_index=True))
    report = run.json(*SCRIPT, "--train", "train.csv", "--test", "test.csv", "--target", "y")
    assert report["duplicates"]["test_rows_nearly_in_train"] == 20
    assert report["duplicates"]["test_rows_exactly_in_train"] == 0
