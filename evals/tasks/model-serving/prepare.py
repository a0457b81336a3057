"""Model serving: a fitted credit-default pipeline plus its schema, and the grader's probes.

The agent gets the artefact a training job would hand over (a joblib'd scikit-learn
pipeline and a JSON schema of its inputs). The hidden side holds what a client will send:
valid batches shaped like real traffic (missing values, unseen categories, integers where
floats are expected and whole numbers with a decimal point, keys in any order, extra id
fields), malformed and invalid requests, and the model's own predictions for every valid
row, computed here once.
"""

import base64
import json
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from threadpoolctl import threadpool_limits

LEVELS = {
    "employment": ["salaried", "self_employed", "unemployed", "retired", "student"],
    "home_ownership": ["rent", "own", "mortgage"],
    "loan_purpose": ["debt_consolidation", "car", "home_improvement", "education", "medical"],
}
UNSEEN = {"employment": "contractor", "home_ownership": "other", "loan_purpose": "wedding"}
NUMERIC = ["age", "annual_income", "credit_utilization", "num_open_accounts",
           "months_since_delinquency"]  # fmt: skip
NULLABLE = {"annual_income", "months_since_delinquency"}
VALID_SIZES = [1, 3, 17, 64, 200]  # sequential requests; one more at the schema's limit
LOAD_SIZE, LOAD_BATCHES = 100, 4  # one batch per concurrent client


def _applicants(rng: np.random.Generator, n: int) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "age": rng.integers(21, 76, n),
            "annual_income": rng.lognormal(10.8, 0.5, n).round(2),
            "credit_utilization": (rng.beta(2, 3, n) * 1.2).round(3),
            "num_open_accounts": rng.poisson(4, n),
            "months_since_delinquency": rng.exponential(30, n).round(),
            "employment": rng.choice(LEVELS["employment"], n, p=[0.6, 0.15, 0.08, 0.1, 0.07]),
            "home_ownership": rng.choice(LEVELS["home_ownership"], n, p=[0.4, 0.2, 0.4]),
            "loan_purpose": rng.choice(LEVELS["loan_purpose"], n),
        }
    )
    df.loc[rng.random(n) < 0.05, "annual_income"] = np.nan
    df.loc[rng.random(n) < 0.6, "months_since_delinquency"] = np.nan  # never delinquent
    return df


def _default_probability(df: pd.DataFrame) -> np.ndarray:
    logit = (
        -2.0
        + 2.5 * (df["credit_utilization"] - 0.5)
        - 0.6 * (np.log(df["annual_income"].fillna(40000)) - 10.8)
        + 0.8 * (df["employment"] == "unemployed")
        + 0.5 * (df["months_since_delinquency"].fillna(99) < 12)
        - 0.02 * (df["age"] - 45)
    )
    return 1 / (1 + np.exp(-logit.to_numpy(float)))


def _fit(df: pd.DataFrame, y: np.ndarray):
    pre = ColumnTransformer(
        [
            ("num", SimpleImputer(strategy="median", add_indicator=True), NUMERIC),
            ("cat", OneHotEncoder(handle_unknown="ignore"), list(LEVELS)),
        ]
    )
    model = make_pipeline(
        pre, HistGradientBoostingClassifier(max_iter=120, max_leaf_nodes=15, random_state=0)
    )
    with threadpool_limits(1):  # same trees on any machine, no oversubscription
        return model.fit(df, y)


def _json_rows(rng: np.random.Generator, df: pd.DataFrame) -> list[dict]:
    """Rows as a client would send them: null for missing, ints where natural, any key order."""
    rows = []
    for record in df.to_dict("records"):
        row = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in record.items()}
        for k in ("age", "num_open_accounts"):
            row[k] = int(row[k])
        if row["annual_income"] is not None and rng.random() < 0.3:
            row["annual_income"] = round(row["annual_income"])
        if rng.random() < 0.3:
            row["application_id"] = f"A{rng.integers(10**6, 10**7)}"  # extra field: ignored
        keys = list(row)
        rng.shuffle(keys)
        rows.append({k: row[k] for k in keys})
    return rows


def _decimal_points(seed: int, batches: list[list[dict]]) -> None:
    """Send some whole-number counts and ages with a decimal point (41.0, 3.0), as clients
    that hold every number as a float do: a JSON number either way, valid for a "number"
    feature. Its own stream, so the data and the probes stay as they were."""
    rng = np.random.default_rng(7600 + seed)
    for row in (row for rows in batches for row in rows):
        for key in ("age", "num_open_accounts"):
            if rng.random() < 0.3:
                row[key] = float(row[key])


def _contract(seed: int) -> tuple[float, int]:
    """The risk team's threshold and the batch limit differ per seed, so a service must
    read them from schema.json: one copied into constants passes only its author's seed."""
    rng = np.random.default_rng(7400 + seed)  # its own stream: the data stay as they were
    return round(float(rng.uniform(0.15, 0.45)), 3), int(rng.integers(240, 490))


def _nonfinite_probes(rng: np.random.Generator, row: dict) -> list[tuple]:
    """Numbers that are not finite JSON numbers, where numbers are expected. Python's json
    reads NaN and Infinity (not JSON) and 1e999 (too large for a double) as floats the
    model imputes or crashes on: a 200 with a guess, or a 500. No field is required in
    the error, since rejecting the body while parsing it is as right as naming the field."""
    strict = str(rng.choice([f for f in NUMERIC if f not in NULLABLE]))  # the imputer's guess
    nullable = str(rng.choice(sorted(NULLABLE)))  # NaN here is a null the client never sent
    anywhere = [str(f) for f in rng.choice(NUMERIC, 2)]
    literals = [
        ("NaN for a number", strict, "NaN"),
        ("NaN for a nullable number", nullable, "NaN"),
        ("Infinity for a number", anywhere[0], "Infinity"),
        ("number too large for a double", anywhere[1], "-1e999"),
    ]
    probes = []
    for name, field, literal in literals:
        marked = json.dumps({"rows": [{**row, field: "@NUMBER@"}]})
        probes.append((name, marked.replace('"@NUMBER@"', literal).encode(), None))
    return probes


def _invalid_probes(rng: np.random.Generator, row: dict, max_rows: int) -> list[dict]:
    """Bad requests, each with the field its error message should name (if any)."""
    num = str(rng.choice(NUMERIC))
    cat = str(rng.choice(list(LEVELS)))
    strict = str(rng.choice([f for f in [*NUMERIC, *LEVELS] if f not in NULLABLE]))
    # A missing field of each kind: a nullable one left out is not a null the client sent.
    missing = str(rng.choice([f for f in [*NUMERIC, *LEVELS] if f not in NULLABLE]))
    missing_nullable = str(rng.choice(sorted(NULLABLE)))
    # A number in quotes, spelled as the client's own value: float() reads it, JSON does not.
    quoted = str(rng.choice([f for f in NUMERIC if row[f] is not None]))
    body = lambda rows: json.dumps({"rows": rows}).encode()  # noqa: E731
    without = lambda key: {k: v for k, v in row.items() if k != key}  # noqa: E731
    nonfinite = _nonfinite_probes(rng, row)
    probes = [
        ("malformed JSON", b'{"rows": [{"age": 41, "annual_income": ', None),
        ("body is a list", json.dumps([row]).encode(), None),
        ("no rows key", json.dumps({"data": [row]}).encode(), None),
        ("rows is an object", json.dumps({"rows": row}).encode(), None),
        ("empty batch", body([]), None),
        ("oversized batch", body([row] * (max_rows + 1)), None),
        ("row is not an object", body([row, 42]), None),
        ("empty body", b"", None),
        ("not UTF-8", b'{"rows": [\xff\xfe\xfd]}', None),
        ("missing field", body([row, without(missing)]), missing),
        ("missing nullable field", body([without(missing_nullable)]), missing_nullable),
        ("number as text", body([{**row, num: "forty-two"}]), num),
        ("number in quotes", body([row, {**row, quoted: json.dumps(row[quoted])}]), quoted),
        ("boolean for a number", body([{**row, num: True}]), num),
        ("number for a category", body([row, {**row, cat: 3}]), cat),
        ("null where not allowed", body([{**row, strict: None}]), strict),
        *nonfinite,
    ]
    return [{"name": n, "body": base64.b64encode(b).decode(), "field": f} for n, b, f in probes]


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(7300 + seed)
    threshold, max_rows = _contract(seed)
    train = _applicants(rng, 6000)
    y = (rng.random(len(train)) < _default_probability(train)).astype(int)
    model = _fit(train, y)

    (public_dir / "model").mkdir()
    joblib.dump(model, public_dir / "model" / "model.joblib")
    schema = {
        "model": "credit-default",
        "version": f"3.{seed}.0",
        "target": "default_within_12_months",
        "decision_threshold": threshold,
        "max_batch_rows": max_rows,
        "features": [
            {"name": f, "type": "number" if f in NUMERIC else "string", "nullable": f in NULLABLE}
            for f in [*NUMERIC, *LEVELS]
        ],
    }
    (public_dir / "model" / "schema.json").write_text(json.dumps(schema, indent=2))
    (public_dir / "examples").mkdir()
    example = {"rows": _json_rows(rng, _applicants(rng, 3))}
    (public_dir / "examples" / "request.json").write_text(json.dumps(example, indent=2))

    # Hidden: valid batches (some rows with categories the model never saw), their predictions.
    valid_sizes = [*VALID_SIZES, max_rows]  # the last at the limit
    sizes = valid_sizes + [LOAD_SIZE] * LOAD_BATCHES
    frames = [_applicants(rng, n) for n in sizes]
    for frame in frames:
        for column, unseen in UNSEEN.items():
            frame.loc[rng.random(len(frame)) < 0.05, column] = unseen
    batches = [_json_rows(rng, frame) for frame in frames]
    _decimal_points(seed, batches)
    expected = []
    for rows in batches:  # predict on exactly what the client sends (e.g. incomes as ints)
        frame = pd.DataFrame(rows)[[*NUMERIC, *LEVELS]].astype({f: float for f in NUMERIC})
        p = model.predict_proba(frame)[:, 1]
        # A probability within 1e-6 of the threshold may round either way: accept both labels.
        labels = [None if abs(x - threshold) < 1e-6 else int(x >= threshold) for x in p]
        expected.append({"probability": p.tolist(), "label": labels})
    plan = {
        "valid": batches[: len(valid_sizes)],
        "load": batches[len(valid_sizes) :],
        "invalid": _invalid_probes(rng, batches[0][0], max_rows),
    }
    (hidden_dir / "plan.json").write_text(json.dumps(plan))
    (hidden_dir / "expected.json").write_text(json.dumps(expected))
