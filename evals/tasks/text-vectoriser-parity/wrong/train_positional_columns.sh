#!/usr/bin/env bash
# The oracle's router, but train.py takes the text and the queue by position (the second
# and third columns of data/train.csv, as in this export): the ticket says the next export
# has the same columns, not that they keep their order. Red team (session 13): 1.0 on
# seeds 13 and 14 while the rebuild's export kept the column order.
set -euo pipefail
sed 's/texts, queues = train\["text"\], train\["queue"\]/texts, queues = train.iloc[:, 1], train.iloc[:, 2]/' \
    .mlskills-script/reference_train.py > train.py
grep -q "train.iloc\[:, 1\]" train.py  # the edit took
cp .mlskills-script/reference_predict.py predict.py
python train.py
