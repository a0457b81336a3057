"""More HTML sections: cost against score, the full numbers table, the trial explorer shell and
the footer with the run's provenance."""

from __future__ import annotations

from mlskills.report import fmt, svg
from mlskills.report.markdown import (
    JUDGE_HEADER,
    NOT_JUDGED,
    RUBRIC_HEADER,
    RUBRIC_NOTE,
    judge_rows,
    rubric_rows,
)
from mlskills.report.model import Report
from mlskills.report.sections import esc


def _uses_cost(report: Report) -> bool:
    return any(a.cost > 0 for a in report.arms)


def cost_chart(report: Report) -> str:
    """Per-arm mean score (with interval) against mean cost per trial; tasks as faint dots.

    Runs without cost (oracle, command agents) plot wall time instead, and say so.
    """
    cost = _uses_cost(report)
    value = (lambda c: c.mean_cost) if cost else (lambda c: c.mean_wall_seconds)
    colours = {a.arm: svg.arm_colour(i) for i, a in enumerate(report.arms)}
    points = [
        svg.Point(f"{c.task} / {c.arm}", value(c), c.mean_score, colours[c.arm])
        for c in report.cells
        if c.mean_score is not None
    ]
    for a in report.arms:
        if a.score is not None:
            x = a.mean_cost if cost else a.mean_wall_seconds
            points.append(
                svg.Point(a.arm, x, a.score.mean, colours[a.arm], a.score.low, a.score.high, True)
            )
    if not points:
        return "<p class='hint'>No scored trials.</p>"
    title = "mean cost per trial ($)" if cost else "mean wall time per trial (s)"
    chart = svg.scatter(points, title, "${:.3g}" if cost else "{:.3g}s")
    note = "" if cost else "<p class='hint'>No cost was recorded, so time stands in for it.</p>"
    return (
        "<p class='hint'>Big dots: each arm's mean score with its 95% interval; small dots: "
        f"one task under one arm.</p>{chart}{note}"
    )


def numbers_table(report: Report) -> str:
    k = report.k
    head = ["task", "arm", "score", "pass", f"pass@{k}", f"pass^{k}", "metric", "status"]
    head += ["input", "output", "cache read", "cache write", "cost", "time"]
    rows = []
    for c in report.cells:
        t = c.tokens
        values = [
            fmt.num(c.mean_score), f"{c.passed}/{c.scored}", fmt.pct(c.pass_at_k),
            fmt.pct(c.pass_hat_k), fmt.num(c.mean_metric, 4), fmt.statuses(c.status),
            fmt.tokens(t["input"]), fmt.tokens(t["output"]), fmt.tokens(t["cache_read"]),
            fmt.tokens(t["cache_write"]), fmt.money(c.cost), fmt.seconds(c.mean_wall_seconds),
        ]  # fmt: skip
        cells = "".join(f"<td>{esc(v)}</td>" for v in values)
        rows.append(f"<tr><td>{esc(c.task)}</td><td class='l'>{esc(c.arm)}</td>{cells}</tr>")
    header = "".join(f"<th>{esc(h)}</th>" for h in head)
    return (
        "<details><summary>All numbers per task and arm (tokens and time are means per trial, "
        "cost is the total)</summary><div class='scroll'><table><thead><tr>"
        f"{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></details>"
    )


EXPLORER = """
<div class='filters'>
  <select id='f-task' aria-label='task'></select>
  <select id='f-arm' aria-label='arm'></select>
  <select id='f-status' aria-label='outcome'></select>
  <input id='f-q' type='search' placeholder='search task/arm/epoch or error' aria-label='search'>
  <button id='f-clear' class='more' type='button'>clear</button>
  <span id='trial-count' class='hint'></span>
</div>
<div class='explorer'>
  <div>
    <div id='trial-list'><table><thead><tr><th class='l'>task</th><th class='l'>arm</th>
      <th>epoch</th><th>score</th><th class='l'>outcome</th><th>cost</th><th>time</th></tr>
      </thead><tbody id='trial-rows'></tbody></table></div>
    <p><button id='trial-more' class='more' type='button' hidden></button></p>
  </div>
  <div id='detail'><p class='hint'>Click a trial to see its grade checks, timing, usage and
  transcript. Keys j / k move through the list.</p></div>
</div>
<noscript><p>The trial explorer needs JavaScript; the tables above do not.</p></noscript>
"""


def footer(report: Report) -> str:
    run = report.run
    facts = {
        "run folder": run.path,
        "git revision": run.git_revision or "unknown",
        "versions": ", ".join(f"{k} {v}" for k, v in run.versions.items()),
        "suite": run.suite or "—",
        "limit overrides": ", ".join(f"{k}={v}" for k, v in run.limits.items()) or "none",
        "planned trials": str(run.planned_trials or "—"),
    }
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts.items())
    method = (
        "Means weigh tasks equally (mean of per-task means). 95% intervals come from a "
        "bootstrap that resamples tasks and then epochs within each task (2,000 draws, fixed "
        "seed). Uplift pairs the two arms task by task. pass@k is the unbiased estimate of "
        "the chance that at least one of k tries passes, pass^k that all k pass. Errored "
        "trials (infrastructure failures) are counted but never scored."
    )
    return f"<footer><h2>About this run</h2><dl>{rows}</dl><p>{method}</p></footer>"


def _plain_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th class='l'>{esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td class='l'>{esc(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    return (
        f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
        "</table></div>"
    )


def rubric_table(report: Report) -> str:
    """Judge verdicts per rubric item and the judge's share of score and cost, in their box."""
    if not report.has_rubric:
        return ""
    if not report.rubric_judged:
        return f"<p class='hint rubric'>Rubric: {esc(NOT_JUDGED)}.</p>"
    return (
        "<div class='rubric'><h3>Rubric verdicts (LLM judge, apart from the grader's checks)"
        f"</h3><p class='hint'>{esc(RUBRIC_NOTE)}</p>"
        f"{_plain_table(RUBRIC_HEADER, rubric_rows(report))}"
        f"{_plain_table(JUDGE_HEADER, judge_rows(report))}</div>"
    )
