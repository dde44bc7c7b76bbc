#include "models/kubelet/pod_runtime.h"

namespace kubesim::kubelet {

void ContainerRuntime::Terminate(int32_t exit_code, const std::string& reason, sim::Time at) {
  running = false;
  exited = true;
  finished_at = at;
  ++instance;
  api::ContainerState st;
  st.kind = api::ContainerState::Kind::kTerminated;
  st.terminated.exit_code = exit_code;
  st.terminated.reason = reason;
  st.terminated.started_at = started_at;
  st.terminated.finished_at = at;
  status.state = st;
  status.ready = false;
  status.started = false;
}

}  // namespace kubesim::kubelet
