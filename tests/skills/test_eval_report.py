"""eval_report.py: metrics equal scikit-learn's, intervals cover them, calibration and costs
behave as theory says."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

from .conftest import ScriptRunner

SCRIPT = ("model-evaluation", "scripts/eval_report.py")


def scored(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Calibrated scores by construction: y ~ Bernoulli(p)."""
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    frame = pd.DataFrame({"y": (rng.random(n) < p).astype(int), "p": p})
    frame["worse"] = np.clip(p + rng.normal(0, 0.35, n), 0, 1)
    frame["overconfident"] = np.where(p > 0.5, 1 - (1 - p) ** 3, p**3)
    frame["segment"] = rng.choice(["web", "app"], n)
    frame["user"] = rng.integers(0, 200, n)
    return frame


@pytest.fixture
def frame(tmp_path) -> pd.DataFrame:
    data = scored()
    data.to_csv(tmp_path / "preds.csv", index=False)
    return data


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict:
    """One run per configuration, shared by the tests that read it."""
    folder = tmp_path_factory.mktemp("eval")
    scored().to_csv(folder / "preds.csv", index=False)
    run = ScriptRunner(folder)
    base = ["preds.csv", "--y-true", "y", "--n-boot", "200"]
    return {
        "plain": run.json(*SCRIPT, *base, "--score", "p"),
        "costly": run.json(*SCRIPT, *base, "--score", "p", "--cost-fn", "9"),
        "overconfident": run.json(*SCRIPT, *base, "--score", "overconfident"),
    }


def test_metrics_match_sklearn_and_sit_inside_their_intervals(reports):
    frame = scored()
    m = reports["plain"]["metrics"]
    assert m["roc_auc"]["value"] == pytest.approx(roc_auc_score(frame.y, frame.p))
    assert m["pr_auc"]["value"] == pytest.approx(average_precision_score(frame.y, frame.p))
    assert m["log_loss"]["value"] == pytest.approx(log_loss(frame.y, frame.p))
    assert m["brier"]["value"] == pytest.approx(brier_score_loss(frame.y, frame.p))
    for metric in m.values():
        low, high = metric["ci95"]
        assert low < metric["value"] < high
        assert high - low < 0.1


def test_calibrated_scores_have_small_ece_and_overconfident_large(reports):
    good, bad = reports["plain"], reports["overconfident"]
    assert good["calibration"]["ece"] < 0.04
    assert bad["calibration"]["ece"] > 0.1
    assert sum(b["n"] for b in good["calibration"]["bins"]) == good["n"]


def test_expensive_misses_lower_the_best_threshold(reports):
    cheap, costly = reports["plain"], reports["costly"]
    t_cheap = cheap["costs"]["best_on_this_data"]["threshold"]
    t_costly = costly["costs"]["best_on_this_data"]["threshold"]
    assert t_costly < t_cheap
    assert t_costly == pytest.approx(0.1, abs=0.06)  # Bayes rule: 1 / (1 + 9)
    best = costly["costs"]["best_on_this_data"]["expected_cost"]
    assert best <= min(costly["costs"]["flag_all_cost"], costly["costs"]["flag_none_cost"])


def test_paired_comparison_slices_and_clusters(run, frame):
    report = run.json(
        *SCRIPT,
        "preds.csv",
        "--y-true",
        "y",
        "--score",
        "p",
        "--compare",
        "worse",
        "--slice",
        "segment",
        "--cluster",
        "user",
        "--n-boot",
        "100",
        "--threshold",
        "0.3",
    )
    auc = report["comparison"]["roc_auc"]
    assert auc["compare_minus_score"] < 0 and auc["ci95"][1] < 0
    assert auc["share_compare_better"] < 0.05
    assert {s["value"] for s in report["slices"]["segment"]} == {"web", "app"}
    assert report["fixed_threshold"]["threshold"] == 0.3


def test_raw_margins_skip_probability_metrics(run, tmp_path, frame):
    frame.assign(p=frame.p * 10 - 5).to_csv(tmp_path / "margins.csv", index=False)
    report = run.json(*SCRIPT, "margins.csv", "--y-true", "y", "--score", "p", "--n-boot", "20")
    assert set(report["metrics"]) == {"roc_auc", "pr_auc"}
    assert "calibration" not in report


@pytest.mark.parametrize(
    ("rows", "args", "words"),
    [
        (None, ["--score", "p"], ["not found"]),
        ("y,p\n1,0.5\n1,0.7\n", ["--score", "p"], ["one class"]),
        ("y,p\n0,0.5\n1,0.7\n2,0.1\n", ["--score", "p"], ["two classes", "--pred"]),
        ("y,p\n0,0.5\n1,0.7\n", ["--score", "proba"], ["proba"]),
    ],
)
def test_bad_input_fails_cleanly(run, tmp_path, rows, args, words):
    if rows is not None:
        (tmp_path / "bad.csv").write_text(rows)
    run.fails(*SCRIPT, "bad.csv", "--y-true", "y", *args, words=tuple(words))


def test_multiclass_metrics_match_scikit_learn(tmp_path):
    """T10: the description promised multiclass; the script refused more than two classes."""
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score

    rng = np.random.default_rng(7)
    n, classes = 900, np.array(["billing", "bug", "login", "other"])
    y = rng.choice(classes, n, p=[0.5, 0.3, 0.15, 0.05])
    proba = rng.dirichlet(np.ones(4), n) * 0.5
    proba[np.arange(n), np.searchsorted(classes, y)] += 0.5 * (rng.random(n) < 0.7)
    proba /= proba.sum(axis=1, keepdims=True)
    pred = classes[proba.argmax(axis=1)]
    frame = pd.DataFrame({"y": y, "pred": pred, "queue": rng.choice(["a", "b"], n)})
    for i, k in enumerate(classes):
        frame[f"p_{k}"] = proba[:, i]
    frame["baseline"] = "billing"
    frame.to_csv(tmp_path / "preds.csv", index=False)
    report = ScriptRunner(tmp_path).json(
        *SCRIPT,
        "preds.csv",
        "--y-true",
        "y",
        "--pred",
        "pred",
        "--proba-prefix",
        "p_",
        "--compare",
        "baseline",
        "--slice",
        "queue",
        "--n-boot",
        "100",
    )
    metrics = report["metrics"]
    assert report["task"] == "multiclass"
    assert metrics["accuracy"]["value"] == pytest.approx(accuracy_score(y, pred))
    assert metrics["macro_f1"]["value"] == pytest.approx(f1_score(y, pred, average="macro"))
    assert metrics["balanced_accuracy"]["value"] == pytest.approx(balanced_accuracy_score(y, pred))
    assert metrics["log_loss"]["value"] == pytest.approx(log_loss(y, proba, labels=classes))
    low, high = metrics["macro_f1"]["ci95"]
    assert low < metrics["macro_f1"]["value"] < high
    assert report["per_class"]["other"]["support"] == (y == "other").sum()
    assert np.array(report["confusion_matrix"]["rows_true_columns_predicted"]).sum() == n
    # The majority-class baseline is worse on macro-F1, and the paired CI says so.
    assert report["comparison"]["macro_f1"]["ci95"][1] < 0
    assert {row["value"] for row in report["slices"]["queue"]} == {"a", "b"}


def test_regression_metrics_match_scikit_learn(tmp_path):
    from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

    rng = np.random.default_rng(8)
    y = rng.normal(100, 20, 500)
    good, bad = y + rng.normal(0, 5, 500), y + rng.normal(3, 15, 500)
    pd.DataFrame({"y": y, "good": good, "bad": bad}).to_csv(tmp_path / "p.csv", index=False)
    report = ScriptRunner(tmp_path).json(
        *SCRIPT, "p.csv", "--y-true", "y", "--pred", "good", "--compare", "bad", "--n-boot", "100"
    )
    metrics = report["metrics"]
    assert report["task"] == "regression"
    assert metrics["mae"]["value"] == pytest.approx(mean_absolute_error(y, good))
    assert metrics["rmse"]["value"] == pytest.approx(root_mean_squared_error(y, good))
    assert metrics["r2"]["value"] == pytest.approx(r2_score(y, good))
    assert metrics["mae"]["value"] < report["reference_values"]["mae_of_predicting_the_mean"]
    assert report["comparison"]["mae"]["ci95"][0] > 0  # bad minus good: clearly worse


def test_score_with_more_than_two_classes_points_to_pred(tmp_path):
    pd.DataFrame({"y": ["a", "b", "c"] * 10, "s": np.linspace(0, 1, 30)}).to_csv(
        tmp_path / "p.csv", index=False
    )
    ScriptRunner(tmp_path).fails(
        *SCRIPT, "p.csv", "--y-true", "y", "--score", "s", words=("--pred",)
    )
