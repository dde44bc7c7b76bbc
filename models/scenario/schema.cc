#include "models/scenario/schema.h"

#include <nlohmann/json.hpp>

#include "models/apiserver/config.h"
#include "models/controllers/controller_names.h"
#include "models/report/expectations.h"
#include "models/scenario/actions.h"

namespace kubesim::scenario {
namespace {

using nlohmann::ordered_json;

ordered_json Str(const std::string& description) { return {{"type", "string"}, {"description", description}}; }

// Durations are Go durations ("90s", "1h30m"); a bare number is not one.
ordered_json Duration(const std::string& description) {
  return {{"type", "string"},
          {"pattern", "^-?([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^0$"},
          {"description", description}};
}

// Kubernetes quantities ("500m", "16Gi", 4).
ordered_json Quantity(const std::string& description) {
  return {{"type", {"string", "number"}}, {"description", description}};
}

ordered_json Object(ordered_json properties, std::vector<std::string> required = {},
                    const std::string& description = "") {
  ordered_json j = {{"type", "object"}, {"additionalProperties", false}, {"properties", std::move(properties)}};
  if (!required.empty()) j["required"] = required;
  if (!description.empty()) j["description"] = description;
  return j;
}

// A ClientConnectionConfiguration (component-base): the fields kubesim reads are qps and burst.
ordered_json ClientConnection(const std::string& defaults) {
  return Object({{"kubeconfig", {{"type", "string"}}},
                 {"acceptContentTypes", {{"type", "string"}}},
                 {"contentType", {{"type", "string"}}},
                 {"qps", {{"type", {"number", "string"}}, {"description", "negative: no client-side limit"}}},
                 {"burst", {{"type", {"integer", "string"}}, {"minimum", 0}}}},
                {}, "client-side rate limit; " + defaults);
}

// component-base LeaderElectionConfiguration.
ordered_json LeaderElection() {
  return Object({{"leaderElect", {{"type", "boolean"}, {"description", "default true"}}},
                 {"leaseDuration", Duration("default 15s")},
                 {"renewDeadline", Duration("default 10s")},
                 {"retryPeriod", Duration("default 2s")},
                 {"resourceLock", {{"enum", {"leases"}}}},
                 {"resourceName", Str("the Lease's name (default: the component's)")},
                 {"resourceNamespace", Str("default kube-system")}},
                {}, "leader election of kube-controller-manager");
}

ordered_json Manifest() {
  return {{"type", "object"},
          {"required", {"apiVersion", "kind"}},
          {"properties", {{"apiVersion", {{"type", "string"}}}, {"kind", {{"type", "string"}}}}},
          {"description", "A Kubernetes manifest (decoded strictly by kubesim)"}};
}

ordered_json StringMap() { return {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}; }

// kube-controller-manager's --controllers: "*", a name, or "-name", names and aliases as
// models/controllers/controller_names.h knows them.
ordered_json ControllersList() {
  std::vector<std::string> names = {"*"};
  for (const auto& c : controllers::KnownControllers()) {
    names.push_back(c.name);
    names.push_back(std::string("-") + c.name);
    for (const char* alias : c.aliases) {
      names.push_back(alias);
      names.push_back(std::string("-") + alias);
    }
  }
  return {{"type", "array"},
          {"items", {{"enum", names}}},
          {"description", "controllers to run, as kube-controller-manager --controllers (default [\"*\"])"}};
}

ordered_json Latency(const std::string& description) {
  return {{"description", description},
          {"oneOf",
           {Duration("fixed latency"),
            Object({{"median", Duration("median")}, {"p99", Duration("99th percentile (lognormal)")}}, {"median"})}}};
}

ordered_json ObjectEntry() {
  return {
      {"description", "file: manifests (file or directory), inline: one manifest, or count + template"},
      {"oneOf",
       {Object({{"file", Str("path relative to the scenario; a directory means every .yaml/.yml below it")}}, {"file"}),
        Object({{"inline", Manifest()}}, {"inline"}),
        Object({{"count", {{"type", {"integer", "string"}}, {"description", "copies; {{i}} is the index"}}},
                {"template", Manifest()}},
               {"count", "template"})}}};
}

ordered_json ObjectRef(bool kind_required) {
  std::vector<std::string> req = {"name"};
  if (kind_required) req.insert(req.begin(), "kind");
  return Object(
      {{"kind", Str("object kind")}, {"namespace", Str("namespace (default: default)")}, {"name", Str("name")}}, req);
}

ordered_json Actions() {
  ordered_json node_target = Object({{"node", Str("node name")},
                                     {"zone", Str("every node of this topology.kubernetes.io/zone")},
                                     {"selector", StringMap()}});
  ordered_json one_node = Object({{"node", Str("node name")}}, {"node"});
  ordered_json del = ObjectRef(true);
  del["properties"]["propagationPolicy"] = {{"enum", {"Background", "Foreground", "Orphan"}}};
  ordered_json scale = ObjectRef(true);
  scale["properties"]["replicas"] = {{"type", {"integer", "string"}}};
  scale["required"].push_back("replicas");
  ordered_json set_image = ObjectRef(true);
  set_image["properties"]["images"] = StringMap();
  set_image["required"].push_back("images");
  ordered_json all = {
      {"create", ObjectEntry()}, {"delete", del},         {"stopKubelet", node_target}, {"scale", scale},
      {"setImage", set_image},   {"crashNode", one_node}, {"restartKubelet", one_node}, {"drain", one_node},
  };
  // The cloud's faults (docs/cloud.md).
  all["spotInterruption"] = Object({{"nodeGroup", Str("a Spot node group")},
                                    {"count", {{"type", {"integer", "string"}}, {"minimum", 1}}},
                                    {"node", Str("one node of a node group")}});
  all["stockout"] = Object({{"zone", Str("zone")},
                            {"instanceType", Str("instance type")},
                            {"duration", Duration("how long nothing is in stock")}},
                           {"zone", "instanceType", "duration"});
  all["terminateInstance"] = one_node;
  all["cloudApiErrors"] =
      Object({{"rate", {{"type", {"number", "string"}}, {"minimum", 0}, {"maximum", 1}}}, {"duration", Duration("")}},
             {"rate", "duration"});
  all["scaleNodeGroup"] =
      Object({{"nodeGroup", Str("node group")}, {"size", {{"type", {"integer", "string"}}, {"minimum", 0}}}},
             {"nodeGroup", "size"});
  // The control plane's faults (docs/control-plane.md); `duration` undoes them.
  ordered_json member = {{"type", {"integer", "string"}}, {"minimum", 0}, {"description", "0 to members-1"}};
  all["etcdMemberDown"] = Object({{"member", member}, {"duration", Duration("then the member restarts")}}, {"member"});
  all["etcdMemberUp"] = Object({{"member", member}}, {"member"});
  all["etcdLeaderDown"] = Object({{"duration", Duration("then the member restarts")}});
  all["etcdDiskSlow"] = Object({{"factor", {{"type", {"number", "string"}}, {"minimum", 1}}},
                                {"duration", Duration("then fsync is nominal again")}},
                               {"factor"});
  all["partition"] = Object({{"zone", Str("every node of this zone")},
                             {"nodes", {{"type", "array"}, {"items", Str("node name")}}},
                             {"selector", StringMap()},
                             {"controlPlane", {{"type", "boolean"}, {"description", "every node"}}},
                             {"duration", Duration("then the link returns")}});
  ordered_json replica = {
      {"type", {"integer", "string"}}, {"minimum", 0}, {"description", "0 to spec.apiServer.replicas-1 (default 0)"}};
  all["apiserverDown"] = Object({{"replica", replica}, {"duration", Duration("then it starts again")}});
  all["apiserverUp"] = Object({{"replica", replica}});
  all["apiserverRestart"] = Object({{"replica", replica}});
  const ordered_json no_arguments = {
      {"type", "object"}, {"properties", ordered_json::object()}, {"additionalProperties", false}};
  all["heal"] = no_arguments;
  all["etcdCompact"] = no_arguments;
  all["etcdDefrag"] = no_arguments;
  all["etcdAlarmDisarm"] = no_arguments;
  all["apiserverLoad"] =
      Object({{"qps", {{"type", {"number", "string"}}, {"exclusiveMinimum", 0}, {"maximum", 1000000}}},
              {"verb", {{"enum", {"create", "update", "delete", "list"}}}},
              {"resource", Str("configmaps or secrets (create, update, delete); any served resource (list)")},
              {"namespace", Str("default: default")},
              {"objectSize", Quantity("bytes of data per created or updated object (default 1Ki)")},
              {"duration", Duration("how long the load lasts")},
              {"user", Str("who the requests authenticate as (default apiserver-load); "
                           "system:serviceaccount:<namespace>:<name> is that service account")},
              {"groups", {{"type", "array"}, {"items", {{"type", "string"}}}}}},
             {"qps", "duration"});
  // The registry is the parser's truth; an action missing here would be a schema bug.
  ordered_json out = ordered_json::object();
  for (const auto& [name, parser] : ActionRegistry()) {
    out[name] = all.contains(name) ? all[name] : ordered_json{{"type", "object"}};
  }
  return out;
}

ordered_json TimelineEntrySchema() {
  ordered_json actions = Actions();
  ordered_json props = {{"at", Duration("when, in simulated time since the start")}};
  ordered_json one_of = ordered_json::array();
  for (auto& [name, schema] : actions.items()) {
    props[name] = schema;
    one_of.push_back({{"required", {"at", name}}});
  }
  ordered_json j = Object(props, {"at"}, "one action at a time");
  j["oneOf"] = one_of;
  return j;
}

ordered_json Expect() {
  std::vector<std::string> aggregates = {"min", "max", "mean", "first", "last", "p50",
                                         "p90", "p95", "p99",  "count", "value"};
  std::string totals;
  for (const auto& t : report::TotalMetricNames()) totals += (totals.empty() ? "" : ", ") + t;
  return Object(
      {{"name", Str("shown in verdicts")},
       {"metric", Str("a metrics.csv column, a run total (" + totals +
                      "), pod_scheduling_latency_seconds, pod_startup_latency_seconds or events_total{reason=\"X\"}")},
       {"aggregate", {{"enum", aggregates}}},
       {"window", Object({{"from", Duration("window start")}, {"to", Duration("window end")}})},
       {"comparator", {{"enum", {"<", "<=", ">", ">=", "==", "!="}}}},
       {"threshold", {{"type", {"number", "string"}}}}},
      {"metric", "comparator", "threshold"});
}

ordered_json NodePool() {
  return Object(
      {{"name", Str("nodes are named <name>-<i>")},
       {"count", {{"type", {"integer", "string"}}}},
       {"zones", {{"type", "array"}, {"items", {{"type", "string"}}}, {"description", "node i in zones[i % n]"}}},
       {"region", Str("topology.kubernetes.io/region")},
       {"instanceType", Str("node.kubernetes.io/instance-type")},
       {"capacity", {{"type", "object"}, {"additionalProperties", Quantity("amount")}}},
       {"allocatable", {{"type", "object"}, {"additionalProperties", Quantity("amount")}}},
       {"labels", StringMap()},
       {"taints", {{"type", "array"}, {"items", {{"type", "object"}}}}},
       {"template", Manifest()}},
      {"name", "count"});
}

ordered_json ParameterSchema() {
  ordered_json scalar = {{"type", {"string", "number", "integer", "boolean"}}};
  return {{"oneOf",
           {scalar, Object({{"default", scalar},
                            {"type", {{"enum", {"string", "integer", "number", "boolean", "duration", "quantity"}}}},
                            {"description", Str("what it means")}},
                           {"default"})}}};
}

ordered_json Loads() {
  ordered_json point = Object({{"at", Duration("time")}, {"value", Quantity("cores")}}, {"at", "value"});
  ordered_json points = {{"type", "array"}, {"items", point}};
  ordered_json curve =
      Object({{"points", points}, {"csv", Str("time,value rows")}, {"interpolation", {{"enum", {"linear", "step"}}}}});
  return {{"type", "array"}, {"items", Object({{"target", ObjectRef(true)}, {"cpu", curve}}, {"target", "cpu"})}};
}

ordered_json Workload() {
  ordered_json rate = {{"type", "string"},
                       {"pattern", "^[0-9.eE+-]+/([0-9.]*(ns|us|ms|s|m|h))$"},
                       {"description", "events per duration: 30/m, 0.5/s, 5/10m"}};
  ordered_json arrivals = {
      {"oneOf",
       {Object({{"poisson", Object({{"rate", rate}}, {"rate"})}}, {"poisson"}),
        Object({{"diurnal", Object({{"mean", rate},
                                    {"amplitude", {{"type", {"number", "string"}}}},
                                    {"period", Duration("cycle length, e.g. 24h")},
                                    {"peak", Duration("time of the highest rate within the period")}},
                                   {"mean"})}},
               {"diurnal"})}}};
  ordered_json dist =
      Object({{"median", Quantity("median request")}, {"sigma", {{"type", {"number", "string"}}}}}, {"median"});
  ordered_json resources =
      Object({{"cpu", dist},
              {"memory", dist},
              {"ephemeral-storage", dist},
              {"correlation", {{"type", {"object", "array"}}, {"description", "{cpu/memory: 0.7} or a matrix"}}},
              {"limitRatio", {{"type", "object"}, {"additionalProperties", {{"type", {"number", "string"}}}}}}});
  ordered_json lifetime = {
      {"oneOf",
       {Duration("fixed run time"),
        Object({{"median", Duration("median")}, {"sigma", {{"type", {"number", "string"}}}}}, {"median"})}}};
  ordered_json generator = Object({{"name", Str("pods are <name>-<index>")},
                                   {"arrivals", arrivals},
                                   {"start", Duration("first arrival not before")},
                                   {"end", Duration("no arrival after")},
                                   {"count", {{"type", {"integer", "string"}}}},
                                   {"template", {{"type", "object"}, {"description", "a Pod manifest"}}},
                                   {"resources", resources},
                                   {"lifetime", lifetime}},
                                  {"name", "arrivals"});
  ordered_json trace = Object({{"trace", Object({{"file", Str("CSV path relative to the scenario")},
                                                 {"format", {{"enum", {"kubesim", "openb"}}}},
                                                 {"namespace", Str("namespace of the pods")},
                                                 {"timeScale", {{"type", {"number", "string"}}}},
                                                 {"speedup", {{"type", {"number", "string"}}}},
                                                 {"start", Duration("offset of the first submission")},
                                                 {"limit", {{"type", {"integer", "string"}}}},
                                                 {"template", {{"type", "object"}}}},
                                                {"file"})}},
                              {"trace"});
  return {{"oneOf", {generator, trace}}};
}

ordered_json Cloud() {
  ordered_json number = {{"type", {"number", "string"}}, {"minimum", 0}};
  ordered_json instance_type = Object({{"name", Str("e.g. m5.xlarge")},
                                       {"capacity", {{"type", "object"}, {"additionalProperties", Quantity("")}}},
                                       {"price", number},
                                       {"spotPrice", number},
                                       {"family", Str("quota family (default: the name up to its first '.')")}},
                                      {"name", "capacity", "price"});
  ordered_json strings = {{"type", "array"}, {"items", {{"type", "string"}}}};
  ordered_json size = {{"type", {"integer", "string"}}, {"minimum", 0}};
  ordered_json taint = Object(
      {{"key", Str("")}, {"value", Str("")}, {"effect", {{"enum", {"NoSchedule", "PreferNoSchedule", "NoExecute"}}}}},
      {"key", "effect"});
  ordered_json group = Object({{"name", Str("node group; its nodes are NAME-N")},
                               {"instanceType", Str("")},
                               {"instanceTypes", strings},
                               {"zones", strings},
                               {"minSize", size},
                               {"maxSize", size},
                               {"size", size},
                               {"capacityType", {{"enum", {"OnDemand", "Spot"}}}},
                               {"labels", StringMap()},
                               {"taints", {{"type", "array"}, {"items", taint}}}},
                              {"name", "zones", "minSize", "maxSize"});
  return Object(
      {{"region", Str("")},
       {"zones", strings},
       {"instanceTypes", {{"type", "array"}, {"items", instance_type}}},
       {"nodeGroups", {{"type", "array"}, {"items", group}}},
       {"provisioningLatency", Latency("instance request -> Node registered (default median 100s, p99 261s)")},
       {"terminationLatency", Duration("terminate -> instance gone (default 0s)")},
       {"spotInterruptionNotice", Duration("default 2m")},
       {"loadBalancerProvisioningLatency", Latency("LoadBalancer Service -> ingress (default median 60s, p99 120s)")},
       {"disks", Object({{"createLatency", Latency("CreateDisk -> available (default 10s)")},
                         {"attachLatency", Latency("AttachDisk -> in use (default 15s)")},
                         {"detachLatency", Latency("DetachDisk -> available (default 15s)")},
                         {"maxVolumesPerInstance", size}})},
       {"routes",
        {{"type", {"object", "null"}},
         {"properties", {{"tableLimit", size}}},
         {"additionalProperties", false},
         {"description", "a routes-based network: the route controller runs (tableLimit default 50)"}}},
       {"apiRateLimit", Object({{"launchesPerSecond", number}, {"burst", size}})},
       {"quotas", Object({{"vcpu", size}, {"vcpuPerFamily", {{"type", "object"}, {"additionalProperties", size}}}})}},
      {"region", "zones", "instanceTypes", "nodeGroups"},
      "the cloud: region, instance types, node groups (docs/cloud.md)");
}

ordered_json ClusterAutoscaler() {
  ordered_json d = {{"type", "string"}, {"pattern", "^[0-9]"}};
  ordered_json i = {{"type", {"integer", "string"}}};
  ordered_json b = {{"type", "boolean"}};
  ordered_json props = {
      {"scanInterval", d},
      {"maxNodesTotal", i},
      {"coresTotal", Str("MIN:MAX cores")},
      {"memoryTotal", Str("MIN:MAX GiB")},
      {"expander", Str("comma-separated: random, most-pods, least-waste, least-nodes, price, priority")},
      {"scaleDownEnabled", b},
      {"scaleDownDelayAfterAdd", d},
      {"scaleDownDelayAfterDelete", d},
      {"scaleDownDelayAfterFailure", d},
      {"scaleDownUnneededTime", d},
      {"scaleDownUnreadyTime", d},
      {"scaleDownUtilizationThreshold", {{"type", {"number", "string"}}}},
      {"maxNodeProvisionTime", d},
      {"maxGracefulTerminationSec", i},
      {"maxScaleDownParallelism", i},
      {"maxDrainParallelism", i},
      {"expendablePodsPriorityCutoff", i},
      {"initialNodeGroupBackoffDuration", d},
      {"maxNodeGroupBackoffDuration", d},
      {"nodeGroupBackoffResetTimeout", d},
      {"newPodScaleUpDelay", d},
      {"skipNodesWithSystemPods", b},
      {"skipNodesWithLocalStorage", b},
      {"maxNodesPerScaleup", i},
      {"maxPodEvictionTime", d},
      {"ignoreDaemonsetsUtilization", b},
      {"maxTotalUnreadyPercentage", i},
      {"okTotalUnreadyCount", i},
      {"nodeDeleteDelayAfterTaint", d},
      {"cordonNodeBeforeTerminating", b},
      {"balanceSimilarNodeGroups", b},
      {"priorities",
       {{"type", "object"}, {"additionalProperties", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}};
  ordered_json o = Object(props, {}, "the cluster-autoscaler; keys are its flags in camelCase (docs/cloud.md)");
  o["type"] = {"object", "null"};
  return o;
}

ordered_json Compare() {
  ordered_json tolerance = Object({{"relative", {{"type", {"number", "string"}}, {"minimum", 0}}},
                                   {"absolute", {{"type", {"number", "string"}}, {"minimum", 0}}}});
  return Object({{"metrics", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                 {"tolerances", {{"type", "object"}, {"additionalProperties", tolerance}}}},
                {}, "kubesim compare: the metrics this scenario is judged on and their tolerances (docs/compare.md)");
}

}  // namespace

std::string ScenarioJsonSchema() {
  ordered_json spec = Object(
      {{"parameters",
        {{"type", "object"},
         {"additionalProperties", ParameterSchema()},
         {"description", "${name} anywhere in the scenario reads one; --set name=value overrides"}}},
       {"seed", {{"type", {"integer", "string"}}, {"minimum", 0}}},
       {"duration", Duration("simulated time the run lasts (default 1h)")},
       {"nodePools", {{"type", "array"}, {"items", NodePool()}}},
       {"objects", {{"type", "array"}, {"items", ObjectEntry()}}},
       {"workloads", {{"type", "array"}, {"items", Workload()}, {"description", "generators and trace replay"}}},
       {"timeline", {{"type", "array"}, {"items", TimelineEntrySchema()}}},
       {"apiServer", Object({{"requestLatency", Latency("every verb")},
                             {"watchDelay", Duration("watch delivery delay")},
                             {"replicas",
                              {{"type", {"integer", "string"}},
                               {"minimum", 1},
                               {"maximum", apiserver::kMaxApiServerReplicas},
                               {"description", "kube-apiserver processes behind one load balancer (default 1)"}}},
                             {"maxRequestsInflight", {{"type", {"integer", "string"}}, {"minimum", 1}}},
                             {"maxMutatingRequestsInflight", {{"type", {"integer", "string"}}, {"minimum", 1}}}})},
       {"kubelet",
        Object({{"podStartLatency", Latency("sandbox + container start")},
                {"serializeImagePulls", {{"type", "boolean"}}},
                {"imagePullBandwidth", Quantity("bytes per second")},
                {"imageSizes", {{"type", "object"}, {"additionalProperties", Quantity("bytes")}}},
                {"kubeAPIQPS", {{"type", {"number", "string"}}, {"minimum", 0}, {"description", "default 50"}}},
                {"kubeAPIBurst", {{"type", {"integer", "string"}}, {"minimum", 0}, {"description", "default 100"}}}})},
       {"kubeProxy", Object({{"minSyncPeriod", Duration("iptables min sync period")},
                             {"syncDuration", Duration("time one sync takes")}})},
       {"scheduler", Object({{"config", {{"type", "object"}, {"description", "a KubeSchedulerConfiguration"}}},
                             {"configFile", Str("path to a KubeSchedulerConfiguration")},
                             {"percentageOfNodesToScore", {{"type", "integer"}, {"minimum", 0}, {"maximum", 100}}},
                             {"cycleLatency", Latency("scheduling cycle duration")}})},
       {"controllerManager",
        Object({{"controllers", ControllersList()},
                {"terminatedPodGCThreshold",
                 {{"type", "integer"},
                  {"minimum", 0},
                  {"description", "terminated pods the pod garbage collector keeps (0: all); default 12500"}}},
                {"allocateNodeCIDRs", {{"type", "boolean"}}},
                {"clusterCIDR", Str("e.g. 10.244.0.0/16")},
                {"nodeCIDRMaskSize", {{"type", {"integer", "string"}}}},
                {"clientConnection", ClientConnection("default qps 20, burst 30, per controller")},
                {"leaderElection", LeaderElection()}})},
       {"loads", Loads()},
       {"expect", {{"type", "array"}, {"items", Expect()}}},
       {"output", Object({{"interval", Duration("metrics.csv / nodes.csv sampling interval; 0s turns sampling off")}})},
       {"compare", Compare()},
       {"etcd", Object({{"members", {{"type", {"integer", "string"}}, {"minimum", 1}, {"maximum", 7}}},
                        {"heartbeatInterval", Duration("raft heartbeat (default 100ms)")},
                        {"electionTimeout", Duration("raft election timeout (default 1s)")},
                        {"fsyncLatency", Latency("WAL fsync")},
                        {"peerLatency", Latency("round trip between members")},
                        {"quotaBackendBytes", Quantity("--quota-backend-bytes (default 2Gi)")}})},
       {"cloud", Cloud()},
       {"clusterAutoscaler", ClusterAutoscaler()}});
  ordered_json root = {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "https://kubesim.io/schemas/scenario-v1alpha1.json"},
      {"title", "kubesim Scenario"},
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"apiVersion", "kind", "spec"}},
      {"properties",
       {{"apiVersion", {{"const", "kubesim.io/v1alpha1"}}},
        {"kind", {{"const", "Scenario"}}},
        {"metadata", Object({{"name", Str("scenario name")}, {"labels", StringMap()}, {"annotations", StringMap()}})},
        {"spec", spec}}}};
  return root.dump(2) + "\n";
}

}  // namespace kubesim::scenario
