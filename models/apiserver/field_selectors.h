// The field selectors kubesim serves, shared by the API server (which filters lists and indexes
// watches with them) and by informers (which check their caches against the store).
#pragma once

#include <string>

#include "models/api/object.h"

namespace kubesim::apiserver {

// What WatchOptions.node_name selects on: a Pod's spec.nodeName (the kubelet's pod field
// selector), a Node's metadata.name (the kubelet's own-Node field selector); empty for other
// kinds and for null.
const std::string& SelectedNodeName(const api::ObjectPtr& obj);

}  // namespace kubesim::apiserver
