// The side-by-side benchmark's view of a query backend (bench/side_by_side.cpp): the same
// questions, asked of OpenUPR's engine, SQLite FTS5 or PostgreSQL, answered with counts only, so
// that the runner can time them and check that the backends agree.
//
// To add a backend, fill a Backend with three functions and push it into the runner's list
// (MakeBackends in side_by_side.cpp); the first backend in the list is the one every ratio is
// relative to. A backend is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analytics/stats.h"
#include "core/filters.h"
#include "core/status.h"

namespace openupr::bench {

using analytics::Dimension;

// Which recommendations a query is about: those matching the full-text query (the language of
// search/query.h; empty = every record) and the filters.
struct Selection {
  std::string text;
  Filters filters;
};

// (1) text only, (2) text + filters: how many records match, and the `limit` best by rank (BM25,
// ts_rank, ...; by id without text).
struct SearchQuery {
  Selection selection;
  int limit = 10;
};

// (3) facets only, (4) text + facets + top hits: how many records match, and for each facet the
// number of matching records per value (a record with two themes counts under both; one with two
// recommending states of one region counts once for that region), plus the `limit` best hits.
struct FacetQuery {
  Selection selection;
  std::vector<Dimension> facets;
  int limit = 0;  // 0: no hits
};

// (5) group-by, (6) dyadic matrix: records per combination of up to three dimensions, with how
// many of them were supported; the `limit` largest groups (ties by key), all when limit <= 0.
struct GroupQuery {
  Selection selection;
  std::vector<Dimension> by;
  int64_t limit = 0;
};

// What a backend answers: counts that must agree across backends (up to tokenizer differences
// for text queries), and sizes.
struct Answer {
  int64_t total = 0;      // records selected (search, facets; 0 for group-by)
  int64_t hits = 0;       // hits returned
  int64_t rows = 0;       // facet values or groups returned
  int64_t counted = 0;    // sum of the counts of those rows
  int64_t supported = 0;  // sum of the supported counts of the group rows
};

struct Backend {
  std::string name;
  std::function<Result<Answer>(const SearchQuery&)> search;
  std::function<Result<Answer>(const FacetQuery&)> facets;
  std::function<Result<Answer>(const GroupQuery&)> group_by;
};

}  // namespace openupr::bench
