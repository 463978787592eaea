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

// The key's text is built in one buffer per thread, reused: an import computes a key for every
// row.
std::string RecommendationKey(const Recommendation& rec) {
  thread_local std::string key;
  key.assign(rec.sur);
  key += '|';
  for (size_t i = 0; i < rec.from.size(); ++i) {
    if (i) key += ';';
    if (rec.from[i].iso3.empty()) {
      key += '?';
      key += FoldText(rec.from[i].raw_name);
    } else {
      key += rec.from[i].iso3;
    }
  }
  key += '|';
  key += std::to_string(rec.session);
  key += '|';
  AppendTextKey(rec.text, key);
  return Digest(key);
}

std::string PledgeKey(const Pledge& p) {
  thread_local std::string key;
  key.assign(p.state);
  key += '|';
  key += std::to_string(p.session);
  key += '|';
  AppendTextKey(p.text, key);
  return Digest(key);
}

}  // namespace openupr
