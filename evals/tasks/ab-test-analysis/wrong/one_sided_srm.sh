#!/usr/bin/env bash
# A one-sided sample-ratio check: an exact binomial test for too FEW treatment users only
# (the logging bug the team once had), otherwise a correct fixed-horizon analysis. A
# surplus of treatment users is never flagged, and every p-value it reports is half the
# two-sided one or nearly 1.
# Passed before (1.0 on seeds 13-14, red team): both seeds' mismatch was a treatment
# shortfall and only the SRM experiment's p-value was checked. Now odd seeds' mismatch
# is a surplus and every experiment's p-value is compared with a two-sided test.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

code = Path(".mlskills-script/wald_chisquare.py").read_text()
old = "    srm = chisquare([len(t), len(c)], [len(g) * share, len(g) * (1 - share)]).pvalue\n"
assert code.count(old) == 1
new = "    srm = binomtest(len(t), len(g), share, alternative='less').pvalue\n"
code = code.replace(old, new).replace("from scipy.stats import chisquare", "from scipy.stats import binomtest")
Path("analysis.py").write_text(code)
PY
python analysis.py
