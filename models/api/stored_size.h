// StoredSize: about how many bytes an object takes in etcd, for the backend-size model
// (models/etcd/mvcc_store.h: etcd's quota counts key + value + 256 bytes per write).
//
// The API server stores objects as protobuf behind a 4-byte "k8s\0" prefix (kubernetes/apimachinery
// pkg/runtime/serializer/protobuf/protobuf.go @ v0.32). Encoding each object on every write would
// cost more than the rest of the write, so this adds up the protobuf size of what kubesim keeps —
// every string with its tag and length, 2–8 bytes per number and timestamp — plus, for Pods and
// Nodes, a fixed allowance for the fields upstream defaults that kubesim does not keep. Objects
// whose size is their data (ConfigMap, Secret) come out within a few bytes per entry;
// docs/calibration.md lists the allowances as assumptions.
#pragma once

#include <cstdint>

#include "models/api/object.h"

namespace kubesim::api {

int64_t StoredSize(const Object& obj);

}  // namespace kubesim::api
