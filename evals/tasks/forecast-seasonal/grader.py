"""Relative MASE of the 56-day store forecasts against the seasonal-naive forecast.

Per store, MASE = mean |forecast - actual| over the horizon / in-sample MAE of the lag-7
naive forecast (so big and small stores count alike); the metric is the mean MASE of the
agent's forecasts divided by the mean MASE of the seasonal-naive forecast (the last
observed week repeated). 1.0 = no better than seasonal naive; lower is better. Dividing by
the seasonal naive on the same horizon takes out how hard a given seed's horizon happens
to be, so baseline and reference hold across seeds.
"""

import numpy as np
import pandas as pd

COLUMNS = ["series_id", "date", "forecast"]


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
    return ctx.grade(agent / naive, [valid], {"mase": agent, "mase_seasonal_naive": naive})
