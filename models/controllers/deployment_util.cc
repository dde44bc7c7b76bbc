#include "models/controllers/deployment_util.h"

#include <algorithm>
#include <charconv>

namespace kubesim::controllers {

void ResolveFenceposts(const api::Deployment& d, int32_t* surge, int32_t* unavailable) {
  *surge = ScaledValue(d.max_surge, d.replicas, true);
  *unavailable = ScaledValue(d.max_unavailable, d.replicas, false);
  // Upstream: "Validation should never allow the user to explicitly use zero values for both
  // maxSurge maxUnavailable. Due to rounding down maxUnavailable though, it may resolve to zero."
  if (*surge == 0 && *unavailable == 0) *unavailable = 1;
}

int32_t MaxSurge(const api::Deployment& d) {
  if (d.strategy_type != "RollingUpdate") return 0;
  int32_t surge = 0, unavailable = 0;
  ResolveFenceposts(d, &surge, &unavailable);
  return surge;
}

int32_t MaxUnavailable(const api::Deployment& d) {
  if (d.strategy_type != "RollingUpdate" || d.replicas == 0) return 0;
  int32_t surge = 0, unavailable = 0;
  ResolveFenceposts(d, &surge, &unavailable);
  return std::min(unavailable, d.replicas);
}

namespace {

template <typename F>
int32_t Sum(const std::vector<ReplicaSetPtr>& rss, F f) {
  int32_t n = 0;
  for (const auto& rs : rss) {
    if (rs) n += f(*rs);
  }
  return n;
}

}  // namespace

int32_t SpecReplicas(const std::vector<ReplicaSetPtr>& rss) {
  return Sum(rss, [](const api::ReplicaSet& rs) { return rs.replicas; });
}
int32_t ActualReplicas(const std::vector<ReplicaSetPtr>& rss) {
  return Sum(rss, [](const api::ReplicaSet& rs) { return rs.status.replicas; });
}
int32_t ReadyReplicas(const std::vector<ReplicaSetPtr>& rss) {
  return Sum(rss, [](const api::ReplicaSet& rs) { return rs.status.ready_replicas; });
}
int32_t AvailableReplicas(const std::vector<ReplicaSetPtr>& rss) {
  return Sum(rss, [](const api::ReplicaSet& rs) { return rs.status.available_replicas; });
}

int32_t NewRSNewReplicas(const api::Deployment& d, const std::vector<ReplicaSetPtr>& all, const ReplicaSetPtr& new_rs) {
  if (d.strategy_type != "RollingUpdate") return d.replicas;
  const int32_t new_replicas = new_rs ? new_rs->replicas : 0;
  const int32_t max_total = d.replicas + MaxSurge(d);
  const int32_t current = SpecReplicas(all);
  if (current >= max_total) return new_replicas;  // no room to surge
  const int32_t scale_up = std::min(max_total - current, d.replicas - new_replicas);
  return new_replicas + scale_up;
}

int32_t GetProportion(const api::ReplicaSet& rs, const api::Deployment& d, int32_t to_add, int32_t added) {
  if (rs.replicas == 0 || to_add == 0 || to_add == added) return 0;
  // getReplicaSetFraction: the share this ReplicaSet would have at the new size, relative to the
  // size it was scaled for (its max-replicas annotation, else the Deployment's current size).
  int32_t fraction;
  if (d.replicas == 0) {
    fraction = -rs.replicas;
  } else {
    const int64_t deployment_replicas = d.replicas + MaxSurge(d);
    const int64_t annotated = IntAnnotation(rs.metadata, kMaxReplicasAnnotation).value_or(d.status.replicas);
    if (annotated <= 0) return 0;  // upstream divides by zero here; kubesim leaves the RS as is
    // integer.RoundToInt32(float64(rs×deploymentReplicas) / annotated): round half away from zero.
    const int64_t num = static_cast<int64_t>(rs.replicas) * deployment_replicas;
    fraction = static_cast<int32_t>((2 * num + annotated) / (2 * annotated)) - rs.replicas;
  }
  const int32_t allowed = to_add - added;
  return to_add > 0 ? std::min(fraction, allowed) : std::max(fraction, allowed);
}

std::optional<int32_t> IntAnnotation(const api::ObjectMeta& meta, const char* name) {
  auto it = meta.annotations.find(name);
  if (it == meta.annotations.end()) return std::nullopt;
  int32_t v = 0;
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

int64_t Revision(const api::ObjectMeta& meta) {
  auto it = meta.annotations.find(kRevisionAnnotation);
  if (it == meta.annotations.end()) return 0;
  int64_t v = 0;
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : 0;
}

bool OlderFirst(const ReplicaSetPtr& a, const ReplicaSetPtr& b) {
  if (a->metadata.creation_timestamp != b->metadata.creation_timestamp) {
    return a->metadata.creation_timestamp < b->metadata.creation_timestamp;
  }
  return a->metadata.name < b->metadata.name;
}

api::DeploymentStatus CalculateStatus(const std::vector<ReplicaSetPtr>& all, const ReplicaSetPtr& new_rs,
                                      const api::Deployment& d, sim::Time now) {
  api::DeploymentStatus st;
  st.observed_generation = d.metadata.generation;
  st.replicas = ActualReplicas(all);
  st.updated_replicas = new_rs ? new_rs->status.replicas : 0;
  st.ready_replicas = ReadyReplicas(all);
  st.available_replicas = AvailableReplicas(all);
  st.unavailable_replicas = std::max(0, SpecReplicas(all) - st.available_replicas);
  st.conditions = d.status.conditions;
  if (st.available_replicas >= d.replicas - MaxUnavailable(d)) {
    SetCondition(&st,
                 {"Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now, now});
  } else {
    SetCondition(&st, {"Available", "False", "MinimumReplicasUnavailable",
                       "Deployment does not have minimum availability.", now, now});
  }
  return st;
}

bool DeploymentComplete(const api::Deployment& d, const api::DeploymentStatus& st) {
  return st.updated_replicas == d.replicas && st.replicas == d.replicas && st.available_replicas == d.replicas &&
         st.observed_generation >= d.metadata.generation;
}

bool DeploymentProgressing(const api::Deployment& d, const api::DeploymentStatus& st) {
  const api::DeploymentStatus& old = d.status;
  const int32_t old_old_replicas = old.replicas - old.updated_replicas;
  const int32_t new_old_replicas = st.replicas - st.updated_replicas;
  return st.updated_replicas > old.updated_replicas || new_old_replicas < old_old_replicas ||
         st.ready_replicas > old.ready_replicas || st.available_replicas > old.available_replicas;
}

const api::DeploymentCondition* FindCondition(const api::DeploymentStatus& st, const std::string& type) {
  for (const auto& c : st.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

void SetCondition(api::DeploymentStatus* st, api::DeploymentCondition c) {
  const api::DeploymentCondition* cur = FindCondition(*st, c.type);
  if (cur != nullptr && cur->status == c.status && cur->reason == c.reason) return;
  if (cur != nullptr && cur->status == c.status) c.last_transition_time = cur->last_transition_time;
  std::erase_if(st->conditions, [&](const api::DeploymentCondition& x) { return x.type == c.type; });
  st->conditions.push_back(std::move(c));
}

bool RolloutComplete(const api::Deployment& d) {
  const api::DeploymentStatus& st = d.status;
  return st.observed_generation >= d.metadata.generation && st.updated_replicas == d.replicas &&
         st.replicas == st.updated_replicas && st.available_replicas == st.updated_replicas;
}

}  // namespace kubesim::controllers
