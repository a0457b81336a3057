#!/usr/bin/env bash
# Column-at-a-time pandas cleaning: one regex mask per date format, str.extract for
# numbers and units, plausible ranges for sentinels, pounds found from each clinic's median
# weight, and duplicates merged with groupby().first() (first non-empty value).
set -euo pipefail
python3 - <<'PY'
import difflib

import pandas as pd

CLINICS = ["north", "south", "east", "west", "central"]
raw = pd.read_csv("data/visits_raw.csv", dtype=str, keep_default_na=False)
raw = raw.apply(lambda col: col.str.strip())

dates = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
for pattern, fmt in [(r"\d{4}-\d\d-\d\d", "%Y-%m-%d"), (r"\d{8}", "%Y%m%d"),
                     (r"\d\d?\.\d\d?\.\d{4}", "%d.%m.%Y"), (r"\d\d?/\d\d?/\d{4}", "%m/%d/%Y"),
                     (r"\d\d? [A-Za-z]{3} \d{4}", "%d %b %Y")]:  # fmt: skip
    mask = raw["visit_date"].str.fullmatch(pattern)
    dates[mask] = pd.to_datetime(raw.loc[mask, "visit_date"], format=fmt)

names = raw["clinic"].str.lower().str.replace(r"\s*clinic$", "", regex=True).str.strip()
lookup = {}
for name in names.unique():
    anagram = [c for c in CLINICS if sorted(c) == sorted(name)]
    close = anagram or difflib.get_close_matches(name, CLINICS, n=1, cutoff=0.6)
    lookup[name] = close[0] if close else None


def numbers(column):
    return pd.to_numeric(raw[column].str.extract(r"^(-?\d+(?:\.\d+)?)", expand=False))


out = pd.DataFrame({"patient_id": raw["patient_id"].str.upper(), "visit_date": dates})
out["clinic"] = names.map(lookup)
out["sex"] = raw["sex"].str[:1].str.upper().where(lambda s: s.isin(["F", "M"]))
out["age"] = numbers("age").where(lambda v: v.between(0, 120))
weight = numbers("weight")
unit = raw["weight"].str.extract(r"(lb|kg)$", expand=False)
plain = unit.isna() & weight.between(20, 500)
per_clinic = weight[plain].groupby(out["clinic"]).median()
in_pounds = per_clinic[per_clinic > 1.6 * per_clinic.median()].index
pounds = (unit == "lb") | (unit.isna() & out["clinic"].isin(in_pounds))
out["weight_kg"] = weight.mask(pounds, weight / 2.20462).where(lambda v: v.between(25, 300))
height = numbers("height")
out["height_cm"] = height.mask(height < 3, height * 100).where(lambda v: v.between(100, 230))
out["systolic_bp"] = numbers("systolic_bp").where(lambda v: v.between(60, 260))
smoker = raw["smoker"].str.lower()
out["smoker"] = smoker.map(dict.fromkeys(["yes", "y", "1", "true"], "yes")
                           | dict.fromkeys(["no", "n", "0", "false"], "no"))  # fmt: skip

clean = out.dropna(subset=["visit_date"]).groupby(["patient_id", "visit_date"], as_index=False)
clean = clean.first()
clean["visit_date"] = clean["visit_date"].dt.strftime("%Y-%m-%d")
clean[["weight_kg", "height_cm"]] = clean[["weight_kg", "height_cm"]].round(1)
clean = clean.astype({"age": "Int64", "systolic_bp": "Int64"})
clean.to_csv("clean.csv", index=False)
PY
