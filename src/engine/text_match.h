// Internal to engine/: a parsed full-text query (search/query.h) resolved against an index, with
// the semantics of the SQL backend's FTS5 MATCH:
//  - words and phrases become phrases of stemmed terms (core::Tokenizer, as the FTS5 tokenizer
//    does for a quoted string: "ill-treatment" is the phrase "ill treatment"); a prefix word is
//    folded without stemming and its last term matches every indexed term it begins;
//  - a phrase matches where its terms stand at consecutive positions;
//  - AND, OR and NOT as FTS5 evaluates "(a AND b) NOT c", a lone NOT as the SQL's NOT IN.
// Scores are FTS5's bm25() with its phrase order (the order of search::ToFts5) and its notion
// of which phrases count in a row, which is not simply "the phrase occurs in the row": FTS5
// reports a phrase's hits only where the iterator of the phrase stands on the row, so a phrase
// in an OR branch that does not match the row does not count, and the excluded side of a NOT
// whose left side matches nothing is left standing on its first row and counts there.
// Replay() walks the expression exactly as fts5_expr.c does to learn this.
// Score and Snippet are const and may run from many threads, once Replay() has run.
#pragma once

#include <string>
#include <vector>

#include "engine/data.h"
#include "search/query.h"

namespace openupr::engine::internal {

class TextMatch {
 public:
  // query: a parsed query with a root (for a lone NOT, the NOT node itself). Keeps it.
  TextMatch(const Data& data, search::ParsedQuery query);

  // The records matching the query, over the whole index (filters come on top).
  const Roaring& matches() const { return matches_; }
  // False for a lone NOT: the SQL backend then orders by id with score 0 and shows whole texts.
  bool scored() const { return !negated_only_; }

  // True for a phrase or an AND of phrases (no OR, no NOT): FTS5 then reports every phrase on
  // every matching row, and Replay() has nothing to learn.
  bool simple() const { return simple_; }

  // Walks the expression as FTS5 does (fts5_replay.cpp), recording which phrases it reports on
  // each matching row. Needed by Score and Snippet; only for a scored query.
  void Replay();
  // Score(docs[i]) into scores[i] for every i, for a simple() query; docs ascending, all
  // matching. Reads phrase frequencies from the postings' term frequencies (or the tokens, when
  // there are few docs) instead of each record's tokens.
  void ScoreDocs(const std::vector<uint32_t>& docs, std::vector<double>& scores) const;
  // -bm25() of FTS5 for record d, which must match. scratch: a buffer for the caller to reuse;
  // cursor: 0 at first, then passed back, when the caller scores records in ascending order.
  double Score(uint32_t d, std::vector<uint64_t>& scratch, size_t* cursor = nullptr) const;
  // A window of up to 32 tokens around the best group of matches, matched phrases between
  // search::kMarkBegin and kMarkEnd, "…" where the text is cut (FTS5's snippet() algorithm).
  std::string Snippet(uint32_t d) const;

 private:
  struct Phrase {
    uint32_t first_bit = 0;  // bit of its first term in the term masks; one bit per term
    uint32_t length = 0;     // terms
    std::vector<std::vector<uint32_t>> terms;  // per position: the term ids that match there
    double idf = 0;
    Roaring docs;  // records holding the phrase
    std::vector<uint16_t> counts;  // a phrase of 2+ terms: occurrences in each of docs, in order
  };

  void Collect(const search::QueryNode& node);
  Roaring Eval(const search::QueryNode& node);
  Roaring EvalPhrase(Phrase& p);
  // The candidates holding phrase p (one term per position), from the terms' stored positions;
  // fills p.counts.
  Roaring PhraseByPositions(Phrase& p, const Roaring& candidates);
  // The phrases FTS5 reports on row d, a bit per phrase (Replay()); null if it never stops there.
  // cursor (optional): where the previous, smaller d was found.
  const uint64_t* Reported(uint32_t d, size_t* cursor = nullptr) const;
  // Prefetches the tokens of the records a few places after docs[i] (they are cache misses).
  void Prefetch(const std::vector<uint32_t>& docs, size_t i) const;
  // Per-token masks of record d into masks (words_ per token); returns the token count.
  uint32_t Masks(uint32_t d, std::vector<uint64_t>& masks) const;
  // Occurrences of phrase p in a record given its token masks; stops at the first if first_only.
  uint32_t Count(const Phrase& p, const uint64_t* masks, uint32_t tokens, bool first_only) const;
  // BM25 of one record from its phrase frequencies (FTS5's arithmetic, term for term).
  double Bm25(const uint32_t* freq, uint32_t tokens) const;
  static bool IsSimple(const search::QueryNode& node);

  const Data& data_;
  search::ParsedQuery query_;
  const search::QueryNode& top_;  // the expression FTS5 sees (a lone NOT's child)
  bool negated_only_ = false;
  bool simple_ = false;
  std::vector<Phrase> phrases_;                   // in FTS5's order
  std::vector<const search::QueryNode*> leaves_;  // the node of each phrase
  // Which phrase terms each query term may stand for: term_masks_[i * words_ + w] for the term
  // query_terms_[i], a bit per phrase term; term_filter_ has bit (t % 4096) of every query term.
  static constexpr uint32_t kFilterWords = 64;
  std::vector<uint32_t> query_terms_;
  std::vector<uint64_t> term_masks_;
  uint64_t term_filter_[kFilterWords] = {};
  std::vector<uint64_t> zero_mask_;
  // Made by Replay() (queries with OR or NOT, whose every match is scored from its tokens): the
  // masks of every term id, t * words_ + w.
  std::vector<uint64_t> dense_masks_;
  uint32_t words_ = 1;
  Roaring matches_;
  // Replay(): the rows FTS5 stops on (ascending), with reported_words_ words of phrase bits each.
  std::vector<uint32_t> replay_rows_;
  std::vector<uint64_t> reported_;
  uint32_t reported_words_ = 1;
  std::vector<uint64_t> all_reported_;  // simple(): every phrase, on every row
  double avgdl_ = 0;
};

}  // namespace openupr::engine::internal
