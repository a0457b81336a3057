"""The KubeRay example matches what the Ray executor expects of a cluster."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_the_raycluster_manifest_parses_and_fits_the_executor():
    manifest = yaml.safe_load((ROOT / "deploy" / "kuberay" / "raycluster.yaml").read_text())
    assert manifest["apiVersion"] == "ray.io/v1" and manifest["kind"] == "RayCluster"
    spec = manifest["spec"]
    import ray

    assert spec["rayVersion"] == ray.__version__  # the version the lock pins
    assert spec["headGroupSpec"]["rayStartParams"]["num-cpus"] == "0"  # trials go to workers
    [workers] = spec["workerGroupSpecs"]
    pod = workers["template"]["spec"]
    assert pod["securityContext"]["seccompProfile"]["type"] == "Unconfined"  # bubblewrap
    [container] = pod["containers"]
    cpus = int(workers["rayStartParams"]["num-cpus"])
    assert int(container["resources"]["limits"]["cpu"]) == cpus
    images = {container["image"]} | {
        c["image"] for c in spec["headGroupSpec"]["template"]["spec"]["containers"]
    }
    assert len(images) == 1  # head and workers must run the same mlskills
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert "/dev/shm" in mounts
