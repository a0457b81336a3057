#!/usr/bin/env bash
# Saves the classifier and the vocabulary, but predict.py rebuilds the TF-IDF with that
# vocabulary and fits its IDF weights on the incoming batch: same columns, different
# features than in training, and a ticket's prediction depends on the rest of the batch.
# Its validation is honest (grouped by near-duplicate forms, as the oracle's).
set -euo pipefail
python3 - <<'PY'
import json

import joblib
import pandas as pd
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

train = pd.read_csv("data/train.csv")
words = TfidfVectorizer(token_pattern=r"(?u)\b[a-z][a-z]+\b", lowercase=False)
v = words.fit_transform(train["text"])
groups = connected_components((v @ v.T) >= 0.8, directed=False)[1]
model = make_pipeline(
    TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
    LogisticRegression(C=5.0, max_iter=2000),
)
held_out = cross_val_predict(
    model, train["text"], train["queue"], cv=GroupKFold(5), groups=groups
)
score = f1_score(train["queue"], held_out, average="macro")
model.fit(train["text"], train["queue"])
vectoriser, classifier = model.steps[0][1], model.steps[1][1]
joblib.dump({"vocabulary": vectoriser.vocabulary_, "classifier": classifier}, "model.joblib")
json.dump({"validation_macro_f1": round(float(score), 4)}, open("metrics.json", "w"))
PY
cat > predict.py <<'PY'
import argparse

import joblib
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

parser = argparse.ArgumentParser()
parser.add_argument("--input")
parser.add_argument("--output")
args = parser.parse_args()
rows = pd.read_csv(args.input)
saved = joblib.load("model.joblib")
vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, vocabulary=saved["vocabulary"])
X = vectoriser.fit_transform(rows["text"])
proba = saved["classifier"].predict_proba(X)
pd.DataFrame(
    {
        "ticket_id": rows["ticket_id"],
        "queue": saved["classifier"].classes_[proba.argmax(axis=1)],
        "confidence": proba.max(axis=1),
    }
).to_csv(args.output, index=False)
PY
