#include "models/report/fragmentation.h"

#include <Eigen/Dense>

#include "sim/check.h"

namespace kubesim::report {

std::vector<double> Fragmentation(const std::vector<double>& free, size_t nodes, size_t resources,
                                  const std::vector<double>& typical) {
  KUBESIM_CHECK(free.size() == nodes * resources, "free is not nodes × resources");
  KUBESIM_CHECK(typical.size() == resources, "typical has one entry per resource");
  std::vector<double> out(resources, 0.0);
  if (nodes == 0 || resources == 0) return out;
  using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const Matrix> given(free.data(), static_cast<Eigen::Index>(nodes), static_cast<Eigen::Index>(resources));
  Eigen::Map<const Eigen::RowVectorXd> want(typical.data(), static_cast<Eigen::Index>(resources));
  Matrix f = given.cwiseMax(0.0);
  // A node fits the typical pod when it has at least the typical amount of every resource.
  Eigen::Array<bool, Eigen::Dynamic, 1> fits = (f.rowwise() - want).array().rowwise().minCoeff() >= 0.0;
  Eigen::VectorXd stranded_mask = (!fits).cast<double>().matrix();
  // Column sums in a fixed order (Eigen's reductions are deterministic for a given build).
  Eigen::RowVectorXd total = f.colwise().sum();
  Eigen::RowVectorXd stranded = stranded_mask.transpose() * f;
  for (size_t r = 0; r < resources; ++r) {
    auto i = static_cast<Eigen::Index>(r);
    out[r] = total(i) > 0 ? stranded(i) / total(i) : 0.0;
  }
  return out;
}

}  // namespace kubesim::report
