// Similar and repeated recommendations (issue 16): every record as a vector of BM25-weighted
// terms over the engine's own tokens (core::Tokenizer: folded, Snowball-stemmed), compared by
// cosine similarity; and, over the whole record, the same recommendation made again to the same
// state under review in the next cycle, linked into chains (docs/similar.md).
//
// The vector of a text: for each distinct term t, w(t) = idf(t) * tf'(t), with
//   idf(t) = ln(1 + (N - n_t + 0.5) / (n_t + 0.5))      (N records, n_t of them hold t)
//   tf'(t) = f * (k1 + 1) / (f + k1 * (1 - b + b * len / avglen))   (k1 = 1.2, b = 0.75)
// where f is t's count in the text, len the text's token count and avglen the records' mean.
// A free text's terms the record never uses have n_t = 0 (they count in the text's norm, so a
// text made of new words is less similar to everything). The score of two texts is the cosine
// of their vectors, 0..1; two texts with the same tokens score exactly 1.
//
// Repeats: a record of cycle c+1 repeats a record of cycle c when both are made to the same
// state under review and their score is at least a threshold; each record takes part in at
// most one link per pair of cycles, chosen greedily by score (highest first; on a tie, a pair
// with a recommending state in common first, then by id), so the links at a threshold are those
// at any lower threshold with a score at or above it. Links follow each other into chains.
//
// The types here are what engine::Index's Similar and Repeated return (index.h); Index is
// thread-safe as it says, and builds the vectors on first use.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/filters.h"

namespace openupr::engine {

inline constexpr double kBm25K1 = 1.2;
inline constexpr double kBm25B = 0.75;
// The lowest threshold Repeated accepts (links are computed once, at this floor) and the default
// one, chosen on the hand-checked sample tests/data/repeated_sample.tsv (docs/similar.md).
inline constexpr double kRepeatFloor = 0.3;
inline constexpr double kRepeatThreshold = 0.45;
inline constexpr int64_t kMaxSimilarLimit = 1000;

struct SimilarRequest {
  // Exactly one of: a recommendation's uid (core/identity.h), or a free text.
  std::string uid;
  std::string text;
  // The candidates: the records matching query (search/query.h) and filters; all when empty.
  std::string query;
  Filters filters;
  int64_t limit = 10;      // 1..kMaxSimilarLimit
  double min_score = 0.0;  // hits below are left out (0: every record sharing a term)
};

struct SimilarHit {
  int64_t id = 0;
  double score = 0;  // cosine, 0..1
};

struct SimilarResponse {
  int64_t source_id = 0;      // the record of the uid; 0 for a free text
  int64_t candidates = 0;     // records matching query and filters
  int64_t total = 0;          // candidates scoring above 0 (and at least min_score)
  int64_t terms = 0;          // distinct terms of the text
  int64_t unknown_terms = 0;  // of them, terms no record holds
  // By score descending; on a tie the source record first, then by id.
  std::vector<SimilarHit> hits;
  // For a uid: the record it repeats in the cycle before, and the one repeating it in the
  // cycle after, at the default threshold (kRepeatThreshold; see Repeated); id 0 when none.
  SimilarHit repeat_of;
  SimilarHit repeated_as;
};

struct RepeatedRequest {
  // The links whose later record matches query and filters (all when empty).
  std::string query;
  Filters filters;
  double min_score = kRepeatThreshold;  // kRepeatFloor..1
};

// One repeat: earlier (cycle c) made again as later (cycle c+1) to the same state.
struct RepeatLink {
  int64_t earlier = 0;
  int64_t later = 0;
  double score = 0;
  bool same_from = false;  // the two share a (known) recommending state
};

struct RepeatChain {
  std::vector<int64_t> ids;    // oldest first
  std::vector<double> scores;  // ids.size() - 1 link scores
};

struct RepeatedResponse {
  double min_score = 0;
  // Later records: the selected records of a cycle c > 1 whose state under review has records
  // in cycle c - 1 (those that could repeat one); repeats: those linked to an earlier record.
  int64_t later_records = 0;
  int64_t repeats = 0;
  int64_t repeats_same_from = 0;
  // responses[a][b]: repeats whose earlier record's response is a and later one's b
  // (core/model.h Response: supported, noted, other); the same for those with a recommending
  // state in common.
  std::array<std::array<int64_t, 3>, 3> responses{};
  std::array<std::array<int64_t, 3>, 3> responses_same_from{};
  // actions[a][b]: by action category (0 unknown, 1..5).
  std::array<std::array<int64_t, 6>, 6> actions{};
  std::vector<RepeatLink> links;    // by later id
  std::vector<RepeatChain> chains;  // every chain holding a selected link, by its first id
};

}  // namespace openupr::engine
