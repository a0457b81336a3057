"""profile_data.py finds planted data bugs and stays quiet on clean columns."""

import numpy as np
import pandas as pd
import pytest

from .conftest import ScriptRunner

SCRIPT = ("data-profiling", "scripts/profile_data.py")


def dirty_frame(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(n),
            "clean": rng.normal(10, 2, n),
            "age": rng.integers(18, 80, n).astype(float),
            "weight": np.where(rng.random(n) < 0.2, 1000, 1) * rng.normal(70, 5, n),
            "city": rng.choice(["London", "Paris", "Berlin"], n),
            "signup": pd.date_range("2020-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
            "height": [
                f"{x} cm" if i % 4 else f"{x / 100} m"
                for i, x in enumerate(rng.integers(150, 200, n))
            ],
            "amount": [f"{x:.2f}" for x in rng.random(n) * 100],
            "constant": 1,
            "y": (rng.random(n) < 0.05).astype(int),
        }
    )
    frame.loc[:9, "age"] = -999
    frame.loc[20:24, "city"] = "london "
    frame.loc[30, "city"] = "Lodnon"
    frame.loc[40:49, "signup"] = pd.date_range("2021-01-13", periods=10).strftime("%d/%m/%Y")
    frame.loc[60:64, "amount"] = "?"
    return frame


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("profile")
    run = ScriptRunner(tmp_path)
    frame = dirty_frame()
    frame = pd.concat([frame, frame.iloc[:3]], ignore_index=True)  # 3 exact duplicates
    frame.loc[len(frame) - 1, "y"] = 1 - frame.loc[2, "y"]  # ... one with a flipped label
    frame.to_csv(tmp_path / "data.csv", index=False)
    return run.json(*SCRIPT, "data.csv", "--target", "y", "--id-cols", "customer_id")


def issue_types(report: dict, column: str) -> set[str]:
    return {i["type"] for i in report["columns"][column]["issues"]}


def test_planted_column_problems_are_found(report):
    assert "sentinel" in issue_types(report, "age")
    assert "mixed_scale" in issue_types(report, "weight")
    assert {"category_variants", "possible_typos"} <= issue_types(report, "city")
    assert "mixed_date_formats" in issue_types(report, "signup")
    assert "mixed_units" in issue_types(report, "height")
    assert {"numeric_as_text", "disguised_missing"} <= issue_types(report, "amount")
    assert "constant" in issue_types(report, "constant")


def test_sentinel_reports_value_and_count(report):
    sentinel = next(i for i in report["columns"]["age"]["issues"] if i["type"] == "sentinel")
    assert (
        sentinel["value"] == -999 and sentinel["count"] == 13
    )  # 10 planted + 3 in duplicated rows


def test_typo_is_paired_with_the_common_spelling(report):
    typos = next(i for i in report["columns"]["city"]["issues"] if i["type"] == "possible_typos")
    assert ["Lodnon", "London"] in typos["pairs"]


def test_clean_numeric_column_has_no_issues(report):
    assert report["columns"]["clean"]["issues"] == []


def test_duplicates_conflicts_and_imbalance(report):
    duplicates = report["duplicates"]
    assert duplicates["exact_duplicate_rows"] == 2
    assert duplicates["duplicate_rows_ignoring_ids"] == 2
    assert duplicates["repeated_customer_id"] == 3
    assert duplicates["feature_duplicates_with_conflicting_labels"] == 1
    assert report["target"]["imbalanced"] is True
    table_level = {i["type"] for i in report["issues"] if "column" not in i}
    assert {"duplicate_rows", "conflicting_labels", "class_imbalance"} <= table_level


def test_id_column_is_flagged_when_not_declared(run, tmp_path):
    frame = dirty_frame().drop(columns=["constant"])
    frame.to_csv(tmp_path / "data.csv", index=False)
    report = run.json(*SCRIPT, "data.csv")
    assert "id_like" in issue_types(report, "customer_id")


@pytest.mark.parametrize(
    ("content", "args", "words"),
    [
        (None, [], ["not found"]),
        ("", [], ["empty"]),
        ("a,b\n", [], ["no data rows"]),
        ("a,b\n1,2\n", ["--target", "label"], ["label"]),
    ],
)
def test_bad_input_fails_cleanly(run, tmp_path, content, args, words):
    if content is not None:
        (tmp_path / "data.csv").write_text(content)
    run.fails(*SCRIPT, "data.csv", *args, words=tuple(words))


def test_unique_dates_and_free_text_are_not_called_identifiers(run, tmp_path):
    n = 200
    rng = np.random.default_rng(1)
    words = ["late", "delivery", "box", "damaged", "great", "service", "refund", "please", "ok"]
    frame = pd.DataFrame(
        {
            "order_id": [f"ORD-{i:05d}" for i in rng.permutation(n)],
            "uuid": [f"{i:08x}-{i * 7 % 65536:04x}-4a1b-9c2d-{i * 31:012x}" for i in range(n)],
            "day": pd.date_range("2023-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
            "comment": [
                f"{i}: " + " ".join(rng.choice(words, rng.integers(4, 12))) for i in range(n)
            ],
            "value": rng.normal(size=n),
        }
    )
    frame.to_csv(tmp_path / "data.csv", index=False)
    report = run.json(*SCRIPT, "data.csv")
    assert "id_like" not in issue_types(report, "day")
    assert "id_like" not in issue_types(report, "comment")
    assert "id_like" in issue_types(report, "order_id")
    assert "id_like" in issue_types(report, "uuid")


def test_repeated_dates_are_not_given_target_encoding_advice(tmp_path):
    """D10: 365 order dates over 3,000 rows were 'high_cardinality: target-encode'."""
    rng = np.random.default_rng(4)
    days = pd.date_range("2023-01-01", periods=365).strftime("%Y-%m-%d")
    frame = pd.DataFrame({"order_date": rng.choice(days, 3000), "x": rng.normal(size=3000)})
    frame.to_csv(tmp_path / "orders.csv", index=False)
    report = ScriptRunner(tmp_path).json(*SCRIPT, "orders.csv")
    issues = report["columns"]["order_date"]["issues"]
    kinds = {i["type"] for i in issues}
    assert "high_cardinality" not in kinds
    assert "date_as_text" in kinds
    assert not any("target encoding" in i["detail"] for i in issues)


def test_leading_zeros_lost_by_the_numeric_parse_are_flagged(tmp_path):
    """D11: zip '01234' silently became 1234."""
    rng = np.random.default_rng(5)
    zips = [f"{z:05d}" for z in rng.integers(0, 99999, 200)]
    zips[:20] = [f"0{z:04d}" for z in rng.integers(1000, 9999, 20)]
    frame = pd.DataFrame({"zip": zips, "amount": rng.normal(size=200).round(2)})
    frame.to_csv(tmp_path / "addresses.csv", index=False)
    report = ScriptRunner(tmp_path).json(*SCRIPT, "addresses.csv")
    kinds = {i["type"] for i in report["columns"]["zip"]["issues"]}
    assert "leading_zeros" in kinds
    assert "leading_zeros" not in {i["type"] for i in report["columns"]["amount"]["issues"]}
