"""Relative MASE of the 56-day store forecasts against the seasonal-naive forecast.

Per store, MASE = mean |forecast - actual| over the horizon / in-sample MAE of the lag-7
naive forecast (so big and small stores count alike); the metric is the mean MASE of the
agent's forecasts divided by the mean MASE of the seasonal-naive forecast (the last
observed week repeated). 1.0 = no better than seasonal naive; lower is better. Dividing by
the seasonal naive on the same horizon takes out how hard a given seed's horizon happens
to be, so baseline and reference hold across seeds.

An offline day's sales are unknown, not zero (the ticket says so). On every seed eight
stores were offline for 5-7 weeks shortly before the history ends (prepare._long_outages);
an average over 40 stores hides what zero-filling those weeks does to them, so a gate
looks at them alone: the geometric mean over those stores of forecast total / expected
total over the horizon (the generator's trend x weekly x yearly level, without its
shocks, so the horizon's luck does not count) must reach OUTAGE_LEVEL_FLOOR. It is
one-sided: zeros drag a forecast down, and a forecast too high is the metric's to judge.

The average also hides stores left on the plan the ticket replaces (the last week copied
forward, say for the stores a model fits poorly: 5 of 40 passed at 0.78). Each store
orders from its own forecast, so a gate asks every store's forecast to differ from its
last week repeated by at least MIN_DISTANCE_FROM_PLAN (mean absolute gap in MASE scale
units).
"""

import numpy as np
import pandas as pd

COLUMNS = ["series_id", "date", "forecast"]
# Geometric mean of forecast / expected totals on the long-outage stores, measured on
# seeds 0-19 (task.yaml): models with trend and yearly terms that drop, fill forward or
# interpolate the offline days 0.93-1.08 (the oracle and right/ 0.95-1.04); the same
# models fed zeros 0.79-0.89 on units (wrong/offline_as_zero), 0.27-0.78 on log units.
OUTAGE_LEVEL_FLOOR = 0.91
# Mean |forecast - seasonal naive| / scale per store: how far a store's forecast is from
# the current plan the ticket rejects (its last week repeated). A model with a trend,
# weekly and yearly terms smooths away last week's noise and shocks, so it sits at least
# ~0.4 scale units away on every store (task.yaml); a store left on the plan sits at 0.
MIN_DISTANCE_FROM_PLAN = 0.2


def grade(ctx):
    future = pd.read_csv(ctx.hidden / "future.csv")
    frame, readable = ctx.read_table("forecasts.csv", "forecasts valid")
    if frame is None:
        return ctx.grade(None, [readable])
    if missing := [c for c in COLUMNS if c not in frame.columns]:
        return ctx.fail("forecasts valid", f"forecasts.csv lacks columns {missing}")
    frame = frame.assign(
        series_id=frame["series_id"].astype(str),
        date=pd.to_datetime(frame["date"], errors="coerce").dt.strftime("%Y-%m-%d"),
        forecast=pd.to_numeric(frame["forecast"], errors="coerce"),
    )
    keys = ["series_id", "date"]
    if frame.dropna(subset=["date"]).duplicated(keys).any():
        return ctx.fail("forecasts valid", "forecasts.csv has repeated (series_id, date) rows")
    merged = future.merge(frame[COLUMNS], on=keys, how="left")
    if gaps := int(merged["forecast"].isna().sum()):
        return ctx.fail(
            "forecasts valid",
            f"{gaps} of {len(future)} (series_id, date) pairs of the horizon have no finite "
            f"forecast (dates must be YYYY-MM-DD, forecast numeric)",
        )
    if not np.isfinite(merged["forecast"]).all():
        return ctx.fail("forecasts valid", "forecasts.csv has infinite forecasts")
    extra = len(frame) - len(future)  # rows outside the horizon are ignored, not an error
    note = f", {extra} rows outside the horizon ignored" if extra > 0 else ""
    valid = ctx.check("forecasts valid", True, f"{len(future)} forecasts{note}", gate=True)

    def mase(column: str) -> float:
        error = (merged[column] - merged["sales"]).abs() / merged["scale"]
        return float(error.groupby(merged["series_id"]).mean().mean())

    agent, naive = mase("forecast"), mase("seasonal_naive")
    level, outage_level = outage_level_check(ctx, merged)
    every_store, nearest = every_store_forecast_check(ctx, merged)
    metrics = {"mase": agent, "mase_seasonal_naive": naive, "outage_store_level": outage_level,
               "nearest_store_to_plan": nearest}  # fmt: skip
    return ctx.grade(agent / naive, [valid, level, every_store], metrics)


def every_store_forecast_check(ctx, merged: pd.DataFrame):
    """Gate: no store is left on the current plan (its last week repeated). The metric
    averages 40 stores, so a few stores left on the plan (say, the ones a model fits
    poorly) cost a few hundredths of it, yet those stores' orders stay as behind as the
    buyers complain; each store orders from its own forecast."""
    gap = (merged["forecast"] - merged["seasonal_naive"]).abs() / merged["scale"]
    distance = gap.groupby(merged["series_id"]).mean()
    on_plan = sorted(distance[distance < MIN_DISTANCE_FROM_PLAN].index)
    message = (
        f"{len(on_plan)} stores forecast as their last week repeated (the current plan): "
        + ", ".join(on_plan[:8])
        if on_plan
        else f"no store left on the current plan (nearest: {distance.min():.2f} scale units "
        f"from its last week repeated; at least {MIN_DISTANCE_FROM_PLAN})"
    )
    check = ctx.check("every store forecast, none left on the current plan", not on_plan,
                      message, gate=True)  # fmt: skip
    return check, float(distance.min())


def outage_level_check(ctx, merged: pd.DataFrame):
    """Gate: the stores with a long offline spell are forecast at their level, not at a
    level dragged down by weeks of zeros. Totals over the horizon, compared with the
    generator's expected level, so one store's shocks weigh little."""
    stores = merged[merged["long_outage"]]
    totals = stores.groupby("series_id")[["forecast", "structural"]].sum()
    ratios = totals["forecast"].clip(lower=1e-9) / totals["structural"]
    level = float(np.exp(np.log(ratios).mean()))
    passed = level >= OUTAGE_LEVEL_FLOOR
    message = (
        f"the {len(totals)} stores offline for weeks are forecast at {level:.3f} x their "
        f"expected sales (geometric mean; at least {OUTAGE_LEVEL_FLOOR}; lowest store "
        f"{ratios.min():.3f})"
    )
    if not passed:
        message += ": too low, as if offline days sold nothing; their sales are unknown"
    return ctx.check("offline weeks not read as zero", passed, message, gate=True), level
