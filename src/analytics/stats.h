// Counts and supported share of recommendations grouped by up to three dimensions, over any
// selection (filters and an optional full-text query). Store-backed (SQL); exact: a
// recommendation with two recommending states of one region counts once for that region.
// Uses the caller's Store; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/filters.h"
#include "core/status.h"
#include "store/store.h"

namespace openupr::analytics {

enum class Dimension { kSur, kFrom, kSurRegion, kFromRegion, kSession, kCycle, kResponse,
                       kAction, kTheme };

// "sur", "from", "region" (= sur-region), "sur-region", "from-region", "session", "cycle",
// "response", "action", "theme".
std::optional<Dimension> ParseDimension(std::string_view name);
std::string_view DimensionName(Dimension d);

struct StatsRow {
  std::vector<std::string> keys;  // one per dimension: ISO3, region code, number, name, ...
  int64_t count = 0;
  int64_t supported = 0;
  int64_t noted = 0;
  int64_t other = 0;
  // supported / count; 0 when count is 0.
  double supported_share() const { return count ? static_cast<double>(supported) / count : 0; }
};

struct StatsRequest {
  std::vector<Dimension> by;  // 0 to 3
  Filters filters;
  std::string query;        // full-text query (search/query.h), may be empty
  bool sort_by_key = false;  // default: by count, descending, then key
  int64_t limit = 0;         // <= 0: all rows
};

struct StatsResult {
  std::vector<Dimension> by;
  StatsRow total;              // the whole selection (keys empty)
  std::vector<StatsRow> rows;  // one per group; empty when by is empty
  // Records of the selection counted under a predicted action category or predicted themes
  // (store/filter_sql.h kPredictedSql; 0 with Filters::source_labels_only).
  int64_t predicted = 0;
};

// kInvalidArgument for more than 3 or repeated dimensions or a bad query.
Result<StatsResult> ComputeStats(store::Store& store, const StatsRequest& request);

// Exact counts of records per value of one field over a selection.
struct FacetValue {
  std::string key;  // as a StatsRow key: ISO3, region code, number, theme name, "unknown", ...
  int64_t count = 0;
};
struct Facet {
  Dimension field = Dimension::kSur;
  // By count descending, then key (numbers as numbers); at most top_n. A record with several
  // values (recommending states, themes) counts once for each of them.
  std::vector<FacetValue> values;
};
struct FacetResponse {
  int64_t total = 0;          // records in the selection
  std::vector<Facet> facets;  // one per requested field, in request order
};

// Which records a facet counts.
enum class FacetScope {
  // Every field over the whole selection (the query and every filter).
  kSelection,
  // Each field over the query and every filter but the filter on that field itself, as faceted
  // search counts them: the values of a field stay listed while some are chosen, and a value's
  // count is the total its field gives with that value as its only choice. A field without a
  // filter is counted as with kSelection.
  kDisjunctive,
};

// The filter on the field a facet counts (Filters::sur for kSur, ::themes for kTheme, ...):
// whether filters set it, and filters without it.
bool HasFilterOn(const Filters& filters, Dimension field);
Filters WithoutFilterOn(const Filters& filters, Dimension field);

// Facets as one-dimension ComputeStats, one per field (the reference for the in-memory engine's
// one-pass facets). top_n <= 0: every value. total is always that of the whole selection.
// Errors as ComputeStats.
Result<FacetResponse> ComputeFacets(store::Store& store, const std::string& query,
                                    const Filters& filters, std::span<const Dimension> fields,
                                    int64_t top_n, FacetScope scope = FacetScope::kSelection);

}  // namespace openupr::analytics
