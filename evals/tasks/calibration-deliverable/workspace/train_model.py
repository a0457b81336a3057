"""Train the chargeback model on data/train.csv and score data/score.csv.

Usage: python train_model.py   (writes probabilities.csv: id,probability)
"""

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

FEATURES = ["region"] + [f"f{i}" for i in range(8)]


def make_model() -> HistGradientBoostingClassifier:
    # Chargebacks are rare, so weight the classes to stop the model ignoring them.
    return HistGradientBoostingClassifier(
        max_iter=50,
        learning_rate=0.2,
        class_weight="balanced",
        categorical_features=["region"],
        early_stopping=False,
        random_state=0,
    )


def load(path: str) -> pd.DataFrame:
    frame = pd.read_csv(path)
    frame["region"] = frame["region"].astype("category")
    return frame


def main() -> None:
    train, score = load("data/train.csv"), load("data/score.csv")
    model = make_model().fit(train[FEATURES], train["chargeback"])
    probability = model.predict_proba(score[FEATURES])[:, 1]
    pd.DataFrame({"id": score["id"], "probability": probability}).to_csv(
        "probabilities.csv", index=False
    )


if __name__ == "__main__":
    main()
