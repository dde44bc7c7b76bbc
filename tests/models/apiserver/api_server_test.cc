#include "models/apiserver/api_server.h"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/api/kinds.h"
#include "models/api/names.h"
#include "models/api/pod.h"
#include "tests/support/fixed_api_server_config.h"

namespace kubesim::apiserver {
namespace {

using sim::Duration;
using sim::Time;

Time Ms(int64_t ms) { return Time() + Duration::Milliseconds(ms); }

// The client tests' fixed latencies, with a different one per writing verb so that a test can tell
// which verb answered.
ApiServerConfig FixedConfig() {
  ApiServerConfig c = testing::FixedApiServerConfig();
  c.bind = LatencyModel::Fixed(Duration::Milliseconds(20));
  c.update = LatencyModel::Fixed(Duration::Milliseconds(5));
  c.del = LatencyModel::Fixed(Duration::Milliseconds(7));
  return c;
}

struct Fixture {
  sim::Simulation sim{1};
  etcd::MvccStore store;
  ApiServer api{sim, store, FixedConfig()};

  // Sends a request at Now() and runs the simulation until its response; returns it and its time.
  template <typename Send>
  std::pair<Response, Time> Call(Send send) {
    std::optional<Response> got;
    Time at;
    send([&](const Response& r) {
      got = r;
      at = sim.Now();
    });
    while (!got && sim.Step()) {
    }
    REQUIRE(got.has_value());
    return {*got, at};
  }
  Response Create(std::shared_ptr<api::Object> o) {
    return Call([&](ResponseCallback cb) { api.Create(std::move(o), cb); }).first;
  }
  std::shared_ptr<const api::Pod> StoredPod(const std::string& name) {
    return api::As<api::Pod>(store.Get(ApiServer::Key("Pod", "default", name)));
  }
};

std::shared_ptr<api::Pod> MakePod(const std::string& name) {
  auto p = std::make_shared<api::Pod>();
  p->api_version = "v1";
  p->kind = "Pod";
  p->metadata.name = name;
  p->metadata.namespace_ = "default";
  api::Container app;
  app.name = "app";
  app.image = "nginx";
  p->spec.containers.push_back(app);
  return p;
}

std::shared_ptr<api::PriorityClass> MakePriorityClass(const std::string& name, int32_t value, bool global) {
  auto pc = std::make_shared<api::PriorityClass>();
  pc->api_version = "scheduling.k8s.io/v1";
  pc->kind = "PriorityClass";
  pc->metadata.name = name;
  pc->value = value;
  pc->global_default = global;
  return pc;
}

TEST_CASE("ApiServer: Create answers 201 after exactly the create latency", "[apiserver]") {
  Fixture f;
  CHECK(ApiServer::Key("Pod", "default", "web") == "/registry/pods/default/web");
  CHECK(ApiServer::Key("Node", "", "n1") == "/registry/nodes/n1");
  auto [r, at] = f.Call([&](ResponseCallback cb) { f.api.Create(MakePod("web"), cb); });
  CHECK(at == Ms(10));
  CHECK(r.code == Code::kCreated);
  CHECK(r.ok());
  REQUIRE(r.object);
  CHECK(r.object->metadata.uid == "00000000-0000-4000-8000-000000000001");
  CHECK(r.object->metadata.creation_timestamp == Ms(10));
  CHECK(r.object->metadata.resource_version == 2);
  CHECK(r.resource_version == 2);
  CHECK(r.object->metadata.generation == 1);
  CHECK(f.store.Get("/registry/pods/default/web") == r.object);

  Response second = f.Create(MakePod("api"));
  CHECK(second.object->metadata.uid == "00000000-0000-4000-8000-000000000002");
  CHECK(second.resource_version == 3);

  Response dup = f.Create(MakePod("web"));
  CHECK(dup.code == Code::kConflict);
  CHECK(dup.reason == "AlreadyExists");
  CHECK(dup.message == "pods \"web\" already exists");
  CHECK_FALSE(dup.ok());
  CHECK(f.store.revision() == 3);
}

TEST_CASE("ApiServer: Update checks resourceVersion with upstream's Conflict", "[apiserver]") {
  Fixture f;
  Response created = f.Create(MakePod("web"));  // rv 2
  auto next = std::static_pointer_cast<api::Pod>(created.object->Clone());
  next->metadata.labels["v"] = "2";
  auto [ok, at] = f.Call([&](ResponseCallback cb) { f.api.Update(next, cb); });
  CHECK(at == Ms(15));
  CHECK(ok.code == Code::kOk);
  CHECK(ok.resource_version == 3);
  CHECK(ok.object->metadata.labels.at("v") == "2");
  CHECK(ok.object->metadata.uid == created.object->metadata.uid);
  CHECK(ok.object->metadata.creation_timestamp == Ms(10));

  auto stale = std::static_pointer_cast<api::Pod>(created.object->Clone());  // still rv 2
  stale->metadata.labels["v"] = "stale";
  Response conflict = f.Call([&](ResponseCallback cb) { f.api.Update(stale, cb); }).first;
  CHECK(conflict.code == Code::kConflict);
  CHECK(conflict.reason == "Conflict");
  CHECK(conflict.message ==
        "Operation cannot be fulfilled on pods \"web\": the object has been modified; please apply your "
        "changes to the latest version and try again");
  CHECK(f.StoredPod("web")->metadata.labels.at("v") == "2");

  Response missing = f.Call([&](ResponseCallback cb) { f.api.Update(MakePod("nope"), cb); }).first;
  CHECK(missing.code == Code::kNotFound);
  CHECK(missing.reason == "NotFound");
  CHECK(missing.message == "pods \"nope\" not found");
}

TEST_CASE("ApiServer: Bind assigns a node once", "[apiserver]") {
  Fixture f;
  Response created = f.Create(MakePod("web"));
  auto [r, at] =
      f.Call([&](ResponseCallback cb) { f.api.Bind("default", "web", created.object->metadata.uid, "n1", cb); });
  CHECK(at == Ms(30));
  CHECK(r.code == Code::kCreated);
  auto pod = f.StoredPod("web");
  REQUIRE(pod);
  CHECK(pod->spec.node_name == "n1");
  CHECK(pod->metadata.resource_version == 3);
  const api::PodCondition* cond = pod->FindCondition("PodScheduled");
  REQUIRE(cond);
  CHECK(cond->status == "True");
  CHECK(cond->last_transition_time == Ms(30));

  Response again = f.Call([&](ResponseCallback cb) { f.api.Bind("default", "web", "", "n2", cb); }).first;
  CHECK(again.code == Code::kConflict);
  CHECK(again.message == "pod web is already assigned to node \"n1\"");
  CHECK(f.StoredPod("web")->spec.node_name == "n1");

  Response missing = f.Call([&](ResponseCallback cb) { f.api.Bind("default", "ghost", "", "n1", cb); }).first;
  CHECK(missing.code == Code::kNotFound);
}

TEST_CASE("ApiServer: Delete is immediate for unbound pods and graceful for bound ones", "[apiserver]") {
  Fixture f;
  f.Create(MakePod("unbound"));  // t=10ms
  auto [gone, at] = f.Call([&](ResponseCallback cb) { f.api.Delete("Pod", "default", "unbound", {}, cb); });
  CHECK(at == Ms(17));
  CHECK(gone.code == Code::kOk);
  CHECK(f.StoredPod("unbound") == nullptr);

  f.Create(MakePod("bound"));                                                          // t=27ms
  f.Call([&](ResponseCallback cb) { f.api.Bind("default", "bound", "", "n1", cb); });  // t=47ms
  int64_t rv = f.store.revision();
  auto [graceful, t2] = f.Call([&](ResponseCallback cb) { f.api.Delete("Pod", "default", "bound", {}, cb); });
  CHECK(t2 == Ms(54));
  CHECK(graceful.code == Code::kOk);
  auto pod = f.StoredPod("bound");
  REQUIRE(pod);
  REQUIRE(pod->metadata.deletion_timestamp.has_value());
  CHECK(*pod->metadata.deletion_timestamp == Ms(54) + Duration::Seconds(30));
  CHECK(pod->metadata.deletion_grace_period_seconds == 30);
  CHECK(pod->metadata.resource_version == rv + 1);

  // A longer grace period does not extend the deletion; binding a terminating pod fails.
  DeleteOptions longer{60, 0};
  f.Call([&](ResponseCallback cb) { f.api.Delete("Pod", "default", "bound", longer, cb); });
  CHECK(f.store.revision() == rv + 1);
  CHECK(*f.StoredPod("bound")->metadata.deletion_timestamp == Ms(54) + Duration::Seconds(30));
  Response rebind = f.Call([&](ResponseCallback cb) { f.api.Bind("default", "bound", "", "n2", cb); }).first;
  CHECK(rebind.code == Code::kConflict);
  CHECK(rebind.message == "pod bound is being deleted, cannot be assigned to a host");

  DeleteOptions now{0, 0};
  Response removed = f.Call([&](ResponseCallback cb) { f.api.Delete("Pod", "default", "bound", now, cb); }).first;
  CHECK(removed.code == Code::kOk);
  CHECK(f.StoredPod("bound") == nullptr);
  CHECK(f.store.revision() == rv + 2);

  Response missing = f.Call([&](ResponseCallback cb) { f.api.Delete("Pod", "default", "bound", {}, cb); }).first;
  CHECK(missing.code == Code::kNotFound);
  CHECK(missing.message == "pods \"bound\" not found");
}

TEST_CASE("ApiServer: UpdateStatus changes only the status", "[apiserver]") {
  Fixture f;
  Response created = f.Create(MakePod("web"));
  auto edit = std::static_pointer_cast<api::Pod>(created.object->Clone());
  edit->metadata.labels["sneaky"] = "yes";
  edit->spec.node_name = "n9";
  edit->metadata.resource_version = 0;  // a status patch: no precondition
  edit->status.phase = api::kPodRunning;
  edit->status.message = "started";
  auto [r, at] = f.Call([&](ResponseCallback cb) { f.api.UpdateStatus(edit, cb); });
  CHECK(at == Ms(15));
  CHECK(r.code == Code::kOk);
  CHECK(r.resource_version == 3);
  auto pod = f.StoredPod("web");
  CHECK(pod->status.phase == "Running");
  CHECK(pod->status.message == "started");
  CHECK(pod->spec.node_name.empty());
  CHECK(pod->metadata.labels.count("sneaky") == 0);
  CHECK(pod->metadata.resource_version == 3);
}

TEST_CASE("ApiServer: UpdateStatus from an out-of-date copy is a conflict", "[apiserver]") {
  // Upstream GuaranteedUpdate: a resourceVersion is a precondition on the status subresource too,
  // so a controller writing status from a stale informer copy cannot undo a newer status.
  Fixture f;
  Response created = f.Create(MakePod("web"));
  auto first = std::static_pointer_cast<api::Pod>(created.object->Clone());
  first->status.message = "first";
  auto [ok, at1] = f.Call([&](ResponseCallback cb) { f.api.UpdateStatus(first, cb); });
  REQUIRE(ok.code == Code::kOk);
  auto stale = std::static_pointer_cast<api::Pod>(created.object->Clone());
  stale->status.message = "stale";
  auto [r, at2] = f.Call([&](ResponseCallback cb) { f.api.UpdateStatus(stale, cb); });
  CHECK(r.code == Code::kConflict);
  CHECK(r.reason == "Conflict");
  CHECK(f.StoredPod("web")->status.message == "first");
  // From the current copy it goes through.
  auto fresh = std::static_pointer_cast<api::Pod>(f.StoredPod("web")->Clone());
  fresh->status.message = "fresh";
  auto [r2, at3] = f.Call([&](ResponseCallback cb) { f.api.UpdateStatus(fresh, cb); });
  CHECK(r2.code == Code::kOk);
  CHECK(f.StoredPod("web")->status.message == "fresh");
}

TEST_CASE("ApiServer: Create runs admission", "[apiserver]") {
  Fixture f;
  REQUIRE(f.api.Bootstrap(MakePriorityClass("high", 1000, false)).code == Code::kCreated);
  CHECK(f.store.Get("/registry/priorityclasses/high"));
  auto high = MakePod("high");
  high->spec.priority_class_name = "high";
  REQUIRE(f.Create(high).ok());
  auto stored = f.StoredPod("high");
  CHECK(stored->spec.priority == 1000);
  CHECK(stored->spec.preemption_policy == "PreemptLowerPriority");
  REQUIRE(stored->spec.tolerations.size() == 2);  // DefaultTolerationSeconds
  CHECK(stored->spec.tolerations[0].key == "node.kubernetes.io/not-ready");
  CHECK(stored->spec.tolerations[1].key == "node.kubernetes.io/unreachable");
  for (const auto& t : stored->spec.tolerations) {
    CHECK(t.op == "Exists");
    CHECK(t.effect == "NoExecute");
    CHECK(t.toleration_seconds == 300);
  }

  auto missing = MakePod("missing");
  missing->spec.priority_class_name = "nope";
  Response rejected = f.Create(missing);
  CHECK_FALSE(rejected.ok());
  CHECK(rejected.reason == "Forbidden");
  CHECK_THAT(rejected.message, Catch::Matchers::Contains("no PriorityClass with name nope was found"));
  CHECK(f.StoredPod("missing") == nullptr);

  auto mismatch = MakePod("mismatch");
  mismatch->spec.priority_class_name = "high";
  mismatch->spec.priority = 5;
  CHECK(f.Create(mismatch).code == Code::kForbidden);

  REQUIRE(f.api.Bootstrap(MakePriorityClass("fallback", 7, true)).ok());
  REQUIRE(f.Create(MakePod("defaulted")).ok());
  CHECK(f.StoredPod("defaulted")->spec.priority == 7);
  CHECK(f.StoredPod("defaulted")->spec.priority_class_name == "fallback");
}

// Upstream plugin/pkg/admission/priority returns admission.NewForbidden (HTTP 403) for an unknown
// class; kubesim answers 404 with reason "Forbidden".
TEST_CASE("ApiServer: an unknown PriorityClass is 403 Forbidden, as upstream", "[apiserver]") {
  Fixture f;
  auto missing = MakePod("missing");
  missing->spec.priority_class_name = "nope";
  CHECK(f.Create(missing).code == Code::kForbidden);
}

struct Recorded {
  WatchEventType type;
  std::string name;
  int64_t rv;
  Time at;
  bool operator==(const Recorded&) const = default;
};

WatchHandler Recorder(sim::Simulation& sim, std::vector<Recorded>* out) {
  return [&sim, out](const WatchEvent& e) {
    out->push_back({e.type, e.object ? e.object->metadata.name : "", e.resource_version, sim.Now()});
  };
}

TEST_CASE("ApiServer: Watch delivers ADDED, MODIFIED, DELETED after watch_delay in commit order", "[apiserver]") {
  Fixture f;
  std::vector<Recorded> seen;
  f.api.Watch("Pod", {}, Recorder(f.sim, &seen));
  std::vector<Recorded> nodes;
  f.api.Watch("Node", {}, Recorder(f.sim, &nodes));
  f.api.Create(MakePod("web"), [&](const Response& r) {  // commits at 10 ms
    auto next = r.object->Clone();
    next->metadata.labels["x"] = "y";
    f.api.Update(next, [&](const Response&) {              // 15 ms
      f.api.Delete("Pod", "default", "web", {}, nullptr);  // 22 ms
    });
  });
  f.sim.RunUntil(Ms(100));
  CHECK(seen == std::vector<Recorded>{{WatchEventType::kAdded, "web", 2, Ms(12)},
                                      {WatchEventType::kModified, "web", 3, Ms(17)},
                                      {WatchEventType::kDeleted, "web", 4, Ms(24)}});
  CHECK(nodes.empty());
}

TEST_CASE("ApiServer: a watch from a past resourceVersion replays later events", "[apiserver]") {
  Fixture f;
  f.Create(MakePod("a"));  // rv 2
  f.Create(MakePod("b"));  // rv 3
  std::vector<Recorded> seen;
  Time start = f.sim.Now();
  WatchOptions opts;
  opts.resource_version = 2;
  f.api.Watch("Pod", opts, Recorder(f.sim, &seen));
  f.sim.RunUntil(start + Duration::Milliseconds(50));
  CHECK(seen == std::vector<Recorded>{{WatchEventType::kAdded, "b", 3, start + Duration::Milliseconds(2)}});
}

TEST_CASE("ApiServer: a node-filtered pod watch sees pods bound to its node", "[apiserver]") {
  Fixture f;
  std::vector<Recorded> n1, n2;
  WatchOptions o1, o2;
  o1.node_name = "n1";
  o2.node_name = "n2";
  int64_t w1 = f.api.Watch("Pod", o1, Recorder(f.sim, &n1));
  f.api.Watch("Pod", o2, Recorder(f.sim, &n2));
  f.Create(MakePod("web"));                                                          // 10 ms
  f.Call([&](ResponseCallback cb) { f.api.Bind("default", "web", "", "n1", cb); });  // 30 ms, rv 3
  f.sim.RunUntil(Ms(40));
  CHECK(n1 == std::vector<Recorded>{{WatchEventType::kAdded, "web", 3, Ms(32)}});
  f.Call([&](ResponseCallback cb) { f.api.Delete("Pod", "default", "web", DeleteOptions{0, 0}, cb); });  // 47 ms
  f.sim.RunUntil(Ms(60));
  REQUIRE(n1.size() == 2);
  CHECK(n1[1] == Recorded{WatchEventType::kDeleted, "web", 4, Ms(49)});
  CHECK(n2.empty());
  f.api.StopWatch(w1);
  f.Create(MakePod("later"));
  f.Call([&](ResponseCallback cb) { f.api.Bind("default", "later", "", "n1", cb); });
  f.sim.RunUntil(f.sim.Now() + Duration::Milliseconds(10));
  CHECK(n1.size() == 2);
}

TEST_CASE("ApiServer: a watch from a compacted resourceVersion gets 410 Expired", "[apiserver]") {
  Fixture f;
  f.Create(MakePod("a"));  // rv 2
  f.Create(MakePod("b"));  // rv 3
  f.store.Compact(3);
  std::vector<Recorded> seen;
  std::optional<WatchEvent> error;
  WatchOptions opts;
  opts.resource_version = 2;
  Time start = f.sim.Now();
  f.api.Watch("Pod", opts, [&](const WatchEvent& e) {
    error = e;
    seen.push_back({e.type, "", e.resource_version, f.sim.Now()});
  });
  f.Create(MakePod("c"));  // the expired watch hears nothing more
  f.sim.RunUntil(f.sim.Now() + Duration::Milliseconds(50));
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].type == WatchEventType::kError);
  CHECK(seen[0].at == start + Duration::Milliseconds(2));
  CHECK(error->object == nullptr);
  CHECK(error->error.code == Code::kGone);
  CHECK(error->error.reason == "Expired");
  CHECK(error->error.message == "The resourceVersion for the provided watch is too old.");
}

TEST_CASE("ApiServer: the compactor compacts to the revision seen one interval earlier", "[apiserver]") {
  Fixture f;
  const Duration interval = f.api.config().compaction_interval;
  REQUIRE(interval == Duration::Minutes(5));
  f.Create(MakePod("a"));  // rv 2, before the first tick
  f.sim.RunUntil(Time() + interval + Duration::Seconds(1));
  CHECK(f.store.compacted_revision() == 1);  // the revision seen at start-up
  f.Create(MakePod("b"));                    // rv 3, between the ticks
  f.sim.RunUntil(Time() + interval * 2 + Duration::Seconds(1));
  CHECK(f.store.compacted_revision() == 2);  // the revision seen at the first tick
  std::vector<Recorded> expired, fine;
  WatchOptions old_rv, new_rv;
  old_rv.resource_version = 1;
  new_rv.resource_version = 2;
  f.api.Watch("Pod", old_rv, Recorder(f.sim, &expired));
  f.api.Watch("Pod", new_rv, Recorder(f.sim, &fine));
  f.Create(MakePod("c"));  // rv 4
  f.sim.RunUntil(f.sim.Now() + Duration::Milliseconds(10));
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].type == WatchEventType::kError);
  REQUIRE(fine.size() == 2);
  CHECK(fine[0].name == "b");
  CHECK(fine[0].rv == 3);
  CHECK(fine[1].name == "c");
  CHECK(fine[1].rv == 4);
}

// For DELETED events the apiserver decodes the previous value but stamps it with the deletion
// revision (kubernetes/apiserver pkg/storage/etcd3/event.go @ v0.32, parseEvent). kubesim hands
// out the stored object with its old resourceVersion.
TEST_CASE("ApiServer: a DELETED event's object carries the deletion revision", "[apiserver]") {
  Fixture f;
  f.Create(MakePod("web"));  // rv 2
  std::optional<WatchEvent> deleted;
  f.api.Watch("Pod", {}, [&](const WatchEvent& e) {
    if (e.type == WatchEventType::kDeleted) deleted = e;
  });
  f.Call([&](ResponseCallback cb) { f.api.Delete("Pod", "default", "web", {}, cb); });  // rv 3
  f.sim.RunUntil(f.sim.Now() + Duration::Milliseconds(10));
  REQUIRE(deleted.has_value());
  CHECK(deleted->resource_version == 3);
  CHECK(deleted->object->metadata.resource_version == 3);
}

TEST_CASE("ApiServer: generateName appends five characters", "[apiserver]") {
  Fixture f;
  auto pod = MakePod("");
  pod->metadata.generate_name = "web-";
  Response r = f.Create(pod);
  REQUIRE(r.ok());
  const std::string& name = r.object->metadata.name;
  REQUIRE(name.size() == 9);
  CHECK(name.rfind("web-", 0) == 0);
  CHECK(name.substr(4).find_first_not_of(api::kAlphanums) == std::string::npos);
  CHECK(f.StoredPod(name));
  auto other = MakePod("");
  other->metadata.generate_name = "web-";
  Response r2 = f.Create(other);
  REQUIRE(r2.ok());
  CHECK(r2.object->metadata.name != name);
}

TEST_CASE("ApiServer: Get and List read the store after their latency", "[apiserver]") {
  Fixture f;
  f.Create(MakePod("a"));  // 10 ms
  f.Create(MakePod("b"));  // 20 ms
  auto [got, at] = f.Call([&](ResponseCallback cb) { f.api.Get("Pod", "default", "a", cb); });
  CHECK(at == Ms(23));
  CHECK(got.code == Code::kOk);
  CHECK(got.object->metadata.name == "a");
  CHECK(got.resource_version == 2);
  Response nf = f.Call([&](ResponseCallback cb) { f.api.Get("Pod", "default", "zz", cb); }).first;
  CHECK(nf.code == Code::kNotFound);
  auto [list, at2] = f.Call([&](ResponseCallback cb) { f.api.List("Pod", cb); });
  CHECK(at2 == Ms(29) + Duration::Milliseconds(2));  // served at 29 ms, + 1 ms per object
  REQUIRE(list.items.size() == 2);
  CHECK(list.items[0]->metadata.name == "a");
  CHECK(list.items[1]->metadata.name == "b");
  CHECK(list.resource_version == 3);
}

TEST_CASE("ApiServer: a LIST by spec.nodeName reads the node index, before and after the first watch", "[apiserver]") {
  Fixture f;
  for (const char* name : {"a", "b", "c", "d"}) f.Create(MakePod(name));
  auto bind = [&](const char* pod, const char* node) {
    f.Call([&](ResponseCallback cb) { f.api.Bind("default", pod, "", node, cb); });
  };
  auto names = [](const Response& r) {
    std::vector<std::string> out;
    for (const auto& obj : r.items) out.push_back(obj->metadata.name);
    return out;
  };
  // The node's pods and the revision, through the LIST by node and through a full LIST filtered.
  auto by_node = [&](const std::string& node) {
    Response r = f.Call([&](ResponseCallback cb) { f.api.List("Pod", cb, node); }).first;
    return std::make_pair(names(r), r.resource_version);
  };
  auto filtered = [&](const std::string& node) {
    Response r = f.Call([&](ResponseCallback cb) { f.api.List("Pod", cb); }).first;
    std::vector<std::string> out;
    for (const auto& obj : r.items) {
      if (std::static_pointer_cast<const api::Pod>(obj)->spec.node_name == node) out.push_back(obj->metadata.name);
    }
    return std::make_pair(out, r.resource_version);
  };
  bind("b", "n1");
  bind("a", "n1");
  bind("c", "n2");
  CHECK(by_node("n1") == filtered("n1"));  // no pod watch yet: a scan of the pods
  f.api.Watch("Pod", WatchOptions{}, [](const WatchEvent&) {});
  CHECK(by_node("n1").first == std::vector<std::string>{"a", "b"});  // key order, from the index
  CHECK(by_node("n1") == filtered("n1"));
  bind("d", "n1");
  f.Call([&](ResponseCallback cb) { f.api.Delete("Pod", "default", "a", DeleteOptions{0, 0}, cb); });
  f.Create(MakePod("e"));
  CHECK(by_node("n1").first == std::vector<std::string>{"b", "d"});
  for (const char* node : {"n1", "n2", "n3"}) {
    INFO(node);
    CHECK(by_node(node) == filtered(node));
  }
}

TEST_CASE("ApiServer: a LIST takes a seat per 100 objects of its resource, at most 10", "[apiserver][apf]") {
  Fixture f;
  const PriorityAndFairness& apf = f.api.flow_control(0);
  const int level = apf.LevelIndex("global-default");
  auto list = [&](const char* kind) { f.Call([&](ResponseCallback cb) { f.api.List(kind, cb); }); };
  for (int i = 0; i < 250; ++i) REQUIRE(f.Create(MakePod("p-" + std::to_string(i))).ok());
  list("ConfigMap");  // none stored: 1 seat
  CHECK(apf.stats(level).max_in_use == 1);
  list("Pod");  // ceil(250 / 100)
  CHECK(apf.stats(level).max_in_use == 3);
  for (int i = 250; i < 1500; ++i) REQUIRE(f.Create(MakePod("p-" + std::to_string(i))).ok());
  list("Pod");  // 15, capped at global-default's max seats: min(ceil(0.15 × 49), 49 / 6) = 8
  CHECK(apf.stats(level).max_in_use == 8);
  CHECK(apf.in_use(level) == 0);
}

}  // namespace
}  // namespace kubesim::apiserver
