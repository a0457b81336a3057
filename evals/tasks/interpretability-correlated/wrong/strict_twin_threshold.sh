#!/usr/bin/env bash
# Groups only near-duplicates (|correlation| > 0.9): the three age measures (about 0.85
# with each other) stay singletons though they measure the same thing.
# Passed before the partition check (all four other properties met, seeds 0-1 outside the
# sandbox): nothing tested that the age measures form one group.
set -euo pipefail
cat > importance.py <<'PY'
import json

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import connected_components
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

data = pd.read_csv("data/customers.csv")
features = [c for c in data.columns if c not in ("customer_id", "monthly_spend")]
train, test = train_test_split(data, test_size=0.3, random_state=0)
model = LinearRegression().fit(train[features].to_numpy(), train["monthly_spend"].to_numpy())
X, y = test[features].to_numpy(), test["monthly_spend"].to_numpy()
rng = np.random.default_rng(0)
boots = [rng.integers(0, len(y), len(y)) for _ in range(200)]
fitted = model.predict(X)  # a resample's unshuffled predictions are these, reindexed


def r2_score(truth, predicted):
    return 1 - ((truth - predicted) ** 2).sum() / ((truth - truth.mean()) ** 2).sum()


def drop(columns):
    """Per bootstrap resample, the R2 lost when `columns` are shuffled together."""
    where = [features.index(c) for c in columns]
    out = []
    for b in boots:
        Xb, yb = X[b], y[b]
        shuffled = Xb.copy()
        order = rng.permutation(len(yb))
        shuffled[:, where] = Xb[:, where][order]
        out.append(r2_score(yb, fitted[b]) - r2_score(yb, model.predict(shuffled)))
    return np.array(out)


def summary(columns):
    d = drop(columns)
    return d.mean(), np.percentile(d, 2.5), np.percentile(d, 97.5)


GROUP_SUM = False
rows = []
single = {}
for f in features:
    single[f] = summary([f])
    rows.append([f, *single[f]])
pd.DataFrame(rows, columns=["feature", "importance", "ci_low", "ci_high"]).to_csv(
    "feature_importance.csv", index=False
)
THRESHOLD = 0.9
linked = (data[features].corr().abs().to_numpy() > THRESHOLD).astype(int)
_, label = connected_components(linked, directed=False)
groups = []
for k in sorted(set(label)):
    members = [f for f, lab in zip(features, label) if lab == k]
    name = members[0].split("_")[0] if len(members) > 1 else members[0]
    if GROUP_SUM:
        stats = tuple(sum(single[m][i] for m in members) for i in range(3))
    else:
        stats = summary(members)
    groups.append([name, ";".join(members), *stats])
table = pd.DataFrame(groups, columns=["group", "features", "importance", "ci_low", "ci_high"])
table.to_csv("group_importance.csv", index=False)
top = table.sort_values("importance", ascending=False)["group"].iloc[0]
json.dump({"top_group": top}, open("findings.json", "w"))
print(table)
PY
python importance.py
