#include "models/api/codec.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "models/api/yaml_node.h"

namespace kubesim::api {
namespace {

// Decodes the only document of `text` (named f.yaml). REQUIRES success.
DecodeResult DecodeOne(const std::string& text) {
  auto docs = LoadYamlDocuments(text, "f.yaml");
  INFO(docs.status().message());
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 1);
  auto r = DecodeObject(docs->front());
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

// The error loading or decoding the first document of `text` gives; "" when both succeed.
std::string ErrorOf(const std::string& text) {
  auto docs = LoadYamlDocuments(text, "f.yaml");
  if (!docs.ok()) return docs.status().message();
  if (docs->empty()) return "";
  auto r = DecodeObject(docs->front());
  return r.ok() ? "" : r.status().message();
}

TEST_CASE("DecodeObject: a Pod gets API-server defaults", "[api]") {
  DecodeResult r = DecodeOne(
      "apiVersion: v1\n"
      "kind: Pod\n"
      "metadata:\n"
      "  name: web-0\n"
      "  labels:\n"
      "    app: web\n"
      "spec:\n"
      "  containers:\n"
      "  - name: app\n"
      "    image: nginx:1.27\n"
      "    resources:\n"
      "      requests:\n"
      "        cpu: 100m\n"
      "      limits:\n"
      "        cpu: 500m\n"
      "        memory: 128Mi\n");
  auto pod = std::dynamic_pointer_cast<Pod>(r.object);
  REQUIRE(pod);
  CHECK(pod->kind == "Pod");
  CHECK(pod->api_version == "v1");
  CHECK(pod->metadata.name == "web-0");
  CHECK(pod->metadata.namespace_ == "default");
  CHECK(pod->metadata.labels == StringMap{{"app", "web"}});
  CHECK(pod->spec.scheduler_name == "default-scheduler");
  CHECK(pod->spec.restart_policy == "Always");
  CHECK(pod->spec.termination_grace_period_seconds == 30);
  CHECK_FALSE(pod->spec.priority.has_value());
  CHECK(pod->status.phase == "Pending");
  REQUIRE(pod->spec.containers.size() == 1);
  const Container& c = pod->spec.containers[0];
  CHECK(c.name == "app");
  CHECK(c.image == "nginx:1.27");
  CHECK(c.requests.at("cpu").MilliValue() == 100);  // given request kept
  CHECK(c.limits.at("cpu").MilliValue() == 500);
  REQUIRE(c.requests.count("memory") == 1);  // defaulted from the limit
  CHECK(c.requests.at("memory").Value() == 134'217'728);
  CHECK(c.requests.size() == 2);
  CHECK(pod->source.file == "f.yaml");
  CHECK(pod->source.line == 1);
  CHECK(r.warnings.empty());
}

TEST_CASE("DecodeObject: namespace, schedulerName and unsimulated fields", "[api]") {
  DecodeResult r = DecodeOne(
      "apiVersion: v1\n"
      "kind: Pod\n"
      "metadata:\n"
      "  name: p\n"
      "  namespace: team-a\n"
      "spec:\n"
      "  schedulerName: my-scheduler\n"
      "  priorityClassName: high\n"
      "  affinity:\n"
      "    nodeAffinity: {}\n"
      "  volumes:\n"
      "  - name: data\n"
      "    persistentVolumeClaim: {claimName: data}\n"
      "  containers:\n"
      "  - name: c\n");
  auto pod = std::dynamic_pointer_cast<Pod>(r.object);
  REQUIRE(pod);
  CHECK(pod->metadata.namespace_ == "team-a");
  CHECK(pod->spec.scheduler_name == "my-scheduler");
  CHECK(pod->spec.priority_class_name == "high");
  CHECK(pod->spec.containers[0].requests.empty());
  REQUIRE(pod->spec.affinity.node_affinity);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] ==
        "f.yaml:12:5: spec.volumes[0]: not simulated yet: volume scheduling; the pod is placed as if its claims were "
        "bound");
}

TEST_CASE("DecodeObject: a Node gets allocatable from capacity and the hostname label", "[api]") {
  DecodeResult r = DecodeOne(
      "apiVersion: v1\n"
      "kind: Node\n"
      "metadata:\n"
      "  name: node-1\n"
      "  namespace: ignored\n"
      "  labels:\n"
      "    topology.kubernetes.io/zone: zone-a\n"
      "spec:\n"
      "  taints:\n"
      "  - key: dedicated\n"
      "    value: gpu\n"
      "    effect: NoSchedule\n"
      "status:\n"
      "  capacity:\n"
      "    cpu: \"4\"\n"
      "    memory: 16Gi\n"
      "    pods: \"110\"\n");
  auto node = std::dynamic_pointer_cast<Node>(r.object);
  REQUIRE(node);
  CHECK(node->metadata.namespace_.empty());  // cluster-scoped
  CHECK(node->metadata.labels ==
        StringMap{{"kubernetes.io/hostname", "node-1"}, {"topology.kubernetes.io/zone", "zone-a"}});
  CHECK(node->status.allocatable == node->status.capacity);
  CHECK(node->status.allocatable.at("cpu").MilliValue() == 4000);
  CHECK(node->status.allocatable.at("memory").Value() == 17'179'869'184);
  CHECK(node->status.allocatable.at("pods").Value() == 110);
  REQUIRE(node->spec.taints.size() == 1);
  CHECK(node->spec.taints[0].key == "dedicated");
  CHECK(node->spec.taints[0].value == "gpu");
  CHECK(node->spec.taints[0].effect == "NoSchedule");
  CHECK_FALSE(node->spec.unschedulable);
}

TEST_CASE("DecodeObject: a Node keeps its own hostname label and allocatable", "[api]") {
  DecodeResult r = DecodeOne(
      "apiVersion: v1\n"
      "kind: Node\n"
      "metadata:\n"
      "  name: node-1\n"
      "  labels: {kubernetes.io/hostname: host-a}\n"
      "status:\n"
      "  capacity: {cpu: \"8\"}\n"
      "  allocatable: {cpu: 7500m}\n");
  auto node = std::dynamic_pointer_cast<Node>(r.object);
  REQUIRE(node);
  CHECK(node->metadata.labels.at("kubernetes.io/hostname") == "host-a");
  CHECK(node->status.capacity.at("cpu").MilliValue() == 8000);
  CHECK(node->status.allocatable.at("cpu").MilliValue() == 7500);
}

TEST_CASE("DecodeObject: PriorityClass", "[api]") {
  DecodeResult r = DecodeOne(
      "apiVersion: scheduling.k8s.io/v1\n"
      "kind: PriorityClass\n"
      "metadata:\n"
      "  name: high\n"
      "value: 1000000\n"
      "globalDefault: true\n"
      "preemptionPolicy: Never\n"
      "description: important\n");
  auto pc = std::dynamic_pointer_cast<PriorityClass>(r.object);
  REQUIRE(pc);
  CHECK(pc->metadata.namespace_.empty());
  CHECK(pc->value == 1'000'000);
  CHECK(pc->global_default);
  CHECK(pc->preemption_policy == "Never");
  CHECK(ResourceOf("PriorityClass") == "priorityclasses");
  CHECK(IsClusterScoped("PriorityClass"));

  DecodeResult d =
      DecodeOne("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: low}\nvalue: -5\n");
  auto low = std::dynamic_pointer_cast<PriorityClass>(d.object);
  REQUIRE(low);
  CHECK(low->value == -5);
  CHECK_FALSE(low->global_default);
  CHECK(low->preemption_policy == "PreemptLowerPriority");
}

TEST_CASE("DecodeObject: Deployment and ReplicaSet", "[api]") {
  const std::string deployment =
      "apiVersion: apps/v1\n"
      "kind: Deployment\n"
      "metadata:\n"
      "  name: web\n"
      "spec:\n"
      "  replicas: 3\n"
      "  selector:\n"
      "    matchLabels:\n"
      "      app: web\n"
      "    matchExpressions:\n"
      "    - {key: tier, operator: NotIn, values: [db]}\n"
      "  template:\n"
      "    metadata:\n"
      "      labels:\n"
      "        app: APP\n"
      "    spec:\n"
      "      containers:\n"
      "      - name: app\n"
      "        image: nginx\n";
  auto replace = [](std::string s, const std::string& from, const std::string& to) {
    return s.replace(s.find(from), from.size(), to);
  };
  DecodeResult r = DecodeOne(replace(deployment, "APP", "web"));
  auto d = std::dynamic_pointer_cast<Deployment>(r.object);
  REQUIRE(d);
  CHECK(d->replicas == 3);
  CHECK(d->strategy_type == "RollingUpdate");
  CHECK(d->selector.match_labels == StringMap{{"app", "web"}});
  REQUIRE(d->selector.match_expressions.size() == 1);
  CHECK(d->selector.match_expressions[0].op == SelectorOp::kNotIn);
  CHECK(d->selector.match_expressions[0].values == std::vector<std::string>{"db"});
  CHECK(d->pod_template.metadata.labels == StringMap{{"app", "web"}});
  REQUIRE(d->pod_template.spec.containers.size() == 1);
  CHECK(d->pod_template.spec.containers[0].image == "nginx");
  CHECK(d->metadata.namespace_ == "default");

  DecodeResult rs = DecodeOne(replace(replace(deployment, "APP", "web"), "kind: Deployment", "kind: ReplicaSet"));
  auto set = std::dynamic_pointer_cast<ReplicaSet>(rs.object);
  REQUIRE(set);
  CHECK(set->replicas == 3);

  CHECK(ErrorOf(replace(deployment, "APP", "api")) ==
        "f.yaml:15:9: spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`");
}

TEST_CASE("DecodeObject: kinds kubesim does not simulate are kept opaque", "[api]") {
  DecodeResult pv = DecodeOne(
      "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-1\n  namespace: x\n"
      "spec:\n  capacity: {storage: 10Gi}\n");
  REQUIRE(std::dynamic_pointer_cast<OpaqueObject>(pv.object));
  CHECK(pv.object->kind == "PersistentVolume");
  CHECK(pv.object->metadata.namespace_.empty());
  CHECK(IsClusterScoped("PersistentVolume"));
  CHECK_FALSE(IsSimulatedKind("PersistentVolume"));

  DecodeResult crd = DecodeOne(
      "apiVersion: example.com/v1alpha1\nkind: Widget\nmetadata:\n  name: w\n  labels: {a: b}\nspec:\n  size: 3\n");
  REQUIRE(std::dynamic_pointer_cast<OpaqueObject>(crd.object));
  CHECK(crd.object->kind == "Widget");
  CHECK(crd.object->api_version == "example.com/v1alpha1");
  CHECK(crd.object->metadata.namespace_ == "default");
  CHECK(crd.object->metadata.labels == StringMap{{"a", "b"}});
  CHECK(ResourceOf("Widget") == "widgets");
  CHECK(ResourceOf("Policy") == "policies");
  CHECK_FALSE(IsSimulatedKind("Widget"));
  CHECK(IsSimulatedKind("Pod"));
}

TEST_CASE("LoadYamlDocuments skips empty documents", "[api]") {
  const std::string text =
      "---\n"
      "---\n"
      "apiVersion: v1\n"
      "kind: Namespace\n"
      "metadata: {name: team-a}\n"
      "---\n"
      "\n"
      "---\n"
      "# only a comment\n"
      "---\n"
      "apiVersion: v1\n"
      "kind: ConfigMap\n"
      "metadata: {name: cfg, namespace: team-a}\n"
      "data: {k: v}\n"
      "...\n";
  auto docs = LoadYamlDocuments(text, "f.yaml");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 2);
  auto ns = DecodeObject((*docs)[0]);
  REQUIRE(ns.ok());
  CHECK(std::dynamic_pointer_cast<Namespace>(ns->object));
  CHECK(ns->object->metadata.namespace_.empty());
  CHECK(ns->object->source.line == 3);
  auto cm = DecodeObject((*docs)[1]);
  REQUIRE(cm.ok());
  auto cfg = std::dynamic_pointer_cast<ConfigMap>(cm->object);
  REQUIRE(cfg);
  CHECK(cfg->metadata.namespace_ == "team-a");
  CHECK(cfg->data == StringMap{{"k", "v"}});
  CHECK(cfg->source.line == 11);
}

// Every error: `f.yaml:LINE:COL: field.path: what`, positions counted by hand from the texts.
TEST_CASE("DecodeObject errors name file, line, column and field", "[api]") {
  const std::string head = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n";  // lines 1-4
  struct Case {
    std::string name;
    std::string text;
    std::string want;
  };
  const Case cases[] = {
      {"pod without containers", head + "spec:\n  restartPolicy: Always\n",
       "f.yaml:6:3: spec.containers: Required value: a Pod needs at least one container"},
      {"pod with empty containers", head + "spec:\n  containers: []\n",
       "f.yaml:6:15: spec.containers: Required value: a Pod needs at least one container"},
      {"invalid quantity",
       head + "spec:\n  containers:\n  - name: app\n    resources:\n      requests:\n        cpu: 1.2.3\n",
       "f.yaml:10:14: spec.containers[0].resources.requests.cpu: quantity \"1.2.3\" must match the regular "
       "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
      {"negative request", head + "spec:\n  containers:\n  - name: app\n    resources:\n      requests: {cpu: -1}\n",
       "f.yaml:9:23: spec.containers[0].resources.requests.cpu: Invalid value \"-1\": must be greater than or "
       "equal to 0"},
      {"request above limit",
       head + "spec:\n  containers:\n  - name: app\n    resources:\n      requests:\n        memory: 2Gi\n"
              "      limits:\n        memory: 1Gi\n",
       "f.yaml:10:17: spec.containers[0].resources.requests.memory: Invalid value \"2Gi\": must be less than "
       "or equal to memory limit of 1Gi"},
      {"container without name", head + "spec:\n  containers:\n  - image: nginx\n",
       "f.yaml:7:5: spec.containers[0].name: Required value"},
      {"bad toleration operator",
       head + "spec:\n  containers:\n  - name: app\n  tolerations:\n  - key: k\n    operator: Maybe\n",
       "f.yaml:10:15: spec.tolerations[0].operator: Unsupported value: \"Maybe\": supported values: \"Equal\", "
       "\"Exists\""},
      {"bad toleration effect",
       head + "spec:\n  containers:\n  - name: app\n  tolerations:\n  - key: k\n    effect: NoRun\n",
       "f.yaml:10:13: spec.tolerations[0].effect: Unsupported value: \"NoRun\": supported values: "
       "\"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""},
      {"bad restartPolicy", head + "spec:\n  restartPolicy: Sometimes\n  containers:\n  - name: app\n",
       "f.yaml:6:18: spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", "
       "\"OnFailure\", \"Never\""},
      {"bad taint effect",
       "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nspec:\n  taints:\n  - key: dedicated\n"
       "    effect: NoRun\nstatus:\n  capacity:\n    cpu: \"4\"\n",
       "f.yaml:8:13: spec.taints[0].effect: Unsupported value: \"NoRun\": supported values: \"NoSchedule\", "
       "\"PreferNoSchedule\", \"NoExecute\""},
      {"invalid name", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Web_1\nspec:\n  containers:\n  - name: a\n",
       "f.yaml:4:9: metadata.name: Invalid value \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower "
       "case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"},
      {"missing metadata", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n",
       "f.yaml:1:1: metadata: Required value: every object needs metadata.name"},
      {"metadata without name", "apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {a: b}\n",
       "f.yaml:4:3: metadata.name: Required value: name or generateName is required"},
      {"missing kind", "apiVersion: v1\nmetadata: {name: a}\n", "f.yaml:1:1: kind: Required value"},
      {"wrong apiVersion", "apiVersion: apps/v1\nkind: Pod\nmetadata: {name: a}\n",
       "f.yaml:1:13: apiVersion: no kind \"Pod\" is registered for version \"apps/v1\" (kubesim serves Pod at v1)"},
      {"run-duration not a duration",
       "apiVersion: v1\nkind: Pod\nmetadata:\n  name: job\n  annotations:\n    kubesim.io/run-duration: 5x\n"
       "spec:\n  containers:\n  - name: a\n",
       "f.yaml:6:30: metadata.annotations.kubesim.io/run-duration: invalid duration \"5x\": unknown unit \"x\" "
       "(valid units: ns, us, ms, s, m, h)"},
      {"run-duration negative",
       "apiVersion: v1\nkind: Pod\nmetadata:\n  name: job\n  annotations:\n    kubesim.io/run-duration: -5s\n"
       "spec:\n  containers:\n  - name: a\n",
       "f.yaml:6:30: metadata.annotations.kubesim.io/run-duration: Invalid value: must not be negative"},
      {"malformed YAML", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n labels: x\n",
       "f.yaml:5:2: malformed YAML: end of map not found"},
      {"malformed flow", "a: b: c\n", "f.yaml:1:5: malformed YAML: illegal map value"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(ErrorOf(c.text) == c.want);
  }
}

TEST_CASE("A run-duration annotation that parses is accepted", "[api]") {
  DecodeResult r = DecodeOne(
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: job\n  annotations:\n    kubesim.io/run-duration: 1m30s\n"
      "spec:\n  containers:\n  - name: a\n");
  CHECK(r.object->metadata.annotations.at(kRunDurationAnnotation) == "1m30s");
}

TEST_CASE("Containers: probes, imagePullPolicy and preStop decoded with upstream defaults", "[api]") {
  DecodeResult r = DecodeOne(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
      "  - name: a\n    image: nginx\n"
      "    readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5, successThreshold: 2, timeoutSeconds: 0}\n"
      "    livenessProbe: {tcpSocket: {port: 80}, initialDelaySeconds: 15}\n"
      "    lifecycle: {preStop: {sleep: {seconds: 7}}}\n"
      "  - name: b\n    image: registry.local:5000/app:v2\n    startupProbe: {exec: {command: [true]}}\n"
      "    lifecycle: {preStop: {exec: {command: [sh]}}}\n"
      "  - name: c\n    image: busybox:latest\n"
      "  - name: d\n    image: registry.local:5000/app\n    imagePullPolicy: Never\n"
      "  - name: e\n    image: app@sha256:abcd\n");
  auto pod = As<Pod>(r.object);
  REQUIRE(pod);
  const auto& cs = pod->spec.containers;
  REQUIRE(cs.size() == 5);
  REQUIRE(cs[0].readiness_probe);
  CHECK(cs[0].readiness_probe->period_seconds == 5);
  CHECK(cs[0].readiness_probe->success_threshold == 2);
  CHECK(cs[0].readiness_probe->timeout_seconds == 1);  // 0 defaults to 1
  CHECK(cs[0].readiness_probe->failure_threshold == 3);
  REQUIRE(cs[0].liveness_probe);
  CHECK(cs[0].liveness_probe->initial_delay_seconds == 15);
  CHECK(cs[0].liveness_probe->period_seconds == 10);
  CHECK_FALSE(cs[0].startup_probe);
  CHECK(cs[0].has_pre_stop);
  CHECK(cs[0].pre_stop_sleep_seconds == 7);
  CHECK(cs[1].startup_probe);
  CHECK(cs[1].has_pre_stop);
  CHECK_FALSE(cs[1].pre_stop_sleep_seconds);
  // SetDefaults_Container: Always for no tag or :latest, else IfNotPresent.
  CHECK(cs[0].image_pull_policy == "Always");
  CHECK(cs[1].image_pull_policy == "IfNotPresent");
  CHECK(cs[2].image_pull_policy == "Always");
  CHECK(cs[3].image_pull_policy == "Never");
  CHECK(cs[4].image_pull_policy == "IfNotPresent");
}

TEST_CASE("Pod status: containerStatuses decoded, timestamps ignored", "[api]") {
  DecodeResult r = DecodeOne(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
      "status:\n  phase: Running\n  containerStatuses:\n"
      "  - name: a\n    image: nginx:1.27\n    ready: false\n    started: false\n    restartCount: 4\n"
      "    state: {waiting: {reason: CrashLoopBackOff, message: back-off 1m20s}}\n"
      "    lastState: {terminated: {exitCode: 1, reason: Error, finishedAt: \"2024-05-01T10:00:00Z\"}}\n");
  auto pod = As<Pod>(r.object);
  REQUIRE(pod->status.container_statuses.size() == 1);
  const ContainerStatus& s = pod->status.container_statuses[0];
  CHECK(s.restart_count == 4);
  CHECK(s.started == false);
  CHECK(s.state.kind == ContainerState::Kind::kWaiting);
  CHECK(s.state.waiting_reason == "CrashLoopBackOff");
  CHECK(s.last_state.kind == ContainerState::Kind::kTerminated);
  CHECK(s.last_state.terminated.exit_code == 1);
  CHECK(s.last_state.terminated.reason == "Error");
  CHECK(ErrorOf("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
                "status:\n  containerStatuses:\n  - name: a\n    restartCount: -1\n") ==
        "f.yaml:10:19: status.containerStatuses[0].restartCount: Invalid value: must be greater than or equal to 0");
}

TEST_CASE("Kubelet fields and annotations: bad values are located errors", "[api]") {
  struct Case {
    const char* name;
    std::string text;
    std::string want;
  };
  const std::string head = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n";
  std::vector<Case> cases = {
      {"liveness successThreshold",
       head + "spec:\n  containers:\n  - name: a\n    livenessProbe: {successThreshold: 2}\n",
       "f.yaml:8:39: spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"},
      {"negative initial delay",
       head + "spec:\n  containers:\n  - name: a\n    readinessProbe: {initialDelaySeconds: -1}\n",
       "f.yaml:8:43: spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or "
       "equal to 0"},
      {"pull policy", head + "spec:\n  containers:\n  - name: a\n    imagePullPolicy: Sometimes\n",
       "f.yaml:8:22: spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: "
       "\"Always\", \"IfNotPresent\", \"Never\""},
      {"exit code", head + "  annotations: {kubesim.io/exit-code: \"-1\"}\nspec:\n  containers:\n  - name: a\n",
       "f.yaml:5:39: metadata.annotations.kubesim.io/exit-code: Invalid value: \"-1\": must be an integer from 0 to "
       "255"},
      {"image pull failures",
       head + "  annotations: {kubesim.io/image-pull-failures: some}\nspec:\n  containers:\n  - name: a\n",
       "f.yaml:5:49: metadata.annotations.kubesim.io/image-pull-failures: Invalid value: \"some\": must be a count "
       "from 0 "
       "to 9999999"},
      {"liveness fails after",
       head + "  annotations: {kubesim.io/liveness-fails-after: soon}\nspec:\n  containers:\n  - name: a\n",
       "f.yaml:5:50: metadata.annotations.kubesim.io/liveness-fails-after: invalid duration \"soon\": expected a "
       "number"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(ErrorOf(c.text) == c.want);
  }
}

TEST_CASE("LoadYamlDocuments rejects an alias bomb quickly", "[api]") {
  // Billion laughs: 9 levels of 10 aliases expand to 10^9 scalars.
  std::string text = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int level = 1; level < 9; ++level) {
    std::string prev = "*l" + std::to_string(level - 1);
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + prev;
    text += "]\n";
  }
  // Refused from the parser's events, at the alias where the count passes the budget (10^8 at
  // l7), without expanding anything.
  std::string err = ErrorOf(text);
  CHECK(err.rfind("f.yaml:8:10: ", 0) == 0);
  CHECK_THAT(err, Catch::Matchers::Contains("alias expansion"));
}

TEST_CASE("LoadYamlDocuments rejects an alias to a node that contains it", "[api]") {
  std::string err = ErrorOf("a: &x [1, *x]\n");
  CHECK(err.rfind("f.yaml:1:11: an alias refers to a node that contains it", 0) == 0);
}

TEST_CASE("LoadYamlDocuments rejects deep nesting without crashing", "[api]") {
  std::string err = ErrorOf(std::string(10000, '['));
  CHECK_THAT(err, Catch::Matchers::Contains("nested deeper than"));
  CHECK(err.rfind("f.yaml:1:1: malformed YAML: ", 0) == 0);
  std::string err2 = ErrorOf("spec: " + std::string(10000, '[') + std::string(10000, ']') + "\n");
  CHECK(err2.rfind("f.yaml:", 0) == 0);
  CHECK_THAT(err2, Catch::Matchers::Contains("malformed YAML"));
}

TEST_CASE("DecodeObject: finalizers and ownerReferences for the garbage collector", "[api]") {
  DecodeResult r = DecodeOne(
      "apiVersion: v1\n"
      "kind: ConfigMap\n"
      "metadata:\n"
      "  name: cm\n"
      "  finalizers: [example.com/keep, foregroundDeletion]\n"
      "  ownerReferences:\n"
      "  - {apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true, blockOwnerDeletion: true}\n"
      "  - {apiVersion: v1, kind: ConfigMap, name: other, uid: u2}\n");
  const ObjectMeta& m = r.object->metadata;
  CHECK(m.finalizers == std::vector<std::string>{"example.com/keep", "foregroundDeletion"});
  CHECK(m.HasFinalizer(kFinalizerForegroundDeletion));
  CHECK_FALSE(m.HasFinalizer(kFinalizerOrphan));
  REQUIRE(m.owner_references.size() == 2);
  CHECK(m.owner_references[0].block_owner_deletion);
  CHECK(m.owner_references[0].controller);
  CHECK_FALSE(m.owner_references[1].block_owner_deletion);

  const std::string head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n";
  CHECK(ErrorOf(head + "  finalizers: [a, a]\n") == "f.yaml:5:15: metadata.finalizers: Duplicate value: \"a\"");
  CHECK_THAT(ErrorOf(head + "  finalizers: [orphan, foregroundDeletion]\n"),
             Catch::StartsWith("f.yaml:5:15: metadata.finalizers: Invalid value"));
  CHECK_THAT(
      ErrorOf(head + "  ownerReferences:\n"
                     "  - {apiVersion: v1, kind: A, name: a, uid: u1, controller: true}\n"
                     "  - {apiVersion: v1, kind: B, name: b, uid: u2, controller: true}\n"),
      Catch::StartsWith(
          "f.yaml:6:3: metadata.ownerReferences: Invalid value: Only one reference can have Controller set to true"));
  CHECK_THAT(ErrorOf(head + "  ownerReferences: [{apiVersion: v1, kind: A, name: a, blockOwnerDeletion: maybe}]\n"),
             Catch::StartsWith("f.yaml:5:") && Catch::Contains("blockOwnerDeletion"));
}

TEST_CASE("DecodeObject: EndpointSlice manifests", "[api]") {
  DecodeResult r = DecodeOne(
      "apiVersion: discovery.k8s.io/v1\n"
      "kind: EndpointSlice\n"
      "metadata: {name: web-abc, labels: {kubernetes.io/service-name: web}}\n"
      "addressType: IPv4\n"
      "endpoints:\n"
      "- addresses: [10.0.0.1]\n"
      "  conditions: {ready: true, serving: true, terminating: false}\n"
      "  nodeName: n0\n"
      "  zone: z1\n"
      "  targetRef: {kind: Pod, namespace: default, name: web-0, uid: u1}\n");
  auto slice = std::dynamic_pointer_cast<EndpointSlice>(r.object);
  REQUIRE(slice);
  REQUIRE(slice->endpoints.size() == 1);
  CHECK(slice->endpoints[0].conditions.ready == true);
  CHECK(slice->endpoints[0].conditions.terminating == false);
  CHECK(slice->endpoints[0].zone == "z1");
  CHECK(slice->endpoints[0].target_ref.name == "web-0");
  const std::string head = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\n";
  CHECK(ErrorOf(head) == "f.yaml:1:1: addressType: Required value");
  CHECK_THAT(ErrorOf(head + "addressType: IPv5\n"),
             Catch::StartsWith("f.yaml:4:14: addressType: Unsupported value: \"IPv5\""));
  CHECK_THAT(ErrorOf(head + "addressType: IPv4\nendpoints: [{addresses: []}]\n"),
             Catch::StartsWith("f.yaml:5:") && Catch::Contains("at least 1"));
}

}  // namespace
}  // namespace kubesim::api
