"""Number formatting shared by every renderer, so a value reads the same in each format."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlskills.stats import Interval

if TYPE_CHECKING:
    from mlskills.report.model import Uplift

DASH = "—"


def num(value: float | None, digits: int = 3) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def pct(value: float | None) -> str:
    return DASH if value is None else f"{value:.0%}"


def signed(value: float | None, digits: int = 3) -> str:
    return DASH if value is None else f"{value:+.{digits}f}"


def interval(value: Interval | None, digits: int = 3, sign: bool = False) -> str:
    """`0.612 [0.540, 0.690]`: the estimate, then its 95% interval."""
    if value is None:
        return DASH
    form = f"+.{digits}f" if sign else f".{digits}f"
    return f"{value.mean:{form}} [{value.low:{form}}, {value.high:{form}}]"


def uplift_score(uplift: Uplift) -> str:
    """The headline: `+0.120 [+0.020, +0.210]`, or `+1.000 (no interval: 1 paired task, …)`."""
    if uplift.score is None or uplift.has_interval:
        return interval(uplift.score, sign=True)
    return f"{uplift.score.mean:+.3f} (no interval: {uplift.too_little})"


def uplift_pass_rate(uplift: Uplift) -> str:
    if uplift.pass_rate is None or uplift.has_interval:
        return pp_interval(uplift.pass_rate)
    return f"{uplift.pass_rate.mean * 100:+.0f} pp"


def pct_interval(value: Interval | None) -> str:
    if value is None:
        return DASH
    return f"{value.mean:.0%} [{value.low:.0%}, {value.high:.0%}]"


def pp_interval(value: Interval | None) -> str:
    """A difference of rates in percentage points: `+25 pp [+0, +58]`."""
    if value is None:
        return DASH
    return f"{value.mean * 100:+.0f} pp [{value.low * 100:+.0f}, {value.high * 100:+.0f}]"


def bounds(low: float | None, high: float | None, digits: int = 3) -> str:
    """A per-task difference interval, `[-0.120, +0.050]`, or a dash when there is none."""
    if low is None or high is None:
        return DASH
    return f"[{low:+.{digits}f}, {high:+.{digits}f}]"


def verdicts(counts: dict[str, int]) -> str:
    """`2 improved, 1 regressed, 3 tied, 1 uncertain`."""
    names = ("improved", "regressed", "tied", "uncertain")
    return ", ".join(f"{counts.get(name, 0)} {name}" for name in names)


def money(value: float) -> str:
    if value == 0:
        return "$0"
    return f"${value:.4f}" if abs(value) < 0.1 else f"${value:,.2f}"


def seconds(value: float) -> str:
    if value < 120:
        return f"{value:.1f}s"
    if value < 7200:
        return f"{value / 60:.1f}m"
    return f"{value / 3600:.1f}h"


def tokens(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.1f}M"
    if value >= 1e3:
        return f"{value / 1e3:.1f}k"
    return f"{value:.0f}"


def statuses(counts: dict[str, int]) -> str:
    """`3 ok · 1 timeout · 1 error`, leaving out zero counts."""
    names = {"completed": "ok"}
    parts = [f"{n} {names.get(s, s)}" for s, n in counts.items() if n]
    return " · ".join(parts) or DASH
