#!/usr/bin/env bash
# Another correct solution: 5-fold cross-validation of a gradient-boosting model; each
# importance is measured on every fold's held-out customers (3 shuffles each), reported
# as the mean over folds with a t-interval (4 degrees of freedom) from the fold-to-fold
# spread; groups are average-linkage clusters of |Pearson r| cut at 0.5.
set -euo pipefail
cat > importance.py <<'PY'
import json

import numpy as np
import pandas as pd
from scipy import stats
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold

data = pd.read_csv("data/customers.csv")
X = data.drop(columns=["customer_id", "monthly_spend"])
values, y = X.to_numpy(), data["monthly_spend"].to_numpy()
folds = list(KFold(5, shuffle=True, random_state=0).split(values))
models = [HistGradientBoostingRegressor(max_iter=150, learning_rate=0.1, random_state=0)
          .fit(values[a], y[a]) for a, _ in folds]
rng = np.random.default_rng(0)

distance = 1 - np.abs(X.corr().to_numpy())
np.fill_diagonal(distance, 0)
labels = fcluster(linkage(squareform(distance, checks=False), "average"), 0.5, "distance")
groups = {f"group{l}": list(X.columns[labels == l]) for l in np.unique(labels)}
sets = [[f] for f in X.columns] + list(groups.values())

# One predict call per fold: the held-out rows, then every set shuffled 3 times.
per_fold = []
for model, (_, held) in zip(models, folds):
    rows = values[held]
    blocks = [rows]
    for columns in sets:
        where = [X.columns.get_loc(c) for c in columns]
        for _ in range(3):
            block = rows.copy()
            block[:, where] = rows[rng.permutation(len(rows))][:, where]
            blocks.append(block)
    predicted = model.predict(np.vstack(blocks)).reshape(len(blocks), len(rows))
    base = r2_score(y[held], predicted[0])
    drops = [base - r2_score(y[held], p) for p in predicted[1:]]
    per_fold.append(np.array(drops).reshape(len(sets), 3).mean(axis=1))
per_fold = np.array(per_fold)
mean = per_fold.mean(axis=0)
half = stats.t.ppf(0.975, len(folds) - 1) * per_fold.std(axis=0, ddof=1) / np.sqrt(len(folds))
table = pd.DataFrame({"importance": mean, "ci_low": mean - half, "ci_high": mean + half})

single = table.iloc[: X.shape[1]].copy()
single.insert(0, "feature", X.columns)
single.to_csv("feature_importance.csv", index=False)
grouped = table.iloc[X.shape[1]:].copy()
grouped.insert(0, "features", [";".join(m) for m in groups.values()])
grouped.insert(0, "group", list(groups))
grouped.to_csv("group_importance.csv", index=False)
top = grouped.loc[grouped["importance"].idxmax(), "group"]
json.dump({"top_group": top}, open("findings.json", "w"))
print(grouped)
PY
python3 importance.py
