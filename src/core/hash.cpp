#include "core/hash.h"

#include <xxhash.h>

namespace openupr {

std::string Xxh3Hex128(std::string_view bytes) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.data(), bytes.size()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * sizeof(canonical.digest), '\0');
  for (size_t i = 0; i < sizeof(canonical.digest); ++i) {
    hex[2 * i] = kHex[canonical.digest[i] >> 4];
    hex[2 * i + 1] = kHex[canonical.digest[i] & 15];
  }
  return hex;
}

}  // namespace openupr
