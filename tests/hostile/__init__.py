"""Hostile deliverables for every task: finished oracle workspaces (`oracle`), the ways an
agent's file can be broken or weaponised (`variants`), and grading a broken workspace the
way a trial does (`grading`). Used by tests/adversarial/test_hostile_deliverables.py."""
