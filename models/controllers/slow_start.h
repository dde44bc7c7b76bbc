// SlowStartBatch: upstream controller_utils' slowStartBatch for simulated, asynchronous API calls.
// `count` calls go out in batches of 1, 2, 4, … (SlowStartInitialBatchSize = 1, doubling); a batch
// starts once every call of the previous one has answered, and a batch with any failure ends the
// run: `on_skipped(n)` then reports the n calls never attempted (whose expectations the caller
// lowers). Used by the ReplicaSet-like creators (Job, DaemonSet).
//
// `call(i, done)` issues call i and must invoke `done(ok)` exactly once, from the API response.
// The caller guards its own lifetime: it binds `on_skipped` and the responses `call` waits for with
// its sim::Owner.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>

namespace kubesim::controllers {

inline constexpr int kSlowStartInitialBatchSize = 1;

using SlowStartCall = std::function<void(int index, std::function<void(bool ok)> done)>;

inline void SlowStartBatch(int count, SlowStartCall call, std::function<void(int skipped)> on_skipped, int first = 0,
                           int batch = kSlowStartInitialBatchSize) {
  int size = std::min(batch, count - first);
  if (size <= 0) return;
  struct Outcome {
    int answered = 0;
    int failed = 0;
  };
  auto outcome = std::make_shared<Outcome>();
  auto shared_call = std::make_shared<SlowStartCall>(std::move(call));
  auto shared_skip = std::make_shared<std::function<void(int)>>(std::move(on_skipped));
  for (int i = first; i < first + size; ++i) {
    (*shared_call)(i, [=](bool ok) {
      outcome->answered++;
      if (!ok) outcome->failed++;
      if (outcome->answered < size) return;  // the batch is not complete yet
      int next = first + size;
      if (outcome->failed > 0) {
        if (next < count && *shared_skip) (*shared_skip)(count - next);
        return;
      }
      SlowStartBatch(count, *shared_call, *shared_skip, next, batch * 2);
    });
  }
}

}  // namespace kubesim::controllers
