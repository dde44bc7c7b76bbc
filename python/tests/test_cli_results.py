"""The CLI's result files, read the way a notebook user reads them (pandas)."""
import json
import os
import pathlib
import subprocess

import pandas as pd
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
KUBESIM = os.environ.get("KUBESIM_BINARY", str(ROOT / "build" / "kubesim"))


def run(scenario, out, *extra):
    return subprocess.run([KUBESIM, "run", str(scenario), "--out", str(out), "--quiet", *extra],
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    out = tmp_path_factory.mktemp("quickstart")
    res = run(ROOT / "scenarios" / "quickstart.yaml", out)
    assert res.returncode == 0, res.stderr
    return out


def test_pods_csv_is_one_row_per_pod_with_consistent_times(quickstart):
    pods = pd.read_csv(quickstart / "pods.csv")
    summary = json.loads((quickstart / "summary.json").read_text())
    assert len(pods) == summary["pods"]["total"]
    assert list(pods.columns[:10]) == ["namespace", "name", "node", "created", "scheduled", "running",
                                       "finished", "deleted", "phase", "attempts"]
    scheduled = pods.dropna(subset=["scheduled"])
    assert len(scheduled) == summary["pods"]["scheduled"]
    assert (scheduled["scheduled"] >= scheduled["created"]).all()
    started = pods.dropna(subset=["running"])
    assert (started["running"] >= started["scheduled"]).all()
    finished = pods.dropna(subset=["finished"])
    assert set(finished["phase"]) <= {"Succeeded", "Failed"}
    # Batch pods run for their annotated 4 minutes; the columns are commit times of the status
    # writes, so each differs from the container times by one API request latency.
    batch = finished[finished["name"].str.startswith("batch-")]
    assert len(batch) > 0
    assert ((batch["finished"] - batch["running"] - 240.0).abs() < 0.5).all()
    # The others were preempted by the high-priority second wave: deleted, never finished.
    all_batch = pods[pods["name"].str.startswith("batch-")]
    preempted = all_batch[all_batch["finished"].isna()]
    assert len(batch) + len(preempted) == 20
    assert preempted["deleted"].notna().all()
    events = pd.read_json(quickstart / "events.jsonl", lines=True)
    victims = set(events[events["reason"] == "Preempted"]["object"])
    assert {v for v in victims if v.startswith("Pod/default/batch-")} == {f"Pod/default/{n}" for n in preempted["name"]}
    # Every preempted pod (web ones too) is gone by the end.
    gone = set("Pod/default/" + pods[pods["deleted"].notna()]["name"])
    assert victims <= gone


def test_summary_latency_matches_pods_csv(quickstart):
    pods = pd.read_csv(quickstart / "pods.csv").dropna(subset=["scheduled"])
    summary = json.loads((quickstart / "summary.json").read_text())
    latency = (pods["scheduled"] - pods["created"]).sort_values().to_numpy()
    # nearest-rank percentiles, as the summary computes them
    p50 = latency[int(-(-0.5 * len(latency) // 1)) - 1]
    assert summary["scheduling_latency_seconds"]["p50"] == pytest.approx(p50, abs=1e-9)
    assert summary["scheduling_latency_seconds"]["max"] == pytest.approx(latency[-1], abs=1e-9)


def test_events_jsonl_explains_unscheduled_pods(quickstart):
    events = pd.read_json(quickstart / "events.jsonl", lines=True)
    assert {"time", "type", "reason", "object", "message"} <= set(events.columns)
    assert events["time"].is_monotonic_increasing
    failed = events[(events["reason"] == "FailedScheduling") & (events["object"] == "Pod/default/huge")]
    assert len(failed) >= 1
    assert failed["message"].iloc[-1].startswith("0/7 nodes are available:")
    scheduled = events[events["reason"] == "Scheduled"]
    summary = json.loads((quickstart / "summary.json").read_text())
    assert len(scheduled) == summary["pods"]["scheduled"]


def test_bad_input_exits_2_with_location(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nspec:\n  duration: 5x\n")
    res = run(bad, tmp_path / "out")
    assert res.returncode == 2
    assert res.stderr.startswith(f"{bad}:4:13: spec.duration: invalid duration")
