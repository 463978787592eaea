// The user's full-text query language, parsed into a tree that every search backend evaluates:
//   words          torture detention      (all words: implicit AND)
//   phrases        "death penalty"
//   prefixes       discrimin*
//   operators      AND, OR, NOT (upper case), parentheses; NOT binds tightest, then AND, then OR
//   a query that is only NOT x matches every record without x.
// Parentheses nest at most kMaxQueryDepth levels: everything that walks the tree (the parser,
// ToFts5, the engine's evaluation, the tree's destruction) recurses once per level, so the limit
// bounds their stack whatever the input.
// Parsing is thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace openupr::search {

// The deepest nesting of parentheses a query may have (docs/cli.md).
inline constexpr int kMaxQueryDepth = 64;

struct QueryNode {
  enum class Kind { kTerm, kPhrase, kAnd, kOr, kNot };
  Kind kind = Kind::kTerm;
  std::vector<std::string> words;  // kTerm: one word; kPhrase: its words (as typed)
  bool prefix = false;             // kTerm only
  std::vector<std::unique_ptr<QueryNode>> children;  // kAnd/kOr: 2+; kNot: 1
};

struct ParsedQuery {
  std::unique_ptr<QueryNode> root;  // null for an empty query
  // True when root is a lone NOT: the query matches what its child does not.
  bool negated_only() const { return root && root->kind == QueryNode::Kind::kNot; }
};

// kInvalidArgument with the position (1-based character) and what was expected; also for
// parentheses nested deeper than kMaxQueryDepth (naming the first '(' too deep).
Result<ParsedQuery> ParseQuery(std::string_view text);

// The FTS5 MATCH expression of a tree (for a lone NOT: of its child). Words are quoted so that
// FTS5 passes them to the tokenizer as they are.
std::string ToFts5(const QueryNode& node);

// True if text holds at least one searchable term (a run of letters or digits, as the
// tokenizer of core/text.h reads them). Thread-safe.
bool HasSearchableTerms(std::string_view text);

}  // namespace openupr::search
