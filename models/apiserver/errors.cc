#include "models/apiserver/errors.h"

#include "models/api/codec.h"

namespace kubesim::apiserver {

Response ErrorResponse(Code code, std::string reason, std::string message) {
  Response r;
  r.code = code;
  r.reason = std::move(reason);
  r.message = std::move(message);
  return r;
}

Response NotFound(const std::string& kind, const std::string& name) {
  return ErrorResponse(Code::kNotFound, "NotFound", api::ResourceOf(kind) + " \"" + name + "\" not found");
}

Response Conflict(const std::string& kind, const std::string& name) {
  return ErrorResponse(Code::kConflict, "Conflict",
                       "Operation cannot be fulfilled on " + api::ResourceOf(kind) + " \"" + name +
                           "\": the object has been modified; please apply your changes to the latest version "
                           "and try again");
}

Response UidConflict(const std::string& precondition, const std::string& actual) {
  return ErrorResponse(Code::kConflict, "Conflict",
                       "Precondition failed: UID in precondition: " + precondition + ", UID in object meta: " + actual);
}

Response NoSpace() {
  // etcd's ErrGRPCNoSpace, which the API server passes on as a storage error that is not a
  // Kubernetes status: 500 with etcd's text (apiserver pkg/endpoints/handlers/responsewriters
  // @ v0.32, ErrorToAPIStatus); kubectl prints "Error from server: etcdserver: mvcc: database
  // space exceeded".
  return ErrorResponse(Code::kInternal, "", "etcdserver: mvcc: database space exceeded");
}

Response Written(const etcd::WriteResult& w, Code code) {
  if (w.error == etcd::StoreError::kNoSpace) return NoSpace();
  Response r;
  r.code = code;
  r.object = w.object;
  r.resource_version = w.revision;
  return r;
}

}  // namespace kubesim::apiserver
