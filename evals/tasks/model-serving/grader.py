"""Starts the agent's service in a sandbox, drives it with probe.py, and judges the log.

probe.py (copied in with the hidden request plan) starts `python serve.py --port PORT`,
sends valid, invalid, concurrent and stalled-client traffic on loopback and writes raw
observations; nothing here talks to agent code directly. The service must first be right:
every valid batch (missing values, unseen categories, any key order, the maximum size, and
the concurrent ones) must match the model's own predictions, or the grade is 0.
Then the score is:
- metric: share of invalid requests answered with a 4xx and a JSON error (naming the field
  where one is at fault), weight 1;
- bad input never gets a 5xx or a dropped connection, weight 1;
- requests are answered promptly while another client stalls mid-request, weight 1;
- p95 latency of 100-row batches under 4 concurrent clients below 1 s, weight 0.5. The
  ticket asks for 300 ms; the bar is loose because shared CI machines are noisy, and no
  measured number goes into a message, so grading the same workspace twice agrees.
"""

import json
import math

from mlskills.grading.predictions import read_json

LATENCY_BAR, STALL_BAR = 1.0, 1.0  # seconds
TOLERANCE = 1e-6


def _wrong(response: dict, expected: dict) -> str | None:
    """Why a response to a valid batch is wrong, or None."""
    if response.get("status") != 200:
        return f"status {response.get('status') or 'none (connection failed)'}"
    body = response.get("json")
    preds = body.get("predictions") if isinstance(body, dict) else None
    if not isinstance(preds, list) or len(preds) != len(expected["probability"]):
        return f'no "predictions" list with {len(expected["probability"])} entries'
    for p, want_p, want_label in zip(
        preds, expected["probability"], expected["label"], strict=True
    ):
        prob = p.get("probability") if isinstance(p, dict) else None
        label = p.get("label") if isinstance(p, dict) else None
        if isinstance(prob, bool) or not isinstance(prob, int | float) or not math.isfinite(prob):
            return "a prediction without a numeric probability"
        if abs(prob - want_p) > TOLERANCE:
            return "probabilities differ from the model's"
        if isinstance(label, bool) or label not in (0, 1):
            return "a prediction without a 0/1 label"
        if want_label is not None and label != want_label:
            return "labels differ from the decision threshold's"
    return None


def _invalid_ok(probe: dict) -> bool:
    status, body = probe.get("status"), probe.get("json")
    error = body.get("error") if isinstance(body, dict) else None
    if not (isinstance(status, int) and 400 <= status < 500) or not isinstance(error, str):
        return False
    return bool(error.strip()) and (probe.get("field") is None or probe["field"] in error)


def grade(ctx):
    if not ctx.path("serve.py").is_file():
        return ctx.fail("service starts", "serve.py not found in the workspace root")
    inputs = {
        ".probe/probe.py": ctx.task.path / "probe.py",
        ".probe/plan.json": ctx.hidden / "plan.json",
    }
    run = ctx.exec(
        "python .probe/probe.py .probe/plan.json .probe/results.json", timeout=120, inputs=inputs
    )
    results, check = read_json(run.path(".probe/results.json"), run.workdir, "probe", 1 << 24)
    if not check.passed or not isinstance(results, dict):
        why = "timed out" if run.result.timed_out else f"exited {run.result.exit_code}"
        return ctx.fail("service starts", f"the probe client {why} without results")
    if not results.get("started"):
        last = (results.get("server_log_tail") or "").strip().splitlines()[-1:] or ["(no output)"]
        return ctx.fail("service starts", f"{results.get('startup_error')}; last line: {last[0]}")
    expected = json.loads((ctx.hidden / "expected.json").read_text())
    try:
        return _judge(ctx, results, expected)
    except (KeyError, TypeError, IndexError, ValueError, AttributeError) as exc:
        # The service shares the sandbox with the probe and could have clobbered its output.
        return ctx.fail("probe results readable", f"probe results malformed: {type(exc).__name__}")


def _judge(ctx, results: dict, expected: list):
    n_valid = len(results["valid"])
    answers = [(r, expected[i]) for i, r in enumerate(results["valid"])]
    answers += [(r, expected[n_valid + r["batch"]]) for r in results["load"]]
    wrong = [(len(e["label"]), why) for r, e in answers if (why := _wrong(r, e))]
    if wrong:
        rows, why = wrong[0]
        message = f"{len(wrong)} of {len(answers)} valid requests wrong, e.g. {rows} rows: {why}"
    else:
        message = f"{len(answers)} valid requests match the model, some sent concurrently"
    correct = ctx.check("valid batches predicted right", not wrong, message, gate=True)

    invalid = results["invalid"]
    missed = [p["name"] for p in invalid if not _invalid_ok(p)]
    message = (
        f"{len(invalid) - len(missed)} of {len(invalid)} bad requests got a 4xx with a clear error"
    )
    rejected = ctx.check(
        "invalid requests rejected",
        not missed,
        message + (f"; not: {', '.join(missed)}" if missed else ""),
    )
    crashed = [p["name"] for p in invalid if not isinstance(p["status"], int) or p["status"] >= 500]
    never_5xx = ctx.check(
        "bad input never crashes",
        not crashed,
        f"5xx or dropped connection for: {', '.join(crashed)}" if crashed else "no 5xx",
        weight=1,
    )
    prompt = all(r["status"] == 200 and r["seconds"] < STALL_BAR for r in results["stalled"])
    not_blocked = ctx.check(
        "others served while one client stalls",
        prompt,
        "answered promptly"
        if prompt
        else f"requests waited over {STALL_BAR} s for a stalled client",
        weight=1,
    )
    seconds = sorted(r["seconds"] for r in results["load"])
    p95_ok = seconds[math.ceil(0.95 * len(seconds)) - 1] < LATENCY_BAR
    fast = ctx.check(
        "p95 latency under load",
        p95_ok,
        f"p95 with 4 concurrent clients {'under' if p95_ok else 'over'} {LATENCY_BAR} s",
        weight=0.5,
    )
    metric = 1 - len(missed) / len(invalid)
    return ctx.grade(metric, [correct, rejected, never_5xx, not_blocked, fast])
