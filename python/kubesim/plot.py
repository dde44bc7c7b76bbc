"""Plots of a kubesim.Result with matplotlib (docs/python.md, "Plots").

    import kubesim, kubesim.plot
    r = kubesim.run("scenarios/quickstart.yaml")
    kubesim.plot.pending_pods(r).figure.savefig("pending.png")

Every function takes a Result and an optional matplotlib Axes (a new figure when None) and returns
the Axes. They need no display (they work under the Agg backend). Where the sampled metrics table
has the series they prefer it; where it is empty they derive the series from the pods table, so
they are meaningful for every run.
"""
import numpy as np

__all__ = ["pending_pods", "utilisation_heatmap", "latency_cdf", "timeline", "pending_series",
           "bound_pods_series"]


def _axes(ax, figsize=(8, 4)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    _, ax = plt.subplots(figsize=figsize)
    return ax


def _end(result):
    return float(result.summary.get("simulated_seconds", 0.0))


def pending_series(result):
    """(times, counts): pods created and not yet bound nor deleted, as a step function of time.

    Derived from the pods table: a pod is pending from `created` until the first of `scheduled` and
    `deleted` (pods created with spec.nodeName are never pending).
    """
    pods = result.pods
    created = pods["created"].to_numpy(dtype=float)
    left = np.fmin(pods["scheduled"].to_numpy(dtype=float), pods["deleted"].to_numpy(dtype=float))
    ok = ~np.isnan(created)
    created, left = created[ok], left[ok]
    times = np.concatenate([created, left[~np.isnan(left)]])
    deltas = np.concatenate([np.ones(len(created)), -np.ones(int((~np.isnan(left)).sum()))])
    order = np.lexsort((deltas, times))  # at equal times, leave before enter: no spurious spikes
    times, counts = times[order], np.cumsum(deltas[order])
    times = np.concatenate([[0.0], times, [max(_end(result), times[-1] if len(times) else 0.0)]])
    counts = np.concatenate([[0.0], counts, [counts[-1] if len(counts) else 0.0]])
    return times, counts


def pending_pods(result, ax=None):
    """Pending pods over time: the scheduler_pending_pods{queue=...} metric columns when sampled,
    else the pods table's created → bound interval (pending_series)."""
    ax = _axes(ax)
    metrics = result.metrics
    queues = [c for c in metrics.columns if c.startswith("scheduler_pending_pods")]
    if len(metrics) and queues:
        for c in queues:
            ax.step(metrics["time"], metrics[c], where="post", label=c)
        ax.legend(fontsize="small")
        source = "metrics"
    else:
        t, n = pending_series(result)
        ax.step(t, n, where="post", label="pending (from pods table)")
        source = "pods table"
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("pending pods")
    ax.set_title(f"Pending pods — {result.summary.get('scenario', '')} ({source})")
    ax.set_xlim(0, max(_end(result), 1.0))
    ax.set_ylim(bottom=0)
    return ax


def bound_pods_series(result, samples=120):
    """(times, node names, matrix[node][time]): pods bound to each node and not yet finished or
    deleted, sampled at `samples` evenly spaced times, from the pods table."""
    pods = result.pods
    end = max(_end(result), 1.0)
    times = np.linspace(0.0, end, samples)
    names = sorted(set(result.nodes["name"]) | set(n for n in pods["node"] if n))
    index = {n: i for i, n in enumerate(names)}
    matrix = np.zeros((len(names), samples))
    start = pods["scheduled"].to_numpy(dtype=float)
    stop = np.fmin(pods["finished"].to_numpy(dtype=float), pods["deleted"].to_numpy(dtype=float))
    stop = np.where(np.isnan(stop), np.inf, stop)
    for node, s, e in zip(pods["node"], start, stop):
        if not node or np.isnan(s):
            continue
        matrix[index[node]] += (times >= s) & (times < e)
    return times, names, matrix


def utilisation_heatmap(result, ax=None, resource="cpu"):
    """Nodes × time heatmap: requested/allocatable of `resource` from node_series when sampled, else
    the number of pods bound to each node (bound_pods_series)."""
    ax = _axes(ax, figsize=(9, 5))
    ns = result.node_series
    req, alloc = f"requested_{resource}", f"allocatable_{resource}"
    if len(ns) and req in ns.columns and alloc in ns.columns:
        frame = ns.assign(util=ns[req] / ns[alloc].where(ns[alloc] > 0))
        table = frame.pivot_table(index="node", columns="time", values="util", aggfunc="mean", sort=True)
        times, names, matrix = table.columns.to_numpy(dtype=float), list(table.index), table.to_numpy()
        label, vmax = f"{resource} requested / allocatable", 1.0
    else:
        times, names, matrix = bound_pods_series(result)
        label, vmax = "pods bound (from pods table)", None
    extent = [times[0] if len(times) else 0, times[-1] if len(times) else 1, len(names) - 0.5, -0.5]
    image = ax.imshow(matrix if len(names) else np.zeros((1, 1)), aspect="auto", interpolation="nearest",
                      extent=extent, vmin=0, vmax=vmax, cmap="viridis")
    ax.figure.colorbar(image, ax=ax, label=label)
    if len(names) <= 40:
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels(names, fontsize="small")
    else:
        ax.set_ylabel(f"{len(names)} nodes (by name)")
    ax.set_xlabel("simulated time (s)")
    ax.set_title(f"Node utilisation — {result.summary.get('scenario', '')}")
    return ax


def _ecdf(values):
    v = np.sort(np.asarray(values, dtype=float))
    v = v[~np.isnan(v)]
    return v, np.arange(1, len(v) + 1) / max(len(v), 1)


def latency_cdf(result, ax=None):
    """Empirical CDFs of scheduling latency (created → scheduled) and start-up latency
    (created → running) over the pods that reached those points."""
    ax = _axes(ax)
    pods = result.pods
    for column, label in (("scheduled", "scheduling (created → bound)"), ("running", "start-up (created → running)")):
        x, y = _ecdf(pods[column] - pods["created"])
        if len(x):
            ax.step(x, y, where="post", label=f"{label}, n={len(x)}")
    ax.set_xlabel("latency (simulated s)")
    ax.set_ylabel("fraction of pods")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize="small", loc="lower right")
    ax.set_title(f"Latency CDF — {result.summary.get('scenario', '')}")
    return ax


def timeline(result, ax=None):
    """Timeline actions (vertical lines) and, per failed node, when it failed, was marked Unknown,
    was tainted NoExecute, had pods evicted and was Ready again."""
    ax = _axes(ax, figsize=(10, 5))
    events = result.events
    actions = events[events["reason"] == "TimelineAction"]
    for t, message in zip(actions["time"], actions["message"]):
        ax.axvline(t, color="grey", linestyle=":", linewidth=1)
        # The action's own words ("stopKubelet node-b1", ...), along the line at the top.
        ax.annotate(message if len(message) <= 40 else message[:39] + "…", xy=(t, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(2, -4), textcoords="offset points",
                    rotation=90, va="top", ha="left", fontsize="x-small", color="dimgrey")
    failures = result.node_failures
    nodes = list(dict.fromkeys(failures["node"]))
    row = {n: i for i, n in enumerate(nodes)}
    marks = (("failed", "x", "tab:red", "failed"), ("unknown", "o", "tab:orange", "Ready → Unknown"),
             ("unreachable_no_execute", "v", "tab:purple", "NoExecute taint"),
             ("ready_again", "s", "tab:green", "Ready again"))
    for column, marker, color, label in marks:
        y = [row[n] for n in failures["node"]]
        ax.scatter(failures[column], y, marker=marker, color=color, label=label, zorder=3)
    ev = result.node_evictions
    if len(ev):
        ax.scatter(ev["at"], [row.get(n, -1) for n in ev["node"]], marker="|", color="black", s=80,
                   label="pod evicted", zorder=2)
        repl = ev["replacement_ready"]
        ax.scatter(repl, [row.get(n, -1) for n in ev["node"]], marker="+", color="tab:blue",
                   label="replacement Ready", zorder=2)
    ax.plot([], [], color="grey", linestyle=":", label=f"timeline action ({len(actions)})")
    ax.set_yticks(range(len(nodes)))
    ax.set_yticklabels(nodes, fontsize="x-small" if len(nodes) > 20 else "small")
    ax.set_ylim(len(nodes) - 0.5 if nodes else 0.5, -0.5)
    ax.set_xlim(0, max(_end(result), 1.0))
    ax.set_xlabel("simulated time (s)")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(f"Timeline — {result.summary.get('scenario', '')}: {len(nodes)} failed node(s)")
    return ax
