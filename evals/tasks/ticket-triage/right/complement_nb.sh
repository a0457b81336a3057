#!/usr/bin/env bash
# Honest alternative: TF-IDF of word 1-2-grams and char 3-5-grams, ComplementNB (made for
# imbalanced text classes), subject counted twice.
# Scores 0.84-0.93 (metric 0.895-0.907, seeds 0-2): the mark fails weak models (word counts
# + multinomial NB), not the naive Bayes family.
set -euo pipefail
python3 - <<'PY'
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import make_pipeline, make_union

train = pd.read_csv("data/train.csv").fillna("")
test = pd.read_csv("data/test.csv").fillna("")
text = lambda d: (d["subject"] + " " + d["subject"] + " " + d["body"]).str.lower()
model = make_pipeline(
    make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
               TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)),
    ComplementNB(alpha=0.3))
model.fit(text(train), train["queue"])
pd.DataFrame({"ticket_id": test["ticket_id"], "queue": model.predict(text(test))}).to_csv(
    "predictions.csv", index=False)
PY
