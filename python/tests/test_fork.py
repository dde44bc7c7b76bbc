"""Simulation.fork(): an independent copy at the same instant, by deterministic replay."""
import pathlib

import pandas.testing as pdt
import pytest

import kubesim
from helpers import small_cluster

ROOT = pathlib.Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"


def test_fork_then_both_to_the_end_equals_an_unforked_run():
    unforked = kubesim.run(QUICKSTART)
    sim = kubesim.Simulation(QUICKSTART)
    sim.run_until("7m")
    fork = sim.fork()
    assert fork.now_ns == sim.now_ns and fork.fingerprint == sim.fingerprint
    pdt.assert_frame_equal(fork.result().pods, sim.result().pods)
    fork.run()
    sim.run()
    assert fork.fingerprint == sim.fingerprint == unforked.fingerprint
    pdt.assert_frame_equal(fork.result().events, unforked.events)


def test_fork_replays_steps_applies_and_acts():
    sim = kubesim.Simulation(small_cluster())
    for _ in range(25):
        sim.step()
    sim.run_until("1m")
    sim.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "late"},
               "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}})
    sim.act({"stopKubelet": {"node": "n1"}})
    for _ in range(3):
        sim.step()
    with pytest.raises(kubesim.ScenarioError):
        sim.act({"stopKubelet": {"node": "n9"}})  # rejected: not part of the history
    fork = sim.fork()
    assert (fork.now_ns, fork.fingerprint) == (sim.now_ns, sim.fingerprint)
    assert fork.get("Pod", "default", "late") == sim.get("Pod", "default", "late")
    fork.run()
    sim.run()
    assert fork.fingerprint == sim.fingerprint


def test_diverging_fork_leaves_the_original_alone():
    unforked = kubesim.run(small_cluster())
    sim = kubesim.Simulation(small_cluster())
    sim.run_until("1m")
    fork = sim.fork()
    fork.act({"delete": {"kind": "Pod", "name": "p-0"}})
    fork.act({"stopKubelet": {"node": "n2"}})
    fork.run()
    sim.run()
    assert sim.fingerprint == unforked.fingerprint
    assert fork.fingerprint != sim.fingerprint
    # In the fork p-0 is deleted (or still terminating if its node stopped before confirming).
    assert "deletionTimestamp" not in sim.get("Pod", "default", "p-0")["metadata"]
    gone = fork.get("Pod", "default", "p-0")
    assert gone is None or "deletionTimestamp" in gone["metadata"]
    ready = {c["type"]: c["status"] for c in fork.get("Node", "n2")["status"]["conditions"]}
    assert ready["Ready"] == "Unknown"
    # A fork of a fork carries the whole history.
    again = sim.fork()
    assert again.fingerprint == sim.fingerprint and again.now == sim.now == sim.end
