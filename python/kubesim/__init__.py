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
import json
import os

import numpy as np
import pandas as pd

from ._kubesim import LiveSimulation as _LiveSimulation
from ._kubesim import ScenarioError
from ._kubesim import debug_build as _debug_build

__all__ = ["run", "Simulation", "Result", "ScenarioError"]


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


class Result:
    """What one run produced, as the CLI writes it to files but in memory.

    summary      dict, the content of summary.json
    pods         DataFrame, one row per pod (pods.csv's columns)
    events       DataFrame, one row per event (events.jsonl's fields)
    nodes        DataFrame, one row per Node stored at the end
    fingerprint  str, 16 hex digits, the CLI's fingerprint for the same inputs
    verdicts     list, the scenario's expectation verdicts (scenarios have no expectations yet: [])
    """

    def __init__(self, columns):
        self.summary = json.loads(columns["summary_json"])
        self.fingerprint = columns["fingerprint"]
        self.pods = _frame(columns["pods"])
        self.events = _frame(columns["events"])
        self.nodes = _frame(columns["nodes"])
        self.verdicts = []

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
        # As the CLI: debug builds check DESIGN.md's end-of-run invariants on every run.
        violations = sim.check_invariants()
        if violations:
            raise RuntimeError("invariant violated: " + "; ".join(violations))
    return sim.result()


def _selector_matches(selector, labels):
    if selector is None:
        return True
    if isinstance(selector, dict):
        return all(labels.get(k) == v for k, v in selector.items())
    for term in (t.strip() for t in selector.split(",")):
        if not term:
            continue
        if "!=" in term:
            k, v = (x.strip() for x in term.split("!=", 1))
            if labels.get(k) == v:
                return False
        elif "=" in term:
            k, v = (x.strip() for x in term.split("=", 1))
            if labels.get(k) != v.lstrip("="):
                return False
        elif term.startswith("!"):
            if term[1:].strip() in labels:
                return False
        elif term not in labels:
            return False
    return True


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
        self._live = _LiveSimulation(source, is_path, name, seed, overrides, until)

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
        self._live.run()
        return self

    def run_until(self, t):
        """Runs every event up to the absolute simulated time t ("10m" or seconds), at most to the end."""
        self._live.run_until(t)
        return self

    def step(self):
        """Runs the next event; False when none is left before the end."""
        return self._live.step()

    def get(self, kind, namespace=None, name=None):
        """The stored object as a Kubernetes-shaped dict, or None. get("Node", "n1") for cluster-scoped kinds."""
        if name is None:
            namespace, name = "", namespace
        text = self._live.get_json(kind, namespace or "", name)
        return json.loads(text) if text else None

    def list(self, kind, selector=None, namespace=None):
        """Stored objects of a kind, by namespace and name. selector: {"app": "web"} or "app=web,tier!=db"."""
        objects = json.loads(self._live.list_json(kind, namespace or ""))
        return [o for o in objects if _selector_matches(selector, o["metadata"].get("labels", {}))]

    def apply(self, manifest):
        """Creates or updates objects (a dict, a list of dicts or YAML text) through the API server, now."""
        text, name = _manifest_text(manifest)
        self._live.apply(text, name)

    def act(self, action):
        """One timeline action in the scenario format, now: {"stopKubelet": {"node": "n1"}}."""
        if isinstance(action, dict):
            text = json.dumps(action, indent=2)
        elif isinstance(action, str):
            text = action
        else:
            raise TypeError("action must be a dict or a YAML string")
        self._live.act(text, "<action>")

    def result(self):
        """A Result for the state so far (at the end: what run() returns)."""
        return Result(self._live.results())

    def check_invariants(self):
        """DESIGN.md's invariants over the stored state: a list of violations (empty when all hold)."""
        return self._live.check_invariants()
