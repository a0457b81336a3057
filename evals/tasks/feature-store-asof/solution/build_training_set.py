"""Training set with point-in-time features.

Usage: python build_training_set.py --store DIR --requests FILE --out FILE
Every request row (request_id, customer_id, timestamp, and any label columns) comes back
with the features the online store would have served at its timestamp.
"""

import argparse

import pandas as pd
from feature_lookup import features_at

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", required=True)
    parser.add_argument("--requests", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    requests = pd.read_csv(args.requests, dtype={"request_id": str, "customer_id": str})
    features_at(args.store, requests).to_csv(args.out, index=False)
