#include "models/scheduler/image_names.h"

#include <memory>
#include <mutex>
#include <unordered_map>

namespace kubesim::scheduler {
namespace {

struct Pool {
  std::mutex mu;
  // Keys view the owned strings; only looked up, never iterated.
  std::unordered_map<std::string_view, std::unique_ptr<const std::string>> names;
};

Pool& ThePool() {
  // Never destroyed: NodeInfos of a run left to the process exit may still point into it.
  static Pool* pool = new Pool;
  return *pool;
}

}  // namespace

const std::string* ImageNames::Intern(std::string_view name) {
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mu);
  auto it = pool.names.find(name);
  if (it != pool.names.end()) return it->second.get();
  auto owned = std::make_unique<const std::string>(name);
  const std::string* out = owned.get();
  pool.names.emplace(std::string_view(*out), std::move(owned));
  return out;
}

const std::string* ImageNames::Find(std::string_view name) {
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mu);
  auto it = pool.names.find(name);
  return it == pool.names.end() ? nullptr : it->second.get();
}

}  // namespace kubesim::scheduler
