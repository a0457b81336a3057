"""Queue prediction: python predict.py --input tickets.csv --output preds.csv

Loads the fitted pipeline (vectoriser + classifier) and applies it; nothing is fitted
here, so a ticket's queue and confidence never depend on the rest of the batch.
"""

import argparse
from pathlib import Path

import joblib
import pandas as pd

HERE = Path(__file__).resolve().parent

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--input", required=True)
parser.add_argument("--output", required=True)
args = parser.parse_args()

rows = pd.read_csv(args.input, dtype={"ticket_id": str, "text": str}, keep_default_na=False)
model = joblib.load(HERE / "model.joblib")
proba = model.predict_proba(rows["text"])
queues = model.classes_[proba.argmax(axis=1)]
pd.DataFrame(
    {"ticket_id": rows["ticket_id"], "queue": queues, "confidence": proba.max(axis=1).round(6)}
).to_csv(args.output, index=False)
