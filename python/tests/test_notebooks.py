"""The notebooks of python/notebooks run headless (nbclient) without a failing cell, and save
their plots as non-empty PNG files into $KUBESIM_NOTEBOOK_OUT."""
import os
import pathlib

import pytest

import kubesim

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = {
    "quickstart": ["quickstart-pending", "quickstart-latency-cdf", "quickstart-utilisation", "quickstart-timeline"],
    "policy_comparison": ["gcda-policy-outcome", "gcda-policy-pending", "gcda-policy-node-load",
                          "gcda-utilisation-LeastAllocated", "gcda-utilisation-MostAllocated"],
    "failure_recovery": ["failure-taint-rate", "failure-timeline", "failure-pending", "failure-utilisation"],
    "autoscaling_expanders": ["expanders-cost-vs-pending", "expanders-cost-by-group", "expanders-instances"],
}


def test_every_notebook_is_covered_and_stored_without_outputs():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED)
    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs(name, tmp_path, monkeypatch):
    out = pathlib.Path(os.environ.get("KUBESIM_NOTEBOOK_OUT") or tmp_path)
    monkeypatch.setenv("KUBESIM_NOTEBOOK_OUT", str(out))
    # The kernel is another process: it finds the same kubesim package as this one.
    package_root = str(pathlib.Path(kubesim.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    for png in EXPECTED[name]:
        path = out / f"{png}.png"
        assert path.exists() and path.stat().st_size > 0, path
