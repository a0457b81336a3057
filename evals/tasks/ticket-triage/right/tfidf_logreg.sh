#!/usr/bin/env bash
# The honest simple approach: subject and body joined, word TF-IDF with default settings,
# plain logistic regression; no character n-grams, no class weights, no tuning.
set -euo pipefail
python3 - <<'PY'
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

train = pd.read_csv("data/train.csv", keep_default_na=False)
test = pd.read_csv("data/test.csv", keep_default_na=False)
model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000))
model.fit(train["subject"] + " " + train["body"], train["queue"])
predicted = model.predict(test["subject"] + " " + test["body"])
pd.DataFrame({"ticket_id": test["ticket_id"], "queue": predicted}).to_csv(
    "predictions.csv", index=False
)
PY
