// Generated and validated object-name parts, defined once for every component that makes or checks
// names.
//
// The vowel-free alphabet is upstream's `alphanums` (kubernetes/apimachinery
// pkg/util/rand/rand.go @ v0.32): generated names (String(n), the apiserver's generateName) and
// hash-derived ones (SafeEncodeString, the Deployment pod-template-hash) use it so they are
// unlikely to spell words.
#pragma once

#include <string>
#include <string_view>

#include "sim/random.h"

namespace kubesim::api {

inline constexpr std::string_view kAlphanums = "bcdfghjklmnpqrstvwxz2456789";

// n characters of kAlphanums, each drawn with one rng.UniformInt(kAlphanums.size()). Upstream's
// String(n) takes the same alphabet uniformly but slices five-bit indices out of math/rand Int63
// draws, so the characters (not their distribution) differ from upstream's for any seed.
std::string RandomString(sim::Rng& rng, int n);

// A string of decimal digits with digit d written as kAlphanums[d] ("0" -> "b", "9" -> "m").
// kubesim's stand-in for upstream's SafeEncodeString(fmt.Sprint(hash)), which indexes by the
// digit's code point (kAlphanums[c % 27]: "0" -> "4", "9" -> "f"): the same alphabet and length
// but other characters. The Deployment pod-template-hash depends on it (as it is not upstream's
// value anyway: models/controllers/deployment.h), so changing it changes the names of every
// ReplicaSet and its pods, and every golden fingerprint. REQUIRES: `digits` holds only '0'..'9'.
std::string SafeEncodeDigits(std::string_view digits);

// A lowercase RFC 1123 subdomain as the names of most kinds must be: 1 to 253 characters of
// a-z, 0-9, '-' and '.', starting and ending with a letter or digit. Looser than upstream's
// IsDNS1123Subdomain (kubernetes/apimachinery pkg/util/validation/validation.go @ v0.32), whose
// regex also rejects a '-' or '.' next to a '.' ("a..b", "a.-b").
bool IsDnsSubdomain(std::string_view s);

}  // namespace kubesim::api
