"""Plumbing shared by this task's wrong/ and right/ solutions (the oracle has its own).

Each solution's .sh copies this file into the workspace, writes its rule as
`choice.choose(train, validation, configs, labelled)` and runs `python tune_kit.py`, which
installs tune.py on it. `choose` gets one region's labelled rows
(and, for a mistake that reaches beyond the region, every region's rows pooled) and
returns (configuration, estimated AUC, rows to fit the delivered model on); main() reads
the folder, calls it per region, fits, scores and writes both files. So the scripts
differ exactly where their mistakes (or their approach) are.
"""

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

LABEL = "converted"
Frame = pd.DataFrame
Choose = Callable[[Frame, Frame, list[dict], Frame], tuple[dict, float, Frame]]


def model(config: dict) -> LogisticRegression:
    """An approved configuration: L2 logistic regression on its features with its C."""
    return LogisticRegression(C=config["C"], solver="liblinear")


def fit(config: dict, rows: pd.DataFrame) -> LogisticRegression:
    return model(config).fit(rows[config["features"]].to_numpy(), rows[LABEL].to_numpy())


def auc(fitted: LogisticRegression, config: dict, rows: pd.DataFrame) -> float:
    scores = fitted.decision_function(rows[config["features"]].to_numpy())
    return float(roc_auc_score(rows[LABEL].to_numpy(), scores))


def folds(rows: pd.DataFrame, k: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    splitter = StratifiedKFold(k, shuffle=True, random_state=seed)
    return list(splitter.split(rows, rows[LABEL]))


def cv_auc(config: dict, rows: pd.DataFrame, k: int = 5, seed: int = 0) -> float:
    """Mean out-of-fold AUC of `config` fitted on the other folds."""
    return float(
        np.mean([
            auc(fit(config, rows.iloc[a]), config, rows.iloc[b])
            for a, b in folds(rows, k, seed)
        ])
    )  # fmt: skip


def best_by_cv(configs: list[dict], rows: pd.DataFrame, k: int = 5) -> tuple[dict, float]:
    """The configuration with the highest k-fold CV AUC on `rows`, and that (biased) score."""
    scores = [cv_auc(c, rows, k) for c in configs]
    i = int(np.argmax(scores))
    return configs[i], scores[i]


def main(choose: Choose) -> None:
    """The command line of tune.py: --data DIR --out OUT."""
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


ENTRY = "from tune_kit import main\nfrom choice import choose\n\nmain(choose)\n"

if __name__ == "__main__":
    # Install tune.py on the solution's choice.py. No run here: the grader runs tune.py
    # itself on its own folders, so a run on data/ would only cost `tasks check` time.
    Path("tune.py").write_text(ENTRY)
