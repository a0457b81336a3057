"""Start the agent's service in its own sandbox and drive it from the grader itself.

`ctx.serve` starts `python serve.py --port PORT` on a copy of the workspace, in a sandbox
of its own; the grader's HTTP client runs in the harness and reaches the service through a
bridge socket, so every status, body and latency below is observed by grader code (no
probe runs beside the agent's code, no result comes back through a file). The hidden plan
holds valid batches (missing values, unseen categories, any key order, the maximum size,
concurrent ones) and invalid requests; the model's own predictions are in expected.json.

Gates: README.md shows the start command, the health check and an error response (a
text read; the service is graded either way); every valid batch (some sending whole
numbers as 41.0, a JSON number like 41) matches the model's predictions; every invalid
request gets a 4xx and a JSON error, naming the field where one is at fault (the ticket
asks for that, so a bare "invalid request" fails rather than costing a share); none is
answered as if it were valid (a 2xx for a missing field, nullable or not, a number sent
as text, "41" included, a NaN, a null the schema forbids... is a silent guess the backend
can never see); the p95 latency of 100-row batches under 4 concurrent clients stays under
12 times the median latency of 1-row requests a fifth client sends meanwhile. The ticket
asks for 300 ms, but an absolute bar moves with the machine and its load (honest servers
ran 0.04-0.56 s here); both sides of the ratio wait for the same CPU, so it does not, and
a server that predicts row by row scales with the rows where one that predicts per batch
does not. Batches of up to 100 rows go first, then
the load, then the larger batches and the rest: a failed gate on the way stops the grading
(a per-row server spends seconds of CPU on every large batch). No measured number goes
into a message, so grading the same workspace twice agrees. Weighted, with the metric (the
share of invalid requests rejected clearly):
- bad input never gets a 5xx or a dropped connection, weight 1;
- requests are answered promptly while another client stalls mid-request, weight 1.
"""

import base64
import json
import math
import re
import threading
import time

STALL_BAR = 1.0  # seconds
STALL_SECONDS = 1.5  # how long the stalled client holds its half-sent request
REPEATS = 6  # concurrent load: each client sends its own batch REPEATS times
# Latency: the p95 of the 100-row batches over the median latency of 1-row requests that a
# fifth client sends meanwhile (one every REFERENCE_EVERY s). Both wait for the same CPU,
# so the ratio does not move with the machine or its load, where an absolute bar did.
# Measured on this 2-core machine at load average 15-18 (two trials at once beside other
# checks): honest servers (the oracle, both right/, the red team's honest) 1.0-2.0 over
# 32 trials, seeds 0-7, and 1.3-3.3 in 8 runs outside the sandbox; per-row prediction
# 52-60 (p95 8-11 s) outside, 77 in the sandbox. At load average 3-4: honest 1.1-2.4 (p95
# 0.04-0.11 s), per-row 36-64 (p95 1.6-2.1 s; the red team's perrow on seeds 11, 12: 41,
# 36). 12 leaves 3.6x on the honest side and 3x on the per-row side.
LATENCY_RATIO = 12
REFERENCE_EVERY = 0.05  # seconds between reference requests: a few even in a 1 s load
FALLBACK_BAR = 1.0  # seconds, when fewer than three reference requests were answered
# The p95 of 4 x REPEATS = 24 replies is the second slowest: two over the bar fail it.
SLOW_TO_FAIL = 24 - math.ceil(0.95 * 24) + 1
EARLY_STOP_SECONDS = 0.5  # stop early only on replies this slow (and over the bar so far)
TOLERANCE = 1e-6
# What README.md must show (the ticket: how to start it, check it is up, an example error
# response); the rubric judges the rest, such as which requests are rejected.
README_FACTS = {
    "the start command (serve.py --port)": r"serve\.py[^\n]*--port",
    "the /health check": r"/health",
    'an error response ({"error": ...})': r"[\"']error[\"']\s*:",
}


def _wrong(reply, expected: dict) -> str | None:
    """Why a reply to a valid batch is wrong, or None."""
    if reply.status != 200:
        return f"status {reply.status or 'none (' + str(reply.error) + ')'}"
    body = reply.json
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


def _rejected(reply, field) -> bool:
    """A 4xx with a non-empty JSON error that names the field at fault (if any)."""
    error = reply.json.get("error") if isinstance(reply.json, dict) else None
    if not (reply.status is not None and 400 <= reply.status < 500) or not isinstance(error, str):
        return False
    return bool(error.strip()) and (field is None or field in error)


def _post(service, rows) -> object:
    return service.request("POST", "/predict", json.dumps({"rows": rows}).encode())


def _load(service, batches: list, one_row: list) -> tuple[list, list]:
    """(batch index, reply) for up to REPEATS requests from each of len(batches) clients at
    once, and the latencies of a reference client sending `one_row` meanwhile. Once
    SLOW_TO_FAIL replies are plainly over the bar, the p95 fails whatever the rest take, so
    the clients stop: a per-row server costs seconds, not a minute of CPU."""
    results = [[] for _ in batches]
    reference, slow, done = [], [], threading.Event()

    def client(k: int) -> None:
        for _ in range(REPEATS):
            if len(slow) >= SLOW_TO_FAIL:
                return
            reply = _post(service, batches[k])
            results[k].append((k, reply))
            if reply.seconds >= max(EARLY_STOP_SECONDS, LATENCY_RATIO * _median(reference)):
                slow.append(k)

    def reference_client() -> None:
        while not done.is_set():
            reference.append(_post(service, one_row).seconds)
            done.wait(REFERENCE_EVERY)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(len(batches))]
    referee = threading.Thread(target=reference_client)
    referee.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    referee.join()
    return [pair for per_client in results for pair in per_client], reference


def _median(seconds: list) -> float:
    """The median latency, or infinity before there are three: no early stop on less."""
    return sorted(seconds)[len(seconds) // 2] if len(seconds) >= 3 else math.inf


def _p95(seconds: list, planned: int) -> float:
    """The p95 of the planned replies; those never sent (the load stopped early) count as
    slow, since they were skipped only because the p95 was already over the bar."""
    padded = sorted(seconds) + [math.inf] * (planned - len(seconds))
    return padded[math.ceil(0.95 * planned) - 1]


def _stalled(service, rows) -> list:
    """Replies to requests sent while another connection holds a half-sent request."""
    try:
        slow = service.connect(timeout=10)
        slow.sendall(
            b"POST /predict HTTP/1.1\r\nHost: service\r\nContent-Type: application/json\r\n"
            b'Content-Length: 4096\r\n\r\n{"rows": ['
        )
    except OSError:
        return [_post(service, rows) for _ in range(3)]  # the bridge refused: no stall
    # The stall ends after STALL_SECONDS at the latest (a server that serves one connection
    # at a time answers the others only then, too late), or as soon as they are answered:
    # waiting out the full stall after prompt replies only left a core idle in `tasks check`.
    closer = threading.Timer(STALL_SECONDS, slow.close)
    closer.start()
    try:
        time.sleep(0.2)  # let the server pick up the stalled connection first
        return [_post(service, rows) for _ in range(3)]
    finally:
        closer.cancel()
        closer.join()
        slow.close()


def _correct(ctx, answers: list):
    """The gate on valid batches: every (reply, expected) pair matches the model."""
    wrong = [(len(e["label"]), why) for r, e in answers if (why := _wrong(r, e))]
    if wrong:
        rows, why = wrong[0]
        message = f"{len(wrong)} of {len(answers)} valid requests wrong, e.g. {rows} rows: {why}"
    else:
        message = f"{len(answers)} valid requests match the model, some sent concurrently"
    return ctx.check("valid batches predicted right", not wrong, message, gate=True)


def _latency(ctx, load: list, reference: list, planned: int):
    """The p95 gate (see LATENCY_RATIO) and the measurements behind it, for `metrics`."""
    p95 = _p95([r.seconds for _, r in load], planned)
    typical = _median(reference)
    # Under three reference replies (a load over at once): the p95 alone, against a loose bar.
    bar = LATENCY_RATIO * typical if math.isfinite(typical) else FALLBACK_BAR
    fast = ctx.check(
        "p95 latency under load",
        p95 < bar,
        f"p95 of 100-row batches from 4 concurrent clients {'under' if p95 < bar else 'over'}"
        f" {LATENCY_RATIO} times a 1-row request's latency at the same time",
        gate=True,
    )
    measured = p95 if math.isfinite(p95) else max(r.seconds for _, r in load)
    extra = {"p95_seconds": measured}  # for measuring margins; never in a message
    if math.isfinite(typical):
        extra |= {"one_row_under_load_seconds": typical, "p95_over_one_row": measured / typical}
    return fast, extra


def _readme(ctx):
    """Gate: README.md, the backend team's runbook, says how to start the service (the
    ticket's command), how to check it is up, and shows an error response. Read as text;
    the grading goes on past a failure, so the service's own checks still show."""
    data, readable = ctx.read_bytes("README.md", "README.md", max_bytes=256 * 1024)
    if not readable.passed:
        return readable
    text = data.decode("utf-8", errors="replace")
    lacks = [what for what, pattern in README_FACTS.items() if not re.search(pattern, text)]
    message = f"README.md lacks {', '.join(lacks)}" if lacks else "README.md: start, health, error"
    return ctx.check("README runbook", not lacks, message, gate=True)


def grade(ctx):
    readme = _readme(ctx)
    if not ctx.is_file("serve.py"):
        return ctx.fail("service starts", "serve.py not found in the workspace root")
    plan = json.loads((ctx.hidden / "plan.json").read_text())
    expected = json.loads((ctx.hidden / "expected.json").read_text())
    # Start-up is loading scikit-learn: seconds, but a minute and more on a loaded machine.
    service, problem = ctx.serve("python serve.py --port {port}", ready="/health", startup=120)
    if problem:
        return ctx.fail("service starts", f"{problem}; last line: {service.log_tail()}")
    # Valid batches up to the load's size first (they warm the server up), then the load,
    # then the larger batches. A failed gate that nothing after can lift stops the grading
    # there: a server predicting row by row would spend seconds of CPU on each large batch.
    batches, size = plan["valid"], len(plan["load"][0])
    valid = {k: _post(service, rows) for k, rows in enumerate(batches) if len(rows) <= size}
    if not (correct := _correct(ctx, [(r, expected[k]) for k, r in valid.items()])).passed:
        service.stop()
        return ctx.grade(None, [readme, correct])
    load, reference = _load(service, plan["load"], batches[0])
    fast, extra = _latency(ctx, load, reference, len(plan["load"]) * REPEATS)
    if not fast.passed:
        service.stop()
        return ctx.grade(None, [readme, fast], extra)
    valid |= {k: _post(service, rows) for k, rows in enumerate(batches) if k not in valid}
    invalid = [
        (probe, service.request("POST", "/predict", base64.b64decode(probe["body"])))
        for probe in plan["invalid"]
    ]
    stalled = _stalled(service, batches[0])
    service.stop()

    answers = [(valid[k], expected[k]) for k in range(len(batches))]
    answers += [(reply, expected[len(batches) + k]) for k, reply in load]
    correct = _correct(ctx, answers)

    guessed = [p["name"] for p, r in invalid if r.status is not None and 200 <= r.status < 300]
    no_guessing = ctx.check(
        "invalid requests never answered as valid",
        not guessed,
        f"answered 2xx (a silent guess) for: {', '.join(guessed)}"
        if guessed
        else "no invalid request got a 2xx",
        gate=True,
    )
    missed = [p["name"] for p, r in invalid if not _rejected(r, p["field"])]
    message = (
        f"{len(invalid) - len(missed)} of {len(invalid)} bad requests got a 4xx with a clear error"
    )
    rejected = ctx.check(
        "invalid requests rejected",
        not missed,
        message + (f"; not: {', '.join(missed)}" if missed else ""),
        gate=True,
    )
    crashed = [p["name"] for p, r in invalid if r.status is None or r.status >= 500]
    never_5xx = ctx.check(
        "bad input never crashes",
        not crashed,
        f"5xx or dropped connection for: {', '.join(crashed)}" if crashed else "no 5xx",
        weight=1,
    )
    prompt = all(r.status == 200 and r.seconds < STALL_BAR for r in stalled)
    not_blocked = ctx.check(
        "others served while one client stalls",
        prompt,
        "answered promptly"
        if prompt
        else f"requests waited over {STALL_BAR} s for a stalled client",
        weight=1,
    )
    metric = 1 - len(missed) / len(invalid)
    checks = [readme, correct, no_guessing, rejected, never_5xx, not_blocked, fast]
    return ctx.grade(metric, checks, extra)
