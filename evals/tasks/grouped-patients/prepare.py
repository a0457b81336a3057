"""Diabetes follow-up visits: several visits per patient, HbA1c to predict at each visit.

HbA1c = smooth effects of visit measurements + a patient-level offset nobody measured
(genetics, adherence) + visit noise. The offset is about as large as everything the
features explain, and patients are identifiable from their fixed attributes (age, height,
sex, ...), so a model can memorise a patient's offset from their other visits. That helps
only for patients it has seen; the test set is patients of a clinic that joins next
quarter, none of whom are in train. A random row split rewards the memorising; only a
split by patient measures what the model does for new patients.

The hidden folder keeps the test labels and a copy of the training labels, each visit with
its noise-free `signal` (what the visit's measurements explain, without the patient offset
and visit noise): the grader compares validated and shipped predictions on it.
"""

from pathlib import Path

import numpy as np
import pandas as pd

N_TRAIN_PATIENTS, N_TEST_PATIENTS = 700, 2000  # a large clinic: a stable hidden RMSE


def _standard(z: np.ndarray) -> np.ndarray:
    return (z - z.mean()) / z.std()


def _patients(rng: np.random.Generator, n: int, first_id: int) -> pd.DataFrame:
    sex = rng.choice(["F", "M"], n)
    height = np.where(sex == "M", rng.normal(177, 7, n), rng.normal(164, 6.5, n)).round()
    return pd.DataFrame(
        {
            "patient_id": [f"P{first_id + i:05d}" for i in range(n)],
            "age": rng.integers(28, 80, n),
            "sex": sex,
            "height_cm": height,
            "bmi0": rng.normal(30, 4.5, n).clip(19, 48),
            "smoker": rng.choice(["never", "former", "current"], n, p=[0.5, 0.3, 0.2]),
            "years_diagnosed": rng.gamma(2.0, 3.0, n).round(1),
            "insulin": rng.choice(["no", "yes"], n, p=[0.7, 0.3]),
            # Unobserved patient effect, standardised so that train and test patients have
            # the same spread: the honest estimate then differs from the hidden score by
            # model error, not by which patients happened to be drawn.
            "offset": 0.85 * _standard(rng.normal(size=n)),
            "visits": rng.integers(6, 16, n),
        }
    )


def _visits(rng: np.random.Generator, patients: pd.DataFrame) -> pd.DataFrame:
    df = patients.loc[patients.index.repeat(patients["visits"])].reset_index(drop=True)
    n = len(df)
    df["visit_no"] = df.groupby("patient_id").cumcount()
    df["months_enrolled"] = (df["visit_no"] * 3 + rng.integers(0, 2, n)).astype(int)
    df["weight_kg"] = (df["bmi0"] * (df["height_cm"] / 100) ** 2 + rng.normal(0, 2.5, n)).round(1)
    df["systolic_bp"] = rng.normal(135, 15, n).round()
    df["activity_min_week"] = rng.gamma(2.0, 60, n).round()
    df["metformin_mg"] = rng.choice([0, 500, 1000, 1500, 2000], n, p=[0.2, 0.2, 0.3, 0.2, 0.1])
    df["years_diagnosed"] = (df["years_diagnosed"] + df["months_enrolled"] / 12).round(1)
    bmi = df["weight_kg"] / (df["height_cm"] / 100) ** 2
    on_insulin = (df["insulin"] == "yes").to_numpy()
    signal = (  # what the visit's measurements explain, in %
        6.6
        + 0.15 * np.maximum(bmi - 28, 0)
        + 0.9 * np.tanh((df["years_diagnosed"] - 6) / 3)
        - 0.7 * np.sqrt(df["metformin_mg"] / 1000) * ~on_insulin  # insulin patients: no effect
        + 0.4 * on_insulin
        - 0.6 * np.minimum(df["activity_min_week"], 200) / 200
        + 0.6 * (df["smoker"] == "current")
        - 0.6 * np.exp(-df["months_enrolled"] / 6)  # enrolment effect wears off
        + 0.0015 * (df["age"] - 55) ** 2
    )
    hba1c = signal + df["offset"] + rng.normal(0, 0.4, n)
    # Reported in mmol/mol (IFCC: 10.929 x (NGSP % - 2.15)), as UK and EU labs do. The unit
    # is a choice with a reason: in %, an RMSE sits near 1, where an MSE reported as the
    # RMSE (the square root forgotten) is the same number within the honesty tolerance;
    # at ~10 mmol/mol it is ten times too large.
    df["hba1c"] = (10.929 * (hba1c.clip(4.5, 14) - 2.15)).round(1)
    df["signal"] = 10.929 * (signal - 2.15)  # hidden: the grader's noise-free reference
    columns = [
        "patient_id", "visit_no", "months_enrolled", "age", "sex", "height_cm", "weight_kg",
        "smoker", "years_diagnosed", "systolic_bp", "activity_min_week", "metformin_mg",
        "insulin", "hba1c", "signal",
    ]  # fmt: skip
    return df[columns]


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(3000 + seed)
    train = _visits(rng, _patients(rng, N_TRAIN_PATIENTS, 10000))
    test = _visits(rng, _patients(rng, N_TEST_PATIENTS, 50000))
    test.insert(0, "visit_id", [f"V{i:06d}" for i in rng.permutation(len(test))])
    train.insert(0, "visit_id", [f"T{i:06d}" for i in range(len(train))])
    (public_dir / "data").mkdir()
    train.drop(columns="signal").to_csv(public_dir / "data" / "train.csv", index=False)
    test.drop(columns=["hba1c", "signal"]).to_csv(public_dir / "data" / "test.csv", index=False)
    test[["visit_id", "hba1c", "signal"]].to_csv(hidden_dir / "test_labels.csv", index=False)
    train[["visit_id", "hba1c", "signal"]].to_csv(hidden_dir / "train_labels.csv", index=False)
