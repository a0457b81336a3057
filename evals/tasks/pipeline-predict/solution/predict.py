"""Batch prediction: python predict.py --input rows.csv --output preds.csv

Loads the fitted pipeline and applies it; nothing is fitted here, so a row's price never
depends on the other rows in the batch.
"""

import argparse
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from schema import as_features

HERE = Path(__file__).resolve().parent

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--input", required=True)
parser.add_argument("--output", required=True)
args = parser.parse_args()

rows = pd.read_csv(args.input, dtype={"listing_id": str, "model": str})
artefact = joblib.load(HERE / "model.joblib")
price = np.exp(artefact["pipeline"].predict(as_features(rows)))
pd.DataFrame({"listing_id": rows["listing_id"], "price": price.round(2)}).to_csv(
    args.output, index=False
)
