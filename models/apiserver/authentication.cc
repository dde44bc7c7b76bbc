#include "models/apiserver/authentication.h"

#include <array>
#include <utility>

namespace kubesim::apiserver {
namespace {

// The service account each controller's requests carry under --use-service-account-credentials:
// the name its init function passes to ClientBuilder.ClientOrDie (kubernetes/kubernetes
// cmd/kube-controller-manager/app/*.go @ v1.32), by kubesim's controller name.
constexpr std::array<std::pair<std::string_view, std::string_view>, 15> kControllerAccounts = {{
    {"daemonset", "daemon-set-controller"},
    {"deployment", "deployment-controller"},
    {"disruption", "disruption-controller"},
    {"endpointslice", "endpointslice-controller"},
    {"garbage-collector", "generic-garbage-collector"},
    {"horizontal-pod-autoscaler", "horizontal-pod-autoscaler"},
    {"job", "job-controller"},
    {"namespace", "namespace-controller"},
    {"node-ipam-controller", "node-controller"},
    {"node-lifecycle", "node-controller"},
    {"pod-garbage-collector", "pod-garbage-collector"},
    {"replicaset", "replicaset-controller"},
    {"serviceaccount", "service-account-controller"},
    {"statefulset", "statefulset-controller"},
    {"taint-eviction", "node-controller"},  // "taint-manager uses existing cluster role from node-controller"
}};

std::string_view FirstSegment(std::string_view name) { return name.substr(0, name.find('/')); }

}  // namespace

bool UserInfo::InGroup(std::string_view group) const {
  for (const std::string& g : groups) {
    if (g == group) return true;
  }
  return false;
}

UserInfo ServiceAccountUser(std::string_view ns, std::string_view name) {
  UserInfo u;
  u.name = "system:serviceaccount:" + std::string(ns) + ":" + std::string(name);
  u.groups = {kGroupServiceAccounts, std::string(kGroupServiceAccounts) + ":" + std::string(ns), kGroupAuthenticated};
  u.sa_namespace = ns;
  u.sa_name = name;
  return u;
}

UserInfo AuthenticatedUser(std::string name, std::vector<std::string> groups) {
  UserInfo u;
  u.name = std::move(name);
  u.groups = std::move(groups);
  u.groups.push_back(kGroupAuthenticated);
  return u;
}

std::shared_ptr<const UserInfo> UserFor(std::string_view client_name) {
  const std::string_view process = FirstSegment(client_name);
  const std::string_view rest =
      process.size() < client_name.size() ? client_name.substr(process.size() + 1) : std::string_view();
  // kubeadm's admin.conf for the scenario's kubectl (kubeadm < 1.29's admin.conf and the
  // super-admin.conf since: group system:masters, which the `exempt` FlowSchema matches).
  if (client_name == "scenario")
    return std::make_shared<UserInfo>(AuthenticatedUser("kubernetes-admin", {kGroupMasters}));
  if (process == "kubelet") {
    return std::make_shared<UserInfo>(
        AuthenticatedUser("system:node:" + std::string(FirstSegment(rest)), {kGroupNodes}));
  }
  if (process == "kube-controller-manager") {
    // The shared informers, leader election and the token controller use the controller
    // manager's own credentials (rootClientBuilder); every other controller its service account.
    const std::string_view controller = FirstSegment(rest);
    for (const auto& [name, account] : kControllerAccounts) {
      if (name == controller) return std::make_shared<UserInfo>(ServiceAccountUser("kube-system", account));
    }
    return std::make_shared<UserInfo>(AuthenticatedUser("system:kube-controller-manager"));
  }
  if (process == "scheduler" || process == "kube-scheduler") {
    return std::make_shared<UserInfo>(AuthenticatedUser("system:kube-scheduler"));
  }
  for (std::string_view addon : {"kube-proxy", "cloud-controller-manager", "cluster-autoscaler", "metrics-server"}) {
    if (process == addon) return std::make_shared<UserInfo>(ServiceAccountUser("kube-system", addon));
  }
  return std::make_shared<UserInfo>(AuthenticatedUser(std::string(process)));
}

}  // namespace kubesim::apiserver
