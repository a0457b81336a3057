"""Model registry: a production model, two archived ones and six candidates to review.

Each candidate plays one role, shuffled over the version names by the seed: the policy's
winner; a runner-up that also qualifies; the best test AUC (gain below the margin); the
best training AUC (worse on validation); three that beat the winner on validation AUC but
each break one guardrail (calibration, new-customer AUC, latency), so every guardrail is
tested on every seed and skipping any one promotes the wrong model; and a model with even
better numbers measured on last quarter's validation set, which the policy says do not
count.
"""

import json
from pathlib import Path

import numpy as np

CURRENT, OLD = "val-2024-06", "val-2024-03"
ROLES = ["winner", "runner_up", "best_test", "best_train", "guard_ece", "guard_new",
         "guard_latency", "old_valset"]  # fmt: skip
ALGORITHMS = ["gradient_boosting", "logistic_regression", "random_forest", "mlp"]
MIN_AUC_GAIN, MAX_ECE_RISE, MAX_NEW_AUC_DROP, MAX_LATENCY = 0.005, 0.005, 0.01, 25.0  # POLICY.md


def _card(version, stage, day, rng, val_set, auc, ece, new_auc, latency, train, test):
    return {
        "version": version,
        "stage": stage,
        "trained_at": f"2024-{day}",
        "algorithm": str(rng.choice(ALGORITHMS)),
        "metrics": {
            "train": {"auc": round(train, 4)},
            "validation": {"dataset": val_set, "auc": round(auc, 4), "ece": round(ece, 4),
                           "auc_new_customers": round(new_auc, 4)},
            "test": {"dataset": "test-2024-06", "auc": round(test, 4)},
        },
        "latency_p95_ms": round(latency, 1),
    }  # fmt: skip


def _candidates(rng: np.random.Generator, prod: dict) -> dict[str, dict]:
    """Metrics per role, as offsets from production (auc, ece, new_auc, latency, train, test)."""
    u = rng.uniform
    auc, ece, new, lat = prod["auc"], prod["ece"], prod["new"], prod["latency"]
    ok = lambda: {"ece": ece + u(-0.003, 0.002), "new": new + u(-0.004, 0.008),  # noqa: E731
                  "latency": lat + u(-3, 6)}  # fmt: skip
    roles = {
        "winner": {"auc": auc + u(0.010, 0.013), **ok(), "test": auc + u(0.004, 0.008)},
        "runner_up": {"auc": auc + u(0.006, 0.008), **ok(), "test": auc + u(0.002, 0.006)},
        "best_test": {"auc": auc + u(0.000, 0.003), **ok(), "test": auc + u(0.016, 0.020)},
        "best_train": {"auc": auc - u(0.005, 0.015), **ok(), "test": auc - u(0.0, 0.01)},
        "old_valset": {"auc": auc + u(0.022, 0.030), **ok(), "test": auc + u(0.003, 0.008)},
    }
    broken = {"ece": ece + u(0.012, 0.02), "new": new - u(0.02, 0.04), "latency": u(32, 45)}
    for rule, value in broken.items():
        roles[f"guard_{rule}"] = {"auc": auc + u(0.015, 0.020), **ok(), rule: value,
                                  "test": auc + u(0.005, 0.010)}  # fmt: skip
    for name, r in roles.items():
        r["train"] = r["auc"] + (u(0.12, 0.14) if name == "best_train" else u(0.02, 0.06))
    roles["runner_up"].update(_on_the_limits(prod))
    return roles


def _on_the_limits(prod: dict) -> dict:
    """Runner-up metrics exactly on every limit of the policy, which it still meets ("at
    least", "at most"). `prod` holds 4-decimal values for which plain float subtraction of
    the cards' numbers lands on the wrong side of each limit (0.8312 - 0.8262 is
    0.004999...), so a review that compares raw float differences rejects it."""
    return {
        "auc": round(prod["auc"] + MIN_AUC_GAIN, 4),
        "ece": round(prod["ece"] + MAX_ECE_RISE, 4),
        "new": round(prod["new"] - MAX_NEW_AUC_DROP, 4),
        "latency": MAX_LATENCY,
    }


def _float_trap(value: float, limit: float, rule: str) -> float:
    """The 4-decimal value nearest `value` for which a card exactly `limit` away from it
    (above for a "gain" or a "rise", below for a "drop") differs from it, in plain float
    subtraction, by just under the limit for a gain and just over it otherwise."""
    sign = -1 if rule == "drop" else 1
    for step in range(400):
        for base in (round(value + step * 1e-4, 4), round(value - step * 1e-4, 4)):
            difference = (round(base + sign * limit, 4) - base) * sign
            if (difference < limit) if rule == "gain" else (difference > limit):
                return base
    raise ValueError(f"no float trap near {value}")


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(5100 + seed)
    models = public_dir / "registry" / "models"
    prod = {"auc": rng.uniform(0.80, 0.84), "ece": rng.uniform(0.015, 0.03),
            "latency": rng.uniform(8, 15)}  # fmt: skip
    prod["new"] = prod["auc"] - rng.uniform(0.02, 0.05)
    # Production's numbers sit where a float difference misreads the runner-up's limits.
    prod["auc"] = _float_trap(prod["auc"], MIN_AUC_GAIN, "gain")
    prod["ece"] = _float_trap(prod["ece"], MAX_ECE_RISE, "rise")
    prod["new"] = _float_trap(prod["new"], MAX_NEW_AUC_DROP, "drop")

    cards = {
        "v1": _card("v1", "archived", "01-15", rng, "val-2023-12", prod["auc"] - 0.03,
                    0.03, prod["new"] - 0.03, 9.0, prod["auc"] + 0.02, prod["auc"] - 0.03),
        "v2": _card("v2", "archived", "03-04", rng, OLD, prod["auc"] - 0.012, 0.025,
                    prod["new"] - 0.01, 10.0, prod["auc"] + 0.03, prod["auc"] - 0.01),
        "v3": _card("v3", "production", "04-28", rng, CURRENT, prod["auc"], prod["ece"],
                    prod["new"], prod["latency"], prod["auc"] + 0.04, prod["auc"] + 0.002),
    }  # fmt: skip
    roles = _candidates(rng, prod)
    names = [f"v{i}" for i in range(4, 4 + len(ROLES))]
    role_of = dict(zip(names, rng.permutation(ROLES), strict=True))
    for day, (version, role) in enumerate(role_of.items(), start=10):
        r = roles[role]
        val_set = OLD if role == "old_valset" else CURRENT
        cards[version] = _card(version, "candidate", f"06-{day}", rng, val_set, r["auc"],
                               r["ece"], r["new"], r["latency"], r["train"], r["test"])  # fmt: skip
    for version, card in cards.items():
        (models / version).mkdir(parents=True)
        (models / version / "card.json").write_text(json.dumps(card, indent=2))
        weights = {"kind": "logistic", "coef": rng.normal(0, 1, 12).round(5).tolist(),
                   "intercept": round(float(rng.normal(-2, 0.3)), 5)}  # fmt: skip
        (models / version / "model.json").write_text(json.dumps(weights))
    production = {"version": "v3", "promoted_at": "2024-05-02", "history": ["v1", "v2"]}
    (public_dir / "registry" / "production.json").write_text(json.dumps(production, indent=2))

    winner = next(v for v, r in role_of.items() if r == "winner")
    eligible = {v: r in ("winner", "runner_up") for v, r in role_of.items()}
    truth = {"winner": winner, "previous": "v3", "history": ["v1", "v2"], "eligible": eligible,
             "roles": role_of}  # fmt: skip
    (hidden_dir / "truth.json").write_text(json.dumps(truth, indent=2))
