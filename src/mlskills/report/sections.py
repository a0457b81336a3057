"""The HTML report's static sections: header, banners, cards, heat map, charts, footer.

Server-side HTML, so the numbers are readable even with scripts off; every value that did
not come from this module is passed through `escape`.
"""

from __future__ import annotations

from html import escape

from mlskills.report import fmt, svg
from mlskills.report.model import ArmSummary, Report, Uplift


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def header(report: Report) -> str:
    run = report.run
    chips = [
        f"agent <b>{esc(run.agent)}</b>" + (f" · {esc(run.model)}" if run.model else ""),
        f"{len(report.task_ids)} tasks",
        f"arms {esc(', '.join(report.arm_names))}",
        f"{run.epochs} epochs (seed {run.seed})",
        f"{len(report.trials)} trials",
        f"sandbox {esc(run.sandbox)}",
        f"status {esc(run.status)}",
    ]
    when = esc(run.started_at) + (f" → {esc(run.finished_at)}" if run.finished_at else "")
    items = "".join(f"<li>{chip}</li>" for chip in chips)
    return (
        f"<header><h1>mlskills report <span class='meta'>{esc(run.run_id)}</span></h1>"
        f"<div class='meta'>{when}</div><ul class='chips'>{items}</ul></header>"
    )


def notices(report: Report) -> str:
    return "".join(
        f"<div class='notice {n.level}' role='note'><b>{esc(n.title)}</b>{esc(n.text)}</div>"
        for n in report.notices
    )


def _pass_k(summary: ArmSummary) -> str:
    text = f"{fmt.pct(summary.pass_at_k)} / {fmt.pct(summary.pass_hat_k)}"
    if 0 < summary.pass_k_tasks < summary.tasks:
        text += f" ({summary.pass_k_tasks} tasks)"
    return text


def arm_card(summary: ArmSummary, colour: str, k: int) -> str:
    score = summary.score
    big = fmt.num(score.mean) if score else fmt.DASH
    ci = f"95% CI {score.low:.3f} – {score.high:.3f}" if score else "no scored trials"
    rows = {
        "pass rate": fmt.pct_interval(summary.pass_rate),
        f"pass@{k} / pass^{k}": _pass_k(summary),
        "tasks · trials": f"{summary.tasks} · {summary.trials}",
        "status": fmt.statuses(summary.status),
        "cost (total)": fmt.money(summary.cost),
        "mean wall time": fmt.seconds(summary.mean_wall_seconds),
    }
    facts = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows.items())
    return (
        f"<div class='card'><div class='name'><span class='swatch' style='background:{colour}'>"
        f"</span>{esc(summary.arm)}</div><div class='big' title='mean score'>{big}</div>"
        f"<div class='ci'>mean score · {esc(ci)}</div><dl>{facts}</dl></div>"
    )


def uplift_card(uplift: Uplift) -> str:
    s, c = uplift.score, uplift.counts
    big = fmt.signed(s.mean) if s else fmt.DASH
    ci = f"95% CI {s.low:+.3f} – {s.high:+.3f}" if s else "no shared tasks"
    if s and not uplift.has_interval:
        ci = f"no interval: {uplift.too_little}"
    rows = {
        "verdict": uplift.verdict,
        "pass rate Δ": fmt.uplift_pass_rate(uplift),
        "improved": str(c["improved"]),
        "regressed": str(c["regressed"]),
        "tied": f"{c['tied']} (|Δ| < {uplift.tie})",
        "uncertain": f"{c['uncertain']} (interval includes 0)",
        "paired tasks": str(s.tasks if s else 0),
    }
    facts = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows.items())
    return (
        f"<div class='card uplift'><div class='name'>uplift: {esc(uplift.treatment)} over "
        f"{esc(uplift.baseline)}</div><div class='big'>{big}</div><div class='ci'>"
        f"paired Δ score · {esc(ci)}</div><dl>{facts}</dl></div>"
    )


def cards(report: Report) -> str:
    parts = [arm_card(a, svg.arm_colour(i), report.k) for i, a in enumerate(report.arms)]
    if report.uplift:
        parts.insert(0, uplift_card(report.uplift))
    return f"<div class='cards'>{''.join(parts)}</div>"


def _heat_cell(report: Report, task: str, arm: str) -> str:
    cell = report.cell(task, arm)
    if cell is None:
        return "<td class='hm' style='background:#e5e7eb'>—</td>"
    bg, ink = svg.score_fill(cell.mean_score)
    errors = f" · {cell.status['error']} err" if cell.status["error"] else ""
    tip = f"{task} / {arm}: mean score {fmt.num(cell.mean_score)}, {cell.passed}/{cell.scored} "
    tip += f"passed, {fmt.statuses(cell.status)}. Click to list these trials."
    return (
        f"<td class='hm' tabindex='0' data-task='{esc(task)}' data-arm='{esc(arm)}' "
        f"title='{esc(tip)}' style='background:{bg};color:{ink}'>{fmt.num(cell.mean_score, 2)}"
        f"<small>{cell.passed}/{cell.scored} pass{errors}</small></td>"
    )


def _diff_cell(uplift: Uplift | None, task: str) -> str:
    if uplift is None:
        return ""
    row = next((d for d in uplift.tasks if d.task == task), None)
    if row is None:
        return "<td class='hm'>—</td>"
    bg, ink = svg.diff_fill(row.diff)
    tip = f"{row.verdict}: {row.diff:+.3f} {fmt.bounds(row.low, row.high)}"
    return (
        f"<td class='hm' tabindex='0' data-task='{esc(task)}' data-arm='' title='{esc(tip)}' "
        f"style='background:{bg};color:{ink}'>{row.diff:+.2f}<small>{row.verdict}</small></td>"
    )


def heatmap(report: Report) -> str:
    arms = report.arm_names
    head = "".join(f"<th>{esc(a)}</th>" for a in arms)
    if report.uplift:
        head += f"<th>Δ {esc(report.uplift.treatment)} − {esc(report.uplift.baseline)}</th>"
    rows = []
    for task in report.task_ids:
        cells = "".join(_heat_cell(report, task, arm) for arm in arms)
        diff = _diff_cell(report.uplift, task)
        rows.append(f"<tr><td class='task' title='{esc(task)}'>{esc(task)}</td>{cells}{diff}</tr>")
    legend = (
        "<div class='legend'>score 0 <span class='ramp'></span> 1 · cells show mean score "
        "and passes / scored trials; click one to list its trials</div>"
    )
    return (
        f"<div class='scroll'><table class='heat'><thead><tr><th class='l'>task</th>{head}</tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>{legend}"
    )


def uplift_chart(uplift: Uplift | None) -> str:
    if uplift is None:
        return "<p class='hint'>This run has one arm, so there is no uplift to show.</p>"
    if uplift.score is None:
        return "<p class='hint'>The two arms share no scored task.</p>"
    s = uplift.score
    low, high = (s.low, s.high) if uplift.has_interval else (None, None)
    rows = [svg.Row("all tasks (mean)", s.mean, low, high, strong=True)]
    rows += [svg.Row(d.task, d.diff, d.low, d.high) for d in uplift.tasks]
    caption = (
        f"<p class='hint'>Paired difference in mean score, {esc(uplift.treatment)} − "
        f"{esc(uplift.baseline)}, regressions first. Lines are 95% bootstrap intervals (across "
        "tasks for the mean, across epochs for each task); orange regressed, blue improved.</p>"
    )
    unpaired = ""
    if uplift.unpaired:
        unpaired = f"<p class='hint'>Not paired: {esc(', '.join(uplift.unpaired))}</p>"
    return caption + f"<div class='scroll'>{svg.forest(rows, uplift.tie)}</div>" + unpaired
