"""Review the candidates against registry/POLICY.md and promote the winner, if any.

Writes promotion.json (a verdict and reasons per candidate) and updates
registry/production.json the way registry/README.md describes: the old version goes to
the end of `history`, so `rollback.sh` can restore it. Nothing under models/ is touched.
"""

import datetime
import json
from pathlib import Path

REGISTRY = Path("registry")
VALIDATION_SET = "val-2024-06"
MIN_AUC_GAIN, MAX_ECE_RISE, MAX_NEW_AUC_DROP, MAX_LATENCY = 0.005, 0.005, 0.01, 25.0
EPS = 1e-9  # the cards hold 4-decimal numbers; keep "at least 0.005" from failing on 0.00499999


def problems(card: dict, prod: dict) -> list[str]:
    """Every policy rule the candidate breaks (empty: it qualifies)."""
    val, base = card["metrics"]["validation"], prod["metrics"]["validation"]
    if val.get("dataset") != VALIDATION_SET:
        return [f"validated on {val.get('dataset')}, not {VALIDATION_SET}: not comparable"]
    found = []
    if val["auc"] - base["auc"] < MIN_AUC_GAIN - EPS:
        found.append(f"auc gain {val['auc'] - base['auc']:+.4f} below {MIN_AUC_GAIN}")
    if val["ece"] - base["ece"] > MAX_ECE_RISE + EPS:
        found.append(f"ece rises {val['ece'] - base['ece']:+.4f} (limit {MAX_ECE_RISE})")
    if base["auc_new_customers"] - val["auc_new_customers"] > MAX_NEW_AUC_DROP + EPS:
        drop = base["auc_new_customers"] - val["auc_new_customers"]
        found.append(f"new-customer auc drops {drop:.4f} (limit {MAX_NEW_AUC_DROP})")
    if card["latency_p95_ms"] > MAX_LATENCY + EPS:
        found.append(f"p95 latency {card['latency_p95_ms']} ms over {MAX_LATENCY}")
    return found


def main() -> None:
    production = json.loads((REGISTRY / "production.json").read_text())
    cards = {p.parent.name: json.loads(p.read_text()) for p in REGISTRY.glob("models/*/card.json")}
    prod_card = cards[production["version"]]
    assert prod_card["metrics"]["validation"]["dataset"] == VALIDATION_SET, "re-validate prod"
    verdicts = {}
    for version, card in sorted(cards.items()):
        if card["stage"] == "candidate" and version != production["version"]:
            found = problems(card, prod_card)
            verdicts[version] = {"eligible": not found, "reasons": found or ["meets the policy"]}
    eligible = [v for v, verdict in verdicts.items() if verdict["eligible"]]
    winner = max(eligible, key=lambda v: cards[v]["metrics"]["validation"]["auc"], default=None)

    report = {"promoted": winner, "previous": production["version"], "candidates": verdicts}
    Path("promotion.json").write_text(json.dumps(report, indent=2))
    if winner:
        production = {
            **production,
            "version": winner,
            "promoted_at": datetime.date.today().isoformat(),
            "history": [*production["history"], production["version"]],
        }
        (REGISTRY / "production.json").write_text(json.dumps(production, indent=2))
    print(f"promoted {winner}" if winner else "no candidate qualifies; production unchanged")


if __name__ == "__main__":
    main()
