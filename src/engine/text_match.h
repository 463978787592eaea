// Internal to engine/: a parsed full-text query (search/query.h) resolved against an index, with
// the semantics of the SQL backend's FTS5 MATCH:
//  - words and phrases become phrases of stemmed terms (core::Tokenizer, as the FTS5 tokenizer
//    does for a quoted string: "ill-treatment" is the phrase "ill treatment"); a prefix word is
//    folded without stemming and its last term matches every indexed term it begins;
//  - a phrase matches where its terms stand at consecutive positions;
//  - AND, OR and NOT as FTS5 evaluates "(a AND b) NOT c", a lone NOT as the SQL's NOT IN.
// Scores are FTS5's bm25() with its phrase order (the order of search::ToFts5) and its notion
// of which phrases count in a row: a phrase counts only where the branch holding it matches.
// A TextMatch is read-only once built: Score and Snippet may run from many threads.
#pragma once

#include <string>
#include <vector>

#include "engine/data.h"
#include "search/query.h"

namespace openupr::engine::internal {

class TextMatch {
 public:
  // root: a non-null parsed query (for a lone NOT, the NOT node itself).
  TextMatch(const Data& data, const search::QueryNode& root);

  // The records matching the query, over the whole index (filters come on top).
  const Roaring& matches() const { return matches_; }
  // False for a lone NOT: the SQL backend then orders by id with score 0 and shows whole texts.
  bool scored() const { return !negated_only_; }

  // -bm25() of FTS5 for record d, which must match. scratch: a buffer for the caller to reuse.
  double Score(uint32_t d, std::vector<uint64_t>& scratch) const;
  // A window of up to 32 tokens around the best group of matches, matched phrases between
  // search::kMarkBegin and kMarkEnd, "…" where the text is cut (FTS5's snippet() algorithm).
  std::string Snippet(uint32_t d) const;

 private:
  struct Phrase {
    uint32_t first_bit = 0;  // bit of its first term in the term masks; one bit per term
    uint32_t length = 0;     // terms
    std::vector<std::vector<uint32_t>> terms;  // per position: the term ids that match there
    bool negated = false;    // under a NOT: never counted
    std::vector<uint32_t> gates;  // indexes into gates_ that must hold the record
    double idf = 0;
    Roaring docs;  // records holding the phrase
  };

  void Collect(const search::QueryNode& node, bool negated);
  Roaring Eval(const search::QueryNode& node, const std::vector<uint32_t>& gates);
  Roaring EvalPhrase(Phrase& p);
  // Per-token masks of record d into masks (words_ per token); returns the token count.
  uint32_t Masks(uint32_t d, std::vector<uint64_t>& masks) const;
  // Occurrences of phrase p in a record given its token masks; stops at the first if first_only.
  uint32_t Count(const Phrase& p, const uint64_t* masks, uint32_t tokens, bool first_only) const;
  bool Active(const Phrase& p, uint32_t d) const;

  const Data& data_;
  bool negated_only_ = false;
  std::vector<Phrase> phrases_;  // in FTS5's order
  std::vector<const search::QueryNode*> leaves_;  // the node of each phrase
  // Which phrase term each term id may stand for: term_masks_[t * words_ + w], bit = phrase term.
  std::vector<uint64_t> term_masks_;
  uint32_t words_ = 1;
  std::vector<Roaring> gates_;  // records matching the composite branches of OR nodes
  Roaring matches_;
  double avgdl_ = 0;
};

}  // namespace openupr::engine::internal
