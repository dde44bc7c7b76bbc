"""The cloud and the cluster-autoscaler from Python (docs/cloud.md): Result.cloud and its tables,
overrides of the autoscaler's options, and the same bytes as the CLI."""
import pathlib
import subprocess

import pytest

import kubesim

ROOT = pathlib.Path(__file__).resolve().parents[2]
BURST = ROOT / "scenarios" / "cloud" / "burst-and-idle.yaml"


@pytest.fixture(scope="module")
def burst():
    return kubesim.run(BURST)


def test_cloud_tables(burst):
    assert burst.cloud["instances_launched"] == 3
    assert list(burst.scale_ups.columns) == ["at", "node_group", "delta"]
    assert burst.scale_ups.to_dict("records") == [{"at": 70.0, "node_group": "general", "delta": 3}]
    assert list(burst.scale_downs["reason"]) == ["empty"] * 3
    assert burst.failed_scale_ups.empty
    assert burst.cost_by_node_group.set_index("node_group")["cost_usd"]["general"] == pytest.approx(
        burst.cloud["cost_usd"])
    # Upstream's metric names as columns of the sampled series.
    assert burst.metrics["cluster_autoscaler_scaled_up_nodes_total"].iloc[-1] == 3
    assert burst.metrics["cloud_cost_usd_total"].is_monotonic_increasing


def test_no_cloud_gives_empty_tables():
    r = kubesim.run(ROOT / "scenarios" / "quickstart.yaml")
    assert r.cloud is None
    assert r.scale_ups.empty and list(r.scale_ups.columns) == ["at", "node_group", "delta"]
    assert r.load_balancers.empty and r.cost_by_node_group.empty


def test_overrides_reach_the_autoscaler(burst):
    # Twice the unneeded time: the empty nodes go 10 minutes later than in the file.
    r = kubesim.run(BURST, overrides={"clusterAutoscaler.scaleDownUnneededTime": "15m", "duration": "40m"})
    assert list(r.scale_downs["at"]) == [burst.scale_downs["at"][0] + 300] * 3


def test_bad_option_is_a_located_error():
    with pytest.raises(kubesim.ScenarioError, match=r"<overrides>:1:1: spec.clusterAutoscaler.expander: Unsupported value: \"cheapest\""):
        kubesim.run(BURST, overrides={"clusterAutoscaler.expander": "cheapest"})


def test_same_bytes_as_the_cli(burst, tmp_path):
    cli = ROOT / "build" / "kubesim"
    if not cli.exists():
        pytest.skip("no CLI in build/")
    subprocess.run([str(cli), "run", str(BURST), "--out", str(tmp_path), "-q"], check=True)
    assert burst.fingerprint in (tmp_path / "summary.json").read_text()
