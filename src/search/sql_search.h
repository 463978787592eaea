// The store-backed search: SQLite FTS5 (BM25 ranking, snippets) joined with the attribute
// filters. The reference backend: the in-memory engine must give the same answers.
// Uses the caller's Store; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/filters.h"
#include "core/status.h"
#include "store/store.h"

namespace openupr::search {

// Highlight markers inside SearchHit::snippet (control characters, never in imported text).
inline constexpr char kMarkBegin = '\x02';
inline constexpr char kMarkEnd = '\x03';

struct SearchRequest {
  std::string query;  // the query language of query.h; empty = everything
  Filters filters;
  int64_t limit = 10;  // <= 0: no limit
  int64_t offset = 0;
  bool snippets = true;  // false: hits carry ids and scores only (snippet left empty)
};

struct SearchHit {
  int64_t id = 0;
  double score = 0;     // BM25, higher is better; 0 without a text query
  std::string snippet;  // text excerpt with kMarkBegin/kMarkEnd around matched terms
};

struct SearchResponse {
  int64_t total = 0;  // all matches, before limit/offset
  std::vector<SearchHit> hits;
};

// Errors: kInvalidArgument for a bad query or an unknown theme; store errors otherwise.
Result<SearchResponse> SqlSearch(store::Store& store, const SearchRequest& request);

// Checks filter values that only the data knows (theme names). kInvalidArgument lists the
// known values.
Status ValidateFilters(store::Store& store, Filters& filters);

// Snippet renderings: plain text with the given markers, or HTML-escaped with <mark>.
std::string RenderSnippet(const std::string& snippet, const std::string& begin,
                          const std::string& end);
std::string RenderSnippetHtml(const std::string& snippet);

}  // namespace openupr::search
