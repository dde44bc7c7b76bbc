// The JSON Schema (draft 2020-12) of the scenario format, printed by `kubesim schema` so editors
// (VS Code's YAML extension, JetBrains) can validate and complete scenario files:
//   # yaml-language-server: $schema=./scenario.schema.json
// Kubernetes manifests inside a scenario are checked only for apiVersion/kind here; kubesim's
// decoder checks the rest. tests/python/test_schema.py keeps the schema and the parser in step.
#pragma once

#include <string>

namespace kubesim::scenario {

std::string ScenarioJsonSchema();

}  // namespace kubesim::scenario
