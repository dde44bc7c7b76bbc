#include "models/client/load_generator.h"

#include <cmath>

#include "models/api/codec.h"
#include "models/api/kinds.h"

namespace kubesim::client {

const char* VerbName(LoadSpec::Verb verb) {
  switch (verb) {
    case LoadSpec::Verb::kCreate:
      return "create";
    case LoadSpec::Verb::kUpdate:
      return "update";
    case LoadSpec::Verb::kDelete:
      return "delete";
    case LoadSpec::Verb::kList:
      return "list";
  }
  return "";
}

LoadGenerator::LoadGenerator(sim::Simulation& sim, apiserver::ApiServer& server)
    : sim_(sim), client_(sim, server, "apiserver-load") {}

void LoadGenerator::Start(const LoadSpec& spec) {
  const double seconds = spec.duration.ToSeconds();
  const auto requests = static_cast<int64_t>(std::llround(spec.qps * seconds));
  totals_.push_back(Totals{sim_.Now(), VerbName(spec.verb), api::ResourceOf(spec.kind), 0, {}});
  clients_.push_back(spec.user ? client_.As(spec.user) : client_);
  if (requests <= 0) return;
  const sim::Duration interval = sim::Duration::FromNanosRounded(1e9 / spec.qps);
  Send(totals_.size() - 1, spec, requests, interval);
}

std::shared_ptr<api::Object> LoadGenerator::NewObject(const LoadSpec& spec, const std::string& name) const {
  std::string payload(static_cast<size_t>(spec.object_size), 'x');
  std::shared_ptr<api::Object> obj;
  if (spec.kind == api::Secret::kKind) {
    auto s = std::make_shared<api::Secret>();
    s->data["payload"] = std::move(payload);
    obj = s;
  } else {
    auto cm = std::make_shared<api::ConfigMap>();
    cm->data["payload"] = std::move(payload);
    obj = cm;
  }
  obj->kind = spec.kind;
  obj->api_version = "v1";
  obj->metadata.name = name;
  obj->metadata.namespace_ = spec.ns;
  obj->metadata.labels["app.kubernetes.io/created-by"] = "kubesim-apiserver-load";
  return obj;
}

void LoadGenerator::Send(size_t load, const LoadSpec& spec, int64_t remaining, sim::Duration interval) {
  // Every callback below is bound to this generator: an answer arriving after it is gone is dropped.
  auto count = [this, load](const apiserver::Response& r) {
    totals_[load].responses_by_code[static_cast<int>(r.code)]++;
  };
  const apiserver::ApiClient& client = clients_[load];
  switch (spec.verb) {
    case LoadSpec::Verb::kCreate: {
      ++totals_[load].sent;
      Created c{spec.kind, spec.ns, "load-" + std::to_string(next_name_++)};
      client.Create(NewObject(spec, c.name), owner_.Bind([this, count, c](const apiserver::Response& r) {
        count(r);
        if (r.ok()) created_.push_back(c);
      }));
      break;
    }
    case LoadSpec::Verb::kUpdate: {
      if (created_.empty()) break;  // nothing of its own to update: no request
      ++totals_[load].sent;
      const Created& c = created_[next_update_++ % created_.size()];
      LoadSpec s = spec;
      s.kind = c.kind;
      s.ns = c.ns;
      client.Update(NewObject(s, c.name), owner_.Bind(count));
      break;
    }
    case LoadSpec::Verb::kDelete: {
      if (created_.empty()) break;
      ++totals_[load].sent;
      Created c = created_.front();
      created_.pop_front();
      client.Delete(c.kind, c.ns, c.name, {}, owner_.Bind([this, count, c](const apiserver::Response& r) {
        count(r);
        // Still there: a later delete tries again.
        if (!r.ok() && r.code != apiserver::Code::kNotFound) created_.push_back(c);
      }));
      break;
    }
    case LoadSpec::Verb::kList:
      ++totals_[load].sent;
      client.List(spec.kind, owner_.Bind(count));
      break;
  }
  if (remaining > 1) {
    owner_.After(interval, [this, load, spec, remaining, interval]() { Send(load, spec, remaining - 1, interval); });
  }
}

}  // namespace kubesim::client
