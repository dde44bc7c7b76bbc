// Fragmentation of a cluster's free capacity over the node × resource matrix.
//
// Definition (docs/results.md, "Fragmentation"): for each resource r,
//
//   fragmentation_r = Σ_{n : typical pod does not fit on n} free[n][r]  /  Σ_n free[n][r]
//
// where free = allocatable − requested of each schedulable node and the "typical pod" is a
// request vector (the sampler uses the mean request of the pods bound at the time). A node holds
// the typical pod when free[n][k] ≥ typical[k] for every resource k, as NodeResourcesFit checks.
// So it is the share of the free r that the current workload's typical pod cannot use: 0 when
// every free unit sits where such a pod still fits, 1 when none does. This is the measure of
// Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads with Fragmentation
// Gradient Descent" (USENIX ATC '23, the Alibaba GPU-2023 trace): fragmentation as the free
// capacity a target workload cannot use, simplified to one representative task instead of the
// workload's distribution of task shapes, and to whole units instead of GPU fractions.
#pragma once

#include <cstddef>
#include <vector>

namespace kubesim::report {

// `free` is row-major, nodes × resources; `typical` has one entry per resource. Negative free
// amounts (an overcommitted node) count as 0. Returns one value per resource in [0, 1]; 0 for a
// resource with no free capacity anywhere.
std::vector<double> Fragmentation(const std::vector<double>& free, size_t nodes, size_t resources,
                                  const std::vector<double>& typical);

}  // namespace kubesim::report
