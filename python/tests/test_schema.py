"""`kubesim schema`: the JSON Schema editors use must accept every scenario the project ships and
reject what the parser rejects for shape (unknown fields, wrong kinds), so the two stay in step."""
import glob
import json
import os
import subprocess

import jsonschema
import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("KUBESIM_BINARY", os.path.join(ROOT, "build", "kubesim"))


@pytest.fixture(scope="module")
def validator():
    out = subprocess.run([BINARY, "schema"], check=True, capture_output=True, text=True).stdout
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def shipped_scenarios():
    files = []
    for pattern in ("scenarios/**/*.yaml", "tests/scenarios/*.yaml", "examples/scenarios/*.yaml", "bench/scenarios/*.yaml"):
        files += glob.glob(os.path.join(ROOT, pattern), recursive=True)
    docs = []
    for f in sorted(files):
        with open(f) as fh:
            doc = yaml.safe_load(fh)
        if isinstance(doc, dict) and doc.get("kind") == "Scenario":
            docs.append((os.path.relpath(f, ROOT), doc))
    return docs


def test_every_shipped_scenario_validates(validator):
    docs = shipped_scenarios()
    assert len(docs) >= 10
    for name, doc in docs:
        errors = [e.message for e in validator.iter_errors(doc)]
        assert not errors, f"{name}: {errors[:3]}"


@pytest.mark.parametrize("bad", [
    "unknown-spec-field.yaml", "timeline-unknown-action.yaml", "wrong-kind.yaml", "wrong-api-version.yaml",
    "timeline-no-at.yaml", "expect-comparator.yaml", "spec-not-a-map.yaml", "missing-spec.yaml",
])
def test_schema_rejects_shape_errors_the_parser_rejects(validator, bad):
    with open(os.path.join(ROOT, "tests", "data", "bad", bad)) as fh:
        doc = yaml.safe_load(fh)
    assert list(validator.iter_errors(doc)), f"{bad} passed the schema"
    r = subprocess.run([BINARY, "validate", os.path.join(ROOT, "tests", "data", "bad", bad)], capture_output=True)
    assert r.returncode == 2
