#include "models/cluster/cluster.h"

#include "models/cluster/components.h"

namespace kubesim::cluster {

Cluster::Cluster(const scenario::Scenario& scenario, RunOptions options)
    : c_(std::make_unique<Components>(scenario, options)) {}

Cluster::~Cluster() = default;

sim::Status Cluster::Start() { return c_->Start(); }
void Cluster::Run() { c_->Run(); }
void Cluster::RunUntil(sim::Time t) { c_->RunUntil(t); }
sim::Time Cluster::end() const { return c_->end(); }
report::RunResults Cluster::Results() { return c_->Results(); }
report::RunResults Cluster::TakeResults() { return c_->TakeResults(); }
std::vector<std::string> Cluster::CheckInvariants() { return c_->CheckInvariants(); }
sim::Simulation& Cluster::simulation() { return c_->simulation(); }
const etcd::MvccStore& Cluster::store() const { return c_->store(); }

void Cluster::Act(const std::string& action, const std::string& description, scenario::ActionFn run) {
  c_->Act(action, description, std::move(run));
}
void Cluster::ApplyObject(std::shared_ptr<const api::Object> obj) { c_->ApplyObject(std::move(obj)); }
void Cluster::CreateObject(std::shared_ptr<api::Object> obj) { c_->CreateObject(std::move(obj)); }
void Cluster::DeleteObject(const std::string& kind, const std::string& ns, const std::string& name,
                           apiserver::DeleteOptions opts) {
  c_->DeleteObject(kind, ns, name, opts);
}

}  // namespace kubesim::cluster
