"""Finds the kubesim package of the build tree when PYTHONPATH does not name one."""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

try:
    import kubesim  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "build" / "python"))
