// LoadGenerator: the timeline's `apiserverLoad` — a client that sends one kind of request at a
// fixed rate for a while, as a load test (clusterloader2, kube-burner) or a misbehaving operator
// does. It has its own user agent ("apiserver-load") and latency stream, so adding load never
// shifts another component's draws.
//
// Verbs: create makes ConfigMaps or Secrets named load-<n> whose data is `object_size` bytes;
// update rewrites the ones this generator created, round-robin; delete removes them, oldest
// first; list lists any served resource (what a relist storm sends). Requests are open-loop, one
// every 1/qps whatever the answers, and each answer is counted by HTTP code.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "models/apiserver/api_client.h"
#include "sim/owner.h"
#include "sim/simulation.h"

namespace kubesim::client {

struct LoadSpec {
  enum class Verb { kCreate, kUpdate, kDelete, kList };
  Verb verb = Verb::kCreate;
  double qps = 1;
  std::string kind = "ConfigMap";  // create/update/delete: ConfigMap or Secret; list: any served kind
  std::string ns = "default";
  int64_t object_size = 1024;  // bytes of data per created or updated object
  sim::Duration duration;
  // Who the requests authenticate as (null: the user apiserver-load), for API Priority and
  // Fairness.
  std::shared_ptr<const apiserver::UserInfo> user;
};

// "create", "update", "delete", "list".
const char* VerbName(LoadSpec::Verb verb);

class LoadGenerator {
 public:
  LoadGenerator(sim::Simulation& sim, apiserver::ApiServer& server);

  // Starts a load now; loads started at different times run side by side and share the objects
  // this generator created.
  void Start(const LoadSpec& spec);

  struct Totals {
    sim::Time started;
    std::string verb;
    std::string resource;
    int64_t sent = 0;
    std::map<int, int64_t> responses_by_code;  // HTTP code → answers
  };
  // One entry per started load, in start order.
  const std::vector<Totals>& totals() const { return totals_; }

 private:
  void Send(size_t load, const LoadSpec& spec, int64_t remaining, sim::Duration interval);
  std::shared_ptr<api::Object> NewObject(const LoadSpec& spec, const std::string& name) const;

  sim::Simulation& sim_;
  apiserver::ApiClient client_;
  std::vector<apiserver::ApiClient> clients_;  // per load: client_, as the load's user
  int64_t next_name_ = 0;
  // Objects this generator created and has not deleted, oldest first.
  struct Created {
    std::string kind, ns, name;
  };
  std::deque<Created> created_;
  size_t next_update_ = 0;
  std::vector<Totals> totals_;
  sim::Owner owner_{sim_};
};

}  // namespace kubesim::client
