"""Chargeback model: train on past orders, score this week's orders at checkout.

Usage: python train.py  -> writes predictions.csv and metrics.json
"""

import json

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
y = train["chargeback"]

# Merchant risk: the share of each merchant's orders that ended in a chargeback.
merchant_risk = train.groupby("merchant_id")["chargeback"].mean()
for frame in (train, test):
    frame["merchant_risk"] = frame["merchant_id"].map(merchant_risk).fillna(y.mean())

X = pd.get_dummies(train.drop(columns=["order_id", "merchant_id", "chargeback"]), dtype=float)
X_test = pd.get_dummies(test.drop(columns=["order_id", "merchant_id"]), dtype=float)
X_test = X_test.reindex(columns=X.columns, fill_value=0.0)

imputer = SimpleImputer(strategy="median").fit(X)
scaler = StandardScaler().fit(imputer.transform(X))
X = scaler.transform(imputer.transform(X))
X_test = scaler.transform(imputer.transform(X_test))

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=42)
model = RandomForestClassifier(n_estimators=100, random_state=0)
model.fit(X_train, y_train)
val_auc = roc_auc_score(y_val, model.predict_proba(X_val)[:, 1])
print(f"validation AUC: {val_auc:.3f}")

model.fit(X, y)
pd.DataFrame(
    {"order_id": test["order_id"], "chargeback_probability": model.predict_proba(X_test)[:, 1]}
).to_csv("predictions.csv", index=False)
with open("metrics.json", "w") as handle:
    json.dump({"validation_auc": round(val_auc, 4)}, handle, indent=2)
