// SQL shared by the SQLite and PostgreSQL backends of the side-by-side benchmark: both hold the
// same tables (recommendation r, recommending_state, recommendation_theme, theme, state), so
// facets and group-bys are the same statements; only the full-text condition and the
// placeholders differ ("?" for SQLite, "$n" for PostgreSQL, see NumberPlaceholders).
// The filter condition is store::FilterCondition's, the one the CLI's search and stats use.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "bench/backend.h"
#include "search/query.h"

namespace openupr::bench {

using Param = std::variant<int64_t, std::string>;

// A statement with "?" placeholders and their values, in order.
struct SqlText {
  std::string sql;
  std::vector<Param> params;
};

// Turns a parsed full-text query into a condition on the recommendation r (for a lone NOT: the
// condition of its child; the caller negates), appending its parameters.
using MatchSql = std::function<std::string(const search::QueryNode&, std::vector<Param>&)>;

// The WHERE condition of a selection: the full-text condition (if any) AND the filters.
// kInvalidArgument for a query that does not parse.
Result<SqlText> WhereSql(const Selection& selection, const MatchSql& match);

// SELECT key, count: the records of the selection per value of one dimension.
SqlText FacetSql(const SqlText& where, Dimension facet);

// SELECT keys..., count, supported: records per combination of the dimensions, largest first,
// at most limit rows (all when limit <= 0). Multi-valued dimensions never count a record twice
// in one group.
SqlText GroupSql(const SqlText& where, const std::vector<Dimension>& by, int64_t limit);

// SELECT count(*) of the selection.
SqlText CountSql(const SqlText& where);

// "?" -> "$1", "$2", ... (the statements here have no "?" inside string literals).
std::string NumberPlaceholders(const std::string& sql);

}  // namespace openupr::bench
