#include "core/dup_key.h"

#include "core/hash.h"
#include "core/text.h"

namespace openupr {

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
  return Xxh3Hex128(key);
}

std::string PledgeKey(const Pledge& p) {
  thread_local std::string key;
  key.assign(p.state);
  key += '|';
  key += std::to_string(p.session);
  key += '|';
  AppendTextKey(p.text, key);
  return Xxh3Hex128(key);
}

}  // namespace openupr
