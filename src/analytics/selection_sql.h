// Internal to analytics/: a selection of recommendations (filters and an optional full-text
// query, search/query.h) as a SQL condition on the recommendation table (alias r), and the
// running of a statement that holds it. Shared by ComputeStats and ComputeDyads so that both
// select exactly alike. Uses the caller's Store; not thread-safe.
#pragma once

#include <functional>
#include <string>

#include "core/filters.h"
#include "core/status.h"
#include "store/filter_sql.h"
#include "store/store.h"

namespace openupr::analytics::internal {

struct SelectionSql {
  std::string query;  // as the user gave it, for error messages
  std::string where;  // a condition on r; its values are bound by Run
  std::string match;  // the FTS5 expression bound first, empty without a text query
  store::SqlCondition filter;

  // Runs sql, in which where appears once and is the only source of parameters, calling
  // on_row for each row. A full-text query SQLite refuses is kInvalidArgument naming it;
  // other errors are the store's.
  Status Run(store::Store& store, const std::string& sql,
             const std::function<void(store::Statement&)>& on_row) const;
};

// kInvalidArgument for a bad query; the store's error when the full-text index cannot be
// brought up to date (Store::EnsureFullTextIndex, only with a text query).
Result<SelectionSql> MakeSelectionSql(store::Store& store, const std::string& query,
                                      const Filters& filters);

}  // namespace openupr::analytics::internal
