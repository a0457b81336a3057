"""Trigger evals: does a coding agent pick the right skill or subagent for what users type?

A case is a realistic request labelled with the pack items that should load (or none). A
session shows the request to an agent with the pack available and stops at the agent's
first tool call, which says whether (and which) skill or subagent was chosen; the agent
never does the work, so a case costs one or two model turns. Metrics per pack item are
recall on its positives and the false-trigger rate on every other case, with intervals
that treat cases as clusters of repeats.
"""
