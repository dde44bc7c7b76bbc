// Scenario parameters: `spec.parameters` declares named values with defaults; `${name}` anywhere
// in a scalar of the scenario document reads one; `kubesim run --set name=value` (or
// LoadOptions::parameters) overrides a default. One scenario file then describes a family of runs
// (`--set nodes=500`), which is what sweeps and CI matrices need.
//
//   parameters:
//     nodes: {default: 10, type: integer, description: "nodes per zone"}
//     rate: 30/m                        # shorthand: the default, type taken as string
//
// A scalar that is exactly `${name}` becomes the value's text (so `count: ${nodes}` is an
// integer); `${name}` inside a longer scalar is interpolated; `$${` writes a literal `${`.
// Substitution covers the scenario document only, not manifest files it loads with `file:`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/api/yaml_node.h"
#include "sim/status.h"

namespace kubesim::scenario {

struct Parameter {
  std::string name;
  std::string type;   // string, integer, number, boolean, duration, quantity
  std::string value;  // the default, or the override
  std::string description;
  bool overridden = false;
};

// Reads `spec.parameters`, applies `overrides` (name → YAML scalar text) and substitutes every
// `${name}` in `doc` (outside spec.parameters itself), editing the document in place. Every
// problem is appended to `problems` (undefined names, bad types, unknown overrides).
std::vector<Parameter> ApplyParameters(const api::YamlNode& doc, const std::map<std::string, std::string>& overrides,
                                       std::vector<sim::Status>* problems);

// Checks `value` against a parameter type; returns the reason it does not fit, or empty.
std::string CheckParameterValue(const std::string& type, const std::string& value);

}  // namespace kubesim::scenario
