"""Plumbing shared by this task's wrong/ and right/ solutions (the oracle has its own).

Each solution's .sh copies this file into the workspace, writes its rule as
`choice.choose(train, validation, configs, labelled)` and a tune.py of three lines that
runs main(choose) (written by the shell: a Python that imported this module only to write
them would pay scikit-learn's imports, a second a trial). `choose` gets one region's
labelled rows (and, for a mistake that reaches beyond the region, every region's rows pooled) and
returns (configuration, estimated AUC, rows to fit the delivered model on); main() reads
the folder, calls it per region, fits, scores and writes both files. So the scripts
differ exactly where their mistakes (or their approach) are.

`main(choose, library=...)` says which library fits and folds: scikit-learn (liblinear,
StratifiedKFold) for the right/ solutions, another library than the oracle's numpy, so
a grader tightened past what liblinear gives would fail them; numpy (Newton's method on
the oracle's objective) for the wrong/ ones, whose mistakes are in the selection, not the
solver: a tune.py that never imports scikit-learn saves about a second a run, and the
grader runs tune.py twice per trial.
"""

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

LABEL = "converted"
Frame = pd.DataFrame
Choose = Callable[[Frame, Frame, list[dict], Frame], tuple[dict, float, Frame]]
LIBRARIES = ("scikit-learn", "numpy")
_library = "scikit-learn"  # set once by main()


class NewtonLogistic:
    """L2 logistic regression minimising C * sum(log-loss) + |w|^2 / 2 (the intercept not
    penalised) by Newton's method: the oracle's fit, with the methods the kit calls."""

    def __init__(self, C: float) -> None:
        self.C = C

    def fit(self, X: np.ndarray, y: np.ndarray) -> "NewtonLogistic":
        design = np.column_stack([X, np.ones(len(X))])
        penalty = np.diag([1.0] * X.shape[1] + [0.0])
        beta = np.zeros(design.shape[1])
        for _ in range(50):
            p = 1.0 / (1.0 + np.exp(-(design @ beta)))
            grad = self.C * design.T @ (p - y) + penalty @ beta
            hess = self.C * (design.T * (p * (1 - p))) @ design + penalty
            step = np.linalg.solve(hess, grad)
            beta -= step
            if np.abs(step).max() < 1e-9:
                break
        self.coef_, self.intercept_ = beta[:-1], beta[-1]
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef_ + self.intercept_

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - p, p])


def model(config: dict):
    """An approved configuration: L2 logistic regression on its features with its C."""
    if _library == "numpy":
        return NewtonLogistic(config["C"])
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=config["C"], solver="liblinear")


def _xy(config: dict, rows: Frame) -> tuple[np.ndarray, np.ndarray]:
    return rows[config["features"]].to_numpy(float), rows[LABEL].to_numpy(int)


def _fit_arrays(config: dict, X: np.ndarray, y: np.ndarray):
    if _library == "numpy":
        return model(config).fit(X, y)
    import sklearn

    # Hundreds of small fits per region: scikit-learn's argument checks would cost more
    # than the fits themselves, and these arrays are finite numbers by construction.
    with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
        return model(config).fit(X, y)


def _auc_arrays(y: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC by the rank-sum identity (ties count half): roc_auc_score's number,
    without its input checks, which dominate on a few hundred rows."""
    ranks = pd.Series(scores).rank().to_numpy()
    positives = y == 1
    n_pos = int(positives.sum())
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * (len(y) - n_pos)))


def fit(config: dict, rows: Frame):
    return _fit_arrays(config, *_xy(config, rows))


def auc(fitted, config: dict, rows: Frame) -> float:
    X, y = _xy(config, rows)
    return _auc_arrays(y, fitted.decision_function(X))


def folds(rows: Frame, k: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """k stratified folds: scikit-learn's StratifiedKFold, or with numpy each class's rows
    shuffled and dealt round the folds."""
    y = rows[LABEL].to_numpy(int)
    if _library == "scikit-learn":
        from sklearn.model_selection import StratifiedKFold

        return list(StratifiedKFold(k, shuffle=True, random_state=seed).split(rows, y))
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), dtype=int)
    for label in (0, 1):
        members = rng.permutation(np.flatnonzero(y == label))
        fold[members] = np.arange(len(members)) % k
    return [(np.flatnonzero(fold != i), np.flatnonzero(fold == i)) for i in range(k)]


def cv_auc(config: dict, rows: Frame, k: int = 5, seed: int = 0, splits=None) -> float:
    """Mean out-of-fold AUC of `config` fitted on the other folds."""
    X, y = _xy(config, rows)
    scores = []
    for a, b in splits or folds(rows, k, seed):
        fitted = _fit_arrays(config, X[a], y[a])
        scores.append(_auc_arrays(y[b], fitted.decision_function(X[b])))
    return float(np.mean(scores))


def best_by_cv(configs: list[dict], rows: Frame, k: int = 5) -> tuple[dict, float]:
    """The configuration with the highest k-fold CV AUC on `rows`, and that (biased) score."""
    splits = folds(rows, k)  # the same folds for every configuration
    scores = [cv_auc(c, rows, splits=splits) for c in configs]
    i = int(np.argmax(scores))
    return configs[i], scores[i]


def main(choose: Choose, library: str = "scikit-learn") -> None:
    """The command line of tune.py: --data DIR --out OUT."""
    global _library
    if library not in LIBRARIES:
        raise ValueError(f"library {library!r}: one of {LIBRARIES}")
    _library = library
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    train = pd.read_csv(args.data / "train.csv")
    validation = pd.read_csv(args.data / "validation.csv")
    test = pd.read_csv(args.data / "test.csv")
    configs = json.loads((args.data / "search_space.json").read_text())["configurations"]
    labelled = pd.concat([train, validation], ignore_index=True)
    report, scored = [], []
    for region, leads in test.groupby("region"):
        config, estimate, rows = choose(
            train[train["region"] == region].reset_index(drop=True),
            validation[validation["region"] == region].reset_index(drop=True),
            configs,
            labelled,
        )
        probability = fit(config, rows).predict_proba(leads[config["features"]].to_numpy())
        scored.append(pd.DataFrame({"lead_id": leads["lead_id"], "probability": probability[:, 1]}))
        report.append({"region": region, "configuration": config["id"], "estimated_auc": estimate})
    args.out.mkdir(parents=True, exist_ok=True)
    pd.concat(scored).to_csv(args.out / "predictions.csv", index=False)
    pd.DataFrame(report).to_csv(args.out / "tuning.csv", index=False)
