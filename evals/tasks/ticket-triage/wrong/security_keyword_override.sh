#!/usr/bin/env bash
# A sound model with a keyword rule on top: any ticket whose text names a security word
# (hacked, phishing, suspicious login, unknown device...) goes to security, whatever the
# model says, "so no attack is missed". A ticket that mentions a security worry in passing
# is not a security ticket (the queue is the main issue): the rule floods that queue
# (precision 0.29-0.40) yet macro-F1 stays 0.84-0.86 and passed (red team, 2026-12).
set -euo pipefail
cat > triage.py <<'PY'
import re

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC

SECURITY_WORDS = re.compile(
    r"hack|compromis|phishing|suspicious|unauthori[sz]ed|fraud|someone else|"
    r"unknown (?:device|location)|new device|another country|did not do it",
    re.IGNORECASE,
)
train = pd.read_csv("data/train.csv", keep_default_na=False)
test = pd.read_csv("data/test.csv", keep_default_na=False)
text = lambda frame: frame["subject"] + " " + frame["body"]  # noqa: E731
model = make_pipeline(
    make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2),
    ),
    LinearSVC(C=0.3, class_weight="balanced"),
)
model.fit(text(train), train["queue"])
predicted = pd.Series(model.predict(text(test)), index=test.index)
flagged = text(test).str.contains(SECURITY_WORDS)
predicted[flagged] = "security"  # never let a possible attack wait in another queue
pd.DataFrame({"ticket_id": test["ticket_id"], "queue": predicted}).to_csv(
    "predictions.csv", index=False
)
PY
python3 triage.py
