// Duplicate keys: what makes two rows of the record the same recommendation (or pledge) for the
// importer, whichever file or import they come from. Stored in recommendation.dup_key and
// pledge.dup_key; the store recomputes them when a schema migration changes the definition.
#pragma once

#include <string>

#include "core/model.h"

namespace openupr {

// 32 hex characters: the 128-bit XXH3 hash of "SUR|FROM;FROM...|SESSION|TextKey(text)", where
// each FROM is a recommending state's ISO3, or "?" and its folded raw name when the source does
// not know the state. (A non-cryptographic hash: the keys are not secrets and nobody chooses
// them; at 2^128 values, two different rows of the whole record sharing one is not a concern.)
std::string RecommendationKey(const Recommendation& rec);
// The same for a pledge: "STATE|SESSION|TextKey(text)".
std::string PledgeKey(const Pledge& pledge);

}  // namespace openupr
