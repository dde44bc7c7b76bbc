#include "models/controllers/controller_expectations.h"

namespace kubesim::controllers {

const ControlleeExpectations* ControllerExpectations::GetExpectations(const std::string& key) const {
  auto it = store_.find(key);
  return it == store_.end() ? nullptr : &it->second;
}

bool ControllerExpectations::SatisfiedExpectations(const std::string& key) const {
  const ControlleeExpectations* exp = GetExpectations(key);
  if (exp == nullptr) return true;
  return exp->Fulfilled() || exp->IsExpired(sim_.Now());
}

void ControllerExpectations::DeleteExpectations(const std::string& key) { store_.erase(key); }

void ControllerExpectations::SetExpectations(const std::string& key, int64_t add, int64_t del) {
  store_.insert_or_assign(key, ControlleeExpectations(add, del, sim_.Now()));
}

void ControllerExpectations::LowerExpectations(const std::string& key, int64_t add, int64_t del) {
  auto it = store_.find(key);
  if (it != store_.end()) it->second.Add(-add, -del);
}

void ControllerExpectations::RaiseExpectations(const std::string& key, int64_t add, int64_t del) {
  auto it = store_.find(key);
  if (it != store_.end()) it->second.Add(add, del);
}

}  // namespace kubesim::controllers
