#include "models/api/resources.h"

namespace kubesim::api {

int64_t AmountOf(const std::string& resource, const Quantity& q) {
  return resource == kResourceCPU ? q.MilliValue() : q.Value();
}

ResourceAmounts ToAmounts(const ResourceList& list) {
  ResourceAmounts out;
  for (const auto& [name, q] : list) out[name] = AmountOf(name, q);
  return out;
}

bool IsExtendedResource(const std::string& name) {
  size_t slash = name.find('/');
  if (slash == std::string::npos) return false;
  std::string domain = name.substr(0, slash);
  if (domain == "kubernetes.io" ||
      (domain.size() > 14 && domain.compare(domain.size() - 14, 14, ".kubernetes.io") == 0)) {
    return false;
  }
  return name.rfind("requests.", 0) != 0;
}

bool IsScalarResource(const std::string& name) {
  return IsExtendedResource(name) || name.rfind("hugepages-", 0) == 0 || name.rfind("attachable-volumes-", 0) == 0;
}

}  // namespace kubesim::api
