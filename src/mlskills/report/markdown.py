"""The report as Markdown: for pull requests, issues and READMEs."""

from __future__ import annotations

from mlskills.report import fmt
from mlskills.report.model import Report, Uplift
from mlskills.textsafe import clean

ICONS = {"danger": "⛔", "warn": "⚠️", "info": "ℹ️"}


def plain(text: str) -> str:
    """Free text (it may quote agent errors) as one inert Markdown line."""
    return " ".join(clean(text).split()).replace("<", "&lt;").replace(">", "&gt;")


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(plain(c).replace("|", "\\|") for c in cells) + " |"

    align = ["---" if i == 0 else "--:" for i in range(len(header))]
    return [line(header), "|" + "|".join(align) + "|", *map(line, rows)]


def heading(report: Report) -> list[str]:
    run = report.run
    model = f" ({run.model})" if run.model else ""
    return [
        f"# mlskills report: {run.run_id}",
        "",
        f"Agent **{run.agent}**{model} · arms {', '.join(report.arm_names)} · "
        f"{len(report.task_ids)} tasks · {run.epochs} epochs · sandbox {run.sandbox} · "
        f"status {run.status}",
        "",
        *[f"> {ICONS[n.level]} **{plain(n.title)}.** {plain(n.text)}\n" for n in report.notices],
    ]


def arms_section(report: Report) -> list[str]:
    k = report.k
    header = ["arm", "mean score [95% CI]", "pass rate [95% CI]", f"pass@{k}", f"pass^{k}"]
    header += ["tasks", "trials", "status", "cost", "mean time"]
    rows = [
        [
            a.arm,
            fmt.interval(a.score),
            fmt.pct_interval(a.pass_rate),
            fmt.pct(a.pass_at_k),
            fmt.pct(a.pass_hat_k),
            str(a.tasks),
            str(a.trials),
            fmt.statuses(a.status),
            fmt.money(a.cost),
            fmt.seconds(a.mean_wall_seconds),
        ]
        for a in report.arms
    ]
    return ["## Arms", "", *table(header, rows), ""]


def uplift_section(uplift: Uplift | None) -> list[str]:
    if uplift is None:
        return ["## Uplift", "", "Only one arm: no uplift to compute.", ""]
    c = uplift.counts
    lines = [
        f"## Uplift: {uplift.treatment} over {uplift.baseline}",
        "",
        f"Mean paired difference in score: **{fmt.uplift_score(uplift)}**, "
        f"verdict **{uplift.verdict}** (pass rate {fmt.uplift_pass_rate(uplift)}); per task "
        f"{fmt.verdicts(c)} (tied: |Δ| < {uplift.tie}; uncertain: past that, but the "
        "task's interval includes 0).",
        "",
    ]
    header = ["task", uplift.baseline, uplift.treatment, "Δ [95% CI]", "verdict"]
    rows = [
        [
            d.task,
            fmt.num(d.baseline),
            fmt.num(d.treatment),
            f"{d.diff:+.3f} {fmt.bounds(d.low, d.high)}",
            d.verdict,
        ]
        for d in uplift.tasks
    ]
    if uplift.unpaired:
        lines.append(f"Not paired (scored by one arm only): {', '.join(uplift.unpaired)}.\n")
    return [*lines, *table(header, rows), ""]


def tasks_section(report: Report) -> list[str]:
    k = report.k
    header = ["task", "arm", "score", "pass", f"pass@{k}", f"pass^{k}", "metric", "status"]
    header += ["in tok", "out tok", "cache r/w", "cost", "time"]
    rows = []
    for c in report.cells:
        rows.append(
            [
                c.task,
                c.arm,
                fmt.num(c.mean_score),
                f"{c.passed}/{c.scored}",
                fmt.pct(c.pass_at_k),
                fmt.pct(c.pass_hat_k),
                fmt.num(c.mean_metric, 4),
                fmt.statuses(c.status),
                fmt.tokens(c.tokens["input"]),
                fmt.tokens(c.tokens["output"]),
                f"{fmt.tokens(c.tokens['cache_read'])}/{fmt.tokens(c.tokens['cache_write'])}",
                fmt.money(c.cost),
                fmt.seconds(c.mean_wall_seconds),
            ]
        )
    note = (
        "Scores, tokens and times are means per trial; cost is the total. Errored trials are "
        f"counted, never scored. pass@{k} and pass^{k} use k = {k} (the run's epochs); a row "
        f"with fewer than {k} scored trials has no estimate."
    )
    return ["## Tasks", "", *table(header, rows), "", note, ""]


def rubric_rows(report: Report) -> list[list[str]]:
    """task, arm, item, then pass / fail / judge error / not judged counts, per rubric item."""
    rows = []
    for c in report.cells:
        for item, verdicts in sorted(c.rubric.items()):
            counts = [verdicts.get(v, 0) for v in VERDICTS[:3]]
            other = sum(verdicts.values()) - sum(counts)  # "not judged" and anything unknown
            rows.append([c.task, c.arm, item, *map(str, counts), str(other)])
    return rows


def judge_rows(report: Report) -> list[list[str]]:
    """Per task and arm with a rubric: the score without and with it, and the judge's cost."""
    return [
        [
            c.task,
            c.arm,
            fmt.num(c.grader_score),
            fmt.num(c.mean_score),
            fmt.tokens(c.judge_tokens),
            fmt.money(c.judge_cost),
        ]
        for c in report.cells
        if c.rubric
    ]


VERDICTS = ("pass", "fail", "judge error", "not judged")
RUBRIC_HEADER = ["task", "arm", "rubric item", *VERDICTS]
JUDGE_HEADER = ["task", "arm", "score: grader only", "score: with rubric", "judge tokens"]
JUDGE_HEADER += ["judge cost"]
NOT_JUDGED = "rubric items not judged (no --judge-model)"
RUBRIC_NOTE = (
    "Verdicts of the LLM judge on each task's rubric. Judged items join the score as "
    "weighted checks; 'grader only' is the score without them. Items not judged (no judge "
    "configured) or with a judge error never count. The judge's tokens and cost are not in "
    "the agent's columns."
)


def rubric_section(report: Report) -> list[str]:
    if not report.has_rubric:
        return []
    if not report.rubric_judged:
        return [f"Rubric: {NOT_JUDGED}.", ""]
    verdicts = table(RUBRIC_HEADER, rubric_rows(report))
    scores = table(JUDGE_HEADER, judge_rows(report))
    return ["## Rubric (LLM judge)", "", RUBRIC_NOTE, "", *verdicts, "", *scores, ""]


def render(report: Report) -> str:
    parts = [
        *heading(report),
        *arms_section(report),
        *uplift_section(report.uplift),
        *tasks_section(report),
        *rubric_section(report),
    ]
    return "\n".join(parts).rstrip() + "\n"
