"""The Python module: kubesim.run, Result DataFrames, errors, live Simulations (docs/python.md)."""
import json
import os
import pathlib
import subprocess

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import kubesim

ROOT = pathlib.Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"
KUBESIM = os.environ.get("KUBESIM_BINARY", str(ROOT / "build" / "kubesim"))

# pods: the C++ table of pods.csv's columns (models/report/pod_columns.h), its types as dtypes.
POD_COLUMNS = {name: {"string": "object", "seconds": "float64", "integer": "int64"}[kind]
               for name, kind, _ in kubesim.POD_COLUMNS}
EVENT_COLUMNS = {"time": "float64", "type": "object", "reason": "object", "object": "object", "message": "object",
                 "source": "object"}
NODE_COLUMNS = {
    "name": "object", "zone": "object", "ready": "bool", "unschedulable": "bool", "capacity_milli_cpu": "int64",
    "capacity_memory": "int64", "capacity_pods": "int64", "allocatable_milli_cpu": "int64",
    "allocatable_memory": "int64", "allocatable_pods": "int64", "requested_milli_cpu": "int64",
    "requested_memory": "int64", "pods": "int64",
}


def small_cluster(duration="10m", pods=4):
    """Two nodes and a few pods, as a dict: fast enough for every live test."""
    nodes = [{"inline": {"apiVersion": "v1", "kind": "Node",
                         "metadata": {"name": f"n{i}", "labels": {"topology.kubernetes.io/zone": f"z{i}"}},
                         "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}} for i in (1, 2)]
    workload = {"count": pods, "template": {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p-{{i}}", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27",
                                 "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}]}}}
    return {"apiVersion": "kubesim.io/v1alpha1", "kind": "Scenario", "metadata": {"name": "small"},
            "spec": {"seed": 3, "duration": duration, "objects": nodes + [workload]}}


@pytest.fixture(scope="module")
def quickstart():
    return kubesim.run(QUICKSTART)


@pytest.fixture(scope="module")
def cli_quickstart(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    res = subprocess.run([KUBESIM, "run", str(QUICKSTART), "--out", str(out), "--quiet"], capture_output=True,
                         text=True, check=False)
    assert res.returncode == 0, res.stderr
    return out


def test_result_columns_and_dtypes(quickstart):
    for frame, expected in ((quickstart.pods, POD_COLUMNS), (quickstart.events, EVENT_COLUMNS),
                            (quickstart.nodes, NODE_COLUMNS)):
        assert list(frame.columns) == list(expected)
        assert {c: str(t) for c, t in frame.dtypes.items()} == expected
    assert len(quickstart.pods) == quickstart.summary["pods"]["total"]
    assert len(quickstart.nodes) == quickstart.summary["nodes"]["total"] == 7
    # The quickstart's three expectations, as summary.json has them.
    assert quickstart.verdict == "pass"
    assert quickstart.verdicts == quickstart.summary["verdicts"]
    assert [v["passed"] for v in quickstart.verdicts] == [True, True, True]
    assert set(quickstart.verdicts[0]) == {"name", "expression", "passed", "observed", "message", "source"}
    assert quickstart.pods["created"].notna().all()
    assert quickstart.events["time"].is_monotonic_increasing


def test_nodes_frame_adds_up(quickstart):
    nodes = quickstart.nodes.set_index("name")
    assert nodes.loc["gpu-0", "capacity_milli_cpu"] == 16000
    assert nodes.loc["node-a0", "allocatable_memory"] == 16 * 2**30
    assert nodes.loc["gpu-0", "zone"] == "eu-west-a"
    assert (nodes["requested_milli_cpu"] <= nodes["allocatable_milli_cpu"]).all()
    live = quickstart.pods[quickstart.pods["deleted"].isna() & quickstart.pods["phase"].isin(["Pending", "Running"])]
    assert nodes["pods"].sum() == (live["node"] != "").sum()


def test_run_matches_the_cli(quickstart, cli_quickstart):
    summary = json.loads((cli_quickstart / "summary.json").read_text())
    assert quickstart.fingerprint == summary["fingerprint"]
    assert quickstart.summary == summary
    csv = pd.read_csv(cli_quickstart / "pods.csv", keep_default_na=False, float_precision="round_trip",
                      na_values={c: [""] for c in ("created", "scheduled", "running", "finished", "deleted")})
    pdt.assert_frame_equal(quickstart.pods, csv, check_dtype=False)
    events = pd.read_json(cli_quickstart / "events.jsonl", lines=True, dtype=False, precise_float=True)
    for column in ("type", "reason", "object", "message", "source"):
        assert list(events[column]) == list(quickstart.events[column])
    np.testing.assert_allclose(events["time"].to_numpy(), quickstart.events["time"].to_numpy(), rtol=0, atol=1e-9)


def test_equal_inputs_give_equal_frames(quickstart):
    again = kubesim.run(str(QUICKSTART))
    for name in ("pods", "events", "nodes"):
        pdt.assert_frame_equal(getattr(quickstart, name), getattr(again, name))
    assert again.summary == quickstart.summary
    other = kubesim.run(QUICKSTART, seed=7)
    assert other.fingerprint != quickstart.fingerprint and other.summary["seed"] == 7


def test_scenario_as_string_and_dict_and_overrides():
    text = QUICKSTART.read_text()
    assert kubesim.run(text, until="5m").fingerprint == kubesim.run(QUICKSTART, until=300).fingerprint
    small = small_cluster()
    r = kubesim.run(small)
    assert r.summary["pods"]["scheduled"] == 4 and r.summary["simulated_seconds"] == 600
    r2 = kubesim.run(small, overrides={"seed": 9, "duration": "2m", "scheduler.percentageOfNodesToScore": 50,
                                       "objects.2.count": 6})
    assert r2.summary["seed"] == 9 and r2.summary["simulated_seconds"] == 120 and r2.summary["pods"]["total"] == 6


def test_errors_carry_the_cli_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nspec:\n  duration: 5x\n")
    cli = subprocess.run([KUBESIM, "run", str(bad), "--out", str(tmp_path / "o")], capture_output=True, text=True,
                         check=False)
    assert cli.returncode == 2
    with pytest.raises(kubesim.ScenarioError) as e:
        kubesim.run(bad)
    assert str(e.value) == cli.stderr.strip()
    assert isinstance(e.value, ValueError)
    with pytest.raises(kubesim.ScenarioError, match=r"^<string>:4:13: spec.duration: invalid duration"):
        kubesim.run(bad.read_text())
    with pytest.raises(kubesim.ScenarioError, match=r"^<dict>:\d+:\d+: spec.duration: invalid duration"):
        kubesim.run({**small_cluster(), "spec": {**small_cluster()["spec"], "duration": "5x"}})
    with pytest.raises(kubesim.ScenarioError, match=r"^<overrides>:2:1: spec.duration: invalid duration"):
        kubesim.run(small_cluster(), overrides={"seed": 1, "duration": "5x"})
    with pytest.raises(kubesim.ScenarioError, match=r'^<overrides>:1:1: spec.scheduler.nope: unknown field "nope"'):
        kubesim.run(small_cluster(), overrides={"scheduler.nope": 1})
    with pytest.raises(kubesim.ScenarioError, match=r"^<overrides>:1:1: spec.seed: cannot set \"x\": not a mapping"):
        kubesim.run(small_cluster(), overrides={"seed.x": 1})
    with pytest.raises(kubesim.ScenarioError, match=r"scenario file does not exist"):
        kubesim.run(tmp_path / "missing.yaml")
    with pytest.raises(kubesim.ScenarioError, match=r"^until: "):
        kubesim.run(small_cluster(), until="soon")


def test_run_until_in_steps_gives_the_cli_fingerprint(quickstart):
    sim = kubesim.Simulation(QUICKSTART)
    assert sim.now == 0 and sim.end == 1800
    sim.run_until("7m")
    assert sim.now == 420
    middle = sim.fingerprint
    sim.run_until(1800)
    assert sim.fingerprint == quickstart.fingerprint != middle
    pdt.assert_frame_equal(sim.result().pods, quickstart.pods)
    assert sim.step() is False
    with pytest.raises(kubesim.ScenarioError, match="before the simulation's time"):
        sim.run_until("1m")


def test_step_runs_one_event_at_a_time():
    sim = kubesim.Simulation(small_cluster())
    assert sim.step() is True
    events = sim.result().summary["events_processed"]
    assert events == 1
    while sim.step():
        pass
    assert sim.fingerprint == kubesim.run(small_cluster()).fingerprint


def test_get_and_list_are_kubernetes_shaped():
    sim = kubesim.Simulation(small_cluster())
    sim.run_until("3m")
    node = sim.get("Node", "n1")
    assert node["apiVersion"] == "v1" and node["kind"] == "Node" and node["metadata"]["name"] == "n1"
    assert node["status"]["capacity"]["cpu"] == "4"
    ready = {c["type"]: c["status"] for c in node["status"]["conditions"]}
    assert ready["Ready"] == "True"
    pod = sim.get("Pod", "default", "p-0")
    assert pod["metadata"]["namespace"] == "default" and pod["metadata"]["labels"] == {"app": "web"}
    assert pod["spec"]["nodeName"] in ("n1", "n2")
    assert pod["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "500m", "memory": "1Gi"}
    assert pod["status"]["phase"] == "Running"
    assert {c["type"] for c in pod["status"]["conditions"]} >= {"PodScheduled", "Ready"}
    assert sim.get("Pod", "default", "nope") is None
    pods = sim.list("Pod")
    assert [p["metadata"]["name"] for p in pods] == ["p-0", "p-1", "p-2", "p-3"]
    assert len(sim.list("Pod", selector={"app": "web"})) == 4
    assert sim.list("Pod", selector="app!=web") == []
    assert [n["metadata"]["name"] for n in sim.list("Node")] == ["n1", "n2"]


def test_pod_columns_are_pods_csv_columns_in_order(quickstart):
    assert [c[0] for c in kubesim.POD_COLUMNS][:3] == ["namespace", "name", "node"]
    assert list(quickstart.pods.columns) == [c[0] for c in kubesim.POD_COLUMNS]
    assert all(kind in ("string", "seconds", "integer") and meaning for _, kind, meaning in kubesim.POD_COLUMNS)


def _labelled_pods():
    """Three pods labelled differently: web (app=web, tier=front), api (app=api), bare (no labels)."""
    cluster = small_cluster()
    labels = {"web": {"app": "web", "tier": "front"}, "api": {"app": "api"}, "bare": {}}
    nodes = cluster["spec"]["objects"][:2]
    cluster["spec"]["objects"] = nodes + [
        {"inline": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": lab},
                    "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}} for name, lab in labels.items()]
    sim = kubesim.Simulation(cluster)
    sim.run_until("1m")
    return sim


@pytest.mark.parametrize("selector, names", [
    ("app in (web,api)", ["api", "web"]),
    ("app in (web)", ["web"]),
    ("app notin (web)", ["api", "bare"]),        # notin holds without the key
    ("!app", ["bare"]),
    ("app", ["api", "web"]),
    ("tier", ["web"]),
    ("app!=web", ["api", "bare"]),               # != holds without the key, as upstream's
    ("app=web", ["web"]),
    ("app==api", ["api"]),
    ("app in (web,api),!tier", ["api"]),
    (" app notin ( api ) , !tier ", ["bare"]),
    ("", ["api", "bare", "web"]),
    ({"app": "web", "tier": "front"}, ["web"]),
    ({}, ["api", "bare", "web"]),
])
def test_list_selectors_are_parsed_as_upstream(selector, names):
    sim = _labelled_pods()
    assert [p["metadata"]["name"] for p in sim.list("Pod", selector=selector)] == names


@pytest.mark.parametrize("selector, message", [
    ("app in (web", "unable to parse requirement: found '', expected: ',' or ')'"),
    ("app in web", "unable to parse requirement: found 'web' expected: '('"),
    ("app=web,", "found '', expected: identifier after ','"),
    ("app=a=b", "found '=', expected: ',' or 'end of string'"),
    ("app=-web", 'unable to parse requirement: values[0][app]: Invalid value: "-web": a valid label must be'),
    ("Bad_/x", 'unable to parse requirement: <nil>: Invalid value: "Bad_/x": prefix part a lowercase RFC 1123'),
    ("replicas>1", "\"gt\" isn't supported in label selectors"),
])
def test_list_rejects_a_malformed_selector_with_the_cpp_message(selector, message):
    sim = kubesim.Simulation(small_cluster(pods=1))
    with pytest.raises(ValueError) as e:
        sim.list("Pod", selector=selector)
    assert str(e.value).startswith(message)
    assert [n["metadata"]["name"] for n in sim.list("Node")] == ["n1", "n2"]


def test_apply_creates_a_pod_that_gets_scheduled_and_updates_it():
    sim = kubesim.Simulation(small_cluster())
    sim.run_until("1m")
    sim.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "late"},
               "spec": {"containers": [{"name": "c", "image": "nginx:1.27",
                                        "resources": {"requests": {"cpu": "1"}}}]}})
    sim.run_until("2m")
    late = sim.get("Pod", "default", "late")
    assert late["spec"]["nodeName"] in ("n1", "n2") and late["status"]["phase"] == "Running"
    sim.apply("apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {tier: gold}}\n"
              "status: {capacity: {cpu: '4', memory: 8Gi, pods: '110'}}\n")
    sim.run_until("3m")
    labels = sim.get("Node", "n1")["metadata"]["labels"]
    assert labels["tier"] == "gold" and "topology.kubernetes.io/zone" not in labels
    r = sim.result()
    assert "late" in set(r.pods["name"]) and r.pods.set_index("name").loc["late", "scheduled"] > 60
    assert (r.events["reason"] == "TimelineAction").sum() == 2
    with pytest.raises(kubesim.ScenarioError, match=r"^<manifest>:"):
        sim.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"}, "spec": {"containers": []}})


def test_act_stop_kubelet_makes_the_node_unknown():
    sim = kubesim.Simulation(small_cluster())
    sim.run_until("1m")
    sim.act({"stopKubelet": {"node": "n1"}})
    sim.run_until("1m30s")
    assert {c["type"]: c["status"] for c in sim.get("Node", "n1")["status"]["conditions"]}["Ready"] == "True"
    sim.run_until("3m")  # past nodeMonitorGracePeriod (50s) after the last heartbeat
    assert {c["type"]: c["status"] for c in sim.get("Node", "n1")["status"]["conditions"]}["Ready"] == "Unknown"
    assert {c["type"]: c["status"] for c in sim.get("Node", "n2")["status"]["conditions"]}["Ready"] == "True"
    assert not sim.result().nodes.set_index("name").loc["n1", "ready"]
    with pytest.raises(kubesim.ScenarioError, match=r'^<action>:\d+:\d+: stopKubelet.node: Not found: no Node "n9"'):
        sim.act({"stopKubelet": {"node": "n9"}})
    with pytest.raises(kubesim.ScenarioError, match=r'unknown field "explode"'):
        sim.act({"explode": {}})


def test_runs_in_threads_equal_sequential_runs():
    import threading
    fingerprints = {}

    def go(seed):
        fingerprints[seed] = kubesim.run(small_cluster(), seed=seed).fingerprint

    threads = [threading.Thread(target=go, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fingerprints == {seed: kubesim.run(small_cluster(), seed=seed).fingerprint for seed in range(4)}
    assert len(set(fingerprints.values())) == 4
