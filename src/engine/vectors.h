// Internal to engine/: the BM25-weighted term vectors of every record (similar.h says how they
// are weighted), held both by record (for a record's own vector) and by term (to score every
// record against a vector by walking the postings of its terms), and the repeat links computed
// from them. Made once per Index on first use; immutable after.
#pragma once

#include <cstdint>
#include <memory>
#include <roaring/roaring.hh>
#include <vector>

#include "core/status.h"
#include "engine/data.h"
#include "engine/similar.h"

namespace openupr::engine::internal {

struct Vectors {
  double avglen = 0;
  std::vector<double> idf;  // by term id
  // Record d's distinct terms (ascending) and their weights: [doc_begin[d], doc_begin[d+1]).
  std::vector<uint32_t> doc_begin;
  std::vector<uint32_t> doc_terms;
  std::vector<float> doc_weights;
  // Sum of the squared weights of each record, added in ascending term order (as a score's
  // dot product adds them, so that a record scores exactly 1 against itself).
  std::vector<double> doc_norm2;
  // Term t's records (ascending) and its weight in each: [post_begin[t], post_begin[t+1]).
  std::vector<uint32_t> post_begin;
  std::vector<uint32_t> post_docs;
  std::vector<float> post_weights;
};

// A repeat between two document numbers.
struct Link {
  uint32_t earlier = 0;
  uint32_t later = 0;
  double score = 0;
  bool same_from = false;
};

std::unique_ptr<Vectors> BuildVectors(const Data& data);

// The weight of a term (idf) seen f times in a text of len tokens (similar.h).
float TermWeight(double idf, uint32_t f, uint32_t len, double avglen);

// The records of candidates (every record when null) most similar to request's uid or text.
// kInvalidArgument (naming uid, text, limit or min_score) for a bad request, kNotFound for an
// unknown uid.
Result<SimilarResponse> FindSimilar(const Data& data, const Vectors& vectors,
                                    const SimilarRequest& request, const Roaring* candidates);

// Every repeat link with a score of at least kRepeatFloor (similar.h's rule), by later record.
std::vector<Link> FindRepeats(const Data& data, const Vectors& vectors);

// The links of at least min_score whose later record is in selection (every record when null),
// their chains and counts.
RepeatedResponse SummarizeRepeats(const Data& data, const std::vector<Link>& links,
                                  const Roaring* selection, double min_score);

}  // namespace openupr::engine::internal
