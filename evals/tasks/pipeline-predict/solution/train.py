"""Reference solution: one scikit-learn Pipeline, fitted once, saved with joblib.

Everything that learns from data (imputation, encoding, the model) lives inside the
pipeline, so predict.py only loads and applies it. Categorical levels the model never saw
are encoded as all-zeros (handle_unknown="ignore"); gradient boosting takes missing
numbers natively. The target is log price: errors on cars are relative, and exp of a
mean log is close to the median, which is what mean absolute error rewards.
"""

import json

import joblib
import numpy as np
import pandas as pd
from schema import CATEGORICAL, FEATURES, NUMERIC, as_features
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

train = pd.read_csv("data/train.csv")
X, y = as_features(train), np.log(train["price"])

preprocess = ColumnTransformer(
    [
        ("num", "passthrough", NUMERIC),
        (
            "cat",
            make_pipeline(
                SimpleImputer(strategy="constant", fill_value="missing"),
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
            ),
            CATEGORICAL,
        ),
    ]
)
model = make_pipeline(
    preprocess,
    HistGradientBoostingRegressor(
        max_iter=120, learning_rate=0.2, l2_regularization=1.0, random_state=0
    ),
)

X_fit, X_val, y_fit, y_val = train_test_split(X, y, test_size=0.2, random_state=0)
model.fit(X_fit, y_fit)
val_mae = mean_absolute_error(np.exp(y_val), np.exp(model.predict(X_val)))
model.fit(X, y)
joblib.dump({"pipeline": model, "features": FEATURES}, "model.joblib")
with open("metrics.json", "w") as handle:
    json.dump({"validation_mae": round(val_mae, 1)}, handle, indent=2)
print(f"validation MAE: {val_mae:.0f}")
