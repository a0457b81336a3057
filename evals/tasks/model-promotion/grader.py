"""Registry state after the review, and a rollback run twice in a sandbox.

- metric (weight 2): production.json serves the version the policy picks (1) or not (0);
- history kept (1): the replaced version was appended to `history`, nothing else changed;
- rollback works (2): `bash rollback.sh` run on a copy of the workspace restores the
  replaced version, and run again steps back once more (a rollback that only knows this
  promotion, or that cannot find the old version, fails), with models/ left intact;
- verdicts (1): promotion.json says for every candidate whether it qualifies.
Model folders are protected files, so editing or deleting one is a failed gate.
"""

import json

MODELS = "registry/models"
ROLLBACK = (
    "bash rollback.sh > .grader_rb.log 2>&1 && cp registry/production.json .grader_rb1.json"
    " && bash rollback.sh >> .grader_rb.log 2>&1 && cp registry/production.json .grader_rb2.json"
)


def _state(data) -> tuple | None:
    """(version, history) from a production.json document (history None if absent)."""
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        return None
    history = data.get("history")
    return data["version"], history if isinstance(history, list) else None


def _rollback(ctx, truth: dict):
    if not ctx.is_file("rollback.sh"):
        return ctx.check("rollback works", False, "rollback.sh not found", weight=2)
    run = ctx.exec(ROLLBACK, timeout=60)
    if run.result.exit_code != 0:
        why = "timed out" if run.result.timed_out else f"failed (exit {run.result.exit_code})"
        return ctx.check("rollback works", False, f"bash rollback.sh {why}", weight=2)
    first = _state(run.read_json(".grader_rb1.json", "rb").value)
    second = _state(run.read_json(".grader_rb2.json", "rb").value)
    history = truth["history"]
    want_first = (truth["previous"], history)
    want_second = (history[-1], history[:-1])
    # Digests never follow a link (as root, reading through an agent's link could hang on
    # /proc/kmsg or leak host files); a tree that cannot be digested is not intact.
    after, before = run.tree_digest(MODELS), ctx.tree_digest(MODELS)
    intact = after.ok and before.ok and after.value == before.value
    ok = first == want_first and second == want_second and intact
    if ok:
        message = f"rolled back to {want_first[0]}, then to {want_second[0]}"
    elif not intact:
        message = "rollback changed or deleted files under registry/models/"
    else:
        message = (
            f"after one rollback: {first or 'malformed'}, expected {want_first}; "
            f"after two: {second or 'malformed'}, expected {want_second}"
        )
    return ctx.check("rollback works", ok, message, weight=2)


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
    checks = [
        check,
        ctx.check("policy winner promoted", promoted, message),
        ctx.check(
            "history kept",
            history == expected_history,
            f"history {history}, expected {expected_history}",
            weight=1,
        ),
        _rollback(ctx, truth),
        _verdicts(ctx, truth),
    ]
    return ctx.grade(1.0 if promoted else 0.0, checks)
