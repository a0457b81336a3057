#!/usr/bin/env bash
# Honest alternative: one plain-Python pass per record with explicit rules (dates by their
# shape, not by clinic; units by clinic after the clinic name is fixed by edit distance;
# sentinels per column), then the copies of a visit merged field by field with the first
# non-empty value. csv module only, no pandas.
set -euo pipefail
python3 - <<'PY'
import csv
import datetime as dt
import re

CLINICS = ["north", "south", "east", "west", "central"]
MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}

def distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]

def clinic(s):
    s = s.strip().lower().removesuffix(" clinic").strip()
    best = min(CLINICS, key=lambda c: (distance(s, c), c))
    return best if distance(s, best) <= 2 else ""

def date(s):
    s = s.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
        y, mo, d = m.groups()
    elif m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s):
        d, mo, y = m.groups()
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s):
        mo, d, y = m.groups()
    elif m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s):
        y, mo, d = m.groups()
    elif m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", s):
        d, mo, y = m.group(1), MONTHS[m.group(2).lower()], m.group(3)
    else:
        return ""
    return dt.date(int(y), int(mo), int(d)).isoformat()

def number(s, sentinels):
    m = re.search(r"-?\d+(\.\d+)?", s)
    if not m or float(m.group()) in sentinels:
        return None
    return float(m.group())

visits = {}
with open("data/visits_raw.csv", newline="") as f:
    for r in csv.DictReader(f):
        c = clinic(r["clinic"])
        w = number(r["weight"], {-999, 999, 0})
        if w is not None and (c == "west" or "lb" in r["weight"].lower()):
            w = w / 2.20462
        h = number(r["height"], {-999, 999, 0})
        if h is not None and h < 3:
            h = h * 100
        age = number(r["age"], {-1, 999, -999})
        bp = number(r["systolic_bp"], {999, 0, -999})
        sex = r["sex"].strip()[:1].upper()
        smoke = r["smoker"].strip().lower()
        smoke = "yes" if smoke in {"yes", "y", "1", "true"} else "no" if smoke in {"no", "n", "0", "false"} else ""
        row = {
            "patient_id": r["patient_id"].strip().upper(),
            "visit_date": date(r["visit_date"]),
            "clinic": c,
            "sex": sex if sex in {"F", "M"} else "",
            "age": "" if age is None else str(int(age)),
            "weight_kg": "" if w is None else f"{w:.1f}",
            "height_cm": "" if h is None else f"{h:.1f}",
            "systolic_bp": "" if bp is None else str(int(bp)),
            "smoker": smoke,
        }
        key = (row["patient_id"], row["visit_date"])
        if key in visits:
            for k, v in row.items():
                visits[key][k] = visits[key][k] or v
        else:
            visits[key] = row

with open("clean.csv", "w", newline="") as f:
    out = csv.DictWriter(f, fieldnames=list(next(iter(visits.values()))))
    out.writeheader()
    out.writerows(sorted(visits.values(), key=lambda r: (r["visit_date"], r["patient_id"])))
PY
