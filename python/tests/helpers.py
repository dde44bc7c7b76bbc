"""Small scenarios shared by the Python tests (fast enough for every test)."""


def small_cluster(duration="10m", pods=4, cpu="500m", scheduler_config=None, name="small"):
    """Two 4-CPU nodes n1, n2 in zones z1, z2 and a few pods, as a dict."""
    nodes = [{"inline": {"apiVersion": "v1", "kind": "Node",
                         "metadata": {"name": f"n{i}", "labels": {"topology.kubernetes.io/zone": f"z{i}"}},
                         "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}} for i in (1, 2)]
    workload = {"count": pods, "template": {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p-{{i}}", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27",
                                 "resources": {"requests": {"cpu": cpu, "memory": "1Gi"}}}]}}}
    spec = {"seed": 3, "duration": duration, "objects": nodes + [workload]}
    if scheduler_config is not None:
        spec["scheduler"] = {"config": scheduler_config}
    return {"apiVersion": "kubesim.io/v1alpha1", "kind": "Scenario", "metadata": {"name": name}, "spec": spec}


def config_enabling(*plugins, point="multiPoint"):
    """A KubeSchedulerConfiguration enabling `plugins` [(name, weight)] at `point`."""
    enabled = [{"name": n, "weight": w} if w else {"name": n} for n, w in plugins]
    return {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
            "profiles": [{"schedulerName": "default-scheduler", "plugins": {point: {"enabled": enabled}}}]}
