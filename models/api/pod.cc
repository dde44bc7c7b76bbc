#include "models/api/pod.h"

namespace kubesim::api {

const PodCondition* Pod::FindCondition(std::string_view type) const {
  for (const auto& c : status.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

void Pod::SetCondition(const std::string& type, const std::string& cond_status, sim::Time now,
                       const std::string& reason, const std::string& message) {
  for (auto& c : status.conditions) {
    if (c.type != type) continue;
    if (c.status != cond_status) c.last_transition_time = now;
    c.status = cond_status;
    c.reason = reason;
    c.message = message;
    return;
  }
  status.conditions.push_back(PodCondition{type, cond_status, reason, message, now});
}

// As upstream core/v1 Toleration.ToleratesTaint: the effect must match unless the toleration's is
// empty; an empty key with Exists tolerates every taint; Equal (or empty operator) compares values.
bool ToleratesTaint(const Toleration& t, const std::string& taint_key, const std::string& taint_value,
                    const std::string& taint_effect) {
  if (!t.effect.empty() && t.effect != taint_effect) return false;
  if (!t.key.empty() && t.key != taint_key) return false;
  if (t.op == "Exists") return true;
  if (t.op.empty() || t.op == "Equal") return t.value == taint_value;
  return false;
}

std::optional<int32_t> ParseExitCode(const std::string& text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int32_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > 255) return std::nullopt;
  return v;
}

}  // namespace kubesim::api
