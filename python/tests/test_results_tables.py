"""Result.metrics, node_series, node_failures and node_evictions: shapes and dtypes."""
import pathlib

import pytest

import kubesim

ROOT = pathlib.Path(__file__).resolve().parents[2]

FAILURE_COLUMNS = {
    "node": "object", "zone": "object", "failed": "float64", "last_lease_renewal": "float64", "unknown": "float64",
    "unreachable_no_schedule": "float64", "unreachable_no_execute": "float64", "ready_again": "float64",
    "evictions": "int64", "detection_delay_seconds": "float64", "eviction_delay_seconds": "float64",
    "recovery_seconds": "float64",
}
EVICTION_COLUMNS = {
    "node": "object", "pod": "object", "at": "float64", "reason": "object", "owner": "object",
    "replacement_pod": "object", "replacement_node": "object", "replacement_created": "float64",
    "replacement_scheduled": "float64", "replacement_ready": "float64",
}


@pytest.fixture(scope="module")
def node_failure():
    return kubesim.run(ROOT / "tests" / "scenarios" / "node-failure.yaml")


def dtypes(frame):
    return {c: str(t) for c, t in frame.dtypes.items()}


def test_metrics_and_node_series_shapes(node_failure):
    m = node_failure.metrics
    assert list(m.columns)[0] == "time"
    assert set(dtypes(m).values()) <= {"float64"}
    assert m["time"].is_monotonic_increasing
    ns = node_failure.node_series
    assert list(ns.columns)[:4] == ["time", "node", "zone", "ready"]
    assert dtypes(ns)["time"] == "float64" and dtypes(ns)["ready"] == "bool"
    assert dtypes(ns)["node"] == "object" and dtypes(ns)["zone"] == "object"
    rest = list(ns.columns)[4:]
    assert all(c.startswith(("allocatable_", "requested_")) for c in rest)
    assert all(dtypes(ns)[c] == "float64" for c in rest)


def test_node_failures_match_the_summary(node_failure):
    f, ev = node_failure.node_failures, node_failure.node_evictions
    assert dtypes(f) == FAILURE_COLUMNS and dtypes(ev) == EVICTION_COLUMNS
    summary = node_failure.summary["node_failures"]
    assert len(f) == len(summary) > 0
    assert list(f["node"]) == [s["node"] for s in summary]
    assert f["evictions"].sum() == len(ev)
    assert (f["unknown"].dropna() > f["failed"].dropna().min()).all()
    assert set(ev["node"]) <= set(f["node"])
    assert ev["pod"].str.contains("/").all()
