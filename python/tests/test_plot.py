"""kubesim.plot: every plot draws under Agg and the derived series add up."""
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kubesim  # noqa: E402
import kubesim.plot  # noqa: E402
from helpers import small_cluster  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def failure():
    return kubesim.run(ROOT / "tests" / "scenarios" / "node-failure.yaml")


def test_pending_series_counts_created_not_yet_bound():
    # 12 pods of 1 CPU on 8 CPUs: 8 bound quickly, 4 stay pending to the end.
    r = kubesim.run(small_cluster(pods=12, cpu="1"))
    t, n = kubesim.plot.pending_series(r)
    assert t[0] == 0 and t[-1] == r.summary["simulated_seconds"] and np.all(np.diff(t) >= 0)
    assert n.max() <= 12 and n[-1] == r.summary["pods"]["unscheduled"] == 4
    pods = r.pods
    for probe in (0.0, 1.0, 30.0, 599.0):
        expected = ((pods["created"] <= probe) & ~(pods["scheduled"] <= probe)).sum()
        assert n[np.searchsorted(t, probe, side="right") - 1] == expected


def test_bound_pods_series_ends_at_the_nodes_table(failure):
    times, names, matrix = kubesim.plot.bound_pods_series(failure)
    assert matrix.shape == (len(names), len(times))
    nodes = failure.nodes.set_index("name")
    # The last sample is at the end: pods bound and not finished nor deleted then are exactly those
    # the nodes table counts.
    assert times[-1] == failure.summary["simulated_seconds"]
    assert {n: int(row[-1]) for n, row in zip(names, matrix)} == {n: int(nodes.loc[n, "pods"]) for n in names}


@pytest.mark.parametrize("plot", ["pending_pods", "utilisation_heatmap", "latency_cdf", "timeline"])
def test_plots_draw_and_save(plot, failure, tmp_path):
    ax = getattr(kubesim.plot, plot)(failure)
    out = tmp_path / f"{plot}.png"
    ax.figure.savefig(out)
    plt.close(ax.figure)
    assert out.stat().st_size > 1000
    fig, given = plt.subplots()
    assert getattr(kubesim.plot, plot)(failure, ax=given) is given
    plt.close(fig)
