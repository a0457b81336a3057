"""Where trials run: the local thread pool (default) or a Ray cluster (`--executor ray`).

Either way the driver process stays the single writer of the run folder: an executor
only hands back finished records (and, on Ray, each trial's files), which the runner
appends exactly as it does for local trials.
"""

EXECUTORS = ("local", "ray")
