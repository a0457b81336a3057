#!/usr/bin/env bash
# Baseline, not a serving bug: predict.py answers the training median for every listing.
# It never crashes, and it is useless for pricing.
set -euo pipefail
cat > train.py <<'PY'
import pandas as pd

with open("median.txt", "w") as out:
    print(pd.read_csv("data/train.csv")["price"].median(), file=out)
PY
python3 train.py
cat > predict.py <<'PY'
import argparse

import pandas as pd

parser = argparse.ArgumentParser()
parser.add_argument("--input")
parser.add_argument("--output")
args = parser.parse_args()
rows = pd.read_csv(args.input)
price = float(open("median.txt").read())
pd.DataFrame({"listing_id": rows["listing_id"], "price": price}).to_csv(args.output, index=False)
PY
