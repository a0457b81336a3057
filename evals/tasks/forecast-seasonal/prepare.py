"""Daily unit sales of 40 stores: trend, a weekly profile, a yearly cycle, persistent shocks.

Multiplicative and different per store: growth from -10% to +70% a year, a weekly profile
(half the stores weekend-heavy), a smooth yearly cycle (two harmonics, random phase,
amplitude up to ±40%), an AR(1) deviation with a ~2-week memory (weather, local events)
and ~8% day-to-day noise. A few days are missing (tills offline), and on every seed eight
stores were offline for 5-7 weeks shortly before the history ends: their sales are
unknown, not zero, and a forecast that reads them as zero sales starts the horizon from a
level dragged down (the grader's gate on those stores; future.csv marks them and holds
the expected level `structural` it compares with).

The hidden horizon is the 8 weeks after the history. Copying the last week (seasonal
naive) or the last value misses the trend and the yearly cycle; a model of trend, weekly
and yearly seasonality follows both. The AR(1) shocks are what makes shuffled CV lie:
with random days held out, a model that interpolates between neighbouring days (trees on a
time index) looks better than the seasonal model, but it cannot extrapolate.
"""

from pathlib import Path

import numpy as np
import pandas as pd

N_SERIES, HORIZON, PHI = 40, 56, 0.93
START, LATEST_END = "2022-01-01", "2024-08-31"  # history; the horizon is the next 56 days
LONG_OUTAGE_STORES = 8


def _end(seed: int) -> pd.Timestamp:
    """The history's last day differs per seed (one to six weeks before LATEST_END),
    from its own stream so the series stay as drawn: a forecast whose horizon dates are
    typed in from one look at the data covers the wrong days on every other seed."""
    offset = int(np.random.default_rng(4100 + seed).integers(7, 43))
    return pd.Timestamp(LATEST_END) - pd.Timedelta(days=offset)


def _series(rng: np.random.Generator, days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    t = (days - days[0]).days.to_numpy() / 365.25
    level = np.exp(rng.uniform(np.log(40), np.log(400)))
    growth = rng.uniform(-0.10, 0.70)
    weekly = np.exp(rng.normal(0, 0.18, 7))
    if rng.random() < 0.5:
        weekly[5:] *= rng.uniform(1.3, 1.8)  # weekend-heavy store
    yearly = np.zeros(len(days))
    for k, amplitude in ((1, rng.uniform(0.05, 0.30)), (2, rng.uniform(0.0, 0.12))):
        yearly += amplitude * np.sin(2 * np.pi * k * t + rng.uniform(0, 2 * np.pi))
    shocks = rng.normal(0, 0.08 * np.sqrt(1 - PHI**2), len(days))
    persistent = np.zeros(len(days))
    for i in range(1, len(days)):
        persistent[i] = PHI * persistent[i - 1] + shocks[i]
    log_mean = np.log(level) + np.log1p(growth) * t + np.log(weekly[days.day_of_week]) + yearly
    return np.exp(log_mean + persistent + rng.normal(0, 0.08, len(days))), np.exp(log_mean)


def _long_outages(seed: int, stores: list[str], end: pd.Timestamp) -> dict[str, pd.DatetimeIndex]:
    """The stores offline for a long spell, and the days: LONG_OUTAGE_STORES stores per
    seed, each offline 35-49 days that end 8-22 days before the history does. Recent,
    so a level or trend learned from zeros is the level the horizon starts from; never
    in the last week, so the seasonal naive the grader divides by stays the last week
    observed. From their own stream so the series stay as drawn."""
    rng = np.random.default_rng(4200 + seed)
    chosen = rng.choice(len(stores), LONG_OUTAGE_STORES, replace=False)
    spells = {}
    for i in sorted(chosen):
        last_offline = end - pd.Timedelta(days=int(rng.integers(8, 23)))
        spells[stores[i]] = pd.date_range(end=last_offline, periods=int(rng.integers(35, 50)))
    return spells


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(4000 + seed)
    end = _end(seed)
    days = pd.date_range(START, pd.Timestamp(LATEST_END) + pd.Timedelta(days=HORIZON), freq="D")
    frames = []
    for i in range(N_SERIES):
        sales, structural = _series(rng, days)
        frames.append(
            pd.DataFrame(
                {
                    "series_id": f"store_{i:02d}",
                    "date": days,
                    "sales": sales.round(),
                    "structural": structural,
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    history = df[df["date"] <= end].drop(columns="structural")
    history.loc[rng.random(len(history)) < 0.005, "sales"] = np.nan
    spells = _long_outages(seed, sorted(history["series_id"].unique()), end)
    for sid, offline in spells.items():
        history.loc[(history["series_id"] == sid) & history["date"].isin(offline), "sales"] = np.nan
    future = df[(df["date"] > end) & (df["date"] <= end + pd.Timedelta(days=HORIZON))].copy()
    future["long_outage"] = future["series_id"].isin(list(spells))
    # What the grader compares against: the MASE scale (in-sample MAE of the lag-7 naive
    # forecast, over the pairs of days both observed: weeks filled forward would shrink
    # it) and the seasonal-naive forecast (the last observed week, repeated).
    scales, naive = {}, {}
    for sid, g in history.groupby("series_id"):
        y = g["sales"].to_numpy()
        scales[sid] = float(np.nanmean(np.abs(y[7:] - y[:-7])))
        naive[sid] = np.tile(g["sales"].ffill().to_numpy()[-7:], HORIZON // 7)
    future["seasonal_naive"] = np.concatenate([naive[sid] for sid in future["series_id"].unique()])
    future["scale"] = future["series_id"].map(scales)
    (public_dir / "data").mkdir()
    history.to_csv(public_dir / "data" / "sales.csv", index=False, date_format="%Y-%m-%d")
    future.to_csv(hidden_dir / "future.csv", index=False, date_format="%Y-%m-%d")
