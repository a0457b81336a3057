"""asof_join.py: hand-checked point-in-time answers (exact-time rows, availability delay, TTL,
unsorted input, time zones, leading-zero ids) and a parity check that catches real skew."""

import numpy as np
import pandas as pd
import pytest

from .conftest import ScriptRunner

SCRIPT = ("feature-pipelines", "scripts/asof_join.py")


class SlowRunner(ScriptRunner):
    """The shared runner with a longer timeout: the test machine can be heavily loaded."""

    def __call__(self, skill: str, script: str, *args, timeout: float = 900):
        return super().__call__(skill, script, *args, timeout=timeout)


@pytest.fixture
def run(tmp_path) -> SlowRunner:
    return SlowRunner(tmp_path)


@pytest.fixture
def files(tmp_path):
    # Deliberately unsorted; ids with leading zeros; one time zone offset; one naive time.
    pd.DataFrame(
        {
            "customer_id": ["007", "007", "007", "042", "042", "7"],
            "label_time": [
                "2024-01-10T00:00:00Z",  # exactly when a snapshot lands -> must not use it
                "2024-01-05T12:00:00Z",
                "2024-01-20T00:00:00Z",  # last snapshot is 10 days old -> expired by ttl
                "2024-01-03T01:00:00+01:00",  # = 00:00 UTC, same moment as 042's snapshot
                "2024-01-04T00:00:00",  # naive = UTC
                "2024-01-10T00:00:00Z",  # id "7" is not "007"
            ],
            "y": [1, 0, 1, 0, 1, 0],
        }
    ).to_csv(tmp_path / "labels.csv", index=False)
    pd.DataFrame(
        {
            "customer_id": ["007", "007", "042", "007"],
            "computed_at": [
                "2024-01-10T00:00:00Z",
                "2024-01-01T00:00:00Z",
                "2024-01-02T23:00:00Z",
                "2024-01-05T00:00:00Z",
            ],
            "txn_7d": [30.0, 10.0, 5.0, 20.0],
        }
    ).to_csv(tmp_path / "feats.csv", index=False)
    return tmp_path


def join(run, *extra):
    return run.json(
        *SCRIPT,
        "join",
        "--events",
        "labels.csv",
        "--entity",
        "customer_id",
        "--event-time",
        "label_time",
        "--features",
        "feats.csv",
        "--feature-time",
        "computed_at",
        "--out",
        "train.csv",
        *extra,
    )


def test_join_takes_the_latest_snapshot_strictly_before_each_event(run: SlowRunner, files):
    got = join(run, "--ttl", "7d")
    out = pd.read_csv(files / "train.csv", dtype={"customer_id": str})
    assert out["customer_id"].tolist() == ["007", "007", "007", "042", "042", "7"]  # order kept
    # 01-10 00:00 snapshot lands exactly at the event: excluded, the 01-05 one (20) is used.
    # 01-05 12:00 -> the 01-05 00:00 snapshot (20). 01-20: newest is 10 days old > 7d ttl.
    # 042 at 00:00 UTC (written +01:00) -> the 01-02 23:00 snapshot (5). "7" has no match.
    expected = [20.0, 20.0, np.nan, 5.0, 5.0, np.nan]
    np.testing.assert_array_equal(out["txn_7d"].to_numpy(), expected)
    assert got["matched"] == 4 and got["unmatched"] == 2 and got["expired_by_ttl"] == 1
    assert "warning" in got


def test_delay_and_exact_matches_change_the_answer_as_documented(run: SlowRunner, files):
    join(run, "--allow-exact")
    exact = pd.read_csv(files / "train.csv")["txn_7d"].tolist()
    assert exact[0] == 30.0  # the snapshot landing at the event time is now allowed
    assert exact[2] == 30.0  # and without a ttl the stale one is kept
    join(run, "--delay", "2h")
    delayed = pd.read_csv(files / "train.csv")["txn_7d"].tolist()
    # 042's snapshot at 23:00 is only available at 01:00, after the 00:00 event.
    assert np.isnan(delayed[3])
    assert delayed[4] == 5.0
    # 007's 01-05 00:00 snapshot is available at 02:00, before the 12:00 event.
    assert delayed[1] == 20.0


def test_join_refuses_unparsable_times_and_missing_columns(run: SlowRunner, files):
    labels = pd.read_csv(files / "labels.csv", dtype=str)
    labels.loc[1, "label_time"] = "05/01/2024"
    labels.to_csv(files / "bad.csv", index=False)
    run.fails(
        *SCRIPT,
        "join",
        "--events",
        "bad.csv",
        "--entity",
        "customer_id",
        "--event-time",
        "label_time",
        "--features",
        "feats.csv",
        "--feature-time",
        "computed_at",
        "--out",
        "x.csv",
        words=("ISO-8601",),
    )
    run.fails(
        *SCRIPT,
        "join",
        "--events",
        "labels.csv",
        "--entity",
        "customer_id",
        "--event-time",
        "when",
        "--features",
        "feats.csv",
        "--feature-time",
        "computed_at",
        "--out",
        "x.csv",
        words=("when",),
    )


def test_parity_passes_on_equal_values_and_flags_skew(run: SlowRunner, tmp_path):
    rng = np.random.default_rng(0)
    n = 300
    offline = pd.DataFrame(
        {
            "customer_id": [f"{i:05d}" for i in range(n)],
            "label_time": pd.date_range("2024-01-01", periods=n, freq="h", tz="UTC").astype(str),
            "amount_avg": rng.normal(50, 10, n),
            "plan": rng.choice(["basic", "pro"], n),
        }
    )
    online = offline.copy()
    online["amount_avg"] = online["amount_avg"] * (1 + 1e-9)  # float round-trip noise
    online["label_time"] = pd.to_datetime(online["label_time"]).dt.tz_convert("Europe/Paris")
    offline.to_csv(tmp_path / "off.csv", index=False)
    online.to_csv(tmp_path / "on.csv", index=False)
    base = [
        "parity",
        "--offline",
        "off.csv",
        "--online",
        "on.csv",
        "--keys",
        "customer_id,label_time",
        "--time-keys",
        "label_time",
    ]
    ok = run.json(*SCRIPT, *base)
    assert ok["status"] == "ok" and ok["key_coverage"] == 1.0

    skewed = online.copy()
    skewed.loc[:29, "amount_avg"] = skewed.loc[:29, "amount_avg"] / 100  # cents vs units bug
    skewed.loc[:4, "plan"] = None
    skewed.to_csv(tmp_path / "on.csv", index=False)
    bad = run.json(*SCRIPT, *base, expect=3)
    assert bad["status"] == "skew"
    assert set(bad["failing_features"]) == {"amount_avg", "plan"}
    assert bad["features"]["amount_avg"]["mismatches"] == 30
    assert bad["features"]["plan"]["mismatches"] == 5
    tolerant = run.json(*SCRIPT, *base, "--features", "plan", "--max-mismatch", "0.05")
    assert tolerant["status"] == "ok"


def test_parity_flags_missing_keys_and_refuses_duplicates(run: SlowRunner, tmp_path):
    offline = pd.DataFrame({"k": ["01", "02", "03"], "f": [1.0, 2.0, 3.0]})
    online = pd.DataFrame({"k": ["01", "02", "04"], "f": [1.0, 2.0, 4.0]})
    offline.to_csv(tmp_path / "off.csv", index=False)
    online.to_csv(tmp_path / "on.csv", index=False)
    got = run.json(
        *SCRIPT, "parity", "--offline", "off.csv", "--online", "on.csv", "--keys", "k", expect=3
    )
    assert got["key_coverage"] == pytest.approx(2 / 3)
    assert got["failing_features"] == []
    pd.concat([offline, offline.head(1)]).to_csv(tmp_path / "off.csv", index=False)
    run.fails(
        *SCRIPT,
        "parity",
        "--offline",
        "off.csv",
        "--online",
        "on.csv",
        "--keys",
        "k",
        words=("duplicate",),
    )
