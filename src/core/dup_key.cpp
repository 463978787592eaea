#include "core/dup_key.h"

#include <xxhash.h>

#include "core/text.h"

namespace openupr {
namespace {

std::string Digest(const std::string& key) {
  XXH128_canonical_t canonical;  // big-endian bytes: the same hex on every machine
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(key.data(), key.size()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * sizeof(canonical.digest), '\0');
  for (size_t i = 0; i < sizeof(canonical.digest); ++i) {
    hex[2 * i] = kHex[canonical.digest[i] >> 4];
    hex[2 * i + 1] = kHex[canonical.digest[i] & 15];
  }
  return hex;
}

}  // namespace

std::string RecommendationKey(const Recommendation& rec) {
  std::string key = rec.sur + "|";
  for (size_t i = 0; i < rec.from.size(); ++i) {
    if (i) key += ';';
    key += rec.from[i].iso3.empty() ? "?" + FoldText(rec.from[i].raw_name) : rec.from[i].iso3;
  }
  return Digest(key + "|" + std::to_string(rec.session) + "|" + TextKey(rec.text));
}

std::string PledgeKey(const Pledge& p) {
  return Digest(p.state + "|" + std::to_string(p.session) + "|" + TextKey(p.text));
}

}  // namespace openupr
