#include "models/autoscaler/expander.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <regex>

#include "models/scheduler/node_info.h"

namespace kubesim::autoscaler {
namespace {

using Indices = std::vector<size_t>;

// Σ container requests of the option's pods (waste.go: Spec.Containers only).
std::pair<int64_t, int64_t> PodRequests(const Option& o) {
  int64_t cpu = 0, mem = 0;
  for (const api::Pod* p : o.pods) {
    for (const auto& c : p->spec.containers) {
      auto rc = c.requests.find(api::kResourceCPU);
      if (rc != c.requests.end()) cpu += api::AmountOf(api::kResourceCPU, rc->second);
      auto rm = c.requests.find(api::kResourceMemory);
      if (rm != c.requests.end()) mem += api::AmountOf(api::kResourceMemory, rm->second);
    }
  }
  return {cpu, mem};
}

int64_t Capacity(const api::Node& n, const char* resource) {
  auto it = n.status.capacity.find(resource);
  return it == n.status.capacity.end() ? 0 : api::AmountOf(resource, it->second);
}

// Keeps the options whose key is minimal (exact ties kept, as upstream compares floats).
Indices KeepMin(const std::vector<Option>& options, const Indices& in,
                const std::function<double(const Option&)>& key) {
  double best = std::numeric_limits<double>::infinity();
  Indices out;
  for (size_t i : in) {
    double k = key(options[i]);
    if (k < best) {
      best = k;
      out.clear();
    }
    if (k == best) out.push_back(i);
  }
  return out;
}

// priority.go BestOptions: the highest priority whose regexes match a group's name (an
// unanchored search); groups matching nothing drop out; no match at all keeps every option.
Indices Priority(const std::vector<Option>& options, const Indices& in,
                 const std::map<int64_t, std::vector<std::string>>& priorities) {
  int64_t max_prio = -1;
  Indices out;
  for (size_t i : in) {
    for (auto it = priorities.rbegin(); it != priorities.rend(); ++it) {
      bool match = false;
      for (const auto& re : it->second) match = match || std::regex_search(options[i].node_group, std::regex(re));
      if (!match) continue;
      if (it->first > max_prio) {
        max_prio = it->first;
        out.clear();
      }
      if (it->first == max_prio) out.push_back(i);
      break;
    }
  }
  return out.empty() ? in : out;
}

}  // namespace

double LeastWasteScore(const Option& o) {
  // waste.go: wasted fraction of the new nodes' CPU plus of their memory, over node capacity.
  auto [cpu, mem] = PodRequests(o);
  double avail_cpu = static_cast<double>(Capacity(*o.template_node, api::kResourceCPU)) * o.node_count;
  double avail_mem = static_cast<double>(Capacity(*o.template_node, api::kResourceMemory)) * o.node_count;
  if (avail_cpu <= 0 || avail_mem <= 0) return std::numeric_limits<double>::infinity();
  return (avail_cpu - static_cast<double>(cpu)) / avail_cpu + (avail_mem - static_cast<double>(mem)) / avail_mem;
}

double PriceScore(const Option& o, int64_t cluster_nodes) {
  // price.go BestOptions with SimplePreferredNodeProvider and SimpleNodeUnfitness; pod price is
  // the price of the share of the node's CPU and memory the pod requests (kubesim's pricing
  // model: an instance's price split evenly between its cores and its memory).
  const api::Node& n = *o.template_node;
  double node_cpu = static_cast<double>(Capacity(n, api::kResourceCPU)) / 1000.0;
  double node_mem = static_cast<double>(Capacity(n, api::kResourceMemory));
  auto pod_price = [&](double cpu_cores, double mem_bytes) {
    if (node_cpu <= 0 || node_mem <= 0) return 0.0;
    return o.price_per_hour * 0.5 * (cpu_cores / node_cpu + mem_bytes / node_mem);
  };
  double total_node_price = o.price_per_hour * o.node_count;
  auto [cpu, mem] = PodRequests(o);
  double total_pod_price = pod_price(static_cast<double>(cpu) / 1000.0, static_cast<double>(mem));
  // The stabilisation pod: 500m CPU, 500 MiB.
  double stab = pod_price(0.5, 500.0 * 1024 * 1024);
  double price_sub_score = (total_node_price + stab) / (total_pod_price + stab);
  int64_t pref_cpu = cluster_nodes <= 2     ? 1
                     : cluster_nodes <= 6   ? 2
                     : cluster_nodes <= 20  ? 4
                     : cluster_nodes <= 60  ? 8
                     : cluster_nodes <= 200 ? 16
                                            : 32;
  double eval_cpu = node_cpu > 0 ? node_cpu : 1;
  double unfitness = std::max(pref_cpu / eval_cpu, eval_cpu / pref_cpu);
  double suppressed = (unfitness - 1) * (1 - std::tanh((o.node_count - 1) / 15.0)) + 1;
  for (const auto& [res, q] : n.status.capacity) {
    if (res == "nvidia.com/gpu" && api::AmountOf(res, q) > 0) suppressed = 1000;
  }
  return suppressed * price_sub_score;
}

size_t BestOption(const std::vector<Option>& options, const ExpanderContext& ctx) {
  Indices in(options.size());
  for (size_t i = 0; i < in.size(); ++i) in[i] = i;
  for (const auto& name : *ctx.names) {
    if (in.size() == 1) return in[0];
    if (name == "random") break;
    if (name == "most-pods") {
      in = KeepMin(options, in, [](const Option& o) { return -static_cast<double>(o.pods.size()); });
    } else if (name == "least-nodes") {
      in = KeepMin(options, in, [](const Option& o) { return static_cast<double>(o.node_count); });
    } else if (name == "least-waste") {
      in = KeepMin(options, in, LeastWasteScore);
    } else if (name == "price") {
      int64_t nodes = ctx.cluster_nodes;
      in = KeepMin(options, in, [nodes](const Option& o) { return PriceScore(o, nodes); });
    } else if (name == "priority") {
      in = Priority(options, in, *ctx.priorities);
    }
  }
  if (in.size() == 1) return in[0];
  return in[ctx.rng->UniformInt(in.size())];
}

}  // namespace kubesim::autoscaler
