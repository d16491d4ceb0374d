#include "store/ids.h"

#include <array>
#include <cstdio>
#include <cstdlib>

#include <sodium.h>

namespace ketaclinic::store {

void EnsureSodium() {
  // sodium_init is itself safe to call repeatedly; the static makes it run once.
  static const int kInitialized = sodium_init();
  if (kInitialized < 0) {
    std::fputs("libsodium could not be initialized\n", stderr);
    std::abort();
  }
}

std::string NewId() {
  EnsureSodium();
  std::array<uint8_t, 16> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4 (RFC 9562 §5.4)
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // variant 10
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string id;
  id.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    id.push_back(kDigits[bytes[i] >> 4]);
    id.push_back(kDigits[bytes[i] & 0x0f]);
  }
  return id;
}

uint32_t RandomBelow(uint32_t upper) {
  EnsureSodium();
  return randombytes_uniform(upper);
}

}  // namespace ketaclinic::store
