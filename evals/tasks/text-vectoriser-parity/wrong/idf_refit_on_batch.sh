#!/usr/bin/env bash
# Saves the classifier and the vocabulary, but predict.py rebuilds the TF-IDF with that
# vocabulary and fits its IDF weights on the incoming batch: same columns, different
# features than in training, and a ticket's prediction depends on the rest of the batch.
# Its validation is honest (grouped by near-duplicate forms, as the oracle's).
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/reference_train.py").read_text()
old = 'joblib.dump(model, "model.joblib")\n'
assert code.count(old) == 1
new = (
    "vectoriser, classifier = model.steps[0][1], model.steps[1][1]\n"
    'joblib.dump({"vocabulary": vectoriser.vocabulary_, "classifier": classifier}, "model.joblib")\n'
)
Path("train.py").write_text(code.replace(old, new))
PY
python3 train.py
cat > predict.py <<'PY'
import argparse

import joblib
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

parser = argparse.ArgumentParser()
parser.add_argument("--input")
parser.add_argument("--output")
args = parser.parse_args()
rows = pd.read_csv(args.input, dtype=str, keep_default_na=False)  # empty texts kept
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
