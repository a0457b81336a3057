"""First cut of the churn API. Not deployed yet."""

import joblib
import pandas as pd
from fastapi import FastAPI

from src.features import build_features

app = FastAPI()
model = joblib.load("models/churn.joblib")


@app.post("/predict")
def predict(payload: dict):
    df = pd.DataFrame([payload])
    return {"churn": float(model.predict_proba(build_features(df))[0, 1])}
