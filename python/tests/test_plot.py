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


def test_sampled_series_are_preferred_when_present(failure):
    """With the sampler's columns (filled on another branch), the plots draw them, not the pods table."""
    import copy

    import pandas as pd
    r = copy.copy(failure)
    times = [0.0, 10.0, 20.0]
    r.metrics = pd.DataFrame({"time": times, 'scheduler_pending_pods{queue="active"}': [0.0, 3.0, 1.0],
                              'scheduler_pending_pods{queue="unschedulable"}': [0.0, 0.0, 2.0]})
    ax = kubesim.plot.pending_pods(r)
    assert [line.get_label() for line in ax.get_lines()] == list(r.metrics.columns[1:])
    assert list(ax.get_lines()[1].get_ydata()) == [0.0, 0.0, 2.0]
    plt.close(ax.figure)
    r.node_series = pd.DataFrame({"time": [0.0, 0.0, 10.0, 10.0], "node": ["a", "b", "a", "b"],
                                  "zone": ["z"] * 4, "ready": [True] * 4,
                                  "allocatable_cpu": [4.0] * 4, "requested_cpu": [1.0, 2.0, 3.0, 4.0]})
    ax = kubesim.plot.utilisation_heatmap(r)
    np.testing.assert_allclose(ax.images[0].get_array(), [[0.25, 0.75], [0.5, 1.0]])
    assert "requested / allocatable" in ax.images[0].colorbar.ax.get_ylabel()
    plt.close(ax.figure)


def test_timeline_marks_actions_and_failures(failure):
    ax = kubesim.plot.timeline(failure)
    actions = failure.events[failure.events["reason"] == "TimelineAction"]
    assert [t.get_text() for t in ax.texts] == [m if len(m) <= 40 else m[:39] + "…" for m in actions["message"]]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(dict.fromkeys(failure.node_failures["node"]))
    plt.close(ax.figure)
