// The scenario's `spec.cloud` (docs/cloud.md): region, zones, instance types and node groups, the
// cloud's latencies, API rate limit and quotas. Every field is checked here, each problem reported
// at its FILE:LINE:COL (an unknown instance type, minSize above maxSize, a zone outside the
// region, a negative price, a node group without zones, ...).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/api/yaml_node.h"
#include "models/cloud/cloud_config.h"
#include "sim/status.h"

namespace kubesim::scenario {

// Defaults, each from a published figure (docs/calibration.md, docs/cloud.md).
// Instance request → Node Ready: AKS's own benchmark, 1,006 scale-ups of D8ds_v5 in January 2024,
// p50 1.67 min and p99 4.35 min (Azure/AKS-Performance-and-Scale
// Perf-Benchmarks/AKS-Perf-Benchmarks.md) — the one published distribution with both figures.
inline constexpr sim::Duration kDefaultProvisioningMedian = sim::Duration::Seconds(100);
inline constexpr sim::Duration kDefaultProvisioningP99 = sim::Duration::Seconds(261);
// AWS EC2 Spot's two-minute interruption notice (docs.aws.amazon.com, "Spot Instance interruption
// notices").
inline constexpr sim::Duration kDefaultSpotInterruptionNotice = sim::Duration::Minutes(2);
// A LoadBalancer Service's ingress: GKE "about a minute or less" (jupyterhub/zero-to-jupyterhub-k8s
// #880), AKS about 2 minutes (MicrosoftDocs/azure-docs #10465): median 60 s, p99 120 s (the p99 is
// kubesim's reading of the AKS figure; no distribution is published).
inline constexpr sim::Duration kDefaultLoadBalancerMedian = sim::Duration::Seconds(60);
inline constexpr sim::Duration kDefaultLoadBalancerP99 = sim::Duration::Seconds(120);
// Disks. Attach: EBS attach and mount took about 15-17 s (kubernetes/kubernetes #62119, 2018);
// kubesim uses 15 s for attach and for detach (the detach figure is kubesim's assumption, as is
// 10 s to create a disk: no published measurement). The attach limit is 39 volumes, the in-tree
// EBS default (kubernetes.io, "Node-specific Volume Limits").
inline constexpr sim::Duration kDefaultDiskCreate = sim::Duration::Seconds(10);
inline constexpr sim::Duration kDefaultDiskAttach = sim::Duration::Seconds(15);
// EC2's RunInstances resource token bucket: 1,000 instances, refilled at 2 per second (AWS EC2
// API reference, "Request throttling for the Amazon EC2 API").
inline constexpr double kDefaultLaunchRefillPerSecond = 2;
inline constexpr int32_t kDefaultLaunchBucket = 1000;

// `cloud` absent: nullopt.
sim::StatusOr<std::optional<cloud::CloudConfig>> ParseCloudSettings(const api::YamlNode& node);

}  // namespace kubesim::scenario
