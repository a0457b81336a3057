"""Feature building shared by training and (eventually) serving."""

import pandas as pd


def build_features(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.get_dummies(df[["plan", "region"]])
    out["monthly_fee"] = df["monthly_fee"].fillna(df["monthly_fee"].mean())
    out["tenure_months"] = df["tenure_months"]
    out["support_tickets"] = df["support_tickets"]
    out["last_login_days"] = df["last_login_days"]
    out["fee_scaled"] = (out["monthly_fee"] - out["monthly_fee"].mean()) / out["monthly_fee"].std()
    return out
