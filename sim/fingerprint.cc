#include "sim/fingerprint.h"

namespace kubesim::sim {

void Fingerprint::Mix(unsigned char tag, uint64_t v) { state_.AddByte(tag).AddLittleEndian64(v); }

void Fingerprint::Add(std::string_view bytes) {
  Mix('s', bytes.size());
  state_.Add(bytes);
}

void Fingerprint::Add(int64_t v) { Mix('i', static_cast<uint64_t>(v)); }
void Fingerprint::Add(uint64_t v) { Mix('u', v); }
void Fingerprint::Add(Time t) { Mix('t', static_cast<uint64_t>(t.nanos())); }
void Fingerprint::Add(Duration d) { Mix('d', static_cast<uint64_t>(d.nanos())); }

uint64_t Fingerprint::value() const { return SplitMix64Finalize(state_.value()); }

std::string Fingerprint::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  const uint64_t v = value();
  std::string out(16, '0');
  for (int i = 0; i < 16; ++i) out[15 - i] = kDigits[(v >> (4 * i)) & 0xf];
  return out;
}

}  // namespace kubesim::sim
