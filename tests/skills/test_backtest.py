"""backtest.py: rolling-origin folds never peek, and the seasonal baseline wins on seasonal data."""

import numpy as np
import pandas as pd
import pytest

SCRIPT = ("time-series-forecasting", "scripts/backtest.py")


def weekly_sales(days: int = 112) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    parts = []
    for store, level in (("north", 50), ("south", 80)):
        t = np.arange(days)
        units = level + 15 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 1, days)
        parts.append(
            pd.DataFrame(
                {"date": pd.date_range("2024-01-01", periods=days), "store": store, "units": units}
            )
        )
    return pd.concat(parts, ignore_index=True)


def test_seasonal_naive_wins_and_folds_move_forward(run, tmp_path):
    weekly_sales().to_csv(tmp_path / "sales.csv", index=False)
    report = run.json(
        *SCRIPT,
        "sales.csv",
        "--time",
        "date",
        "--target",
        "units",
        "--series",
        "store",
        "--horizon",
        "14",
        "--season",
        "7",
        "--folds",
        "3",
    )
    assert report["n_series"] == 2
    assert report["best_baseline_by_mase"] == "seasonal_naive"
    assert report["baselines"]["seasonal_naive"]["mase"] == pytest.approx(1.0, abs=0.4)
    assert report["baselines"]["naive"]["mase"] > 3
    starts = [pd.Timestamp(f["test_start"]) for f in report["folds"]]
    ends = [pd.Timestamp(f["test_end"]) for f in report["folds"]]
    assert starts == sorted(starts)
    assert all(end < nxt for end, nxt in zip(ends, starts[1:], strict=False))
    assert ends[-1] == pd.Timestamp("2024-04-21")  # the last fold ends with the data
    assert (ends[0] - starts[0]).days == 13  # 14 daily steps


def test_irregular_steps_are_warned_about(run, tmp_path):
    frame = weekly_sales().query("store == 'north'").drop(index=[5, 6, 40])
    frame.to_csv(tmp_path / "sales.csv", index=False)
    report = run.json(
        *SCRIPT,
        "sales.csv",
        "--time",
        "date",
        "--target",
        "units",
        "--horizon",
        "7",
        "--season",
        "7",
    )
    assert any("irregular" in w for w in report["warnings"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["missing.csv", "--time", "date", "--target", "units", "--horizon", "7"], ["not found"]),
        (["sales.csv", "--time", "when", "--target", "units", "--horizon", "7"], ["when"]),
        (
            ["sales.csv", "--time", "date", "--target", "units", "--horizon", "60", "--folds", "5"],
            ["too few"],
        ),
    ],
)
def test_bad_input_fails_cleanly(run, tmp_path, args, words):
    weekly_sales(30).to_csv(tmp_path / "sales.csv", index=False)
    run.fails(*SCRIPT, *args, words=tuple(words))
