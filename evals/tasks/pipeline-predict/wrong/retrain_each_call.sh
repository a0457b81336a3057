#!/usr/bin/env bash
# No saved model: predict.py fits the pipeline on data/train.csv on every call. It works
# in the workspace, but the nightly job's copy has no data/, so it cannot run there.
# 40 boosting rounds: the mistake does not depend on the model's size.
set -euo pipefail
cat > predict.py <<'PY'
import argparse

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder

NUMERIC = ["year", "mileage_km", "engine_l", "power_kw", "owners"]
CATEGORICAL = ["make", "model", "fuel", "transmission", "body", "colour", "accident",
               "seller", "region"]  # fmt: skip
parser = argparse.ArgumentParser()
parser.add_argument("--input", required=True)
parser.add_argument("--output", required=True)
args = parser.parse_args()
train = pd.read_csv("data/train.csv")
rows = pd.read_csv(args.input, dtype={"listing_id": str})
encode = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                        encoded_missing_value=-2)  # fmt: skip
model = make_pipeline(
    make_column_transformer((encode, CATEGORICAL), ("passthrough", NUMERIC)),
    HistGradientBoostingRegressor(max_iter=40, random_state=0),
)
model.fit(train[NUMERIC + CATEGORICAL].astype({c: str for c in CATEGORICAL}), np.log(train["price"]))
X = rows.reindex(columns=NUMERIC + CATEGORICAL)
X[CATEGORICAL] = X[CATEGORICAL].astype(str)
price = np.exp(model.predict(X))
pd.DataFrame({"listing_id": rows["listing_id"], "price": price.round(2)}).to_csv(
    args.output, index=False
)
PY
python predict.py --input data/sample_batch.csv --output sample_preds.csv
