"""etcd's failures from Python (docs/control-plane.md): Result.etcd and Result.failed_actions, and
overrides of spec.etcd."""
import pathlib

import pytest

import kubesim

ROOT = pathlib.Path(__file__).resolve().parents[2]
QUORUM_LOSS = ROOT / "scenarios" / "control-plane" / "quorum-loss.yaml"


def test_quorum_loss_tables():
    r = kubesim.run(QUORUM_LOSS)
    assert r.etcd["members"] == 3
    assert r.etcd["seconds_without_quorum"] == pytest.approx(120)
    assert r.etcd["leader_changes"] == 1
    assert r.etcd["failed_writes"] > 0
    assert list(r.failed_actions.columns) == ["at", "object", "reason", "message"]
    assert r.failed_actions.to_dict("records") == [{
        "at": pytest.approx(97.0, abs=0.1), "object": "Deployment/default/api", "reason": "FailedUpdate",
        "message": "etcdserver: request timed out"}]
    assert (r.pods["phase"] == "Running").sum() == 16


def test_leader_election_table():
    # Without quorum the leases cannot be renewed: both components stop 10 s in and come back
    # once new processes can take their leases, 15 s after they first read them.
    r = kubesim.run(QUORUM_LOSS)
    assert list(r.leader_election.columns) == ["component", "leader_changes", "seconds_without_leader"]
    assert list(r.leader_election["component"]) == ["kube-controller-manager", "kube-scheduler"]
    assert (r.leader_election["leader_changes"] == 1).all()
    assert r.leader_election["seconds_without_leader"].between(125, 145).all()
    healthy = kubesim.run(ROOT / "scenarios" / "quickstart.yaml")
    assert (healthy.leader_election["leader_changes"] == 0).all()
    assert (healthy.leader_election["seconds_without_leader"] == 0).all()


def test_client_rate_limit_override_reaches_the_controller_manager():
    # A Deployment's pods are created by the ReplicaSet controller through its own clientset.
    rollout = ROOT / "scenarios" / "control-plane" / "leader-loss-rollout.yaml"
    base = kubesim.run(rollout)
    slow = kubesim.run(rollout, overrides={"controllerManager.clientConnection": {"qps": 1, "burst": 1}})
    assert slow.pods["created"].sum() > base.pods["created"].sum() + 10


def test_a_healthy_etcd_reports_no_failures():
    r = kubesim.run(ROOT / "scenarios" / "quickstart.yaml")
    assert r.etcd["leader_changes"] == 0 and r.etcd["failed_writes"] == 0
    # The quickstart's delete of web-0 at 15m fails when preemption took the pod first (the file
    # says so): a failed action, as `kubectl delete` of a missing pod.
    assert r.failed_actions.to_dict("records") == [
        {"at": pytest.approx(900.01, abs=0.01), "object": "Pod/default/web-0", "reason": "FailedDelete",
         "message": 'pods "web-0" not found'}]


def test_overrides_reach_etcd():
    # Five members: two down still leave a quorum, so nothing fails and no leader is lost.
    r = kubesim.run(QUORUM_LOSS, overrides={"etcd.members": 5})
    assert r.etcd["members"] == 5
    assert r.etcd["seconds_without_quorum"] == 0
    assert r.etcd["leader_changes"] == 0
    assert r.failed_actions.empty


def test_bad_etcd_setting_is_a_located_error():
    with pytest.raises(kubesim.ScenarioError, match=r"spec\.etcd\.members: Invalid value: must be between 1 and 7"):
        kubesim.run(QUORUM_LOSS, overrides={"etcd.members": 9})


def test_nospace_tables():
    r = kubesim.run(ROOT / "scenarios" / "control-plane" / "nospace.yaml")
    assert r.etcd["quota_backend_bytes"] == 8 * 1024 * 1024
    assert r.etcd["nospace_alarms"] == 2
    assert not r.etcd["nospace_alarm_active"]
    loads = r.apiserver_load
    assert list(loads.columns) == ["at", "verb", "resource", "sent", "200", "201", "500"]
    assert loads["verb"].tolist() == ["create", "delete"]
    flood, cleanup = loads.iloc[0], loads.iloc[1]
    assert flood["sent"] == 800 and flood["201"] + flood["500"] == 800
    assert cleanup["200"] == flood["201"]
    db = r.metrics.set_index("time")["etcd_mvcc_db_total_size_in_bytes"]
    assert db.max() < 8 * 1024 * 1024 + 100 * 1024
    assert db.loc[110.0] < 1024 * 1024  # after the defrag
    # A smaller quota fills sooner: fewer ConfigMaps fit.
    small = kubesim.run(ROOT / "scenarios" / "control-plane" / "nospace.yaml",
                        overrides={"etcd.quotaBackendBytes": "4Mi"})
    assert small.apiserver_load.iloc[0]["201"] < flood["201"] / 1.5


def test_apiserver_overload_tables():
    r = kubesim.run(ROOT / "scenarios" / "control-plane" / "apiserver-overload.yaml")
    assert r.apiserver["max_requests_inflight"] == 20
    assert r.apiserver["throttled_total"] > 0
    assert r.apiserver["rejected_by_priority_level"]["workload-high"] == 0
    assert r.apiserver["rejected_by_priority_level"]["global-default"] > 0
    rejected = r.metrics["apiserver_flowcontrol_rejected_requests_total"]
    assert rejected.iloc[0] == 0 and rejected.iloc[-1] == r.apiserver["throttled_total"]
    # The default limits (600 seats) take the same load without a single 429.
    roomy = kubesim.run(ROOT / "scenarios" / "control-plane" / "apiserver-overload.yaml",
                        overrides={"apiServer.maxRequestsInflight": 400, "apiServer.maxMutatingRequestsInflight": 200})
    assert roomy.apiserver["throttled_total"] == 0
    assert roomy.apiserver_load.iloc[0]["201"] == 90000


def test_api_server_replicas_from_an_override():
    # Golden (c) stops its only API server for 20 s: the scale sent meanwhile fails and both
    # leaders lose their leases. With three replicas the same timeline stops one of them, and
    # the processes on it move to the others.
    outage = ROOT / "scenarios" / "control-plane" / "apiserver-outage.yaml"
    one = kubesim.run(outage)
    three = kubesim.run(outage, overrides={"apiServer.replicas": 3})
    assert one.apiserver["replicas"] == 1 and len(one.apiserver["requests_by_replica"]) == 1
    assert len(one.failed_actions) == 1
    assert (one.leader_election["leader_changes"] == 1).all()
    assert three.apiserver["replicas"] == 3
    assert all(n > 0 for n in three.apiserver["requests_by_replica"])
    assert three.failed_actions.empty
    assert (three.leader_election["leader_changes"] == 0).all()
    assert three.summary["watch_relists_total"] < one.summary["watch_relists_total"]
    with pytest.raises(kubesim.ScenarioError, match=r"spec\.apiServer\.replicas: Invalid value: 0: must be between 1 and 16"):
        kubesim.run(outage, overrides={"apiServer.replicas": 0})


def test_live_actions_know_the_scenarios_replicas_and_members():
    # A live act() is checked against the scenario's own spec.apiServer and spec.etcd, as the
    # timeline's actions are.
    sim = kubesim.Simulation(ROOT / "scenarios" / "control-plane" / "apiserver-replicas.yaml")
    sim.run_until("30s")
    sim.act({"apiserverDown": {"replica": 2, "duration": "10s"}})
    with pytest.raises(kubesim.ScenarioError, match=r"spec\.apiServer has 3 replicas, numbered 0 to 2"):
        sim.act({"apiserverDown": {"replica": 3}})
    with pytest.raises(kubesim.ScenarioError, match=r"spec\.etcd has 3 members"):
        sim.act({"etcdMemberDown": {"member": 3}})
    sim.run()
    assert sim.result().failed_actions.empty
