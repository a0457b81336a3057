#!/usr/bin/env bash
# A sound pipeline except that OneHotEncoder keeps its default handle_unknown="error":
# predict.py crashes on the first category the training data never had.
# 40 boosting rounds: the mistake does not depend on the model's size.
set -euo pipefail
cat > train.py <<'PY'
import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

train = pd.read_csv("data/train.csv")
num = ["year", "mileage_km", "engine_l", "power_kw", "owners"]
cat = ["make", "model", "fuel", "transmission", "body", "colour", "accident", "seller", "region"]
pre = ColumnTransformer(
    [
        ("num", "passthrough", num),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder()), cat),
    ],
    sparse_threshold=0,
)
model = make_pipeline(pre, HistGradientBoostingRegressor(max_iter=40, random_state=0))
model.fit(train[num + cat].astype({c: str for c in cat}), np.log(train["price"]))
joblib.dump((model, num, cat), "model.joblib")
PY
cat > predict.py <<'PY'
import argparse

import joblib
import numpy as np
import pandas as pd

parser = argparse.ArgumentParser()
parser.add_argument("--input")
parser.add_argument("--output")
args = parser.parse_args()
model, num, cat = joblib.load("model.joblib")
rows = pd.read_csv(args.input)
X = rows[num + cat].astype({c: str for c in cat})
pd.DataFrame({"listing_id": rows["listing_id"], "price": np.exp(model.predict(X))}).to_csv(
    args.output, index=False
)
PY
python train.py
