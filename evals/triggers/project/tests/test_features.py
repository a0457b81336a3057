import pandas as pd

from src.features import build_features


def test_builds_one_row_per_customer():
    df = pd.read_csv("data/customers.csv")
    assert len(build_features(df)) == len(df)
