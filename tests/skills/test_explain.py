"""explain.py on a model whose truth is known: a strong, a weak and a useless feature, a
near-copy of the strong one, and a group for which the model is miscalibrated by design."""

import json

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import roc_auc_score

from .conftest import ScriptRunner

SCRIPT = ("interpretability-fairness", "scripts/explain.py")


class SlowRunner(ScriptRunner):
    """The shared runner with a longer timeout: the test machine can be heavily loaded."""

    def __call__(self, skill: str, script: str, *args, timeout: float = 900):
        return super().__call__(skill, script, *args, timeout=timeout)


@pytest.fixture
def run(tmp_path) -> SlowRunner:
    return SlowRunner(tmp_path)


def make_data(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    strong = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "strong": strong,
            "copy": strong + rng.normal(0, 0.1, n),  # |rho| ~ 0.99 with strong
            "weak": rng.normal(size=n),
            "noise": rng.normal(size=n),
            "group": rng.choice(["a", "b"], n),
            "id": np.arange(n),
        }
    )
    # Group b has a higher base rate the model cannot see: it is under-predicted there.
    logit = 2.0 * strong + 0.5 * frame["weak"] + np.where(frame["group"] == "b", 1.0, -0.3)
    frame["y"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[dict, pd.DataFrame, LogisticRegression]:
    folder = tmp_path_factory.mktemp("explain")
    features = ["strong", "copy", "weak", "noise"]
    # Strong L2 penalty: near-identical columns share the weight, as most regularised models do.
    model = LogisticRegression(C=0.05).fit(make_data(4000, 0)[features], make_data(4000, 0)["y"])
    joblib.dump(model, folder / "model.joblib")
    held = make_data(2000, 1)
    held.to_csv(folder / "test.csv", index=False)
    result = SlowRunner(folder)(
        *SCRIPT,
        *("--model", "model.joblib", "--data", "test.csv", "--target", "y", "--drop", "id"),
        *("--sensitive", "group", "--pdp", "strong", "--repeats", "6"),
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    return got, held, model


def test_importance_ranks_the_truth_and_the_noise_interval_holds_zero(report):
    got, held, model = report
    assert got["score"] == pytest.approx(
        roc_auc_score(held.y, model.predict_proba(held[["strong", "copy", "weak", "noise"]])[:, 1])
    )
    imp = got["importance"]
    assert imp["weak"]["ci95"][0] > 0
    assert (
        imp["noise"]["ci95"][0] <= 0 <= imp["noise"]["ci95"][1] or abs(imp["noise"]["mean"]) < 0.002
    )
    assert imp["strong"]["mean"] + imp["copy"]["mean"] > imp["weak"]["mean"]
    assert imp["weak"]["mean"] > imp["noise"]["mean"]


def test_correlated_columns_are_grouped_and_share_credit(report):
    got, _, _ = report
    assert got["correlated_groups"] == [["copy", "strong"]]
    group = got["group_importance"]["copy+strong"]
    # Shuffling both together removes what each alone leaves to the other.
    assert group["mean"] > got["importance"]["strong"]["mean"] + 0.05
    assert group["mean"] > got["importance"]["copy"]["mean"] + 0.05


def test_pdp_rises_with_a_positive_coefficient(report):
    got, _, _ = report
    curve = got["pdp"]["strong"]
    assert len(curve["grid"]) == 10
    assert curve["average"] == sorted(curve["average"])  # positive coefficient
    assert curve["ice_spread"] > 0


def test_group_audit_matches_direct_counts_and_shows_the_calibration_gap(report):
    got, held, model = report
    score = model.predict_proba(held[["strong", "copy", "weak", "noise"]])[:, 1]
    audit = got["groups"]["group"]
    for level in ("a", "b"):
        mask = (held.group == level).to_numpy()
        y, pred = held.y.to_numpy()[mask], score[mask] >= 0.5
        stats = audit["levels"][level]
        assert stats["n"] == mask.sum()
        assert stats["tpr"] == pytest.approx(pred[y == 1].mean())
        assert stats["fpr"] == pytest.approx(pred[y == 0].mean())
        assert stats["selection_rate"] == pytest.approx(pred.mean())
        assert stats["calibration_gap"] == pytest.approx(score[mask].mean() - y.mean())
    # b's base rate is higher than the model believes: negative gap; a's is positive.
    assert audit["levels"]["b"]["calibration_gap"] < -0.05
    assert audit["levels"]["a"]["calibration_gap"] > 0.05
    assert audit["gaps"]["calibration_gap"] > 0.15
    assert 0 < audit["selection_rate_ratio"] < 1


def test_regression_reports_error_and_bias_by_group(run: SlowRunner, tmp_path):
    data = make_data(1500, 2)
    data["target"] = 3 * data["strong"] + np.where(data["group"] == "b", 2.0, 0.0)
    model = LinearRegression().fit(data[["strong", "weak"]], data["target"])
    joblib.dump(model, tmp_path / "reg.joblib")
    data.drop(columns=["y"]).to_csv(tmp_path / "test.csv", index=False)
    got = run.json(
        *SCRIPT,
        "--model",
        "reg.joblib",
        "--data",
        "test.csv",
        "--target",
        "target",
        "--sensitive",
        "group",
        "--repeats",
        "3",
        "--auto-group",
        "0",
    )
    assert got["task"] == "regression"
    levels = got["groups"]["group"]["levels"]
    assert levels["b"]["mean_residual"] == pytest.approx(-1.0, abs=0.15)  # under-predicted
    assert levels["a"]["mean_residual"] == pytest.approx(1.0, abs=0.15)
    assert set(got["importance"]) == {"strong", "weak"}  # only the model's own inputs


def test_bad_input_is_one_clear_line(run: SlowRunner, tmp_path):
    data = make_data(200, 3)
    # Strong L2 penalty: near-identical columns share the weight, as most regularised models do.
    model = LogisticRegression(C=0.05).fit(data[["strong", "weak"]], data["y"])
    joblib.dump(model, tmp_path / "m.joblib")
    data.drop(columns=["weak"]).to_csv(tmp_path / "test.csv", index=False)
    run.fails(
        *SCRIPT, "--model", "m.joblib", "--data", "test.csv", "--target", "y", words=("weak",)
    )
    run.fails(
        *SCRIPT,
        "--model",
        "nope.joblib",
        "--data",
        "test.csv",
        "--target",
        "y",
        words=("not found",),
    )
