// flowcontrol.Backoff as the kubelet uses it (kubernetes/client-go
// util/flowcontrol/backoff.go @ v0.32; kubernetes/kubernetes pkg/kubelet/kubelet.go @ v1.32),
// without a cluster.
#include "models/kubelet/crash_loop_backoff.h"

#include <catch2/catch.hpp>

#include "models/kubelet/image_manager.h"

namespace kubesim::kubelet {
namespace {

using sim::Duration;
using sim::Time;

Time At(int64_t s) { return Time::Zero() + Duration::Seconds(s); }

TEST_CASE("CrashLoopBackoff: Next doubles from 10 s to the 300 s cap", "[kubelet]") {
  CrashLoopBackoff b(Duration::Seconds(10), Duration::Seconds(300));
  CHECK(b.Get("p/c") == Duration::Zero());
  CHECK_FALSE(b.IsInBackOffSince("p/c", At(0), At(0)));  // no entry: the first restart is immediate
  const int64_t want[] = {10, 20, 40, 80, 160, 300, 300};
  int64_t t = 0;
  for (int64_t w : want) {
    b.Next("p/c", At(t));
    CHECK(b.Get("p/c") == Duration::Seconds(w));
    t += 1;  // restarts in quick succession
  }
}

TEST_CASE("CrashLoopBackoff: in back-off while now minus finish is below the delay", "[kubelet]") {
  CrashLoopBackoff b(Duration::Seconds(10), Duration::Seconds(300));
  b.Next("p/c", At(100));                              // restarted at 100 s: delay 10 s
  CHECK(b.IsInBackOffSince("p/c", At(105), At(105)));  // exited at 105 s
  CHECK(b.IsInBackOffSince("p/c", At(105), At(114)));
  CHECK_FALSE(b.IsInBackOffSince("p/c", At(105), At(115)));
  // A finish more than 2 × 300 s after the last update: expired, not in back-off, and Next
  // starts again from 10 s.
  CHECK_FALSE(b.IsInBackOffSince("p/c", At(701), At(701)));
  CHECK(b.IsInBackOffSince("p/c", At(700), At(700)));  // exactly 600 s: not yet expired
  b.Next("p/c", At(701));
  CHECK(b.Get("p/c") == Duration::Seconds(10));
}

TEST_CASE("CrashLoopBackoff: Forget drops a pod's entries only", "[kubelet]") {
  CrashLoopBackoff b(Duration::Seconds(10), Duration::Seconds(300));
  b.Next("uid-1/a", At(0));
  b.Next("uid-1/b", At(0));
  b.Next("uid-10/a", At(0));
  b.Forget("uid-1/");
  CHECK(b.Get("uid-1/a") == Duration::Zero());
  CHECK(b.Get("uid-1/b") == Duration::Zero());
  CHECK(b.Get("uid-10/a") == Duration::Seconds(10));
}

TEST_CASE("Go duration strings and image names as the kubelet prints and reports them", "[kubelet]") {
  CHECK(GoDurationString(Duration::Milliseconds(500)) == "500ms");
  CHECK(GoDurationString(Duration::Milliseconds(5500)) == "5.5s");
  CHECK(GoDurationString(Duration::Seconds(62) + Duration::Milliseconds(500)) == "1m2.5s");
  CHECK(GoDurationString(Duration::Seconds(3600)) == "1h0m0s");
  CHECK(GoDurationString(Duration::Microseconds(1500)) == "1.5ms");
  CHECK(NormalizeImage("busybox") == "busybox:latest");
  CHECK(NormalizeImage("registry.local:5000/app") == "registry.local:5000/app:latest");
  CHECK(NormalizeImage("nginx:1.27") == "nginx:1.27");
  CHECK(NormalizeImage("app@sha256:abcd") == "app@sha256:abcd");
}

}  // namespace
}  // namespace kubesim::kubelet
