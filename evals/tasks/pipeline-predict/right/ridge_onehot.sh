#!/usr/bin/env bash
# A linear model instead of boosting: ridge regression on log price with imputed, scaled
# numbers (car age, log mileage) and one-hot categories, saved as one pickled pipeline;
# predict.py picks columns by name and only loads and applies it.
set -euo pipefail
cat > price_features.py <<'PY'
import numpy as np
import pandas as pd

NUMERIC = ["year", "mileage_km", "engine_l", "power_kw", "owners"]
CATEGORICAL = ["make", "model", "fuel", "transmission", "body", "colour", "accident",
               "seller", "region"]  # fmt: skip


def features(frame):
    X = frame.reindex(columns=NUMERIC + CATEGORICAL)
    X[NUMERIC] = X[NUMERIC].apply(pd.to_numeric, errors="coerce").astype(float)
    X["log_km"] = np.log1p(X["mileage_km"].clip(lower=0))
    X[CATEGORICAL] = X[CATEGORICAL].astype("string").astype(object)
    return X.where(X.notna(), np.nan)
PY
cat > train.py <<'PY'
import pickle

import numpy as np
import pandas as pd
from price_features import CATEGORICAL, NUMERIC, features
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

train = pd.read_csv("data/train.csv")
model = make_pipeline(
    make_column_transformer(
        (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), [*NUMERIC, "log_km"]),
        (make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                       OneHotEncoder(handle_unknown="ignore", min_frequency=5)), CATEGORICAL),
    ),  # fmt: skip
    RidgeCV(alphas=np.logspace(-2, 3, 12)),
)
model.fit(features(train), np.log(train["price"]))
with open("price_model.pkl", "wb") as handle:
    pickle.dump(model, handle)
PY
cat > predict.py <<'PY'
import argparse
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
from price_features import features

parser = argparse.ArgumentParser()
parser.add_argument("--input", required=True)
parser.add_argument("--output", required=True)
args = parser.parse_args()
with open(Path(__file__).resolve().parent / "price_model.pkl", "rb") as handle:
    model = pickle.load(handle)
rows = pd.read_csv(args.input, dtype={"listing_id": str})
price = np.exp(model.predict(features(rows)))
pd.DataFrame({"listing_id": rows["listing_id"], "price": price.round(2)}).to_csv(
    args.output, index=False
)
PY
python train.py
