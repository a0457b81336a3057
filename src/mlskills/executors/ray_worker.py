"""What runs on a Ray worker: a node probe, one trial, and the cluster-wide API gate.

A trial runs exactly as it does locally (`run_trial`), into a run folder that is private
to the worker; its record and its files (size-capped) go back to the driver, which is
the only writer of the real run folder.
"""

from __future__ import annotations

import socket
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlskills import api_gate, paths, tasks
from mlskills.executors.fingerprint import harness_digest, unpack_tree
from mlskills.records import RunDir
from mlskills.schema import Arm, Limits
from mlskills.trial import TrialPlan, run_trial

STOP_POLL = 0.5  # seconds between a running trial's looks at the run's stop flag
MAX_FILE_BYTES = 16 << 20  # one trial file sent back (transcripts are the big ones)
MAX_TRIAL_BYTES = 64 << 20  # all of one trial's files
CUT_NOTE = "\n[cut by the ray executor: the file was larger than {limit} bytes]\n"


class HarnessMismatch(RuntimeError):
    """This node runs another mlskills than the driver."""


@dataclass
class TrialJob:
    """One trial as the driver describes it to a worker: names and numbers, no paths."""

    task_id: str
    arm: str
    epoch: int
    seed: int
    limits: dict[str, Any]
    config: dict[str, Any]  # the run's RunConfig as a dict
    harness: str
    evals: str | None  # digest of the shipped evals; None: the bundled evals


def probe_node(driver_harness: str, sandbox_kind: str) -> dict[str, Any]:
    """Facts about this node: can it sandbox, and does it run the driver's harness?"""
    import ray

    ok, reason = True, "the local sandbox needs nothing"
    if sandbox_kind == "bwrap":
        from mlskills.sandbox.bwrap import probe

        ok, reason = probe()
    return {
        "node_id": ray.get_runtime_context().get_node_id(),
        "host": socket.gethostname(),
        "harness": harness_digest(),
        "harness_matches": harness_digest() == driver_harness,
        "sandbox_ok": ok,
        "sandbox_reason": reason,
    }


def run_job(
    job: TrialJob, evals_tar: bytes | None, gate: Any = None, stop: Any = None
) -> dict[str, Any]:
    """Run one trial here; return its record, its files and where it ran.

    `stop` is the run's StopFlag actor: once the driver sets it (Ctrl-C), the trial's
    sandboxes are killed, as the local runner kills them."""
    import ray

    if harness_digest() != job.harness:
        raise HarnessMismatch(
            f"node {socket.gethostname()} runs mlskills {harness_digest()}, the driver "
            f"{job.harness}: install the same version on every node"
        )
    from mlskills.runner import RunConfig, make_env  # the worker side of the runner

    config = RunConfig.from_dict(job.config)
    evals = None
    if evals_tar is not None and job.evals:
        evals = unpack_tree(evals_tar, job.evals, paths.default_cache_dir() / "ray-evals")
    config.evals = str(evals) if evals else None
    config.cache_dir = str(paths.default_cache_dir())  # this node's own prepared data
    config.scratch_dir = None  # the driver's scratch path means nothing here
    api_gate.install(ActorGate(gate) if gate is not None else None)
    task = tasks.find_task(job.task_id, evals)
    plan = TrialPlan(task, Arm.parse(job.arm), job.epoch, job.seed, Limits(**job.limits))
    with tempfile.TemporaryDirectory(prefix="mlskills-ray-") as folder:
        env = make_env(RunDir(Path(folder)), config)
        finished = threading.Event()
        if stop is not None:
            watch = threading.Thread(
                target=_stop_when_told, args=(stop, env, finished), daemon=True, name="stop"
            )
            watch.start()
        try:
            record = run_trial(plan, env)
        finally:
            finished.set()
        files = collect_files(Path(folder) / plan.key.relpath)
    return {
        "record": record.to_dict(),
        "files": files,
        "node_id": ray.get_runtime_context().get_node_id(),
        "host": socket.gethostname(),
    }


def collect_files(folder: Path) -> dict[str, bytes]:
    """The trial folder's files by relative path, each and all capped (cut files say so)."""
    out: dict[str, bytes] = {}
    total = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            data = data[:MAX_FILE_BYTES] + CUT_NOTE.format(limit=MAX_FILE_BYTES).encode()
        if total + len(data) > MAX_TRIAL_BYTES:
            out[str(path.relative_to(folder)) + ".omitted"] = b"over the trial's size cap\n"
            continue
        out[str(path.relative_to(folder))] = data
        total += len(data)
    return out


class StopFlag:
    """The run's stop signal (a Ray actor): the driver sets it on Ctrl-C, running trials
    poll it. The driver never calls ray.cancel: in Ray 2.60 a cancel, forced or not,
    can race the reply of a trial finishing at that moment and abort the driver ("Tried to
    complete task that was not pending", CI 2026-12-08)."""

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set


def _stop_when_told(flag: Any, env: Any, finished: threading.Event) -> None:
    """Kill the trial's sandboxes once `flag` is set; give up when the run is gone."""
    import ray

    while not finished.wait(STOP_POLL):
        try:
            told = ray.get(flag.is_set.remote(), timeout=10 * STOP_POLL)
        except ray.exceptions.GetTimeoutError:  # the actor still starting, or busy
            continue
        except Exception:  # the driver's job ended: Ray ends this worker next
            return
        if told:
            env.stop.set()
            env.abort_all()
            return


class ApiSlots:
    """The cluster-wide counter behind `--api-concurrency` (a Ray actor)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0

    def try_acquire(self) -> bool:
        if self.used >= self.limit:
            return False
        self.used += 1
        return True

    def release(self) -> None:
        self.used = max(0, self.used - 1)


class ActorGate:
    """An `api_gate.Gate` over the ApiSlots actor: waits politely for a free slot."""

    POLL = 0.05

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self._wake = threading.Event()

    def acquire(self) -> None:
        import ray

        while not ray.get(self.actor.try_acquire.remote()):
            self._wake.wait(self.POLL)

    def release(self) -> None:
        import ray

        ray.get(self.actor.release.remote())
