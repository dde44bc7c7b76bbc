"""Expectations and sampled series reach Python: Result.verdict(s) from `expect:`, and the
metrics / node_series DataFrames filled by the sampler, equal to the CLI's files."""
import os
import subprocess

import pandas as pd

import kubesim

SCENARIO = """
apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: verdicts}
spec:
  duration: 5m
  parameters: {pods: 5}
  output: {interval: 30s}
  nodePools: [{name: n, count: 2, zones: [a, b], capacity: {cpu: "2", memory: 4Gi, pods: "110"}}]
  objects:
    - count: ${pods}
      template:
        apiVersion: v1
        kind: Pod
        metadata: {name: "p{{i}}"}
        spec: {containers: [{name: c, image: i, resources: {requests: {cpu: "1"}}}]}
  expect:
    - {name: fits, metric: pods_unscheduled, comparator: "==", threshold: 0}
    - {metric: "scheduler_pending_pods{queue=\\"unschedulable\\"}", aggregate: max, comparator: "<=", threshold: 1}
"""


def test_verdicts_follow_expectations():
    r = kubesim.run(SCENARIO)
    assert r.verdict == "fail"  # 4 CPUs for 5 one-CPU pods
    assert [v["name"] for v in r.verdicts][0] == "fits"
    assert r.verdicts[0]["passed"] is False and r.verdicts[0]["observed"] == 1
    assert r.verdicts[1]["passed"] is True
    ok = kubesim.run(SCENARIO, overrides={"parameters.pods": 4})
    assert ok.verdict == "pass"


def test_metrics_and_node_series_are_filled_and_match_the_cli(tmp_path):
    r = kubesim.run(SCENARIO)
    assert list(r.metrics["time"]) == [30.0 * i for i in range(11)]
    assert "scheduler_pending_pods{queue=\"active\"}" in r.metrics.columns
    assert r.metrics["cluster_allocatable{resource=\"cpu\"}"].iloc[-1] == 4.0
    assert len(r.node_series) == 2 * 11
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    binary = os.environ.get("KUBESIM_BINARY")
    if binary:
        proc = subprocess.run([binary, "run", str(path), "--out", str(tmp_path / "out"), "-q"], capture_output=True)
        assert proc.returncode == 1  # the failed expectation
        cli = pd.read_csv(tmp_path / "out" / "metrics.csv")
        assert list(cli.columns) == list(r.metrics.columns)
        pd.testing.assert_frame_equal(cli, r.metrics, check_dtype=False)
