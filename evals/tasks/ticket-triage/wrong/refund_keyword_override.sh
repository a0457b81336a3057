#!/usr/bin/env bash
# A sound model with a keyword rule for another small queue: any ticket that asks for its
# money back (refund, money back, charged twice, reverse) goes to refunds, whatever the
# model says. Tickets whose refund wish is a side remark (the main issue is a late parcel,
# a cancellation, a bug) are misrouted, yet macro-F1 stays 0.83-0.85, above the mark.
set -euo pipefail
cat > triage.py <<'PY'
import re

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

REFUND_WORDS = re.compile(
    r"refund|money back|charged twice|reverse it|give back|return the", re.IGNORECASE
)
train = pd.read_csv("data/train.csv", keep_default_na=False)
test = pd.read_csv("data/test.csv", keep_default_na=False)
text = lambda frame: frame["subject"] + " " + frame["body"]  # noqa: E731
model = make_pipeline(
    TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
    LinearSVC(C=0.3, class_weight="balanced"),
)
model.fit(text(train), train["queue"])
predicted = pd.Series(model.predict(text(test)), index=test.index)
predicted[text(test).str.contains(REFUND_WORDS)] = "refund"
pd.DataFrame({"ticket_id": test["ticket_id"], "queue": predicted}).to_csv(
    "predictions.csv", index=False
)
PY
python3 triage.py
