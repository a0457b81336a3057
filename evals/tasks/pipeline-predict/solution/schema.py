"""The input contract shared by training and prediction: which columns, which types."""

import pandas as pd

NUMERIC = ["year", "mileage_km", "engine_l", "power_kw", "owners"]
CATEGORICAL = [
    "make", "model", "fuel", "transmission", "body", "colour", "accident", "seller", "region",
]  # fmt: skip
FEATURES = NUMERIC + CATEGORICAL


def as_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Select the model's columns by name (any order, extras ignored, absent ones empty)
    and give them fixed types, so a batch whose column is all empty still parses."""
    X = frame.reindex(columns=FEATURES)
    X[NUMERIC] = X[NUMERIC].apply(pd.to_numeric, errors="coerce").astype(float)
    for column in CATEGORICAL:
        X[column] = X[column].astype(object).map(lambda v: v if pd.isna(v) else str(v))
    return X
