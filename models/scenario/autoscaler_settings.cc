#include "models/scenario/autoscaler_settings.h"

#include <algorithm>
#include <functional>
#include <regex>
#include <set>

#include "models/scenario/arrivals.h"

namespace kubesim::scenario {
namespace {

using api::YamlNode;
using autoscaler::AutoscalingOptions;
using Setter = std::function<sim::Status(const YamlNode&, AutoscalingOptions&)>;

Setter Duration(sim::Duration AutoscalingOptions::*field) {
  return [field](const YamlNode& n, AutoscalingOptions& o) -> sim::Status {
    KUBESIM_ASSIGN_OR_RETURN(sim::Duration d, n.ToDuration());
    if (d < sim::Duration::Zero()) return n.Error("Invalid value: must not be negative");
    o.*field = d;
    return sim::Status::Ok();
  };
}

Setter PositiveDuration(sim::Duration AutoscalingOptions::*field) {
  return [field](const YamlNode& n, AutoscalingOptions& o) -> sim::Status {
    KUBESIM_ASSIGN_OR_RETURN(sim::Duration d, n.ToDuration());
    if (d <= sim::Duration::Zero()) return n.Error("Invalid value: must be positive");
    o.*field = d;
    return sim::Status::Ok();
  };
}

Setter Int(int32_t AutoscalingOptions::*field, int32_t min) {
  return [field, min](const YamlNode& n, AutoscalingOptions& o) -> sim::Status {
    KUBESIM_ASSIGN_OR_RETURN(int32_t v, n.Int32());
    if (v < min) return n.Error("Invalid value: " + std::to_string(v) + ": must be at least " + std::to_string(min));
    o.*field = v;
    return sim::Status::Ok();
  };
}

Setter Bool(bool AutoscalingOptions::*field) {
  return [field](const YamlNode& n, AutoscalingOptions& o) -> sim::Status {
    KUBESIM_ASSIGN_OR_RETURN(o.*field, n.Bool());
    return sim::Status::Ok();
  };
}

// --cores-total / --memory-total: "min:max" (upstream parseMinMaxFlag).
Setter MinMax(int64_t AutoscalingOptions::*min_field, int64_t AutoscalingOptions::*max_field) {
  return [min_field, max_field](const YamlNode& n, AutoscalingOptions& o) -> sim::Status {
    KUBESIM_ASSIGN_OR_RETURN(std::string s, n.String());
    size_t colon = s.find(':');
    auto bad = [&]() { return n.Error("Invalid value: \"" + s + "\": expected MIN:MAX, e.g. \"0:320000\""); };
    if (colon == std::string::npos) return bad();
    double lo = 0, hi = 0;
    if (!api::ParseDecimal(s.substr(0, colon), &lo) || !api::ParseDecimal(s.substr(colon + 1), &hi)) return bad();
    if (lo < 0 || hi < 0 || lo != static_cast<int64_t>(lo) || hi != static_cast<int64_t>(hi)) return bad();
    if (lo > hi) return n.Error("Invalid value: \"" + s + "\": min is above max");
    o.*min_field = static_cast<int64_t>(lo);
    o.*max_field = static_cast<int64_t>(hi);
    return sim::Status::Ok();
  };
}

const std::map<std::string, Setter>& Setters() {
  static const std::map<std::string, Setter> kSetters = {
      {"scanInterval", PositiveDuration(&AutoscalingOptions::scan_interval)},
      {"maxNodesTotal", Int(&AutoscalingOptions::max_nodes_total, 0)},
      {"coresTotal", MinMax(&AutoscalingOptions::min_cores_total, &AutoscalingOptions::max_cores_total)},
      {"memoryTotal", MinMax(&AutoscalingOptions::min_memory_total_gib, &AutoscalingOptions::max_memory_total_gib)},
      {"expander",
       [](const YamlNode& n, AutoscalingOptions& o) -> sim::Status {
         KUBESIM_ASSIGN_OR_RETURN(std::string s, n.String());
         std::vector<std::string> names;
         size_t start = 0;
         for (;;) {
           size_t comma = s.find(',', start);
           names.push_back(s.substr(start, comma - start));
           if (comma == std::string::npos) break;
           start = comma + 1;
         }
         std::set<std::string> seen;
         const auto& known = autoscaler::KnownExpanders();
         for (size_t i = 0; i < names.size(); ++i) {
           const std::string& e = names[i];
           if (std::find(known.begin(), known.end(), e) == known.end()) {
             std::string list;
             for (const auto& k : known) list += (list.empty() ? "\"" : ", \"") + k + "\"";
             return n.Error("Unsupported value: \"" + e + "\": supported values: " + list);
           }
           // expander_factory.go Build: "Expander %s was specified multiple times".
           if (!seen.insert(e).second) return n.Error("Invalid value: expander " + e + " was specified multiple times");
           // random always picks one option, so nothing may follow it.
           if (e == "random" && i + 1 < names.size()) {
             return n.Error("Invalid value: \"" + s + "\": random picks one option, so no expander may follow it");
           }
         }
         o.expanders = names;
         return sim::Status::Ok();
       }},
      {"scaleDownEnabled", Bool(&AutoscalingOptions::scale_down_enabled)},
      {"scaleDownDelayAfterAdd", Duration(&AutoscalingOptions::scale_down_delay_after_add)},
      {"scaleDownDelayAfterDelete", Duration(&AutoscalingOptions::scale_down_delay_after_delete)},
      {"scaleDownDelayAfterFailure", Duration(&AutoscalingOptions::scale_down_delay_after_failure)},
      {"scaleDownUnneededTime", Duration(&AutoscalingOptions::scale_down_unneeded_time)},
      {"scaleDownUnreadyTime", Duration(&AutoscalingOptions::scale_down_unready_time)},
      {"scaleDownUtilizationThreshold",
       [](const YamlNode& n, AutoscalingOptions& o) -> sim::Status {
         KUBESIM_ASSIGN_OR_RETURN(double v, n.Number());
         if (v < 0 || v > 1) return n.Error("Invalid value: " + n.Scalar() + ": must be between 0 and 1");
         o.scale_down_utilization_threshold = v;
         return sim::Status::Ok();
       }},
      {"maxNodeProvisionTime", PositiveDuration(&AutoscalingOptions::max_node_provision_time)},
      {"maxGracefulTerminationSec",
       [](const YamlNode& n, AutoscalingOptions& o) -> sim::Status {
         KUBESIM_ASSIGN_OR_RETURN(int64_t v, n.Int());
         if (v < 0) return n.Error("Invalid value: must not be negative");
         o.max_graceful_termination_sec = v;
         return sim::Status::Ok();
       }},
      {"maxScaleDownParallelism", Int(&AutoscalingOptions::max_scale_down_parallelism, 1)},
      {"maxDrainParallelism", Int(&AutoscalingOptions::max_drain_parallelism, 1)},
      {"expendablePodsPriorityCutoff",
       [](const YamlNode& n, AutoscalingOptions& o) -> sim::Status {
         KUBESIM_ASSIGN_OR_RETURN(o.expendable_pods_priority_cutoff, n.Int32());
         return sim::Status::Ok();
       }},
      {"initialNodeGroupBackoffDuration", PositiveDuration(&AutoscalingOptions::initial_node_group_backoff_duration)},
      {"maxNodeGroupBackoffDuration", PositiveDuration(&AutoscalingOptions::max_node_group_backoff_duration)},
      {"nodeGroupBackoffResetTimeout", PositiveDuration(&AutoscalingOptions::node_group_backoff_reset_timeout)},
      {"newPodScaleUpDelay", Duration(&AutoscalingOptions::new_pod_scale_up_delay)},
      {"skipNodesWithSystemPods", Bool(&AutoscalingOptions::skip_nodes_with_system_pods)},
      {"skipNodesWithLocalStorage", Bool(&AutoscalingOptions::skip_nodes_with_local_storage)},
      {"maxNodesPerScaleup", Int(&AutoscalingOptions::max_nodes_per_scaleup, 1)},
      {"maxPodEvictionTime", PositiveDuration(&AutoscalingOptions::max_pod_eviction_time)},
      {"ignoreDaemonsetsUtilization", Bool(&AutoscalingOptions::ignore_daemonsets_utilization)},
      {"maxTotalUnreadyPercentage", Int(&AutoscalingOptions::max_total_unready_percentage, 0)},
      {"okTotalUnreadyCount", Int(&AutoscalingOptions::ok_total_unready_count, 0)},
      {"nodeDeleteDelayAfterTaint", Duration(&AutoscalingOptions::node_delete_delay_after_taint)},
      {"cordonNodeBeforeTerminating", Bool(&AutoscalingOptions::cordon_node_before_terminating)},
      {"balanceSimilarNodeGroups", Bool(&AutoscalingOptions::balance_similar_node_groups)},
      {"priorities",
       [](const YamlNode& n, AutoscalingOptions& o) -> sim::Status {
         KUBESIM_ASSIGN_OR_RETURN(auto entries, n.Entries());
         for (const auto& [key, value] : entries) {
           double prio = 0;
           if (!api::ParseDecimal(key, &prio) || prio != static_cast<int64_t>(prio)) {
             return value.Error("Invalid value: priority \"" + key + "\" must be an integer");
           }
           KUBESIM_ASSIGN_OR_RETURN(auto regexes, value.StringList());
           for (const auto& r : regexes) {
             try {
               std::regex check(r);
             } catch (const std::regex_error& e) {
               return value.Error("Invalid value: \"" + r + "\": not a regular expression (" + e.what() + ")");
             }
           }
           auto& list = o.priorities[static_cast<int64_t>(prio)];
           list.insert(list.end(), regexes.begin(), regexes.end());
         }
         return sim::Status::Ok();
       }},
  };
  return kSetters;
}

}  // namespace

sim::StatusOr<std::optional<AutoscalingOptions>> ParseAutoscalerSettings(const YamlNode& node,
                                                                         const cloud::CloudConfig* cloud) {
  // Called when the key is present: enabled, also as a bare `clusterAutoscaler:` (every option at
  // its default).
  if (cloud == nullptr) {
    return node.Error("Invalid value: the cluster-autoscaler needs node groups to scale: add spec.cloud");
  }
  if (!node.Defined()) return std::optional<AutoscalingOptions>(AutoscalingOptions{});
  KUBESIM_RETURN_IF_ERROR(node.ExpectMap());
  std::vector<std::string_view> keys;
  for (const auto& [k, setter] : Setters()) keys.push_back(k);
  KUBESIM_RETURN_IF_ERROR(node.CheckKeys(keys));
  AutoscalingOptions o;
  KUBESIM_ASSIGN_OR_RETURN(auto entries, node.Entries());
  for (const auto& [key, value] : entries) KUBESIM_RETURN_IF_ERROR(Setters().at(key)(value, o));
  if (o.max_node_group_backoff_duration < o.initial_node_group_backoff_duration) {
    return node["maxNodeGroupBackoffDuration"].Error(
        "Invalid value: must be at least initialNodeGroupBackoffDuration (" +
        o.initial_node_group_backoff_duration.ToString() + ")");
  }
  bool priority = std::find(o.expanders.begin(), o.expanders.end(), "priority") != o.expanders.end();
  if (priority && o.priorities.empty()) {
    return node["expander"].Error(
        "Required value: the priority expander needs `priorities` (priority: [node group regex, ...])");
  }
  return std::optional<AutoscalingOptions>(std::move(o));
}

}  // namespace kubesim::scenario
