"""drift_report.py alerts on real shifts, stays quiet on samples of the same distribution,
and never alerts on too few rows."""

import json

import numpy as np
import pandas as pd
import pytest

SCRIPT = ("drift-monitoring", "scripts/drift_report.py")


def batch(n: int, seed: int, shift: float = 0.0, shares=(0.5, 0.3, 0.2)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(shift, 1, n),
            "stable": rng.normal(0, 1, n),
            "channel": rng.choice(["web", "app", "shop"], n, p=shares),
            "score": rng.beta(2, 5 + 10 * shift, n),
            "id": np.arange(n),
        }
    )


@pytest.fixture
def reference(tmp_path):
    batch(3000, seed=0).to_csv(tmp_path / "ref.csv", index=False)


def report_for(run, tmp_path, current: pd.DataFrame, *extra) -> dict:
    current.to_csv(tmp_path / "cur.csv", index=False)
    return run.json(
        *SCRIPT,
        "--reference",
        "ref.csv",
        "--current",
        "cur.csv",
        "--exclude",
        "id",
        "--prediction",
        "score",
        *extra,
    )


def test_same_distribution_does_not_alert(run, tmp_path, reference):
    report = report_for(run, tmp_path, batch(1500, seed=1))
    assert report["overall"]["status"] in ("ok", "warn")
    assert report["overall"]["alerting"] == []
    assert all(f["psi"] < 0.1 for f in report["features"].values())
    assert "id" not in report["features"]


def test_shifted_numeric_and_categorical_features_alert(run, tmp_path, reference):
    current = batch(1500, seed=2, shift=0.6, shares=(0.2, 0.3, 0.5))
    report = report_for(run, tmp_path, current)
    assert report["overall"]["status"] == "alert"
    assert {"x", "channel", "(prediction)"} <= set(report["overall"]["alerting"])
    assert report["features"]["stable"]["status"] != "alert"
    assert report["features"]["x"]["ks_statistic"] > 0.2
    assert report["features"]["channel"]["chi2_pvalue"] < 1e-6


def test_unseen_categories_and_missing_values_alert(run, tmp_path, reference):
    current = batch(1500, seed=3)
    current.loc[:299, "channel"] = "kiosk"  # 20% never seen in training
    current.loc[:449, "stable"] = np.nan  # 30% missing, none in training
    report = report_for(run, tmp_path, current)
    channel, stable = report["features"]["channel"], report["features"]["stable"]
    assert channel["status"] == "alert" and channel["new_category_share"] == pytest.approx(0.2)
    assert stable["status"] == "alert"
    assert any("missing" in r for r in stable["reasons"])


def test_small_batches_are_insufficient_not_alerts(run, tmp_path, reference):
    report = report_for(run, tmp_path, batch(40, seed=4, shift=2.0))
    assert report["overall"]["status"] == "insufficient_data"
    assert {f["status"] for f in report["features"].values()} == {"insufficient_data"}


def test_missing_column_is_a_schema_alert_and_fail_flag_exits_3(run, tmp_path, reference):
    batch(1500, seed=5).drop(columns=["stable"]).to_csv(tmp_path / "cur.csv", index=False)
    result = run(*SCRIPT, "--reference", "ref.csv", "--current", "cur.csv", "--fail-on-alert")
    assert result.returncode == 3
    assert json.loads(result.stdout)["overall"]["missing_columns"] == ["stable"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--current", "nope.csv"], ["not found"]),
        (["--current", "ref.csv", "--features", "ghost"], ["ghost"]),
        (["--current", "empty.csv"], ["no data rows"]),
    ],
)
def test_bad_input_fails_cleanly(run, tmp_path, reference, args, words):
    (tmp_path / "empty.csv").write_text("x,stable\n")
    run.fails(*SCRIPT, "--reference", "ref.csv", *args, words=tuple(words))


@pytest.mark.parametrize("null_share", [1.0, 0.97])
def test_a_feature_that_went_null_alerts_even_with_too_few_values(
    run, tmp_path, reference, null_share
):
    """D1: a broken join nulls a column; too few values remain for a test, but it must alert."""
    current = batch(1500, seed=1)
    current.loc[current.sample(frac=null_share, random_state=0).index, "x"] = np.nan
    current.to_csv(tmp_path / "cur.csv", index=False)
    result = run(
        *SCRIPT,
        "--reference",
        "ref.csv",
        "--current",
        "cur.csv",
        "--exclude",
        "id",
        "--fail-on-alert",
    )
    assert result.returncode == 3, result.stderr
    report = json.loads(result.stdout)
    assert report["features"]["x"]["status"] == "alert"
    assert "x" in report["overall"]["alerting"]
    assert report["overall"]["status"] == "alert"


def test_small_batches_stay_insufficient_not_alert(run, tmp_path):
    """The D1 fix must not turn every tiny batch into an alert."""
    batch(3000, seed=0).to_csv(tmp_path / "ref.csv", index=False)
    report = report_for(run, tmp_path, batch(40, seed=3))
    assert report["overall"]["status"] == "insufficient_data"
