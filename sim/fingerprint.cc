#include "sim/fingerprint.h"

namespace kubesim::sim {
namespace {

constexpr uint64_t kFnvPrime = 0x100000001b3ull;

uint64_t FnvByte(uint64_t h, unsigned char b) { return (h ^ b) * kFnvPrime; }

uint64_t FnvU64(uint64_t h, uint64_t v) {
  for (int i = 0; i < 8; ++i) h = FnvByte(h, static_cast<unsigned char>(v >> (8 * i)));
  return h;
}

}  // namespace

void Fingerprint::Mix(unsigned char tag, uint64_t v) { state_ = FnvU64(FnvByte(state_, tag), v); }

void Fingerprint::Add(std::string_view bytes) {
  Mix('s', bytes.size());
  for (const char c : bytes) state_ = FnvByte(state_, static_cast<unsigned char>(c));
}

void Fingerprint::Add(int64_t v) { Mix('i', static_cast<uint64_t>(v)); }
void Fingerprint::Add(uint64_t v) { Mix('u', v); }
void Fingerprint::Add(Time t) { Mix('t', static_cast<uint64_t>(t.nanos())); }
void Fingerprint::Add(Duration d) { Mix('d', static_cast<uint64_t>(d.nanos())); }

uint64_t Fingerprint::value() const {
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::string Fingerprint::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  const uint64_t v = value();
  std::string out(16, '0');
  for (int i = 0; i < 16; ++i) out[15 - i] = kDigits[(v >> (4 * i)) & 0xf];
  return out;
}

}  // namespace kubesim::sim
