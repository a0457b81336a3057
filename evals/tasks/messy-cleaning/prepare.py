"""Clinic visit records: a clean table (hidden) and the messy merged export (public).

Five clinics' systems were merged without harmonising, so each has its own habits:
date formats (ISO; day-first with dots; month-first with slashes; "5 Mar 2024"; compact
YYYYMMDD), weight in pounds at one clinic and height in metres at another, sentinels
for missing values (-999, 999, 0, "N/A", "unknown"), free-text variants and typos in
categories (each kind at least ~5% of a clinic's records), stray case and whitespace in
ids. About 6% of visits were entered twice (once more through the central re-entry
system: ISO dates, some fields left blank), so deduplicating means merging the two
copies. The hidden truth is the table before all of this; the grader compares it cell
by cell.
"""

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

N_PATIENTS, N_VISITS = 1100, 3000
CLINICS = ["north", "south", "east", "west", "central"]
LB_PER_KG = 2.20462
COLUMNS = ["clinic", "sex", "age", "weight_kg", "height_cm", "systolic_bp", "smoker"]
# Each kind of messy value is at least ~5% of a clinic's records, so a rule that gets one
# kind wrong costs well over the grader's per-(column, clinic) margin on every seed (red
# team, session 13: typos left empty, 4% of records, and "lb"-marked weights read as kg,
# 3%, passed or failed its 95% by seed). Clinic name: cumulative shares of upper case,
# "North Clinic", a typo, a trailing space (5%, 5%, 8%, 5%).
CLINIC_VARIANTS = (0.05, 0.10, 0.18, 0.23)
MARKED_LB, MARKED_KG = 0.06, 0.05  # weights outside the pounds clinic written "… lb" / "… kg"


def _truth(rng):
    pid = np.array([f"P{i:05d}" for i in rng.choice(100000, N_PATIENTS, replace=False)])
    sex = rng.choice(["F", "M"], N_PATIENTS)
    male = sex == "M"
    patients = pd.DataFrame(
        {
            "patient_id": pid,
            "clinic": rng.choice(CLINICS, N_PATIENTS, p=[0.22, 0.2, 0.2, 0.18, 0.2]),
            "sex": sex,
            "age": rng.integers(18, 90, N_PATIENTS),
            "weight_kg": rng.normal(np.where(male, 82, 68), 13).clip(40, 160),
            "height_cm": rng.normal(np.where(male, 177, 164), 7).round(1),
            "smoker": rng.choice(["yes", "no"], N_PATIENTS, p=[0.2, 0.8]),
        }
    )
    who = np.r_[np.arange(N_PATIENTS), rng.integers(0, N_PATIENTS, N_VISITS - N_PATIENTS)]
    visits = patients.iloc[who].reset_index(drop=True)
    day = pd.Timestamp("2023-01-02") + pd.to_timedelta(rng.integers(0, 600, N_VISITS), "D")
    visits.insert(1, "visit_date", day)
    visits = visits.drop_duplicates(["patient_id", "visit_date"]).reset_index(drop=True)
    n = len(visits)
    visits["weight_kg"] = (visits["weight_kg"] + rng.normal(0, 1.5, n)).round(1)
    visits["systolic_bp"] = rng.normal(118 + 0.4 * visits["age"], 14).round().astype(int)
    visits = visits.astype({"age": float, "systolic_bp": float, "smoker": object})
    missing = {"age": 0.02, "weight_kg": 0.02, "height_cm": 0.02, "systolic_bp": 0.03}
    for column, rate in missing.items():
        visits.loc[rng.random(n) < rate, column] = np.nan
    visits.loc[rng.random(n) < 0.05, "smoker"] = np.nan
    visits = visits[["patient_id", "visit_date", *COLUMNS]]
    return visits.sort_values(["visit_date", "patient_id"]).reset_index(drop=True)


def _typo(rng, word):
    """A dropped letter or two letters swapped, that a fuzzy match still resolves to this
    clinic (the swap "esat" is nearer "west" by difflib's ratio, so it is not used): the
    typos test that a cleaner resolves them at all, not a near-tie."""
    while True:
        i = rng.integers(1, len(word) - 1)
        if len(word) > 4 and rng.random() < 0.5:  # ("est" would fit east and west alike)
            typo = word[:i] + word[i + 1 :]  # a dropped letter
        else:
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped
        if difflib.get_close_matches(typo, CLINICS, n=1, cutoff=0.5) == [word]:
            return typo


def _date(day, clinic):
    if clinic == "south":
        return day.strftime("%d.%m.%Y")
    if clinic == "east":
        return day.strftime("%m/%d/%Y")
    if clinic == "west":
        return f"{day.day} {day.strftime('%b %Y')}"
    if clinic == "central" and day.day % 2:
        return day.strftime("%Y%m%d")
    return day.strftime("%Y-%m-%d")


SEX = {"F": ["F", "F", "f", "female", "Female"], "M": ["M", "M", "m", "male", "Male"]}
SMOKER = {"yes": ["yes", "Y", "1", "TRUE", "Yes"], "no": ["no", "N", "0", "FALSE", "No"]}


def _missing(rng, sentinels=("", "N/A", "-999", "NA", "missing")):
    return str(rng.choice(sentinels))


def _raw_row(rng, row, reentry=False):
    """One visit as a clinic's system exported it (or the central re-entry system)."""
    clinic = row["clinic"]
    pid = row["patient_id"]
    if rng.random() < 0.08:
        pid = pid.lower()
    if rng.random() < 0.05:
        pid = f" {pid} "
    site = clinic
    r = rng.random()
    if r < CLINIC_VARIANTS[0]:
        site = clinic.upper()
    elif r < CLINIC_VARIANTS[1]:
        site = f"{clinic.title()} Clinic"
    elif r < CLINIC_VARIANTS[2]:
        site = _typo(rng, clinic)
    elif r < CLINIC_VARIANTS[3]:
        site = f"{clinic} "
    sex = rng.choice(SEX[row["sex"]])
    age = _missing(rng, ("-1", "999", "")) if pd.isna(row["age"]) else str(int(row["age"]))
    weight, height = row["weight_kg"], row["height_cm"]
    if pd.isna(weight):
        weight = _missing(rng)
    elif clinic == "west":
        weight = f"{weight * LB_PER_KG:.1f}"
    elif rng.random() < MARKED_LB:
        weight = f"{weight * LB_PER_KG:.1f} lb"
    elif rng.random() < MARKED_KG:
        weight = f"{weight} kg"
    else:
        weight = f"{weight}"
    if pd.isna(height):
        height = _missing(rng)
    elif clinic == "south":
        height = f"{height / 100:.3f}"
    else:
        height = f"{height}"
    bp = row["systolic_bp"]
    bp = _missing(rng, ("999", "0", "", "N/A")) if pd.isna(bp) else str(int(bp))
    smoker = row["smoker"]
    smoker = (
        _missing(rng, ("", "unknown", "N/A")) if pd.isna(smoker) else rng.choice(SMOKER[smoker])
    )
    date = row["visit_date"].strftime("%Y-%m-%d") if reentry else _date(row["visit_date"], clinic)
    fields = {
        "patient_id": pid,
        "visit_date": date,
        "clinic": site,
        "sex": sex,
        "age": age,
        "weight": weight,
        "height": height,
        "systolic_bp": bp,
        "smoker": smoker,
    }
    if reentry:  # the re-entry clerk skips a field or two
        for key in rng.choice(
            ["weight", "height", "systolic_bp", "smoker", "age"], 2, replace=False
        ):
            fields[key] = ""
    return fields


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(6400 + seed)
    truth = _truth(rng)
    rows = [_raw_row(rng, row) for _, row in truth.iterrows()]
    again = rng.random(len(truth)) < 0.06
    rows += [_raw_row(rng, row, reentry=True) for _, row in truth[again].iterrows()]
    raw = pd.DataFrame(rows).iloc[rng.permutation(len(rows))]
    raw.insert(0, "record_id", np.arange(1, len(raw) + 1))
    (public_dir / "data").mkdir()
    raw.to_csv(public_dir / "data" / "visits_raw.csv", index=False)
    out = truth.assign(visit_date=truth["visit_date"].dt.strftime("%Y-%m-%d"))
    out.to_csv(hidden_dir / "visits_clean.csv", index=False)
    # Which visits were entered twice: the grader checks their copies were merged.
    out.loc[again, ["patient_id", "visit_date"]].to_csv(hidden_dir / "reentered.csv", index=False)
