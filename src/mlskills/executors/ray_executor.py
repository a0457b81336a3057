"""`--executor ray`: each trial is a Ray task, packed onto nodes by the task's resources.

Before anything runs, every alive node is probed: it must run the driver's mlskills
(hash of its source) and, for a bwrap run, be able to start bubblewrap; a mismatch
refuses the run, and nodes that cannot sandbox take no trials (none: the run refuses).
The evals the driver uses are shipped once through the object store and checked by hash
on each node. Workers return records and files; this process appends them, so the run
folder has one writer as with the local executor. A lost node's trial is retried once by
Ray, then recorded as `error` (resumable), never lost and never recorded twice.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mlskills import paths
from mlskills.errors import MlskillsError
from mlskills.executors.fingerprint import harness_digest, pack_tree, tree_digest
from mlskills.executors.ray_worker import ApiSlots, StopFlag, TrialJob, probe_node, run_job
from mlskills.records import RunDir
from mlskills.schema import TrialRecord
from mlskills.trial import TrialPlan

MiB = 1 << 20
WAIT = 0.5  # seconds between checks for finished trials (Ctrl-C is noticed this fast)
STOP_GRACE = 5.0  # seconds after Ctrl-C for running trials to kill their sandboxes
RETRIES = 1  # Ray re-runs a trial whose worker or node died, once
PROBE_TIMEOUT = 300  # seconds for one node's probe (a cold node imports mlskills first)


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise MlskillsError(
            "--executor ray needs Ray on this machine and every node: pip install 'mlskills[ray]'"
        ) from exc
    return ray


class RayExecutor:
    """Runs a run's trials on a Ray cluster; the caller owns the run folder."""

    def __init__(self, address: str | None, sandbox_kind: str, api_concurrency: int | None):
        self.ray = _ray()
        self.address = address
        self.sandbox_kind = sandbox_kind
        self.api_concurrency = api_concurrency
        self.harness = harness_digest()
        self.nodes: list[dict[str, Any]] = []
        self.lost: list[dict[str, str]] = []  # nodes that died while being probed

    def connect(self) -> None:
        ray = self.ray
        if not ray.is_initialized():
            try:
                ray.init(address=self.address, log_to_driver=False, configure_logging=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = self.address or "RAY_ADDRESS or a new local instance"
                raise MlskillsError(f"cannot reach a Ray cluster at {where}: {exc}") from exc
        self.nodes = self.probe([n["NodeID"] for n in ray.nodes() if n.get("Alive")])

    def probe(self, node_ids: list[str]) -> list[dict[str, Any]]:
        """Probe these nodes; refuse a harness mismatch or a cluster that cannot sandbox.

        A node can die between `ray.nodes()` listing it and its probe being placed (the
        control store notices a death seconds late), or not answer at all: such a node is
        named on stderr and in `self.lost`, and takes no trials; the run goes on if another
        node can sandbox.
        """
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        ray = self.ray
        probe = ray.remote(num_cpus=0, max_retries=0)(probe_node)
        refs = {
            node: probe.options(
                scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False)
            ).remote(self.harness, self.sandbox_kind)
            for node in node_ids
        }
        facts, self.lost = [], []
        for node, ref in refs.items():
            try:
                facts.append(ray.get(ref, timeout=PROBE_TIMEOUT))
            except self._node_gone as exc:
                ray.cancel(ref)  # a probe that timed out must not linger
                why = f"{type(exc).__name__}: {str(exc)[:200]}"
                self.lost.append({"node_id": node, "reason": why})
                print(
                    f"mlskills: warning: Ray node {node} was lost while being probed; it "
                    f"takes no trials ({why})",
                    file=sys.stderr,
                )
        wrong = [f for f in facts if not f["harness_matches"]]
        if wrong:
            listed = ", ".join(f"{f['host']} ({f['harness']})" for f in wrong)
            raise MlskillsError(
                f"these Ray nodes run another mlskills than this driver ({self.harness}): "
                f"{listed}; install the same version everywhere"
            )
        if not any(f["sandbox_ok"] for f in facts):
            reasons = "; ".join(f"{f['host']}: {f['sandbox_reason']}" for f in facts)
            lost = f"; {len(self.lost)} lost while being probed" if self.lost else ""
            raise MlskillsError(
                f"no Ray node can start the {self.sandbox_kind} sandbox ({reasons or 'none'}"
                f"{lost}); install bubblewrap on the workers, or pass --sandbox local knowingly"
            )
        return facts

    @property
    def _node_gone(self) -> tuple[type[Exception], ...]:
        """What `ray.get` raises for a probe whose node died, vanished or never answered."""
        errors = self.ray.exceptions
        return (
            errors.TaskUnschedulableError,
            errors.NodeDiedError,
            errors.WorkerCrashedError,
            errors.GetTimeoutError,
        )

    @property
    def usable(self) -> list[str]:
        return [f["node_id"] for f in self.nodes if f["sandbox_ok"]]

    def _options(self, plan: TrialPlan) -> dict[str, Any]:
        res = plan.task.resources
        options: dict[str, Any] = {
            "num_cpus": res.cpus,
            "memory": res.memory_mb * MiB,
            "max_retries": RETRIES,
            "retry_exceptions": False,
        }
        if res.gpus:
            options["num_gpus"] = res.gpus
        if self.lost or len(self.usable) < len(self.nodes):  # only on nodes that passed
            options["label_selector"] = {"ray.io/node-id": f"in({','.join(self.usable)})"}
        return options

    def run(
        self,
        run: RunDir,
        config_dict: dict[str, Any],
        evals: Path | None,
        plans: list[TrialPlan],
        on_record: Any,
    ) -> tuple[list[TrialRecord], bool]:
        """Submit every plan, append records as they finish; (records, interrupted)."""
        ray = self.ray
        root = evals or paths.evals_dir()
        evals_digest = tree_digest(root)
        evals_ref = ray.put(pack_tree(root))
        gate = None
        if self.api_concurrency:
            gate = ray.remote(num_cpus=0)(ApiSlots).remote(self.api_concurrency)
        stop = ray.remote(num_cpus=0)(StopFlag).remote()
        remote = ray.remote(run_job)
        pending: dict[Any, TrialPlan] = {}
        for plan in plans:
            job = TrialJob(
                plan.task.id,
                _arm_text(plan),
                plan.epoch,
                plan.seed,
                asdict(plan.limits),
                config_dict,
                self.harness,
                evals_digest,
            )
            ref = remote.options(**self._options(plan)).remote(job, evals_ref, gate, stop)
            pending[ref] = plan
        records: list[TrialRecord] = []
        try:
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1, timeout=WAIT)
                for ref in done:
                    record = self._collect(run, pending.pop(ref), ref, config_dict["agent"])
                    run.append(record)
                    records.append(record)
                    on_record(record)
        except KeyboardInterrupt:
            # No ray.cancel (see StopFlag): running trials see the flag within a poll and
            # kill their sandboxes; what they return is not recorded, as with the local
            # runner. close() then ends the job, and Ray ends the workers still running.
            stop.set.remote()
            if pending:
                ray.wait(list(pending), num_returns=len(pending), timeout=STOP_GRACE)
            return records, True
        return records, False

    def _collect(self, run: RunDir, plan: TrialPlan, ref: Any, agent: str) -> TrialRecord:
        """The finished trial's record (its files written here), or an `error` record."""
        try:
            result = self.ray.get(ref)
        except Exception as exc:  # a lost node or worker, after Ray's retry
            return _lost(plan, agent, exc)
        folder = run.trial_dir(plan.key)
        for relpath, data in result["files"].items():
            target = (folder / relpath).resolve()
            if folder.resolve() not in target.parents:
                continue  # a worker names files inside its trial folder only
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        where = {"node_id": result["node_id"], "host": result["host"]}
        (folder / "ray.json").write_text(json.dumps(where) + "\n")
        return TrialRecord.from_dict(result["record"])

    def close(self) -> None:
        if self.ray.is_initialized():
            self.ray.shutdown()


def _arm_text(plan: TrialPlan) -> str:
    arm = plan.arm
    if arm.skills and arm.name not in ("pack", "plugin"):
        return f"{arm.name}={','.join(arm.skills)}"
    return arm.name


def _lost(plan: TrialPlan, agent: str, exc: Exception) -> TrialRecord:
    why = f"the trial's Ray worker was lost: {type(exc).__name__}: {str(exc)[:300]}"
    return plan.blank_record(agent, error=why)
