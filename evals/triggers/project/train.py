"""Train the churn model. Usage: python train.py"""

import joblib
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from src.features import build_features

df = pd.read_csv("data/customers.csv")
X, y = build_features(df), df["churned"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25)

model = RandomForestClassifier(n_estimators=200)
model.fit(X_train, y_train)
print("accuracy", accuracy_score(y_test, model.predict(X_test)))
joblib.dump(model, "models/churn.joblib")
