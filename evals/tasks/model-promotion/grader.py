"""Registry state after the review, and the rollback run four times in one sandbox.

- metric (weight 2): production.json serves the version the policy picks (1) or not (0);
- history kept (1): the replaced version was appended to `history`, nothing else changed,
  and `promoted_at` is today's date (the README: the day of the last change);
- rollback works (2): `bash rollback.sh` run on a copy of the workspace restores the
  replaced version, and run again steps back once more, and again to the oldest version
  (a rollback that only knows this promotion, or that cannot find the old version,
  fails), each dated today; a fourth run, with the history used up, must exit non-zero
  and leave production.json byte for byte as it was; models/ left intact;
- verdicts (1): promotion.json says for every candidate whether it qualifies (the
  runner-up sits exactly on every limit of the policy, and qualifies);
- review record (1): the rest of promotion.json, which the ticket names field by field:
  `promoted` is the winner, `previous` the version it replaced (v3, not the last of the
  old history), and every rejected candidate's `reasons` names the rule it breaks (each
  breaks exactly one, by its role), by a word of the policy for it or the rule's number.
Model folders are protected files, so editing or deleting one is a failed gate.
"""

import datetime
import json
import re

MODELS = "registry/models"
# Three rollbacks step back to the oldest version (history then empty); a fourth has
# nothing to roll back to and must refuse. Each state is copied aside after its step.
LOG, PRODUCTION = ".grader_rb.log", "registry/production.json"
ROLLBACK = (
    f"bash rollback.sh > {LOG} 2>&1 && cp {PRODUCTION} .grader_rb1.json"
    f" && bash rollback.sh >> {LOG} 2>&1 && cp {PRODUCTION} .grader_rb2.json"
    f" && bash rollback.sh >> {LOG} 2>&1 && cp {PRODUCTION} .grader_rb3.json"
    f" && {{ bash rollback.sh >> {LOG} 2>&1; refused=$?; cp {PRODUCTION} .grader_rb4.json;"
    " test $refused -ne 0 || exit 86; }"
)
ACCEPTED_EMPTY = 86  # the exit status above when the fourth rollback claimed success
# How a reason may name the rule a rejected role breaks: its number in POLICY.md, or words
# of the policy or the card for it (lower case, as substrings). Generous on purpose: the
# ticket fixes no wording; what fails is an empty reason, a bare "not eligible", or
# another rule's name alone.
RULE_OF_ROLE = {
    "old_valset": (1, ("val-2024", "validation set", "dataset", "comparable")),
    "best_test": (2, ("auc", "primary")),
    "best_train": (2, ("auc", "primary")),
    "guard_ece": (3, ("ece", "calibration")),
    "guard_new": (4, ("new",)),
    "guard_latency": (5, ("latency", "serving cost", "p95")),
}


def _state(data) -> tuple | None:
    """(version, history) from a production.json document (history None if absent)."""
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        return None
    history = data.get("history")
    return data["version"], history if isinstance(history, list) else None


def _dated_today(data, days_back: int) -> bool:
    """`promoted_at` is the date of a change made today: the README's "the day the change
    was made". A day either side of UTC's date allows any time zone, and `days_back` a
    trial that ran over midnight before grading."""
    text = data.get("promoted_at") if isinstance(data, dict) else None
    try:
        date = datetime.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return False
    today = datetime.datetime.now(datetime.UTC).date()
    return date is not None and -days_back - 1 <= (date - today).days <= 1


def _steps_wrong(run, truth: dict) -> str | None:
    """Why the three rollbacks did not step back one version each, dated today, or None.
    Versions first: a rollback that restores an old copy of production.json also restores
    its old date, and the versions say more about what it did."""
    history = [*truth["history"], truth["previous"]]
    states = [run.read_json(f".grader_rb{step}.json", "rb").value for step in (1, 2, 3)]
    for step, data in enumerate(states, start=1):
        want = (history[-step], history[:-step])
        if _state(data) != want:
            return f"after rollback {step}: {_state(data) or 'malformed'}, expected {want}"
    for step, data in enumerate(states, start=1):
        if not _dated_today(data, days_back=0):
            return f"after rollback {step}: promoted_at is not today's date (a change)"
    return None


def _refusal_wrong(run) -> str | None:
    """Why a rollback with an empty history did not refuse and leave production.json as it
    was, or None."""
    if run.result.exit_code == ACCEPTED_EMPTY:
        return "with an empty history, rollback.sh exited 0 instead of refusing"
    before = run.read_bytes(".grader_rb3.json", "rb")
    after = run.read_bytes(".grader_rb4.json", "rb")
    if not (before.ok and after.ok and before.value == after.value):
        return "with an empty history, rollback.sh changed production.json"
    return None


def _rollback(ctx, truth: dict):
    if not ctx.is_file("rollback.sh"):
        return ctx.check("rollback works", False, "rollback.sh not found", weight=2)
    run = ctx.exec(ROLLBACK, timeout=60)
    failed = run.result.exit_code not in (0, ACCEPTED_EMPTY) or run.result.timed_out
    why = None
    if failed:
        done = sum(run.is_file(f".grader_rb{step}.json") for step in (1, 2, 3))
        status = "timed out" if run.result.timed_out else f"exited {run.result.exit_code}"
        why = f"bash rollback.sh {status} on rollback {done + 1} of 3 (history not yet empty)"
    why = why or _steps_wrong(run, truth) or _refusal_wrong(run)
    # Digests never follow a link (as root, reading through an agent's link could hang on
    # /proc/kmsg or leak host files); a tree that cannot be digested is not intact.
    after, before = run.tree_digest(MODELS), ctx.tree_digest(MODELS)
    if not (after.ok and before.ok and after.value == before.value):
        why = "rollback changed or deleted files under registry/models/"
    history = [*truth["history"], truth["previous"]]
    message = why or (
        f"rolled back to {', then '.join(reversed(history))}, dated today; then refused"
        " with nothing to roll back to, leaving production.json as it was"
    )
    return ctx.check("rollback works", why is None, message, weight=2)


def _verdicts(ctx, truth: dict):
    report, check = ctx.read_json("promotion.json", "promotion.json readable")
    candidates = report.get("candidates") if isinstance(report, dict) else None
    if not isinstance(candidates, dict):
        reason = check.message if not check.passed else 'needs a "candidates" object'
        return ctx.check("verdicts right", False, f"promotion.json: {reason}", weight=1)
    wrong = []
    for version, eligible in truth["eligible"].items():
        entry = candidates.get(version)
        said = entry.get("eligible") if isinstance(entry, dict) else None
        if said is not eligible:
            wrong.append(f"{version} ({truth['roles'][version]}: {said!r})")
    message = f"{len(truth['eligible']) - len(wrong)} of {len(truth['eligible'])} right"
    if wrong:
        message += f"; wrong: {', '.join(wrong)}"
    return ctx.check("verdicts right", not wrong, message, weight=1)


def _names_rule(reasons, role: str) -> bool:
    """`reasons` is a list of strings that names the rule `role` breaks."""
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        return False
    number, words = RULE_OF_ROLE[role]
    text = " ".join(reasons).lower()
    return any(w in text for w in words) or bool(re.search(rf"rule\s*#?\s*{number}\b", text))


def _reasons(entry):
    """A candidate entry's `reasons`, or None."""
    return entry.get("reasons") if isinstance(entry, dict) else None


def _record_wrong(report: dict, truth: dict) -> list[str]:
    """What in promotion.json's `promoted`, `previous` and rejection reasons is wrong."""
    wrong = [
        f"{key} {str(report.get(key))[:20]!r}, expected {want!r}"
        for key, want in (("promoted", truth["winner"]), ("previous", truth["previous"]))
        if report.get(key) != want
    ]
    candidates = report.get("candidates")
    entries = candidates if isinstance(candidates, dict) else {}
    unexplained = [
        version
        for version, role in truth["roles"].items()
        if role in RULE_OF_ROLE and not _names_rule(_reasons(entries.get(version)), role)
    ]
    if unexplained:
        wrong.append(f"reasons naming no broken rule for {', '.join(unexplained)}")
    return wrong


def _record(ctx, truth: dict):
    """Weighted: the review record's other fields (see the module docstring)."""
    report, check = ctx.read_json("promotion.json", "promotion.json readable")
    if not isinstance(report, dict):
        reason = check.message if not check.passed else "not a JSON object"
        return ctx.check("review record", False, f"promotion.json: {reason}", weight=1)
    wrong = _record_wrong(report, truth)
    message = "; ".join(wrong) or (
        f"promoted {truth['winner']}, previous {truth['previous']}; every rejection names"
        " the rule it breaks"
    )
    return ctx.check("review record", not wrong, message, weight=1)


def grade(ctx):
    truth = json.loads((ctx.hidden / "truth.json").read_text())
    data, check = ctx.read_json("registry/production.json", "production.json readable")
    state = _state(data) if check.passed else None
    if state is None:
        reason = check.message if not check.passed else 'needs a "version" string'
        return ctx.fail("production.json readable", f"registry/production.json: {reason}")
    version, history = state
    promoted = version == truth["winner"]
    message = f"production serves {version}"
    if not promoted:
        role = truth["roles"].get(version, "not a candidate")
        message += f" ({role}); the policy picks {truth['winner']}"
    expected_history = [*truth["history"], truth["previous"]]
    dated = _dated_today(data, days_back=1)
    checks = [
        check,
        ctx.check("policy winner promoted", promoted, message),
        ctx.check(
            "history kept",
            history == expected_history and dated,
            f"history {history}, expected {expected_history}"
            + ("; promoted_at is today's date" if dated else "; promoted_at is not today's date"),
            weight=1,
        ),
        _rollback(ctx, truth),
        _verdicts(ctx, truth),
        _record(ctx, truth),
    ]
    return ctx.grade(1.0 if promoted else 0.0, checks)
