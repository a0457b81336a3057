"""Runs the agent's monitor on 23 hidden batches and scores its alerts and feature flags.

The monitor runs once, in a fresh sandbox, over a folder holding the 23 hidden
batches (one process, so the grade is not dominated by interpreter start-up). Each report
is read back as data. The metric is the mean of two F1 scores: batch alerts against the
truth (is this batch drifted?) and per-feature flags over every (batch, feature) pair
(which features?). "Always alert" gets about 0.4 and "never alert" 0, which is why
baseline sits at the former.

Rules of the ticket are gates, each tested on its own batch, because an F1 over 23
batches forgives missing one of them:
- every drift rule (mean, spread up, spread down, category mix, missing rate, unseen
  category, a big shift in a small batch) has its own drifted batch, and each must page
  with its feature flagged: a monitor that skips a rule (no missing-rate check, a spread
  rule that only sees widening) scored 0.86-1.0 on the F1 alone;
- drift in a quiet hour pages: five drifted batches of 60-100 rows, one per rule, with
  changes of 2.5-5 times the thresholds (z of 8 or more), each rule on another feature
  than its big batch, the missing rate on a numeric and a categorical feature every seed
  (a monitor silent under 200 rows, or checking missing values only in numeric columns,
  passed before);
- "alert" is true if and only if a feature drifted: a report that pages without a flagged
  feature (an early-warning alert) or flags without paging is not a valid report;
- the false-alarm budget (at most one page in a hundred healthy batches): no healthy batch
  may page, among them quiet hours of 25, 40, 60 and 120 rows, where sampling noise alone
  moves shares and spreads past the thresholds (a monitor without a sample-size guard
  pages), and three backfills with small real shifts, one of them at 0.7-0.8 of the
  thresholds (a pure significance test, or a margin below the thresholds, pages), and two
  of 12,000 rows built to sit exactly under every rule: spread to 0.75 and 1.22 times the
  reference's, each share of a category moved by 7 points (total variation 0.14-0.21), a
  new category at 6%, missing rates up 4 points (a loose reading of a rule pages: a
  log-ratio spread rule, a total-variation category rule);
- the budget is a rate, which nine healthy batches cannot measure: a one-sided test per
  feature at z = 1.645 without correcting for the ~40 tests of a batch pages on 4-8% of
  healthy batches of two to three dozen rows and passed every healthy batch above; so
  among 300 quiet hours of 24-40 rows (healthy, drawn from the reference population) at
  most MAX_QUIET_PAGES may page. A monitor at the budget's 1% pages on 3 of them on
  average (more than MAX_QUIET_PAGES on 3% of draws), one at 5% on 15 (at most
  MAX_QUIET_PAGES on under 1%). They are a second run in a sandbox of its own, made only
  when every other gate passed: it costs the oracle ~3 CPU s and right/scipy_tests ~7 (a
  second interpreter start included), and nothing for a monitor already at 0;
- a category never seen in the reference counts with its whole share: one batch's only
  change is a new category at 16%, which no reference category's share reveals.
"""

import json
import math

FEATURES = [
    "age", "income", "session_minutes", "num_items", "discount_rate", "device", "country",
    "channel",
]  # fmt: skip
BATCHES, OUT_DIR = ".grader_batches", ".grader_reports"
MAX_QUIET_PAGES = 6  # of 300 quiet hours, 2%: see the docstring for the odds each way


def _f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(t and p for t, p in pairs)
    fp = sum(p and not t for t, p in pairs)
    fn = sum(t and not p for t, p in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _parse(report) -> tuple[bool, set[str]] | str:
    """(alert, flagged features) from one report, or the reason it is unusable."""
    if not isinstance(report, dict) or not isinstance(report.get("alert"), bool):
        return 'needs a boolean "alert"'
    features = report.get("features")
    if not isinstance(features, dict):
        return 'needs a "features" object keyed by feature name'
    flagged = set()
    for name in FEATURES:
        entry = features.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("drifted"), bool):
            return f'features["{name}"] needs a boolean "drifted"'
        score = entry.get("score")
        numeric = isinstance(score, int | float) and not isinstance(score, bool)
        if not numeric or not math.isfinite(score):
            return f'features["{name}"] needs a finite number "score"'
        if entry["drifted"]:
            flagged.add(name)
    if report["alert"] != bool(flagged):
        return f'"alert" is {str(report["alert"]).lower()} with {len(flagged)} drifted features'
    return report["alert"], flagged


def grade(ctx):
    if not ctx.is_file("monitor.py"):
        return ctx.fail("monitor.py present", "monitor.py not found in the workspace root")
    truth = json.loads((ctx.hidden / "truth.json").read_text())
    pages, failed = _run_monitor(ctx, truth, "monitor.py on the hidden batches")
    if failed:
        return ctx.grade(None, [failed])
    alerts, flags = [], []
    for batch, drifted in truth.items():
        alert, flagged = pages[batch]
        alerts.append((bool(drifted), alert))
        flags += [(f in drifted, f in flagged) for f in FEATURES]

    design = json.loads((ctx.hidden / "design.json").read_text())
    gates = [
        _budget_gate(ctx, truth, design, pages),
        _every_rule_gate(ctx, truth, design, pages),
        _unseen_gate(ctx, truth, design, pages),
    ]
    alert_f1, feature_f1 = _f1(alerts), _f1(flags)
    false_alerts = sum(p and not t for t, p in alerts)
    missed = sum(t and not p for t, p in alerts)
    n_healthy = sum(not t for t, _ in alerts)
    checks = [
        ctx.check("reports valid", True, f"{len(alerts)} reports", gate=True),
        *gates,
        ctx.check(
            "alerts right",
            not false_alerts and not missed,
            f"{false_alerts} false alerts on {n_healthy} healthy batches, "
            f"{missed} missed of {len(alerts) - n_healthy} drifted",
        ),
    ]
    metrics = {"alert_f1": alert_f1, "feature_f1": feature_f1, "false_alerts": false_alerts,
               "missed_alerts": missed}  # fmt: skip
    if all(gate.passed for gate in gates):  # else the score is 0 whatever the quiet hours say
        quiet = json.loads((ctx.hidden / "quiet_hours.json").read_text())  # name: rows
        quiet_pages, failed = _run_monitor(ctx, quiet, "monitor.py on the quiet hours")
        checks.append(failed or _quiet_hours_gate(ctx, quiet, quiet_pages))
        if quiet_pages:
            metrics["quiet_pages"] = sum(quiet_pages[b][0] for b in quiet)
    return ctx.grade((alert_f1 + feature_f1) / 2, checks, metrics)


def _run_monitor(ctx, batches, what):
    """Run monitor.py once, in a fresh sandbox, over a folder of the named hidden batches:
    ({batch: (alert, flagged)}, None), or (None, the failed gate)."""
    inputs = {f"{BATCHES}/{b}.csv": ctx.hidden / "batches" / f"{b}.csv" for b in batches}
    run = ctx.exec(
        f"rm -rf {OUT_DIR} && python monitor.py --reference data/reference.csv "
        f"--batches {BATCHES} --out {OUT_DIR}",
        timeout=120,
        inputs=inputs,
    )
    if gate := run.failed_gate("monitor runs", what):
        return None, gate
    pages, problems = {}, []
    for batch in batches:
        report, check = run.read_json(f"{OUT_DIR}/{batch}.json", "report")
        parsed = _parse(report) if check.passed else check.message
        if isinstance(parsed, str):
            problems.append(f"{batch}.json: {parsed}")
        else:
            pages[batch] = parsed
    if problems:
        message = f"{len(problems)} bad reports, e.g. {problems[0]}"
        return None, ctx.check("reports valid", False, message, gate=True)
    return pages, None


def _budget_gate(ctx, truth, design, pages):
    """Gate: no healthy batch pages, whatever its size (the ticket's false-alarm budget)."""
    false = [b for b, drifted in truth.items() if not drifted and pages[b][0]]
    sizes = ", ".join(f"{design[b]['rows']} rows" for b in false)
    near = [b for b in false if any(d.startswith("exact_") for d, _ in design[b]["drifts"])]
    if near:  # name the rule read loosely: these batches sit just under every threshold
        sizes += "; just under the thresholds, flagged " + ", ".join(
            sorted({f for b in near for f in pages[b][1]})
        )
    healthy = sum(not d for d in truth.values())
    message = f"{len(false)} of {healthy} healthy batches paged" + (f" ({sizes})" if sizes else "")
    return ctx.check("false-alarm budget", not false, message, gate=True)


def _quiet_hours_gate(ctx, quiet, pages):
    """Gate: the false-alarm rate on quiet hours stays near the budget's 1 in 100."""
    paged = sorted(rows for batch, rows in quiet.items() if pages[batch][0])
    message = f"{len(paged)} of {len(quiet)} quiet hours of {min(quiet.values())}-"
    message += f"{max(quiet.values())} healthy rows paged (at most {MAX_QUIET_PAGES})"
    if paged:
        message += f"; their sizes: {', '.join(map(str, paged[:12]))}"
    return ctx.check("false-alarm rate on quiet hours", len(paged) <= MAX_QUIET_PAGES, message,
                     gate=True)  # fmt: skip


def _every_rule_gate(ctx, truth, design, pages):
    """Gate: each drifted batch (one rule each) pages with its drifted feature flagged."""
    missed = []
    for batch, drifted in truth.items():
        alert, flagged = pages[batch]
        if drifted and not (alert and set(drifted) <= flagged):
            kinds = ", ".join(f"{d} of {f}" for d, f in design[batch]["drifts"])
            missed.append(f"{kinds} ({design[batch]['rows']} rows)")
    message = "missed: " + "; ".join(missed) if missed else "every drift rule caught"
    return ctx.check("every drift rule caught", not missed, message, gate=True)


def _unseen_gate(ctx, truth, design, pages):
    """Gate: a batch whose only change is a category unseen in the reference is flagged."""
    missed = []
    for batch, plan in design.items():
        for drift, feature in plan["drifts"]:
            if drift == "new_category" and truth[batch]:
                alert, flagged = pages[batch]
                if not (alert and feature in flagged):
                    missed.append(f"{feature} in a {plan['rows']}-row batch")
    message = "missed a new category: " + "; ".join(missed) if missed else "new category flagged"
    return ctx.check("unseen category flagged", not missed, message, gate=True)
