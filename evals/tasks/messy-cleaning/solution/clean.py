"""Reference cleaning of data/visits_raw.csv into clean.csv (the schema in the ticket).

Profile first, then fix each column by rule, keeping everything as text until parsed:
- dates: each format parsed explicitly; dotted dates are day-first (days above 12 show
  up in the first field), slashed ones month-first (above 12 in the second field);
- units: a clinic whose median weight is ~2.2x the others' records pounds; heights
  below 3 are metres; explicit "lb"/"kg" suffixes win;
- sentinels (-999, 999, -1, 0, N/A, unknown, ...) and out-of-range values become empty;
- categories: case, whitespace, "X Clinic", swapped and dropped letters mapped to the
  nearest valid value;
- duplicates: rows of the same patient and day are one visit; their fields are merged
  (first non-empty value), since a re-entered copy often has blanks.
"""

import difflib
import re

import numpy as np
import pandas as pd

CLINICS = ["north", "south", "east", "west", "central"]
LB_PER_KG = 2.20462
SCHEMA = ["patient_id", "visit_date", "clinic", "sex", "age", "weight_kg", "height_cm"]
SCHEMA += ["systolic_bp", "smoker"]

raw = pd.read_csv("data/visits_raw.csv", dtype=str, keep_default_na=False)
raw = raw.apply(lambda col: col.str.strip())


def parse_date(text: str) -> pd.Timestamp:
    formats = [
        (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
        (r"\d{8}", "%Y%m%d"),
        (r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y"),
        (r"\d{1,2}/\d{1,2}/\d{4}", "%m/%d/%Y"),
        (r"\d{1,2} [A-Za-z]{3} \d{4}", "%d %b %Y"),
    ]
    for pattern, fmt in formats:
        if re.fullmatch(pattern, text):
            return pd.to_datetime(text, format=fmt)
    return pd.NaT


def clinic(text: str) -> str | float:
    """Exact name, else the same letters swapped ("esat"), else the closest spelling."""
    name = text.lower().removesuffix(" clinic").strip()
    swapped = [c for c in CLINICS if sorted(c) == sorted(name)]
    match = swapped or difflib.get_close_matches(name, CLINICS, n=1, cutoff=0.6)
    return match[0] if match else np.nan


def number(text: str) -> float:
    found = re.match(r"^-?\d+(\.\d+)?", text)
    return float(found.group()) if found else np.nan


def in_range(values: pd.Series, low: float, high: float) -> pd.Series:
    return values.where((values >= low) & (values <= high))


out = pd.DataFrame({"patient_id": raw["patient_id"].str.upper()})
out["visit_date"] = raw["visit_date"].map(parse_date)
out["clinic"] = raw["clinic"].map(clinic)
out["sex"] = raw["sex"].str[:1].str.upper().where(lambda s: s.isin(["F", "M"]))
out["age"] = in_range(raw["age"].map(number), 0, 120)

weight = raw["weight"].map(number)
unit = raw["weight"].str.extract(r"(lb|kg)$", expand=False)
median = weight[unit.isna() & (weight > 0)].groupby(out["clinic"]).median()
pound_clinics = median[median > 1.6 * median.median()].index  # ~2.2x the others
pounds = (unit == "lb") | (unit.isna() & out["clinic"].isin(pound_clinics))
out["weight_kg"] = in_range(weight.where(~pounds, weight / LB_PER_KG), 25, 300)

height = raw["height"].map(number)
out["height_cm"] = in_range(height.where(height >= 3, height * 100), 100, 230)
out["systolic_bp"] = in_range(raw["systolic_bp"].map(number), 60, 260)
yes_no = {"yes": "yes", "y": "yes", "1": "yes", "true": "yes"}
yes_no |= {"no": "no", "n": "no", "0": "no", "false": "no"}
out["smoker"] = raw["smoker"].str.lower().map(yes_no)

print(f"{len(out)} raw rows; unparsed dates: {out['visit_date'].isna().sum()}")
print(f"clinics recording pounds: {list(pound_clinics)}")
clean = out.groupby(["patient_id", "visit_date"], as_index=False).first()  # first non-empty
clean["visit_date"] = clean["visit_date"].dt.strftime("%Y-%m-%d")
clean["weight_kg"] = clean["weight_kg"].round(1)
clean["height_cm"] = clean["height_cm"].round(1)
clean = clean.astype({"age": "Int64", "systolic_bp": "Int64"})
clean[SCHEMA].sort_values(["visit_date", "patient_id"]).to_csv("clean.csv", index=False)
print(f"{len(clean)} visits written to clean.csv")
