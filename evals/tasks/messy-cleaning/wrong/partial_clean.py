"""A careful cleaning with one step done naively, for the wrong solutions beside it.

--naive-dates: pandas guesses each date's format (month-first for "05.03.2023").
--no-units: numbers are parsed, but pounds and metres are left as they are.
--keep-sentinels: numbers are kept as parsed, so 999, -999, -1 and 0 codes stay as data.
--impute: gaps filled with the column's median (numbers) or most common value (smoker).
--pounds-by-value: a unit-less weight counts as pounds when it is over 130, not by clinic.
--exact-clinics: case, " Clinic" and spaces are normalised, but a misspelt name is left empty.
"""

import argparse
import difflib

import pandas as pd

parser = argparse.ArgumentParser()
parser.add_argument("--naive-dates", action="store_true")
parser.add_argument("--no-units", action="store_true")
parser.add_argument("--keep-sentinels", action="store_true")
parser.add_argument("--impute", action="store_true")
parser.add_argument("--pounds-by-value", action="store_true")
parser.add_argument("--exact-clinics", action="store_true")
args = parser.parse_args()

CLINICS = ["north", "south", "east", "west", "central"]
raw = pd.read_csv("data/visits_raw.csv", dtype=str, keep_default_na=False)
raw = raw.apply(lambda col: col.str.strip())


def clinic(text):
    name = text.lower().removesuffix(" clinic").strip()
    if args.exact_clinics:
        return name if name in CLINICS else None
    match = [c for c in CLINICS if sorted(c) == sorted(name)]
    match = match or difflib.get_close_matches(name, CLINICS, n=1, cutoff=0.6)
    return match[0] if match else None


def number(column, low, high):
    values = pd.to_numeric(raw[column].str.extract(r"^(-?[\d.]+)", expand=False), errors="coerce")
    if args.keep_sentinels:
        return values
    return values.where((values >= low) & (values <= high))


out = pd.DataFrame({"patient_id": raw["patient_id"].str.upper()})
if args.naive_dates:
    out["visit_date"] = pd.to_datetime(raw["visit_date"], format="mixed", errors="coerce")
else:
    dotted = raw["visit_date"].str.contains(".", regex=False)
    out["visit_date"] = pd.to_datetime(raw["visit_date"], format="mixed", errors="coerce")
    out.loc[dotted, "visit_date"] = pd.to_datetime(raw["visit_date"][dotted], format="%d.%m.%Y")
out["clinic"] = raw["clinic"].map(clinic)
out["sex"] = raw["sex"].str[:1].str.upper()
out["age"] = number("age", 0, 120)
weight = number("weight", 25, 400)
height = number("height", 1, 230)
if not args.no_units:
    by_clinic = out["clinic"] == "west"
    if args.pounds_by_value:
        by_clinic = raw["weight"].str.fullmatch(r"[\d.]+") & (weight > 130)
    pounds = raw["weight"].str.endswith("lb") | by_clinic
    weight = weight.where(~pounds, weight / 2.20462)
    height = height.where(height >= 3, height * 100)
out["weight_kg"] = weight.round(1)
out["height_cm"] = height.round(1)
out["systolic_bp"] = number("systolic_bp", 60, 260)
answers = {"yes": "yes", "y": "yes", "1": "yes", "true": "yes"}
answers |= {"no": "no", "n": "no", "0": "no", "false": "no"}
out["smoker"] = raw["smoker"].str.lower().map(answers)
clean = out.groupby(["patient_id", "visit_date"], as_index=False).first()
clean["visit_date"] = clean["visit_date"].dt.strftime("%Y-%m-%d")
if args.impute:
    for column in ("age", "weight_kg", "height_cm", "systolic_bp"):
        clean[column] = clean[column].fillna(clean[column].median().round(1))
    clean["smoker"] = clean["smoker"].fillna(clean["smoker"].mode()[0])
clean = clean.astype({"age": "Int64", "systolic_bp": "Int64"})
clean.to_csv("clean.csv", index=False)
