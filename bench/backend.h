// The side-by-side benchmark's view of a query backend (bench/side_by_side.cpp): the same
// questions, asked of OpenUPR's engine, SQLite FTS5 or PostgreSQL, answered with counts only, so
// that the runner can time them and check that the backends agree.
//
// To add a backend, fill a Backend with its functions (those it cannot answer left empty: the
// runner skips them) and push it into the runner's list (MakeBackends in side_by_side.cpp); the
// first backend in the list is the one every ratio is relative to. A backend is used by one
// thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
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

// (7)-(9) the vote and politicization measures of issue 15, over the whole record (every roll
// call, every recommendation), as bench/vote_sql.h defines them row by row:
enum class Measure {
  kAgreement,  // the state x state agreement matrix: per pair, roll calls both voted, alike
  kCohesion,   // Hix-Noury-Roland cohesion of each regional group: roll calls, mean AI
  kSeverity,   // per (recommending state, state under review): count, action, noted
};

// What a backend answers: counts that must agree across backends (up to tokenizer differences
// for text queries), and sizes.
struct Answer {
  int64_t total = 0;      // records selected (search, facets; 0 for group-by)
  int64_t hits = 0;       // hits returned
  int64_t rows = 0;       // facet values or groups returned; the measures' rows
  int64_t counted = 0;    // sum of the counts of those rows (measures: see FoldMeasure)
  int64_t supported = 0;  // sum of the supported counts of the group rows (measures: see there)
  // The measures: an order-independent hash of every row of the result (bench/vote_sql.h), so
  // that two backends agree only if every row does.
  uint64_t digest = 0;
  // Severity: the hash of each pair's action sums (records with an action, their sum); 0 when the
  // backend does not compute them (then it is not compared).
  uint64_t action_digest = 0;
  double mean = 0;  // the measures: a summary value to print (mean AI, mean action)
  // The backend's own timing of the call, when the runner's clock would count more than the
  // query (a pipe to another process); the runner then uses it.
  std::optional<double> self_ms;
};

struct Backend {
  std::string name;
  std::function<Result<Answer>(const SearchQuery&)> search;
  std::function<Result<Answer>(const FacetQuery&)> facets;
  std::function<Result<Answer>(const GroupQuery&)> group_by;
  // Computes the measure over the whole record and reads its whole result. With fold, the
  // result's rows are folded into the Answer (rows, digest, ...) after the work is done; without
  // (the timed runs), only self_ms is set, if anything.
  std::function<Result<Answer>(Measure, bool fold)> measure;
};

}  // namespace openupr::bench
