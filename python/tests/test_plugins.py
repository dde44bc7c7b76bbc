"""Scheduler plugins written in Python: kubesim.register_plugin (docs/python.md)."""
import pytest

import kubesim
from helpers import config_enabling, small_cluster


@pytest.fixture
def registered():
    """Names registered by a test, removed afterwards so tests do not see each other's plugins."""
    names = []
    yield names
    for n in names:
        kubesim.unregister_plugin(n)


def placement(result):
    return dict(zip(result.pods["name"], result.pods["node"]))


def test_score_plugin_changes_placement(registered):
    calls = []

    def prefer_n2(pod, node):
        calls.append((pod["metadata"]["name"], node["metadata"]["name"]))
        return 100 if node["metadata"]["name"] == "n2" else 0

    registered.append(kubesim.register_plugin("PreferN2", score=prefer_n2))
    assert "PreferN2" in kubesim.plugins()
    default = kubesim.run(small_cluster())
    assert set(placement(default).values()) == {"n1", "n2"}  # the default scores spread the pods
    r = kubesim.run(small_cluster(scheduler_config=config_enabling(("PreferN2", 50))))
    assert set(placement(r).values()) == {"n2"}
    assert r.summary["pods"]["scheduled"] == 4
    # Called once per pod and feasible node, with Kubernetes-shaped objects.
    assert sorted(calls) == sorted((f"p-{i}", n) for i in range(4) for n in ("n1", "n2"))
    # Deterministic: the same run again gives the same fingerprint.
    again = kubesim.run(small_cluster(scheduler_config=config_enabling(("PreferN2", 50))))
    assert again.fingerprint == r.fingerprint != default.fingerprint


def test_filter_plugin_excludes_nodes_and_reasons_reach_the_pods(registered):
    @kubesim.plugin("NotZoneOne", point="filter")
    def not_zone_one(pod, node):
        return node["metadata"]["labels"].get("topology.kubernetes.io/zone") != "z1"

    registered.append("NotZoneOne")
    r = kubesim.run(small_cluster(scheduler_config=config_enabling(("NotZoneOne", None))))
    assert set(placement(r).values()) == {"n2"}

    registered.append(kubesim.register_plugin("NoNodes", filter=lambda pod, node: "no room for " + node["metadata"]["name"]))
    r = kubesim.run(small_cluster(scheduler_config=config_enabling(("NoNodes", None))))
    assert r.summary["pods"]["scheduled"] == 0 and set(r.pods["node"]) == {""}
    assert r.pods["last_failure"].str.contains("no room for n1").all()


def test_node_info_gives_requested_resources(registered):
    import numpy as np
    seen = {}

    def most_requested(pod, node, info):
        seen[node["metadata"]["name"]] = info
        # Bin packing: the node with the most requested CPU scores highest (a numpy integer is fine).
        return np.int64(min(100, info["requested"]["cpu"] * 100 // max(1, info["allocatable"]["cpu"])))

    registered.append(kubesim.register_plugin("MostRequestedCpu", score=most_requested))
    r = kubesim.run(small_cluster(pods=6, scheduler_config=config_enabling(("MostRequestedCpu", 100))))
    assert r.summary["pods"]["scheduled"] == 6
    assert placement(r)["p-0"] in ("n1", "n2")
    assert len(set(placement(r).values())) == 1  # packed onto one node (6 × 500m fit in 4 CPUs)
    assert seen["n1"]["allocatable"]["cpu"] == 4000 and "memory" in seen["n1"]["requested"]


def test_python_exception_fails_the_run_with_plugin_error(registered):
    def broken(pod, node):
        raise ValueError("boom in plugin")

    registered.append(kubesim.register_plugin("Broken", score=broken))
    with pytest.raises(kubesim.PluginError) as e:
        kubesim.run(small_cluster(scheduler_config=config_enabling(("Broken", 1))))
    message = str(e.value)
    assert "plugin Broken: Score of pod default/p-" in message
    assert "ValueError: boom in plugin" in message and "Traceback" in message
    assert isinstance(e.value, RuntimeError)

    registered.append(kubesim.register_plugin("Float", score=lambda pod, node: 1.5))
    with pytest.raises(kubesim.PluginError, match=r"Score of pod default/p-\d on node n\d returned a float"):
        kubesim.run(small_cluster(scheduler_config=config_enabling(("Float", 1))))

    registered.append(kubesim.register_plugin("OutOfRange", score=lambda pod, node: 101))
    sim = kubesim.Simulation(small_cluster(scheduler_config=config_enabling(("OutOfRange", 1))))
    with pytest.raises(kubesim.PluginError, match=r"returned 101, outside \[0, 100\]"):
        sim.run_until("1m")
    # The simulation stays usable; its pods failed scheduling with the framework's Error status.
    sim.run()
    pods = sim.result().pods
    assert (pods["node"] == "").all()
    # The process is fine: a later run with a working plugin succeeds.
    registered.append(kubesim.register_plugin("Broken", score=lambda pod, node: 0))
    assert kubesim.run(small_cluster(scheduler_config=config_enabling(("Broken", 1)))).summary["pods"]["scheduled"] == 4


def test_registration_errors(registered):
    with pytest.raises(kubesim.ScenarioError, match="built-in plugin"):
        kubesim.register_plugin("NodeResourcesFit", score=lambda pod, node: 0)
    with pytest.raises(kubesim.ScenarioError, match="needs a filter or a score"):
        kubesim.register_plugin("Nothing")
    with pytest.raises(TypeError):
        kubesim.register_plugin("BadArity", score=lambda pod: 0)
    with pytest.raises(kubesim.ScenarioError, match=r'plugin "NotRegistered" does not exist'):
        kubesim.run(small_cluster(scheduler_config=config_enabling(("NotRegistered", 1))))
    assert kubesim.unregister_plugin("NotRegistered") is False


def test_a_fork_keeps_the_plugins_of_its_simulation(registered):
    registered.append(kubesim.register_plugin("PreferN1", score=lambda pod, node: 100 * (node["metadata"]["name"] == "n1")))
    sim = kubesim.Simulation(small_cluster(pods=6, scheduler_config=config_enabling(("PreferN1", 50))))
    sim.run_until("5s")
    kubesim.unregister_plugin("PreferN1")  # later loads no longer see it; this simulation and its forks do
    fork = sim.fork()
    sim.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "late"},
               "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "resources": {"requests": {"cpu": "100m"}}}]}})
    fork.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "late"},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "resources": {"requests": {"cpu": "100m"}}}]}})
    sim.run()
    fork.run()
    assert fork.fingerprint == sim.fingerprint
    assert set(sim.result().pods["node"]) == {"n1"}
    with pytest.raises(kubesim.ScenarioError, match="does not exist"):
        kubesim.Simulation(small_cluster(scheduler_config=config_enabling(("PreferN1", 50))))
