"""kubesim from Python: run scenarios, get their results as pandas DataFrames, drive live simulations.

    import kubesim
    r = kubesim.run("scenarios/quickstart.yaml", seed=7)
    r.pods.groupby("node").size()

    sim = kubesim.Simulation("scenarios/quickstart.yaml")
    sim.run_until("10m")
    sim.get("Node", "node-a0")["status"]["conditions"]

The simulation itself is C++ (the extension module ``kubesim._kubesim``), the same code the ``kubesim``
CLI runs: equal inputs give the CLI's fingerprint, and input errors raise ``ScenarioError`` with the
CLI's message (``FILE:LINE:COL: field: what is wrong``). See docs/python.md.
"""
import itertools
import json
import os

import numpy as np
import pandas as pd

from ._kubesim import POD_COLUMNS, PluginError, ScenarioError
from ._kubesim import LabelSelector as _LabelSelector
from ._kubesim import LiveSimulation as _LiveSimulation
from ._kubesim import debug_build as _debug_build
from ._kubesim import plugin_names as _plugin_names
from ._kubesim import register_plugin as _register_plugin
from ._kubesim import unregister_plugin as _unregister_plugin

__all__ = ["run", "sweep", "Simulation", "Result", "ScenarioError", "PluginError", "register_plugin",
           "unregister_plugin", "plugin", "plugins", "POD_COLUMNS"]


def _source(scenario):
    """(text or path, is_path, name used in error messages) of a scenario argument."""
    if isinstance(scenario, os.PathLike):
        path = os.fspath(scenario)
        return path, True, path
    if isinstance(scenario, dict):
        # JSON is YAML: one key per line, so errors name a meaningful line of this text.
        return json.dumps(scenario, indent=2), False, "<dict>"
    if isinstance(scenario, str):
        if "\n" in scenario:
            return scenario, False, "<string>"
        return scenario, True, scenario
    raise TypeError("scenario must be a path, a YAML string or a dict, not " + type(scenario).__name__)


def _frame(columns):
    """A DataFrame from C++ columns: numpy arrays keep their dtype, string lists become object columns."""
    data = {}
    for name, values in columns.items():
        data[name] = values if isinstance(values, np.ndarray) else np.array(values, dtype=object)
    return pd.DataFrame(data, columns=list(columns))


def _load_frame(loads):
    """summary.json's apiserver_load as a DataFrame: the responses by code become columns."""
    codes = sorted({code for load in loads for code in load["responses"]}, key=int)
    rows = [{"at": l["at"], "verb": l["verb"], "resource": l["resource"], "sent": l["sent"],
             **{c: l["responses"].get(c, 0) for c in codes}} for l in loads]
    return pd.DataFrame(rows, columns=["at", "verb", "resource", "sent"] + codes)


class Result:
    """What one run produced, as the CLI writes it to files but in memory.

    summary      dict, the content of summary.json
    pods         DataFrame, one row per pod (pods.csv's columns: POD_COLUMNS)
    events       DataFrame, one row per event (events.jsonl's fields)
    nodes        DataFrame, one row per Node stored at the end
    fingerprint  str, 16 hex digits, the CLI's fingerprint for the same inputs
    verdict      str, "pass", "fail" or "none" (no `expect:` in the scenario)
    verdicts     list of dicts, one per `expect:` entry: name, expression, passed, observed, message, source
    metrics      DataFrame, the sampled time series (metrics.csv): "time" then one column per metric
    node_series  DataFrame, per-node samples (nodes.csv), one row per node and sample time
    node_failures   DataFrame, one row per node failure (summary.json's node_failures)
    node_evictions  DataFrame, one row per pod evicted from a failed node, with its replacement
    cloud        dict, summary.json's `cloud` (spec.cloud: instances, cost), or None without a cloud
    scale_ups         DataFrame, the cluster-autoscaler's scale-ups: at, node_group, delta
    scale_downs       DataFrame, its scale-downs: at, node, node_group, reason
    failed_scale_ups  DataFrame, its failed scale-ups: at, node_group, reason
    load_balancers    DataFrame, the cloud's load balancers: service, ingress, requested_at, ready_at, ...
    cost_by_node_group  DataFrame, node_group and cost_usd
    etcd         dict, summary.json's `etcd`: members, leader_changes, seconds_without_leader,
                 seconds_without_quorum, failed_writes, failed_reads, and the backend:
                 quota_backend_bytes, db_size_bytes, db_size_in_use_bytes, db_size_bytes_max,
                 nospace_alarms, nospace_rejected_writes, nospace_alarm_active (docs/control-plane.md)
    leader_election  DataFrame, kube-scheduler's and kube-controller-manager's leases: component,
                 leader_changes, seconds_without_leader (docs/control-plane.md)
    failed_actions  DataFrame, timeline actions the API server refused: at, object, reason, message
    apiserver_load  DataFrame, one row per timeline apiserverLoad: at, verb, resource, sent, and
                 one column per HTTP code answered (201, 500, ...)
    apiserver    dict, summary.json's `apiserver`: replicas, requests_by_replica, requests_total,
                 throttled_total (429s of API Priority and Fairness), responses by verb and code,
                 request_latency_seconds by verb, rejected_by_priority_level (docs/control-plane.md)
    """

    def __init__(self, columns):
        self.summary = json.loads(columns["summary_json"])
        self.fingerprint = columns["fingerprint"]
        self.pods = _frame(columns["pods"])
        self.events = _frame(columns["events"])
        self.nodes = _frame(columns["nodes"])
        self.metrics = _frame(columns["metrics"])
        self.node_series = _frame(columns["node_series"])
        self.node_failures = _frame(columns["node_failures"])
        self.node_evictions = _frame(columns["node_evictions"])
        self.verdict = self.summary.get("verdict", "none")
        self.verdicts = self.summary.get("verdicts", [])
        # docs/cloud.md: empty tables (with their columns) for a scenario without a cloud or an
        # autoscaler, so analysis code needs no special case.
        self.cloud = self.summary.get("cloud")
        ca = self.summary.get("cluster_autoscaler") or {}
        self.scale_ups = pd.DataFrame(ca.get("scale_ups", []), columns=["at", "node_group", "delta"])
        self.scale_downs = pd.DataFrame(ca.get("scale_downs", []), columns=["at", "node", "node_group", "reason"])
        self.failed_scale_ups = pd.DataFrame(ca.get("failed_scale_ups", []), columns=["at", "node_group", "reason"])
        cloud = self.cloud or {}
        self.load_balancers = pd.DataFrame(
            cloud.get("load_balancers", []),
            columns=["service", "ingress", "requested_at", "ready_at", "backends", "backend_updates"])
        self.cost_by_node_group = pd.DataFrame(
            sorted(cloud.get("cost_usd_by_node_group", {}).items()), columns=["node_group", "cost_usd"])
        self.etcd = self.summary.get("etcd", {})
        self.leader_election = pd.DataFrame(
            [{"component": c, **v} for c, v in sorted(self.summary.get("leader_election", {}).items())],
            columns=["component", "leader_changes", "seconds_without_leader"])
        self.failed_actions = pd.DataFrame(
            self.summary.get("failed_actions", []), columns=["at", "object", "reason", "message"])
        self.apiserver_load = _load_frame(self.summary.get("apiserver_load", []))
        self.apiserver = self.summary.get("apiserver", {})

    def __repr__(self):
        s = self.summary
        return (f"<kubesim.Result {s['scenario']!r} seed={s['seed']} pods={s['pods']['total']} "
                f"nodes={s['nodes']['total']} fingerprint={self.fingerprint}>")


def run(scenario, seed=None, overrides=None, until=None):
    """Runs a scenario to its end and returns its Result.

    scenario   a path (str or os.PathLike), a YAML string (any str with a newline), or a dict
    seed       master seed; overrides spec.seed, as the CLI's --seed
    overrides  {dotted key under spec: value}, e.g. {"duration": "10m",
               "scheduler.percentageOfNodesToScore": 50, "timeline.0.at": "2m"}
    until      stop after this much simulated time: "30m" or seconds; overrides spec.duration
    """
    sim = Simulation(scenario, seed=seed, overrides=overrides, until=until)
    sim.run()
    if _debug_build:
        # As the CLI: debug builds check the end-of-run invariants (docs/architecture.md) on
        # every run.
        violations = sim.check_invariants()
        if violations:
            raise RuntimeError("invariant violated: " + "; ".join(violations))
    return sim.result()


def _manifest_text(manifest):
    if isinstance(manifest, dict):
        return json.dumps(manifest, indent=2), "<manifest>"
    if isinstance(manifest, (list, tuple)):
        return "\n---\n".join(json.dumps(m, indent=2) for m in manifest), "<manifest>"
    if isinstance(manifest, str):
        return manifest, "<manifest>"
    raise TypeError("manifest must be a dict, a list of dicts or a YAML string")


class Simulation:
    """A live simulation: advance it, look at the cluster, change it, read results so far.

    Not thread-safe: use one Simulation from one thread at a time (several may run in parallel).
    """

    def __init__(self, scenario, seed=None, overrides=None, until=None):
        source, is_path, name = _source(scenario)
        # What fork() replays into a fresh simulation of the same loaded scenario: every call that
        # changed this one.
        self._journal = []
        self._live = _LiveSimulation(source, is_path, name, seed, overrides, until)

    def _record(self, entry, call):
        """Runs call() and journals entry unless the call was rejected before it changed anything."""
        try:
            result = call()
        except ScenarioError:
            raise  # bad arguments: checked before the simulation moved
        except BaseException:
            self._journal.append(entry)  # e.g. PluginError: raised after the simulation advanced
            raise
        if entry[0] == "step" and self._journal and self._journal[-1][0] == "step":
            self._journal[-1] = ("step", self._journal[-1][1] + 1)
        else:
            self._journal.append(entry)
        return result

    def fork(self):
        """An independent Simulation at the same instant, in the same state.

        Made by deterministic replay: a fresh simulation of the same loaded scenario (not read and
        validated again) runs the recorded calls (run_until, step, apply, act) again, so it costs
        about what simulating the prefix did.
        The fork uses the same plugin registry as this simulation (Python plugins as registered when
        it was created).
        """
        other = Simulation.__new__(Simulation)
        other._journal = list(self._journal)
        other._live = self._live.fresh()
        for entry in self._journal:
            op = entry[0]
            if op == "run":
                other._live.run()
            elif op == "run_until":
                other._live.run_until(entry[1])
            elif op == "step":
                for _ in range(entry[1]):
                    other._live.step()
            elif op == "apply":
                other._live.apply(entry[1], entry[2])
            else:
                other._live.act(entry[1], entry[2])
        if other._live.now_ns != self._live.now_ns or other._live.fingerprint != self._live.fingerprint:
            raise RuntimeError("fork: the replay did not reproduce the simulation (a Python plugin that is not "
                               "deterministic, or one registered differently since?)")
        return other

    @property
    def now(self):
        """Simulated seconds since the start (float)."""
        return self._live.now_ns / 1e9

    @property
    def now_ns(self):
        """Simulated nanoseconds since the start (exact)."""
        return self._live.now_ns

    @property
    def end(self):
        """Simulated seconds at which the run ends (spec.duration or until)."""
        return self._live.end_ns / 1e9

    @property
    def fingerprint(self):
        """Fingerprint of the committed writes so far; at the end, the CLI's for the same inputs."""
        return self._live.fingerprint

    def run(self):
        """Runs to the end of the scenario."""
        self._record(("run",), self._live.run)
        return self

    def run_until(self, t):
        """Runs every event up to the absolute simulated time t ("10m" or seconds), at most to the end."""
        self._record(("run_until", t), lambda: self._live.run_until(t))
        return self

    def step(self):
        """Runs the next event; False when none is left before the end."""
        return self._record(("step", 1), self._live.step)

    def get(self, kind, namespace=None, name=None):
        """The stored object as a Kubernetes-shaped dict, or None. get("Node", "n1") for cluster-scoped kinds."""
        if name is None:
            namespace, name = "", namespace
        text = self._live.get_json(kind, namespace or "", name)
        return json.loads(text) if text else None

    def list(self, kind, selector=None, namespace=None):
        """Stored objects of a kind, by namespace and name.

        selector: {"app": "web"} (every label equal), or a string as kubectl -l takes it, parsed and
        matched by the C++ side as upstream's labels.Parse: "app in (web,api),tier!=db,!canary,zone".
        A malformed selector raises ValueError with upstream's message.
        """
        match = None if selector is None else _LabelSelector(selector)
        objects = json.loads(self._live.list_json(kind, namespace or ""))
        if match is None:
            return objects
        return [o for o in objects if match.matches(o["metadata"].get("labels", {}))]

    def apply(self, manifest):
        """Creates or updates objects (a dict, a list of dicts or YAML text) through the API server, now."""
        text, name = _manifest_text(manifest)
        self._record(("apply", text, name), lambda: self._live.apply(text, name))

    def act(self, action):
        """One timeline action in the scenario format, now: {"stopKubelet": {"node": "n1"}}."""
        if isinstance(action, dict):
            text = json.dumps(action, indent=2)
        elif isinstance(action, str):
            text = action
        else:
            raise TypeError("action must be a dict or a YAML string")
        self._record(("act", text, "<action>"), lambda: self._live.act(text, "<action>"))

    def result(self):
        """A Result for the state so far (at the end: what run() returns)."""
        return Result(self._live.results())

    def check_invariants(self):
        """The end-of-run invariants over the stored state (docs/architecture.md): a list of
        violations (empty when all hold)."""
        return self._live.check_invariants()


# --- Python scheduling plugins ---------------------------------------------------------------

def _wants_node_info(fn, what):
    """True when fn takes a third positional argument (pod, node, node_info)."""
    import inspect
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False  # a builtin without a signature: called with (pod, node)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind == p.VAR_POSITIONAL for p in params) or len(positional) >= 3:
        return True
    if len(positional) < 2:
        raise TypeError(f"{what} must take (pod, node) or (pod, node, node_info)")
    return False


def register_plugin(name, filter=None, score=None):  # noqa: A002 - upstream's extension point names
    """Registers a scheduler plugin written in Python under `name`, for runs in this process.

    filter(pod, node[, node_info]) -> True or None (feasible), False or a reason string (infeasible:
        Unschedulable, as an in-tree Filter rejecting the node)
    score(pod, node[, node_info]) -> int in [0, 100] (weighted by the profile, as any Score plugin)

    pod and node are the stored objects as Kubernetes-shaped dicts (as Simulation.get returns them);
    treat them as read-only (they are reused while the object is unchanged). node_info, when the
    function takes a third argument, is {"requested": {...}, "allocatable": {...}, "pods": N} in
    scheduler units (milli-CPU, bytes) for that node in the cycle's snapshot.

    Enable it by name in a KubeSchedulerConfiguration (spec.scheduler.config), e.g.
    plugins: {multiPoint: {enabled: [{name: NAME, weight: 5}]}}. Scenarios loaded afterwards see it;
    registering the same name again replaces it for later loads. An exception in a function fails
    that scheduling cycle with an Error status and is raised as PluginError by the call that ran it.
    """
    if not isinstance(name, str):
        raise TypeError("name must be a str")
    wants = []
    for fn, what in ((filter, "filter"), (score, "score")):
        if fn is not None:
            if not callable(fn):
                raise TypeError(f"{what} must be callable")
            wants.append(_wants_node_info(fn, what))
    if len(set(wants)) > 1:
        raise TypeError("filter and score must take the same arguments: both (pod, node) or both (pod, node, node_info)")
    _register_plugin(name, filter, score, bool(wants and wants[0]))
    return name


def unregister_plugin(name):
    """Removes a Python plugin registered by register_plugin; False when there was none."""
    return _unregister_plugin(name)


def plugins():
    """Names of the registered Python plugins, sorted."""
    return list(_plugin_names())


def plugin(name, point="score"):
    """Decorator form of register_plugin: @kubesim.plugin("PreferZoneA", point="filter")."""
    if point not in ("filter", "score"):
        raise ValueError('point must be "filter" or "score"')

    def decorate(fn):
        register_plugin(name, **{point: fn})
        return fn
    return decorate


# --- Parameter sweeps on Dask ----------------------------------------------------------------

def _flatten(d, prefix=""):
    out = {}
    for k, v in d.items():
        key = prefix + k
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _label(scenario):
    if isinstance(scenario, os.PathLike):
        return os.fspath(scenario)
    if isinstance(scenario, dict):
        return scenario.get("metadata", {}).get("name", "<dict>")
    if isinstance(scenario, str) and "\n" not in scenario:
        return scenario
    return "<string>"


def _sweep_one(scenario, seed, overrides, until):
    """One sweep task: the run's summary, flattened ("pods.scheduled", ...)."""
    return _flatten(run(scenario, seed=seed, overrides=overrides or None, until=until).summary)


def sweep(scenarios, seeds=None, grid=None, client=None, until=None):
    """Runs every scenario × seed × grid point on Dask and returns one DataFrame of summaries.

    scenarios  one scenario or a list of them (paths, YAML strings, dicts), or {label: scenario}
    seeds      list of master seeds; None runs each scenario with its own spec.seed
    grid       {override key: [values]}: every combination is one point, passed as run()'s overrides
    client     a dask.distributed.Client; None starts a LocalCluster on this machine (threads: runs
               release the GIL) and closes it afterwards
    until      as run()'s

    One row per run, in the order scenario, seed, grid point (the first grid key varies slowest):
    columns "scenario" (label: the path, metadata.name of a dict, or the dict key), "seed", one per
    grid key, then summary.json's fields flattened with "." ("pods.scheduled", ...).
    """
    if isinstance(scenarios, dict) and not ("apiVersion" in scenarios or "spec" in scenarios):
        labelled = list(scenarios.items())
    elif isinstance(scenarios, (list, tuple)):
        labelled = [(_label(s), s) for s in scenarios]
    else:
        labelled = [(_label(scenarios), scenarios)]
    seed_list = [None] if seeds is None else list(seeds)
    grid = dict(grid or {})
    keys = list(grid)
    points = [dict(zip(keys, values)) for values in itertools.product(*(list(grid[k]) for k in keys))]
    tasks = [(label, scenario, seed, point) for label, scenario in labelled for seed in seed_list for point in points]

    own = None
    if client is None:
        from dask.distributed import Client, LocalCluster
        own = LocalCluster(processes=False, n_workers=1, threads_per_worker=max(1, os.cpu_count() or 1),
                           dashboard_address=None)
        client = Client(own)
    try:
        futures = [client.submit(_sweep_one, scenario, seed, point, until, pure=False)
                   for _, scenario, seed, point in tasks]
        summaries = client.gather(futures)
    finally:
        if own is not None:
            client.close()
            own.close()

    rows = []
    for (label, _, _, point), summary in zip(tasks, summaries):
        row = {"scenario": label, "seed": summary.get("seed")}
        row.update(point)
        row.update({k: v for k, v in summary.items() if k not in row})
        rows.append(row)
    return pd.DataFrame(rows)
