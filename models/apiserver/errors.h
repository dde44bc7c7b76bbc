// The failure responses of the simulated API, with upstream's reasons and wording
// (kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go @ v1.32:
// NewNotFound, NewConflict, …), and the response to a committed write. Shared by the server's verbs
// (api_server.cc) and the registry that stores objects (registry/).
#pragma once

#include <string>

#include "models/apiserver/api_types.h"
#include "models/etcd/mvcc_store.h"

namespace kubesim::apiserver {

Response ErrorResponse(Code code, std::string reason, std::string message);

// 404 `pods "x" not found` (the resource is the lower-case plural of `kind`).
Response NotFound(const std::string& kind, const std::string& name);

// 409 for a write whose resourceVersion precondition is stale (upstream NewConflict wording).
Response Conflict(const std::string& kind, const std::string& name);

// 409 for a write whose uid precondition names another incarnation of the object.
Response UidConflict(const std::string& precondition, const std::string& actual);

// 500 "etcdserver: mvcc: database space exceeded": etcd's NOSPACE alarm refused a put.
Response NoSpace();

// The response to a write: the stored object at its new revision, or NoSpace when etcd refused it.
Response Written(const etcd::WriteResult& w, Code code = Code::kOk);

}  // namespace kubesim::apiserver
