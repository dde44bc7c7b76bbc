"""spec.workloads from Python: generated arrivals follow seed=, not only spec.seed (docs/scenarios.md)."""
import kubesim


def generator_scenario():
    node = {"inline": {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n0"},
                       "status": {"capacity": {"cpu": "64", "memory": "256Gi", "pods": "110"}}}}
    gen = {"name": "gen", "arrivals": {"poisson": {"rate": "6/m"}}, "lifetime": "2m",
           "template": {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "c", "image": "busybox"}]}},
           "resources": {"cpu": {"median": "200m", "sigma": 0.5}}}
    return {"apiVersion": "kubesim.io/v1alpha1", "kind": "Scenario", "metadata": {"name": "gen"},
            "spec": {"seed": 3, "duration": "20m", "objects": [node], "workloads": [gen]}}


def generated(result):
    pods = result.pods[result.pods["name"].str.startswith("gen-")]
    return list(zip(pods["name"], pods["created"]))


def test_generated_pods_follow_the_run_seed():
    sc = generator_scenario()
    a, b, c = kubesim.run(sc, seed=1), kubesim.run(sc, seed=1), kubesim.run(sc, seed=2)
    assert generated(a) == generated(b)
    assert generated(a) != generated(c)
    # 6/m for 20 minutes: 120 expected; ±5 sd (≈ 11) is [65, 175].
    assert 65 <= len(generated(a)) <= 175
    # Without seed=, spec.seed (3) decides, and it differs from seed 1's pods.
    assert generated(kubesim.run(sc)) == generated(kubesim.run(sc, seed=3))
    assert generated(kubesim.run(sc)) != generated(a)
