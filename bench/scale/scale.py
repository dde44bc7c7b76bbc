#!/usr/bin/env python3
"""Scale runs of whole clusters: generate a scenario per size, run it, measure, plot.

The shape is Kubernetes' own scalability test (SIG Scalability's "load" test and the
documented limits, kubernetes.io/docs/setup/best-practices/cluster-large): N nodes in three
zones, pods from Deployments of `--replicas` replicas each, `--pods-per-node` pods per node in
all, for `--duration` of simulated time, every component running.

    bench/scale/scale.py --nodes 100 300 1000 --csv build/scale/curve.csv --plot docs/scale-curve.svg
    bench/scale/scale.py --nodes 5000 --pods-per-node 30 --replicas 100 --duration 1h   # the limit
    bench/scale/scale.py --nodes 1000 --namespaces 4 ...   # few large namespaces instead of one each
    bench/scale/scale.py --nodes 5000 --zone-outage 10m   # a zone of three lost at 10 min
    bench/scale/scale.py --nodes 100 --write-only build/scale   # just the scenario files

Each point reports CPU seconds (user + system of the kubesim process), wall seconds, peak RSS,
events and events per CPU second, from the process's rusage and summary.json. Cost should grow
linearly with the cluster: the plot shows CPU seconds per node against nodes (flat is linear).
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def scenario(nodes, pods_per_node, replicas, namespaces, duration, seed, zone_outage=None):
    pods = nodes * pods_per_node
    deployments = max(1, pods // replicas)
    # One namespace per Deployment (namespaces == 0), or that many namespaces shared round robin.
    ns = "ns-{{i}}" if namespaces == 0 else None
    lines = [
        "apiVersion: kubesim.io/v1alpha1",
        "kind: Scenario",
        f"metadata: {{name: scale-{nodes}}}",
        "spec:",
        f"  seed: {seed}",
        f"  duration: {duration}",
        "  output: {interval: 1m}",
        # Kubernetes' own scalability jobs raise kube-controller-manager's and kube-scheduler's
        # client limits from 20/30 and 50/100 to --kube-api-qps=100 --kube-api-burst=100
        # (kubernetes/test-infra config/jobs/kubernetes/sig-scalability, CONTROLLER_MANAGER_TEST_ARGS
        # and SCHEDULER_TEST_ARGS).
        "  controllerManager: {clientConnection: {qps: 100, burst: 100}}",
        "  scheduler:",
        "    config: {apiVersion: kubescheduler.config.k8s.io/v1, kind: KubeSchedulerConfiguration,",
        "             clientConnection: {qps: 100, burst: 100}}",
        "  nodePools:",
        f"    - {{name: node, count: {nodes}, zones: [zone-a, zone-b, zone-c],",
        '       capacity: {cpu: "16", memory: 64Gi, pods: "110"}}',
        "  objects:",
    ]
    groups = [(deployments, ns)] if namespaces == 0 else []
    if namespaces > 0:
        # Deployments spread over `namespaces` namespaces: per namespace, a count block.
        per = [deployments // namespaces + (1 if i < deployments % namespaces else 0) for i in range(namespaces)]
        groups = [(n, f"big-{i}") for i, n in enumerate(per) if n > 0]
    for gi, (count, namespace) in enumerate(groups):
        name = "d-{{i}}" if namespaces == 0 else f"d{gi}-{{{{i}}}}"
        lines += [
            f"    - count: {count}",
            "      template:",
            "        apiVersion: apps/v1",
            "        kind: Deployment",
            f"        metadata: {{name: \"{name}\", namespace: \"{namespace}\"}}",
            "        spec:",
            f"          replicas: {replicas}",
            f"          selector: {{matchLabels: {{app: \"{name}\"}}}}",
            "          template:",
            f"            metadata: {{labels: {{app: \"{name}\"}}}}",
            "            spec:",
            "              containers:",
            '                - {name: c, image: "registry.k8s.io/pause:3.10",',
            '                   resources: {requests: {cpu: 100m, memory: 128Mi}}}',
        ]
    if zone_outage:
        # Every kubelet of one zone of three stops: the node lifecycle controller's zone states,
        # NoExecute taints, evictions and replacements in the two zones left, at full scale.
        lines += ["  timeline:", f"    - at: {zone_outage}", "      stopKubelet: {zone: zone-a}"]
    return "\n".join(lines) + "\n"


def measure(binary, path, out_dir):
    # The child's own rusage (os.wait4), so no /usr/bin/time is needed: CPU = user + system
    # seconds of the kubesim process, peak RSS its ru_maxrss (KiB on Linux).
    cmd = [binary, "run", path, "--out", out_dir, "--quiet"]
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = p.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(p.pid, 0)
    wall_s = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: expectations failed, still a run
        sys.exit(f"kubesim failed ({code}) on {path}:\n{stderr[-2000:]}")
    cpu_s = usage.ru_utime + usage.ru_stime
    rss_mib = usage.ru_maxrss / 1024
    with open(os.path.join(out_dir, "summary.json")) as f:
        summary = json.load(f)
    events = summary.get("events_processed", 0)
    return {"cpu_s": round(cpu_s, 2), "wall_s": round(wall_s, 2), "rss_mib": round(rss_mib),
            "events": events, "events_per_cpu_s": round(events / cpu_s) if cpu_s > 0 else 0,
            "pods": summary.get("pods", {}).get("total", summary.get("pods_total", 0))}


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    nodes = [r["nodes"] for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    a.loglog(nodes, [r["cpu_s"] for r in rows], "o-", label="kubesim")
    base = rows[0]
    a.loglog(nodes, [base["cpu_s"] * n / base["nodes"] for n in nodes], "--", color="grey", label="linear")
    a.set_xlabel("nodes")
    a.set_ylabel("CPU seconds")
    a.set_title("Cost of a run")
    a.legend()
    b.semilogx(nodes, [1000 * r["cpu_s"] / r["nodes"] for r in rows], "o-", label="CPU ms per node")
    b.semilogx(nodes, [r["rss_mib"] * 1024 / r["nodes"] for r in rows], "s-", label="peak KiB per node")
    b.set_xlabel("nodes")
    b.set_title("Per node (flat = linear)")
    b.legend()
    fig.tight_layout()
    fig.savefig(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, nargs="+", default=[100, 300, 1000, 3000, 10000])
    ap.add_argument("--pods-per-node", type=int, default=10)
    ap.add_argument("--replicas", type=int, default=100, help="replicas per Deployment")
    ap.add_argument("--namespaces", type=int, default=0, help="0: one namespace per Deployment")
    ap.add_argument("--duration", default="30m")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--zone-outage", metavar="AT", help="stop every kubelet of zone-a at this time (e.g. 10m)")
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "kubesim"))
    ap.add_argument("--csv", help="write the table here")
    ap.add_argument("--plot", help="write the plot here (.svg or .png)")
    ap.add_argument("--write-only", metavar="DIR", help="only write the scenarios into DIR")
    ap.add_argument("--work", metavar="DIR", help="scenarios and outputs go here (default: a new temp folder)")
    args = ap.parse_args()

    rows = []
    work = args.write_only or args.work or tempfile.mkdtemp(prefix="kubesim-scale-")
    os.makedirs(work, exist_ok=True)
    for n in args.nodes:
        path = os.path.join(work, f"scale-{n}.yaml")
        with open(path, "w") as f:
            f.write(scenario(n, args.pods_per_node, args.replicas, args.namespaces, args.duration, args.seed,
                             args.zone_outage))
        if args.write_only:
            print(path)
            continue
        row = {"nodes": n, "pods": n * args.pods_per_node, **measure(args.binary, path, os.path.join(work, f"out-{n}"))}
        rows.append(row)
        print(f"{n:>7} nodes {row['pods']:>9} pods: {row['cpu_s']:>8.2f} s CPU {row['wall_s']:>8.2f} s wall "
              f"{row['rss_mib']:>7} MiB {row['events']:>11} events {row['events_per_cpu_s']:>9} ev/CPU-s", flush=True)
    if rows and args.csv:
        os.makedirs(os.path.dirname(os.path.abspath(args.csv)), exist_ok=True)
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    if len(rows) > 1 and args.plot:
        plot(rows, args.plot)
    if len(rows) > 1:
        r0, r1 = rows[0], rows[-1]
        growth = (r1["cpu_s"] / r0["cpu_s"]) / (r1["nodes"] / r0["nodes"])
        print(f"cost grew {growth:.2f}x faster than nodes from {r0['nodes']} to {r1['nodes']}")


if __name__ == "__main__":
    main()
