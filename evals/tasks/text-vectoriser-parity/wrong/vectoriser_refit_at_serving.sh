#!/usr/bin/env bash
# Ships the classifier and the vocabulary, but predict.py refits the TF-IDF weights on
# data/train.csv each time it runs ("the IDF is a deterministic function of the export"):
# the ticket says data/ on the dispatch machine holds the service's own exports and
# predict.py must fit nothing. Red team (w_vec_refit_train, a whole vectoriser refit on
# data/train.csv beside a saved classifier): 0.99 and 1.0 on seeds 11 and 12 while the
# serving export held the training texts with only the queues shuffled.
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
cat > predict.py <<'PY'
import argparse

import joblib
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

parser = argparse.ArgumentParser()
parser.add_argument("--input", required=True)
parser.add_argument("--output", required=True)
args = parser.parse_args()
saved = joblib.load("model.joblib")
vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, vocabulary=saved["vocabulary"])
vectoriser.fit(pd.read_csv("data/train.csv")["text"])
rows = pd.read_csv(args.input, dtype=str, keep_default_na=False)
proba = saved["classifier"].predict_proba(vectoriser.transform(rows["text"]))
pd.DataFrame(
    {
        "ticket_id": rows["ticket_id"],
        "queue": saved["classifier"].classes_[proba.argmax(axis=1)],
        "confidence": proba.max(axis=1),
    }
).to_csv(args.output, index=False)
PY
python3 train.py
