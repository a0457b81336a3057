"""Online feature lookup: the features of each requested customer as of the request time.

Usage: python serve_features.py --store DIR --requests FILE --out FILE
`--store` is the online store as it is now (only rows ingested so far); requests carry
request_id, customer_id and timestamp. Unknown customers get empty features.
"""

import argparse

import pandas as pd
from feature_lookup import FEATURES, features_at

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", required=True)
    parser.add_argument("--requests", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    requests = pd.read_csv(args.requests, dtype={"request_id": str, "customer_id": str})
    served = features_at(args.store, requests)
    served[["request_id", "customer_id", *FEATURES]].to_csv(args.out, index=False)
