// An API server whose requests take fixed times (create/bind/update/delete 10 ms, get 3 ms,
// 1 ms per listed object, watch events 2 ms), so client tests can assert exact instants.
#pragma once

#include "models/apiserver/config.h"
#include "sim/time.h"

namespace kubesim::testing {

inline apiserver::ApiServerConfig FixedApiServerConfig() {
  using apiserver::LatencyModel;
  using sim::Duration;
  apiserver::ApiServerConfig c;
  c.create = LatencyModel::Fixed(Duration::Milliseconds(10));
  c.bind = LatencyModel::Fixed(Duration::Milliseconds(10));
  c.update = LatencyModel::Fixed(Duration::Milliseconds(10));
  c.del = LatencyModel::Fixed(Duration::Milliseconds(10));
  c.get = LatencyModel::Fixed(Duration::Milliseconds(3));
  c.list_per_object = Duration::Milliseconds(1);
  c.watch_delay = Duration::Milliseconds(2);
  return c;
}

}  // namespace kubesim::testing
