#!/usr/bin/env bash
# An alternative correct solution: a standardised ridge regression, 5-fold cross-fitted
# (every customer is scored by a model that never saw them), groups as connected
# components of |Pearson r| > 0.8, permutation importance of single attributes and of
# whole groups on the out-of-fold predictions, intervals from a bootstrap over customers.
set -euo pipefail
cat > importance.py <<'PY'
import json

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import connected_components
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

data = pd.read_csv("data/customers.csv")
X, y = data.drop(columns=["customer_id", "monthly_spend"]), data["monthly_spend"].to_numpy()
folds = list(KFold(5, shuffle=True, random_state=0).split(X))
models = [make_pipeline(StandardScaler(), RidgeCV()).fit(X.iloc[a], y[a]) for a, _ in folds]
rng = np.random.default_rng(1)


def oof(frame):
    pred = np.empty(len(frame))
    for model, (_, b) in zip(models, folds):
        pred[b] = model.predict(frame.iloc[b])
    return pred


def r2(pred, idx):
    t = y[idx]
    return 1 - ((t - pred[idx]) ** 2).sum() / ((t - t.mean()) ** 2).sum()


base_pred = oof(X)
boots = [rng.integers(0, len(X), len(X)) for _ in range(200)]


def importance(columns):
    shuffled = X.copy()
    shuffled[columns] = X[columns].to_numpy()[rng.permutation(len(X))]
    pred = oof(shuffled)
    drops = [r2(base_pred, b) - r2(pred, b) for b in boots]
    whole = np.arange(len(X))
    return r2(base_pred, whole) - r2(pred, whole), *np.percentile(drops, [2.5, 97.5])


pd.DataFrame([(f, *importance([f])) for f in X.columns],
             columns=["feature", "importance", "ci_low", "ci_high"]).to_csv(
    "feature_importance.csv", index=False)
_, labels = connected_components(np.abs(X.corr().to_numpy()) > 0.8, directed=False)
rows = []
for label in np.unique(labels):
    members = list(X.columns[labels == label])
    rows.append((members[0].split("_")[0], ";".join(members), *importance(members)))
groups = pd.DataFrame(rows, columns=["group", "features", "importance", "ci_low", "ci_high"])
groups.to_csv("group_importance.csv", index=False)
json.dump({"top_group": groups.loc[groups["importance"].idxmax(), "group"]}, open("findings.json", "w"))
print(groups)
PY
python3 importance.py
