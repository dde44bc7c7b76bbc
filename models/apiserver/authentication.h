// Who a request is from, as kube-apiserver's authenticators tell it (user.Info: a name and
// groups; k8s.io/apiserver pkg/authentication/user @ v0.32). API Priority and Fairness matches
// FlowSchema subjects against it.
//
// kubesim's components authenticate as a kubeadm cluster's do (kubeadm @ v1.32 writes their
// kubeconfigs): kubelets as system:node:<node> in system:nodes; kube-scheduler and
// kube-controller-manager as their own users, each controller of kube-controller-manager as its
// own kube-system service account (kubeadm sets --use-service-account-credentials=true); add-ons
// (kube-proxy, cloud-controller-manager, cluster-autoscaler, metrics-server) as kube-system service
// accounts; the scenario's own requests as the cluster administrator (group system:masters).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::apiserver {

inline constexpr const char* kGroupMasters = "system:masters";
inline constexpr const char* kGroupNodes = "system:nodes";
inline constexpr const char* kGroupAuthenticated = "system:authenticated";
inline constexpr const char* kGroupServiceAccounts = "system:serviceaccounts";

struct UserInfo {
  std::string name;
  std::vector<std::string> groups;
  // A service account's namespace and name ("" for other users), parsed once from
  // system:serviceaccount:<namespace>:<name>.
  std::string sa_namespace;
  std::string sa_name;

  bool InGroup(std::string_view group) const;

  // The FlowSchemas whose subjects include this user, in matching order, for the configuration
  // `apf_config` (FlowControlConfig::Classify fills it on first use: subjects never change).
  mutable uint64_t apf_config = 0;
  mutable std::vector<int> apf_schemas;
};

// A service account's user (serviceaccount.UserInfo): its name and the groups
// system:serviceaccounts, system:serviceaccounts:<namespace>, system:authenticated.
UserInfo ServiceAccountUser(std::string_view ns, std::string_view name);
// A plain user in system:authenticated plus `groups`.
UserInfo AuthenticatedUser(std::string name, std::vector<std::string> groups = {});

// The user a component's client authenticates as, from the client's name ("kubelet/<node>/…",
// "kube-controller-manager/<controller>", "scheduler", "scenario", …). Any other name is a user of
// that name (its first segment) in system:authenticated.
std::shared_ptr<const UserInfo> UserFor(std::string_view client_name);

}  // namespace kubesim::apiserver
