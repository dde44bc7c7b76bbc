"""kubesim.sweep on Dask: one row per scenario × seed × grid point, equal to sequential runs."""
import pandas as pd
import pytest

import kubesim
from helpers import small_cluster


def flatten(d, prefix=""):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(flatten(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out


def test_two_scenarios_three_seeds_on_a_local_cluster_equal_sequential_runs():
    scenarios = [small_cluster(name="small-a"), small_cluster(pods=12, cpu="1", name="small-b")]
    df = kubesim.sweep(scenarios, seeds=[1, 2, 3])
    assert isinstance(df, pd.DataFrame) and len(df) == 6
    assert list(df.columns[:2]) == ["scenario", "seed"]
    assert list(zip(df["scenario"], df["seed"])) == [(s, seed) for s in ("small-a", "small-b") for seed in (1, 2, 3)]
    for (_, row), (scenario, seed) in zip(df.iterrows(), [(s, seed) for s in scenarios for seed in (1, 2, 3)]):
        expected = flatten(kubesim.run(scenario, seed=seed).summary)
        for key, value in expected.items():
            assert row[key] == value or (isinstance(value, list) and list(row[key]) == value), key
    assert df["fingerprint"].nunique() == 6
    assert (df.loc[df["scenario"] == "small-b", "pods.total"] == 12).all()


def test_grid_with_a_given_client():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        df = kubesim.sweep({"s": small_cluster()}, grid={"objects.2.count": [2, 5], "duration": ["2m", "3m"]},
                           client=client)
        assert client.status == "running"  # a given client is left open
    assert len(df) == 4
    assert list(df.columns[:4]) == ["scenario", "seed", "objects.2.count", "duration"]
    assert list(df["objects.2.count"]) == [2, 2, 5, 5] and list(df["duration"]) == ["2m", "3m", "2m", "3m"]
    assert list(df["pods.total"]) == [2, 2, 5, 5]
    assert list(df["simulated_seconds"]) == [120, 180, 120, 180]
    assert (df["seed"] == 3).all()  # the scenario's own spec.seed


def test_worker_processes_give_the_same_rows():
    """With worker processes (a cluster of machines works the same way) the task and its dict
    scenario travel pickled, and each worker's kubesim gives the in-process results."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        df = kubesim.sweep([small_cluster()], seeds=[1, 2], client=client)
    assert list(df["fingerprint"]) == [kubesim.run(small_cluster(), seed=s).fingerprint for s in (1, 2)]
