#!/usr/bin/env bash
# A robust pipeline, but fitted and applied on positional numpy arrays ("every column but
# the id"): a batch whose columns come in another order, or with one more column, is fed
# to the wrong transformers.
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
X = train.drop(columns=["listing_id", "price"])
cat = [i for i, c in enumerate(X.columns) if not pd.api.types.is_numeric_dtype(X[c])]
num = [i for i in range(X.shape[1]) if i not in cat]
pre = ColumnTransformer(
    [
        ("num", "passthrough", num),
        (
            "cat",
            make_pipeline(
                SimpleImputer(strategy="constant", fill_value="missing"),
                OneHotEncoder(handle_unknown="ignore"),
            ),
            cat,
        ),
    ],
    sparse_threshold=0,
)
model = make_pipeline(pre, HistGradientBoostingRegressor(max_iter=40, random_state=0))
model.fit(X.to_numpy(dtype=object), np.log(train["price"]))
joblib.dump(model, "model.joblib")
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
rows = pd.read_csv(args.input)
X = rows.drop(columns=["listing_id"]).to_numpy(dtype=object)
price = np.exp(joblib.load("model.joblib").predict(X))
pd.DataFrame({"listing_id": rows["listing_id"], "price": price}).to_csv(args.output, index=False)
PY
python train.py
