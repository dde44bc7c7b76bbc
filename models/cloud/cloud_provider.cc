#include "models/cloud/cloud_provider.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/cloud/node_bootstrap.h"

namespace kubesim::cloud {
namespace {

std::string InstanceId(int64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "i-%016llx", static_cast<unsigned long long>(seq));
  return buf;
}

// A private address per instance, 10.0.0.0/8 in launch order.
std::string InternalIp(int64_t seq) {
  return "10." + std::to_string((seq >> 16) & 0xff) + "." + std::to_string((seq >> 8) & 0xff) + "." +
         std::to_string(seq & 0xff);
}

}  // namespace

const char* InstanceStateName(InstanceState s) {
  switch (s) {
    case InstanceState::kRequested:
      return "requested";
    case InstanceState::kPending:
      return "pending";
    case InstanceState::kRunning:
      return "running";
    case InstanceState::kStopped:
      return "stopped";
    case InstanceState::kGone:
      return "gone";
    case InstanceState::kFailed:
      return "failed";
  }
  return "unknown";
}

CloudProvider::CloudProvider(sim::Simulation& sim, const CloudConfig& config, CloudHooks hooks)
    : sim_(sim), config_(config), hooks_(std::move(hooks)) {
  for (const auto& g : config_.node_groups) groups_[g.name] = Group{&g, 0, {}};
  tokens_ = config_.api_rate_limit.burst;
}

Instance& CloudProvider::NewInstance(Group& g) {
  int64_t seq = next_seq_++;
  Instance& inst = instances_[seq];
  inst.seq = seq;
  inst.id = InstanceId(seq);
  inst.node_group = g.config->name;
  // Names never repeat within a group, so a replacement is a new Node, as with real instances.
  for (;;) {
    inst.node_name = g.config->name + "-" + std::to_string(g.next_index++);
    if (!by_node_.count(inst.node_name)) break;
  }
  inst.capacity_type = g.config->capacity_type;
  inst.requested_at = sim_.Now();
  inst.internal_ip = InternalIp(seq);
  by_node_[inst.node_name] = seq;
  g.instances.push_back(seq);
  targets_dirty_ = true;
  return inst;
}

std::vector<std::shared_ptr<const api::Node>> CloudProvider::BootInitialInstances() {
  std::vector<std::shared_ptr<const api::Node>> nodes;
  for (const auto& gc : config_.node_groups) {
    Group& g = groups_.at(gc.name);
    for (int32_t i = 0; i < gc.size; ++i) {
      Instance& inst = NewInstance(g);
      // Zones round-robin, as the group would have balanced them; the first instance type.
      inst.zone = gc.zones[static_cast<size_t>(i) % gc.zones.size()];
      inst.instance_type = gc.instance_types.front();
      inst.provider_id = "kubesim://" + inst.zone + "/" + inst.id;
      const InstanceType& type = *config_.FindInstanceType(inst.instance_type);
      inst.price_per_hour = gc.capacity_type == CapacityType::kSpot ? type.spot_price.value_or(type.price) : type.price;
      inst.state = InstanceState::kRunning;
      inst.initial = true;
      inst.running_at = sim_.Now();
      InstanceMetadata meta{inst.provider_id, inst.instance_type, inst.zone, config_.region, inst.internal_ip};
      auto node = RegisteredNode(inst.node_name, gc, type, meta);
      InitializeNode(*node, meta);
      nodes.push_back(node);
    }
  }
  return nodes;
}

int32_t CloudProvider::TargetSize(const std::string& group) const {
  // Recounted after any instance changed state: the autoscaler asks per node and per loop.
  if (targets_dirty_) {
    targets_.clear();
    for (const auto& [name, g] : groups_) {
      int32_t n = 0;
      for (int64_t seq : g.instances) n += instances_.at(seq).Active();
      targets_[name] = n;
    }
    targets_dirty_ = false;
  }
  auto it = targets_.find(group);
  return it == targets_.end() ? 0 : it->second;
}

sim::Status CloudProvider::ApiCall(const std::string& what) {
  if (sim_.Now() < api_errors_until_ && api_error_rate_ > 0 &&
      sim_.Stream("cloud/api-errors").Uniform01() < api_error_rate_) {
    return sim::Status(sim::StatusCode::kInternal,
                       what + ": the cloud API returned an error (InternalError, injected by the scenario)");
  }
  return sim::Status::Ok();
}

sim::Status CloudProvider::IncreaseSize(const std::string& group, int32_t delta) {
  auto it = groups_.find(group);
  if (it == groups_.end()) return sim::Status(sim::StatusCode::kNotFound, "no node group \"" + group + "\"");
  if (delta <= 0) return sim::InvalidArgument("size increase must be positive");
  int32_t target = TargetSize(group);
  if (target + delta > it->second.config->max_size) {
    return sim::InvalidArgument("size increase too large - desired:" + std::to_string(target + delta) +
                                " max:" + std::to_string(it->second.config->max_size));
  }
  KUBESIM_RETURN_IF_ERROR(ApiCall("increase the size of node group " + group));
  for (int32_t i = 0; i < delta; ++i) {
    Instance& inst = NewInstance(it->second);
    RequestLaunch(inst.seq);
  }
  return sim::Status::Ok();
}

sim::Status CloudProvider::SetTargetSize(const std::string& group, int32_t size) {
  sim::Status st = ResizeTo(group, size);
  if (!st.ok() && hooks_.event) {
    hooks_.event("Warning", "FailedScaleNodeGroup", "NodeGroup/" + group,
                 "setting the size to " + std::to_string(size) + " failed: " + st.message());
  }
  return st;
}

sim::Status CloudProvider::ResizeTo(const std::string& group, int32_t size) {
  auto it = groups_.find(group);
  if (it == groups_.end()) return sim::Status(sim::StatusCode::kNotFound, "no node group \"" + group + "\"");
  const NodeGroupConfig& gc = *it->second.config;
  if (size < gc.min_size || size > gc.max_size) {
    return sim::InvalidArgument("size " + std::to_string(size) + " is outside [" + std::to_string(gc.min_size) + ", " +
                                std::to_string(gc.max_size) + "]");
  }
  int32_t target = TargetSize(group);
  if (size > target) return IncreaseSize(group, size - target);
  // Shrinking: the group removes the newest instances first (an Auto Scaling group's default
  // termination policy picks by launch configuration and zone balance; newest is the simple part).
  std::vector<std::string> nodes;
  for (auto s = it->second.instances.rbegin(); s != it->second.instances.rend() && target > size; ++s) {
    Instance& inst = instances_.at(*s);
    if (!inst.Active()) continue;
    nodes.push_back(inst.node_name);
    --target;
  }
  return DeleteNodes(group, nodes);
}

sim::Status CloudProvider::DeleteNodes(const std::string& group, const std::vector<std::string>& nodes) {
  auto it = groups_.find(group);
  if (it == groups_.end()) return sim::Status(sim::StatusCode::kNotFound, "no node group \"" + group + "\"");
  for (const auto& n : nodes) {
    auto s = by_node_.find(n);
    if (s == by_node_.end() || instances_.at(s->second).node_group != group) {
      return sim::InvalidArgument("node " + n + " does not belong to node group " + group);
    }
  }
  KUBESIM_RETURN_IF_ERROR(ApiCall("delete instances of node group " + group));
  for (const auto& n : nodes) {
    Instance& inst = instances_.at(by_node_.at(n));
    if (inst.state == InstanceState::kRequested) {
      launch_queue_.erase(std::remove(launch_queue_.begin(), launch_queue_.end(), inst.seq), launch_queue_.end());
      inst.state = InstanceState::kGone;
      targets_dirty_ = true;
      inst.stopped_at = sim_.Now();
      continue;
    }
    if (inst.Active()) Stop(inst.seq, "InstanceRemoved", "terminated by a request to shrink node group " + group);
  }
  return sim::Status::Ok();
}

sim::Status CloudProvider::DeleteFailedInstances(const std::string& group) {
  auto it = groups_.find(group);
  if (it == groups_.end()) return sim::Status(sim::StatusCode::kNotFound, "no node group \"" + group + "\"");
  KUBESIM_RETURN_IF_ERROR(ApiCall("delete failed instances of node group " + group));
  for (int64_t seq : it->second.instances) {
    Instance& inst = instances_.at(seq);
    if (inst.state == InstanceState::kFailed) inst.state = InstanceState::kGone;
  }
  return sim::Status::Ok();
}

std::vector<const Instance*> CloudProvider::Instances(const std::string& group) const {
  std::vector<const Instance*> out;
  auto it = groups_.find(group);
  if (it == groups_.end()) return out;
  for (int64_t seq : it->second.instances) {
    const Instance& inst = instances_.at(seq);
    if (inst.Listed()) out.push_back(&inst);
  }
  return out;
}

const Instance* CloudProvider::InstanceByNode(const std::string& node) const {
  auto it = by_node_.find(node);
  if (it == by_node_.end()) return nullptr;
  const Instance& inst = instances_.at(it->second);
  return inst.Listed() ? &inst : nullptr;
}

const Instance* CloudProvider::InstanceByProviderID(const std::string& provider_id) const {
  // kubesim://ZONE/ID: the id is the seq in hex.
  size_t slash = provider_id.rfind('/');
  if (provider_id.rfind("kubesim://", 0) != 0 || slash == std::string::npos) return nullptr;
  std::string id = provider_id.substr(slash + 1);
  if (id.size() != 18 || id.rfind("i-", 0) != 0) return nullptr;
  int64_t seq = static_cast<int64_t>(std::strtoull(id.c_str() + 2, nullptr, 16));
  auto it = instances_.find(seq);
  if (it == instances_.end() || !it->second.Listed() || it->second.provider_id != provider_id) return nullptr;
  return &it->second;
}

void CloudProvider::RefillTokens() {
  const ApiRateLimit& rl = config_.api_rate_limit;
  if (rl.qps <= 0) return;
  double elapsed = (sim_.Now() - tokens_at_).ToSeconds();
  tokens_ = std::min<double>(rl.burst, tokens_ + elapsed * rl.qps);
  tokens_at_ = sim_.Now();
}

void CloudProvider::RequestLaunch(int64_t seq) {
  launch_queue_.push_back(seq);
  if (launch_scheduled_) return;
  launch_scheduled_ = true;
  owner_.After(sim::Duration::Zero(), [this]() {
    launch_scheduled_ = false;
    // Launches take a token each from the bucket (EC2's RunInstances resource bucket); the rest
    // wait for the refill.
    const ApiRateLimit& rl = config_.api_rate_limit;
    RefillTokens();
    while (!launch_queue_.empty()) {
      if (rl.qps > 0 && tokens_ < 1) {
        launch_scheduled_ = true;
        auto wait = sim::Duration::Seconds((1 - tokens_) / rl.qps);
        owner_.After(std::max(wait, sim::Duration::Milliseconds(1)), [this]() {
          launch_scheduled_ = false;
          std::vector<int64_t> queue;
          queue.swap(launch_queue_);
          for (int64_t s : queue) RequestLaunch(s);
        });
        return;
      }
      if (rl.qps > 0) tokens_ -= 1;
      int64_t s = launch_queue_.front();
      launch_queue_.erase(launch_queue_.begin());
      Launch(s);
    }
  });
}

bool CloudProvider::InStock(const std::string& zone, const std::string& type) const {
  auto it = stockouts_.find({zone, type});
  return it == stockouts_.end() || sim_.Now() >= it->second;
}

int64_t CloudProvider::ActiveMilliCPU(const std::string& family) const {
  int64_t total = 0;
  for (const auto& [seq, inst] : instances_) {
    if (!inst.Active() || inst.instance_type.empty()) continue;
    const InstanceType* t = config_.FindInstanceType(inst.instance_type);
    if (family.empty() || t->family == family) total += t->MilliCPU();
  }
  return total;
}

void CloudProvider::Launch(int64_t seq) {
  Instance& inst = instances_.at(seq);
  if (inst.state != InstanceState::kRequested) return;
  const NodeGroupConfig& gc = *groups_.at(inst.node_group).config;
  // Zones with the fewest active instances first (zone order breaks ties); in each, the first
  // instance type in stock.
  std::map<std::string, int> per_zone;
  for (const auto& z : gc.zones) per_zone[z] = 0;
  for (int64_t s : groups_.at(inst.node_group).instances) {
    const Instance& other = instances_.at(s);
    if (other.Active() && !other.zone.empty()) ++per_zone[other.zone];
  }
  std::vector<std::string> zones = gc.zones;
  std::stable_sort(zones.begin(), zones.end(),
                   [&](const std::string& a, const std::string& b) { return per_zone[a] < per_zone[b]; });
  const InstanceType* chosen = nullptr;
  for (const auto& z : zones) {
    for (const auto& t : gc.instance_types) {
      if (InStock(z, t)) {
        inst.zone = z;
        chosen = config_.FindInstanceType(t);
        break;
      }
    }
    if (chosen != nullptr) break;
  }
  if (chosen == nullptr) {
    std::string types;
    for (const auto& t : gc.instance_types) types += (types.empty() ? "" : ", ") + t;
    Fail(inst, "OutOfResources", "InsufficientInstanceCapacity",
         "no capacity for " + types + " in any zone of node group " + gc.name);
    return;
  }
  int64_t cpu = chosen->MilliCPU();
  auto fq = config_.family_vcpu_quota.find(chosen->family);
  if (fq != config_.family_vcpu_quota.end() && ActiveMilliCPU(chosen->family) + cpu > fq->second * 1000) {
    Fail(inst, "Other", "VcpuLimitExceeded",
         "launching " + chosen->name + " would exceed the vCPU quota of " + std::to_string(fq->second) +
             " for family " + chosen->family);
    return;
  }
  if (config_.total_vcpu_quota > 0 && ActiveMilliCPU("") + cpu > config_.total_vcpu_quota * 1000) {
    Fail(inst, "Other", "VcpuLimitExceeded",
         "launching " + chosen->name + " would exceed the total vCPU quota of " +
             std::to_string(config_.total_vcpu_quota));
    return;
  }
  inst.instance_type = chosen->name;
  inst.provider_id = "kubesim://" + inst.zone + "/" + inst.id;
  inst.price_per_hour =
      gc.capacity_type == CapacityType::kSpot ? chosen->spot_price.value_or(chosen->price) : chosen->price;
  inst.state = InstanceState::kPending;
  sim::Duration boot = config_.provisioning_latency.Sample(sim_.Stream("cloud/provisioning"));
  Event("Normal", "InstanceLaunched", inst,
        inst.id + " (" + inst.instance_type + ", " + CapacityTypeName(inst.capacity_type) + ") launching in " +
            inst.zone + " for node group " + gc.name);
  owner_.After(boot, [this, seq]() { Boot(seq); });
}

void CloudProvider::Fail(Instance& inst, const std::string& error_class, const std::string& code,
                         const std::string& message) {
  inst.state = InstanceState::kFailed;
  targets_dirty_ = true;
  inst.error_class = error_class;
  inst.error_code = code;
  inst.error_message = message;
  inst.stopped_at = sim_.Now();
  Event("Warning", "InstanceLaunchFailed", inst, code + ": " + message);
}

void CloudProvider::Boot(int64_t seq) {
  Instance& inst = instances_.at(seq);
  if (inst.state != InstanceState::kPending) return;
  inst.state = InstanceState::kRunning;
  inst.running_at = sim_.Now();
  const NodeGroupConfig& gc = *groups_.at(inst.node_group).config;
  InstanceMetadata meta{inst.provider_id, inst.instance_type, inst.zone, config_.region, inst.internal_ip};
  auto node = RegisteredNode(inst.node_name, gc, *config_.FindInstanceType(inst.instance_type), meta);
  if (hooks_.booted) hooks_.booted(inst, node);
}

void CloudProvider::Stop(int64_t seq, const std::string& reason, const std::string& message) {
  Instance& inst = instances_.at(seq);
  if (!inst.Active()) return;
  bool was_running = inst.state == InstanceState::kRunning;
  inst.state = InstanceState::kStopped;
  targets_dirty_ = true;
  inst.stopped_at = sim_.Now();
  Event("Normal", reason, inst, message);
  if (was_running && hooks_.stopped) hooks_.stopped(inst);
  owner_.After(config_.termination_latency, [this, seq]() { instances_.at(seq).state = InstanceState::kGone; });
}

void CloudProvider::Interrupt(const std::vector<std::string>& nodes) {
  for (const auto& n : nodes) {
    auto it = by_node_.find(n);
    if (it == by_node_.end()) continue;
    Instance& inst = instances_.at(it->second);
    if (inst.state != InstanceState::kRunning || inst.interruption_notice) continue;
    inst.interruption_notice = true;
    ++spot_interruptions_;
    Event("Warning", "SpotInterruption", inst,
          "spot capacity reclaimed: " + inst.id + " terminates in " + config_.spot_interruption_notice.ToString());
    int64_t seq = inst.seq;
    owner_.After(config_.spot_interruption_notice, [this, seq]() {
      Stop(seq, "SpotInstanceTerminated", "terminated after its spot interruption notice");
      // The group keeps its desired size, so it launches a replacement (an Auto Scaling group's
      // or managed instance group's own repair).
      Instance& gone = instances_.at(seq);
      Group& g = groups_.at(gone.node_group);
      RequestLaunch(NewInstance(g).seq);
    });
  }
}

std::vector<std::string> CloudProvider::SpotInstancesToInterrupt(const std::string& group, int32_t count) const {
  std::vector<std::string> out;
  auto it = groups_.find(group);
  if (it == groups_.end()) return out;
  for (int64_t seq : it->second.instances) {
    const Instance& inst = instances_.at(seq);
    if (static_cast<int32_t>(out.size()) >= count) break;
    if (inst.state == InstanceState::kRunning && !inst.interruption_notice &&
        inst.capacity_type == CapacityType::kSpot) {
      out.push_back(inst.node_name);
    }
  }
  return out;
}

void CloudProvider::Stockout(const std::string& zone, const std::string& instance_type, sim::Duration duration) {
  sim::Time& until = stockouts_[{zone, instance_type}];
  until = std::max(until, sim_.Now() + duration);
}

void CloudProvider::InjectApiErrors(double rate, sim::Duration duration) {
  api_error_rate_ = rate;
  api_errors_until_ = sim_.Now() + duration;
}

void CloudProvider::TerminateInstance(const std::string& node) {
  auto it = by_node_.find(node);
  if (it == by_node_.end() || !instances_.at(it->second).Active()) {
    if (hooks_.event)
      hooks_.event("Warning", "FailedTerminateInstance", "Node/" + node, "no active instance runs " + node);
    return;
  }
  int64_t seq = it->second;
  Stop(seq, "InstanceTerminated", "terminated by the scenario");
  Group& g = groups_.at(instances_.at(seq).node_group);
  RequestLaunch(NewInstance(g).seq);
}

void CloudProvider::Event(const std::string& type, const std::string& reason, const Instance& inst,
                          const std::string& message) {
  if (hooks_.event) hooks_.event(type, reason, "Node/" + inst.node_name, message);
}

void CloudProvider::EnsureLoadBalancer(const std::string& service, std::vector<std::string> backends,
                                       LoadBalancerDone done) {
  std::sort(backends.begin(), backends.end());
  sim::Status st = ApiCall("ensure the load balancer of " + service);
  if (!st.ok()) {
    done(st, "");
    return;
  }
  auto it = load_balancers_.find(service);
  if (it != load_balancers_.end() && it->second.ready_at) {
    if (it->second.backends != backends) {
      it->second.backends = std::move(backends);
      ++it->second.backend_updates;
    }
    done(sim::Status::Ok(), it->second.ingress_ip);
    return;
  }
  if (it == load_balancers_.end()) {
    LoadBalancer& lb = load_balancers_[service];
    lb.service = service;
    int64_t n = next_lb_++;
    // Public addresses from 203.0.113.0/24 (TEST-NET-3, RFC 5737).
    lb.ingress_ip = "203.0.113." + std::to_string(n % 254 + 1);
    lb.requested_at = sim_.Now();
  }
  sim::Duration d = config_.load_balancer_provisioning_latency.Sample(sim_.Stream("cloud/load-balancer"));
  owner_.After(d, [this, service, backends = std::move(backends), done = std::move(done)]() {
    auto lb = load_balancers_.find(service);
    if (lb == load_balancers_.end()) {
      done(sim::Status(sim::StatusCode::kNotFound, "the load balancer was deleted while it was created"), "");
      return;
    }
    if (!lb->second.ready_at) lb->second.ready_at = sim_.Now();
    lb->second.backends = backends;
    done(sim::Status::Ok(), lb->second.ingress_ip);
  });
}

sim::Status CloudProvider::UpdateLoadBalancerHosts(const std::string& service, std::vector<std::string> backends) {
  auto it = load_balancers_.find(service);
  if (it == load_balancers_.end() || !it->second.ready_at) {
    return sim::Status(sim::StatusCode::kNotFound, "no load balancer for " + service);
  }
  KUBESIM_RETURN_IF_ERROR(ApiCall("update the hosts of the load balancer of " + service));
  std::sort(backends.begin(), backends.end());
  if (it->second.backends != backends) {
    it->second.backends = std::move(backends);
    ++it->second.backend_updates;
  }
  return sim::Status::Ok();
}

sim::Status CloudProvider::EnsureLoadBalancerDeleted(const std::string& service) {
  KUBESIM_RETURN_IF_ERROR(ApiCall("delete the load balancer of " + service));
  load_balancers_.erase(service);
  return sim::Status::Ok();
}

const LoadBalancer* CloudProvider::FindLoadBalancer(const std::string& service) const {
  auto it = load_balancers_.find(service);
  return it == load_balancers_.end() ? nullptr : &it->second;
}

const char* DiskStateName(DiskState s) {
  switch (s) {
    case DiskState::kCreating:
      return "creating";
    case DiskState::kAvailable:
      return "available";
    case DiskState::kAttaching:
      return "attaching";
    case DiskState::kInUse:
      return "in-use";
    case DiskState::kDetaching:
      return "detaching";
    case DiskState::kDeleted:
      return "deleted";
  }
  return "unknown";
}

void CloudProvider::CreateDisk(const std::string& zone, int64_t size_bytes, const std::string& type, DiskDone done) {
  sim::Status st = ApiCall("create a disk in " + zone);
  if (st.ok() && std::find(config_.zones.begin(), config_.zones.end(), zone) == config_.zones.end()) {
    st = sim::InvalidArgument("zone " + zone + " is not in region " + config_.region);
  }
  if (!st.ok()) {
    done(st, nullptr);
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "vol-%016llx", static_cast<unsigned long long>(next_disk_++));
  Disk& d = disks_[buf];
  d.id = buf;
  d.zone = zone;
  d.size_bytes = size_bytes;
  d.type = type;
  std::string id = d.id;
  owner_.After(config_.disks.create_latency.Sample(sim_.Stream("cloud/disk")), [this, id, done = std::move(done)]() {
    Disk& disk = disks_.at(id);
    if (disk.state == DiskState::kCreating) disk.state = DiskState::kAvailable;
    done(sim::Status::Ok(), &disk);
  });
}

int32_t CloudProvider::DisksOn(const std::string& node) const {
  int32_t n = 0;
  for (const auto& [id, d] : disks_) {
    n += d.node == node && (d.state == DiskState::kAttaching || d.state == DiskState::kInUse);
  }
  return n;
}

void CloudProvider::AttachDisk(const std::string& disk_id, const std::string& node, DiskDone done) {
  sim::Status st = ApiCall("attach " + disk_id + " to " + node);
  auto it = disks_.find(disk_id);
  const Instance* inst = InstanceByNode(node);
  if (st.ok() && (it == disks_.end() || it->second.state == DiskState::kDeleted)) {
    st = sim::Status(sim::StatusCode::kNotFound, "InvalidVolume.NotFound: no disk " + disk_id);
  } else if (st.ok() && (inst == nullptr || inst->state != InstanceState::kRunning)) {
    st = sim::Status(sim::StatusCode::kFailedPrecondition, "IncorrectInstanceState: " + node + " is not running");
  } else if (st.ok() && it->second.zone != inst->zone) {
    st = sim::InvalidArgument("InvalidVolume.ZoneMismatch: " + disk_id + " is in " + it->second.zone + ", " + node +
                              " in " + inst->zone);
  } else if (st.ok() && it->second.state != DiskState::kAvailable) {
    st = sim::Status(sim::StatusCode::kFailedPrecondition,
                     "VolumeInUse: " + disk_id + " is " + DiskStateName(it->second.state) +
                         (it->second.node.empty() ? "" : " on " + it->second.node));
  } else if (st.ok() && DisksOn(node) >= config_.disks.max_volumes_per_instance) {
    st = sim::Status(sim::StatusCode::kOutOfRange, "AttachmentLimitExceeded: " + node + " has " +
                                                       std::to_string(config_.disks.max_volumes_per_instance) +
                                                       " disks attached");
  }
  if (!st.ok()) {
    done(st, nullptr);
    return;
  }
  it->second.state = DiskState::kAttaching;
  it->second.node = node;
  owner_.After(config_.disks.attach_latency.Sample(sim_.Stream("cloud/disk")),
               [this, disk_id, done = std::move(done)]() {
                 Disk& disk = disks_.at(disk_id);
                 if (disk.state == DiskState::kAttaching) disk.state = DiskState::kInUse;
                 done(sim::Status::Ok(), &disk);
               });
}

void CloudProvider::DetachDisk(const std::string& disk_id, DiskDone done) {
  sim::Status st = ApiCall("detach " + disk_id);
  auto it = disks_.find(disk_id);
  if (st.ok() && (it == disks_.end() || it->second.state != DiskState::kInUse)) {
    st = sim::Status(sim::StatusCode::kFailedPrecondition, "IncorrectState: " + disk_id + " is not attached");
  }
  if (!st.ok()) {
    done(st, nullptr);
    return;
  }
  it->second.state = DiskState::kDetaching;
  owner_.After(config_.disks.detach_latency.Sample(sim_.Stream("cloud/disk")),
               [this, disk_id, done = std::move(done)]() {
                 Disk& disk = disks_.at(disk_id);
                 if (disk.state == DiskState::kDetaching) {
                   disk.state = DiskState::kAvailable;
                   disk.node.clear();
                 }
                 done(sim::Status::Ok(), &disk);
               });
}

sim::Status CloudProvider::DeleteDisk(const std::string& disk_id) {
  KUBESIM_RETURN_IF_ERROR(ApiCall("delete " + disk_id));
  auto it = disks_.find(disk_id);
  if (it == disks_.end() || it->second.state == DiskState::kDeleted) {
    return sim::Status(sim::StatusCode::kNotFound, "InvalidVolume.NotFound: no disk " + disk_id);
  }
  if (it->second.state != DiskState::kAvailable) {
    return sim::Status(sim::StatusCode::kFailedPrecondition,
                       "VolumeInUse: " + disk_id + " is " + DiskStateName(it->second.state));
  }
  it->second.state = DiskState::kDeleted;
  return sim::Status::Ok();
}

const Disk* CloudProvider::FindDisk(const std::string& disk_id) const {
  auto it = disks_.find(disk_id);
  return it == disks_.end() ? nullptr : &it->second;
}

sim::Status CloudProvider::CreateRoute(const std::string& node, const std::string& cidr) {
  KUBESIM_RETURN_IF_ERROR(ApiCall("create a route for " + node));
  int32_t limit = config_.routes ? config_.routes->table_limit : 0;
  if (!routes_.count(node) && static_cast<int32_t>(routes_.size()) >= limit) {
    return sim::Status(sim::StatusCode::kOutOfRange,
                       "RouteLimitExceeded: the route table holds at most " + std::to_string(limit) + " routes");
  }
  routes_[node] = cidr;
  return sim::Status::Ok();
}

sim::Status CloudProvider::DeleteRoute(const std::string& node) {
  KUBESIM_RETURN_IF_ERROR(ApiCall("delete the route of " + node));
  routes_.erase(node);
  return sim::Status::Ok();
}

CloudSummary CloudProvider::Summary(sim::Time now) const {
  CloudSummary s;
  for (const auto& g : config_.node_groups) s.by_node_group[g.name];
  for (const auto& [seq, inst] : instances_) {
    NodeGroupCost& gc = s.by_node_group[inst.node_group];
    if (!inst.initial && (inst.running_at || inst.state == InstanceState::kPending)) {
      ++s.instances_launched;
      ++gc.instances_launched;
    }
    if (inst.state == InstanceState::kFailed || (inst.state == InstanceState::kGone && inst.error_class.size())) {
      ++s.instances_failed;
    }
    if (inst.stopped_at && inst.running_at) ++s.instances_terminated;
    if (inst.running_at) {
      sim::Time end = inst.stopped_at && *inst.stopped_at < now ? *inst.stopped_at : now;
      // Billed per second of running time.
      double seconds = std::floor((end - *inst.running_at).ToSeconds());
      double cost = inst.price_per_hour * seconds / 3600.0;
      gc.cost_usd += cost;
      s.cost_usd += cost;
    }
  }
  s.spot_interruptions = spot_interruptions_;
  return s;
}

}  // namespace kubesim::cloud
