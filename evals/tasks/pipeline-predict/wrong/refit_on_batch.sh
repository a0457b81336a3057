#!/usr/bin/env bash
# Saves only the regressor; predict.py rebuilds the preprocessing by fitting an imputer
# and an ordinal encoder on the incoming batch, so the codes (and so the prices) depend
# on what else is in the batch.
# 40 boosting rounds: the mistake does not depend on the model's size.
set -euo pipefail
cat > prep.py <<'PY'
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OrdinalEncoder

NUM = ["year", "mileage_km", "engine_l", "power_kw", "owners"]
CAT = ["make", "model", "fuel", "transmission", "body", "colour", "accident", "seller", "region"]


def preprocess(frame):
    num = SimpleImputer(strategy="median").fit_transform(frame[NUM])
    cats = frame[CAT].astype(str)
    codes = OrdinalEncoder().fit_transform(cats)
    return pd.concat([pd.DataFrame(num, columns=NUM), pd.DataFrame(codes, columns=CAT)], axis=1)
PY
cat > train.py <<'PY'
import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from prep import preprocess

train = pd.read_csv("data/train.csv")
model = HistGradientBoostingRegressor(max_iter=40, random_state=0)
model.fit(preprocess(train), np.log(train["price"]))
joblib.dump(model, "model.joblib")
PY
cat > predict.py <<'PY'
import argparse

import joblib
import numpy as np
import pandas as pd

from prep import preprocess

parser = argparse.ArgumentParser()
parser.add_argument("--input")
parser.add_argument("--output")
args = parser.parse_args()
rows = pd.read_csv(args.input)
price = np.exp(joblib.load("model.joblib").predict(preprocess(rows)))
pd.DataFrame({"listing_id": rows["listing_id"], "price": price}).to_csv(args.output, index=False)
PY
python train.py
