"""A real two-node Ray cluster on this machine (ray.cluster_utils), for executor tests."""

from __future__ import annotations

import pytest

ray = pytest.importorskip(
    "ray", reason="the Ray executor needs the ray extra (pip install -e '.[ray]')"
)
from ray.cluster_utils import Cluster  # noqa: E402

NODE_CPUS = 2


def start_cluster(nodes: int = 2) -> Cluster:
    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": NODE_CPUS, "include_dashboard": False},
    )
    for _ in range(nodes - 1):
        cluster.add_node(num_cpus=NODE_CPUS)
    cluster.wait_for_nodes()
    return cluster


@pytest.fixture(scope="module")
def cluster():
    """Shared by the tests of a module that leave the cluster as they found it."""
    started = start_cluster()
    yield started
    if ray.is_initialized():
        ray.shutdown()
    started.shutdown()
